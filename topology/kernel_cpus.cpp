// stub: topology/kernel_cpus (being written)

// stub: topology/hwloc_loader (being written)

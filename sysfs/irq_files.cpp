// stub: sysfs/irq_files (being written)

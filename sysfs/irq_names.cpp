// stub: sysfs/irq_names (being written)

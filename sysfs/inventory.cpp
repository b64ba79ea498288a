// stub: sysfs/inventory (being written)

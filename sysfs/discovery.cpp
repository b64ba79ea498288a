// stub: sysfs/discovery (being written)

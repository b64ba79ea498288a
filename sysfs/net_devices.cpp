// stub: sysfs/net_devices (being written)

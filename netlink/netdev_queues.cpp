// stub: netlink/netdev_queues (being written)

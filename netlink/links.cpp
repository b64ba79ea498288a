// stub: netlink/links (being written)

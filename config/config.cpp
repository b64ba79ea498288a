// stub: config/config (being written)

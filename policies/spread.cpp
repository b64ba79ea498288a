// stub: policies/spread (being written)

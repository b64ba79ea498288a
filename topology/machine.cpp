// stub: topology/machine (being written)

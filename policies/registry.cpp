// stub: policies/registry (being written)

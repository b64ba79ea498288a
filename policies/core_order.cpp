// stub: policies/core_order (being written)

// stub: policies/plan (being written)

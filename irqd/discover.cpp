// stub: irqd/discover (being written)

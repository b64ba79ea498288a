// stub: irqd/engine (being written)

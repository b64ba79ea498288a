// stub: irqd/logging (being written)

// stub: irqd/report_text (being written)

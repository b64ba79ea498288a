// stub: irqd/report_json (being written)

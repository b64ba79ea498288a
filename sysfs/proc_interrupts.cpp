// stub: sysfs/proc_interrupts (being written)

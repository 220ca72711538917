"""Pure domain rules: text, IDs, codes, calendar, lifecycle and fees (no I/O)."""

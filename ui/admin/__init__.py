"""Settings and administration: printers of this PC, catalogue, calendar, officials."""

"""The dossier list: search, filters, details and reprint."""

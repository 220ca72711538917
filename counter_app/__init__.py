"""Counter application core (headless)."""

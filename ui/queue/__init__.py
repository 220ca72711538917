"""Queue screens: kiosk, counter panel, hall display, spoken calls, statistics."""

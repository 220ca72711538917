"""The sync status in the status bar, "Sync now", the needs-attention list, enrolment."""

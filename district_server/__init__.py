"""The upstream ("district") server: enrolment, sync, change log, citizen lookup page."""

"""Core ``Table`` handles of the models, for bulk statements."""

from __future__ import annotations

from sqlalchemy import Table

from district_server.models import (
    AuditEntry,
    ChangeLogEntry,
    Device,
    EnrolCode,
    PublishedProcedure,
    QuarantinedEvent,
    Rejection,
    ServerDossier,
    ServerEvent,
    UpstreamCalendarOverride,
    Ward,
)


def _t(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


WARDS = _t(Ward)
DEVICES = _t(Device)
ENROL_CODES = _t(EnrolCode)
EVENTS = _t(ServerEvent)
QUARANTINE = _t(QuarantinedEvent)
REJECTIONS = _t(Rejection)
DOSSIERS = _t(ServerDossier)
CHANGES = _t(ChangeLogEntry)
AUDIT = _t(AuditEntry)
CALENDAR = _t(UpstreamCalendarOverride)
CATALOGUE = _t(PublishedProcedure)

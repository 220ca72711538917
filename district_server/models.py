"""The server's own tables (a registry separate from the counter's store).

Times are UTC ISO-8601 text, as on the device (``counter_app.domain.clock.to_db``): they sort
as text and read the same on SQLite and PostgreSQL. Schema changes go through the Alembic
migrations in ``district_server/migrations``; these classes must match them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from counter_app.domain.dossier import DossierBase


class ServerModel(SQLModel, registry=registry()):
    """Base of the server's tables; its metadata is not the desktop store's."""


class Ward(ServerModel, table=True):
    """A ward or commune (agency) whose counters sync here."""

    __tablename__ = "wards"
    id: int | None = Field(default=None, primary_key=True)
    agency_code: str = Field(unique=True, max_length=20)
    name: str = Field(max_length=200)
    # Last change-log seq handed out; bumped under this row's lock (see services/changelog.py).
    last_change_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    created_at: str


class Device(ServerModel, table=True):
    """An enrolled counter PC; its credential is bound to one ward."""

    __tablename__ = "devices"
    __table_args__ = (Index("ix_devices_ward_counter", "ward_id", "counter_no"),)
    device_id: str = Field(primary_key=True, max_length=36)
    ward_id: int = Field(foreign_key="wards.id", index=True)
    name: str = Field(max_length=100)
    app_version: str = Field(default="", max_length=40)
    token_hash: str = Field(unique=True, max_length=64)  # sha256 hex of a 256-bit token
    counter_no: int
    code_range_start: int
    code_range_end: int
    revoked: bool = False
    revoked_at: str | None = None
    enrolled_at: str
    last_seen_at: str | None = None
    last_ip: str = ""
    last_applied_seq: int = 0  # contiguous watermark (docs/sync-protocol.md)
    max_seq_seen: int = 0
    clock_skew_s: float | None = None
    flags: str = ""  # comma-separated: clone_suspected, clock_skew, gap


class EnrolCode(ServerModel, table=True):
    """A one-time enrolment code, stored hashed; optionally pinned to a counter block."""

    __tablename__ = "enrol_codes"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True, max_length=64)
    ward_id: int = Field(foreign_key="wards.id")
    counter_no: int | None = None
    replace_device_id: str | None = Field(default=None, max_length=36)
    created_at: str
    expires_at: str
    used_at: str | None = None
    used_by: str | None = Field(default=None, max_length=36)


class ServerEvent(ServerModel, table=True):
    """An applied device event; identity is the device-made event_id."""

    __tablename__ = "events"
    # event_id is unique per ward, not globally: a push's answer never depends on another
    # ward's data (docs/sync-protocol.md, "Idempotency").
    __table_args__ = (UniqueConstraint("device_id", "device_seq", name="uq_events_device_seq"),
                      UniqueConstraint("ward_id", "event_id", name="uq_events_ward_event"))
    id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(
        Integer, "sqlite"), primary_key=True, autoincrement=True))
    event_id: str = Field(max_length=36)
    device_id: str = Field(max_length=36)
    device_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    ward_id: int = Field(index=True)
    entity_type: str = Field(max_length=200)
    entity_uid: str = Field(max_length=200)
    type: str = Field(max_length=200)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    payload_hash: str = Field(max_length=64)
    device_time: str
    received_at: str
    state: str = Field(default="applied", max_length=20)


class QuarantinedEvent(ServerModel, table=True):
    """A second payload under an existing event_id: kept for review, never applied."""

    __tablename__ = "quarantined_events"
    __table_args__ = (UniqueConstraint("ward_id", "event_id", "payload_hash",
                                       name="uq_quarantine"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36, index=True)
    device_id: str = Field(max_length=36)
    device_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    ward_id: int
    type: str = Field(max_length=200)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    payload_hash: str = Field(max_length=64)
    received_at: str
    state: str = Field(default="quarantined", max_length=20)


class Rejection(ServerModel, table=True):
    """An event refused with a reason (kept for the operator and the seq watermark)."""

    __tablename__ = "rejections"
    __table_args__ = (UniqueConstraint("device_id", "event_id", name="uq_rejections_event"),
                      Index("ix_rejections_device_seq", "device_id", "device_seq"))
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(max_length=36)
    ward_id: int
    event_id: str = Field(max_length=36)
    device_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str = Field(max_length=40)
    detail: str = ""
    received_at: str


class ServerDossier(DossierBase, ServerModel, table=True):
    """A ward's dossier, materialised from ``dossier.received`` (or created upstream).

    The shared fields come from ``DossierBase``; the four redeclared below only add the
    server's column widths, unique key and index.
    """

    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("ward_id", "code", name="uq_dossiers_ward_code"),
                      UniqueConstraint("ward_id", "uid", name="uq_dossiers_ward_uid"),
                      Index("ix_dossiers_received_at", "received_at"))
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="wards.id")
    code: str = Field(max_length=40)
    uid: str = Field(max_length=36)
    verify_token: str = Field(max_length=40)
    procedure_code: str = Field(max_length=60, index=True)
    components: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    source_event_id: str | None = None
    status_reason: str = ""
    created_at: str
    updated_at: str


class ChangeLogEntry(ServerModel, table=True):
    """The ward's change log; ``seq`` is dense per ward and commits in order."""

    __tablename__ = "change_log"
    ward_id: int = Field(primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=40)
    origin_device_id: str | None = Field(default=None, max_length=36)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON; "{}" for events
    event_ref: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: str


class UpstreamCalendarOverride(ServerModel, table=True):
    """A working-calendar override decided upstream for one ward (``calendar.override``)."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (UniqueConstraint("ward_id", "day", name="uq_calendar_overrides_ward_day"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="wards.id")
    day: str = Field(max_length=10)  # ISO date
    kind: str = Field(max_length=20)  # day_off | working_day
    name: str = Field(max_length=200)
    created_at: str
    updated_at: str


class PublishedProcedure(ServerModel, table=True):
    """A procedure version published to one ward (``catalogue.procedure``)."""

    __tablename__ = "catalogue_versions"
    __table_args__ = (UniqueConstraint("ward_id", "code", "effective_from",
                                       name="uq_catalogue_versions_ward_code_from"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="wards.id")
    code: str = Field(max_length=60)
    effective_from: str = Field(max_length=10)  # ISO date
    effective_to: str | None = Field(default=None, max_length=10)
    name: str
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the catalogue JSON item
    published_at: str
    updated_at: str


class AuditEntry(ServerModel, table=True):
    """Admin actions and refused requests (401/403/413/422/429)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(index=True)
    actor: str = Field(max_length=20)  # admin | device | anonymous | cli
    action: str = Field(max_length=60)
    status: int = 0
    reason: str = ""
    device_id: str | None = Field(default=None, max_length=36)
    ward_code: str | None = Field(default=None, max_length=20)
    ip: str = ""
    path: str = ""

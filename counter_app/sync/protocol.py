"""The sync wire protocol shared by the counter device and the upstream server (version 1).

Pure pydantic models and constants: no I/O, no database. See docs/sync-protocol.md for the
semantics of every field; this module is the single source of truth for the shapes.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Final, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from counter_app.domain.clock import to_db
from counter_app.domain.dossier import DOSSIER_FIELDS, DossierBase
from counter_app.sync.bounds import (
    EARLIEST,
    FIRST_DAY,
    LAST_DAY,
    LATEST,
    MAX_COUNT,
    MAX_CURSOR,
    MAX_DEVICE_SEQ,
    MAX_HOURS,
    MAX_LINE,
    MAX_MONEY,
    Day,
    Instant,
    PlainText,
    plain_text,
)

PROTOCOL_VERSION = 1
PROTOCOL: Final = "motcua-sync/1"
"""Marker present in every JSON reply of the server (successes and errors alike).

A reply without it (a captive portal's 200 HTML, a proxy's error page) is never ours and must
never be taken as an acknowledgement."""
API_PREFIX = "/api/v1"
MAX_BATCH = 500
MAX_PULL_LIMIT = 1000
DEFAULT_PULL_LIMIT = 500
SKEW_WARN_SECONDS = 300
"""Beyond this clock difference the server flags the device (never blocks it)."""

EVENT_TYPE_RE = re.compile(r"\A[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\Z")
"""Well-formed event type names, e.g. ``dossier.received``; unknown but well-formed types are
stored as applied events (forward compatibility), malformed ones are rejected."""
MATERIALIZED_TYPES = frozenset({"dossier.received"})
"""Event types the server turns into rows of its own (today: the ward's dossiers)."""


_Str = Annotated[str, StringConstraints(min_length=1, max_length=200), PlainText]
_Hash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class RejectReason(StrEnum):
    """Why one event of a batch was rejected (the others are not affected)."""

    BAD_HASH = "bad_hash"  # sha256(payload) != payload_hash: corrupted or truncated in transit
    BAD_JSON = "bad_json"  # payload is not a JSON object
    NOT_CANONICAL = "not_canonical"  # valid JSON but not canonical_json's exact text
    BAD_TYPE = "bad_type"  # malformed event type name
    INVALID_EVENT = "invalid_event"  # the event's envelope breaks EventIn (bounds, types)
    INVALID_PAYLOAD = "invalid_payload"  # a known type whose payload misses/garbles fields
    CODE_OUT_OF_RANGE = "code_out_of_range"  # dossier code outside the device's reserved block
    CODE_COLLISION = "code_collision"  # the ward already has this code for another dossier
    SEQ_REUSED = "device_seq_reused"  # another event already holds this device_seq


class ChangeKinds(StrEnum):
    """Kinds of entries in the ward's change log (the values of ``Change.kind``)."""

    DOSSIER_STATUS = "dossier.status"
    DOSSIER_UPSERT = "dossier.upsert"
    CATALOGUE_PROCEDURE = "catalogue.procedure"
    CALENDAR_OVERRIDE = "calendar.override"
    EVENT = "event"


ChangeKind = Literal[
    "dossier.status", "dossier.upsert", "catalogue.procedure", "calendar.override", "event"
]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Reply(BaseModel):
    """Replies ignore unknown fields, so a newer server can add some without breaking a device."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    protocol: Literal["motcua-sync/1"] = PROTOCOL


class EventIn(_Wire):
    """One outbox event exactly as stored on the device."""

    event_id: UUID
    device_seq: int = Field(ge=1, le=MAX_DEVICE_SEQ, strict=True)
    entity_type: _Str
    entity_uid: _Str
    type: _Str
    payload: Annotated[str, StringConstraints(max_length=1_000_000)]
    """The canonical JSON text, byte for byte as the device hashed it."""
    payload_hash: _Hash
    device_time: Instant


class PushRequest(_Wire):
    """A batch of events of one device, in device_seq order."""

    device_id: UUID
    events: list[EventIn] = Field(max_length=MAX_BATCH)
    client_time: Instant


class ItemVerdict(_Wire):
    """An event that was not applied, and why."""

    event_id: UUID
    reason: str
    detail: str = ""


class Gap(_Wire):
    """A hole in the device's sequence: seqs ``expected`` .. ``got - 1`` never arrived."""

    expected: int
    got: int


class PushResult(_Reply):
    """The verdict on a batch, sent only after the server committed it.

    ``acked`` and ``duplicates`` are both acknowledgements (the server holds the event);
    ``conflicts`` and ``rejected`` are not (surface them, do not resend blindly).
    """

    acked: list[UUID] = Field(default_factory=list)
    duplicates: list[UUID] = Field(default_factory=list)
    conflicts: list[ItemVerdict] = Field(default_factory=list)
    rejected: list[ItemVerdict] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    last_applied_seq: int
    server_time: AwareDatetime
    clock_skew_seconds: float = 0.0


class CodeRangeOut(_Wire):
    """An inclusive block of daily dossier-code sequence numbers."""

    start: int
    end: int


class DeviceStatus(_Reply):
    """What the server holds for the calling device."""

    device_id: UUID
    device_name: str
    ward_code: str
    ward_name: str
    counter_no: int
    code_range: CodeRangeOut
    last_applied_seq: int
    """Every device_seq 1..N is settled on the server (applied, quarantined or rejected).
    If it is below the highest seq the device holds as acked, the server lost data (restored
    from an older backup): the device must resend its acked events above N."""
    max_seq_seen: int
    open_gaps: list[Gap] = Field(default_factory=list)
    revoked: bool = False
    server_time: AwareDatetime
    clock_skew_seconds: float | None = None


class Change(BaseModel):
    """One entry of the ward's change log; ``seq`` is server-assigned and dense per ward.

    Open to the future: a newer server may add kinds (``ChangeKind`` lists today's) and
    fields; an older device ignores what it does not know instead of failing the whole page.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    seq: int
    kind: str
    origin_device_id: UUID | None = None
    created_at: AwareDatetime
    payload: dict[str, Any]


class ChangesPage(_Reply):
    """A page of the change log after ``cursor``; store ``next_cursor`` with the applied data."""

    changes: list[Change]
    next_cursor: int
    has_more: bool
    last_seq: int
    """The ward's newest committed seq. A cursor above it means the server was restored from
    an older backup and will reuse those numbers: read again from 0 (applying is idempotent)."""
    server_time: AwareDatetime


class EnrolRequest(_Wire):
    """A device asks to join a ward with the one-time code an administrator gave it."""

    code: Annotated[str, StringConstraints(min_length=4, max_length=64)]
    device_name: Annotated[str, StringConstraints(min_length=1, max_length=100),
                           PlainText]
    app_version: Annotated[str, StringConstraints(min_length=1, max_length=40),
                           PlainText]


class EnrolResponse(_Reply):
    """The device's identity and credential; the token is shown once and never again."""

    device_id: UUID
    token: str
    agency_code: str
    ward_name: str
    code_range: CodeRangeOut
    counter_no: int
    server_time: AwareDatetime


class DossierStatusIn(_Wire):
    """Admin/upstream decision on a dossier's status (national TrangThaiHoSo 1..10)."""

    status: int = Field(ge=1, le=10, strict=True)
    reason: Annotated[str, StringConstraints(max_length=2000),
                      PlainText] = ""
    at: Instant | None = None


class ErrorBody(_Reply):
    """Every non-2xx JSON reply: a stable machine code, a message, optional details."""

    error: str
    message: str
    detail: Any = None


CalendarKind = Literal["day_off", "working_day"]
_AgencyCode = Annotated[str, StringConstraints(min_length=1, max_length=20)]


class CalendarOverrideIn(_Wire):
    """Admin: a day off or a swapped working day for some wards (default: every ward)."""

    day: Day
    kind: CalendarKind
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    wards: list[_AgencyCode] | None = Field(default=None, min_length=1)


class CalendarOverrideChange(BaseModel):
    """Payload of a ``calendar.override`` change (what the device's calendar stores)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    day: date
    kind: CalendarKind
    name: str


class CalendarPublished(_Reply):
    """Which wards got a ``calendar.override`` change; ``unchanged`` already had this one."""

    override: CalendarOverrideChange
    changed: list[str]
    unchanged: list[str]


class CataloguePublishIn(_Wire):
    """Admin: procedure versions in the catalogue JSON item shape (``counter_app.domain.
    catalogue``), for some wards (default: every ward). All are checked before any is sent."""

    procedures: list[dict[str, Any]] = Field(min_length=1, max_length=500)
    wards: list[_AgencyCode] | None = Field(default=None, min_length=1)


class PublishedVersion(_Reply):
    """One procedure version as published to one ward."""

    ward: str
    code: str
    effective_from: date


class CataloguePublished(_Reply):
    """What a publication did: versions sent as ``catalogue.procedure``, and those the ward
    already had exactly (no change written)."""

    published: list[PublishedVersion]
    unchanged: list[PublishedVersion]


class ComponentRecord(BaseModel):
    """A document handed in with a dossier."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    name: Annotated[str, PlainText]
    originals: int = Field(default=0, ge=0, le=MAX_COUNT, strict=True)
    certified_copies: int = Field(default=0, ge=0, le=MAX_COUNT, strict=True)
    photocopies: int = Field(default=0, ge=0, le=MAX_COUNT, strict=True)


class DossierRecord(DossierBase):
    """A dossier as carried by ``dossier.received`` (``db.dossiers.dossier_payload``) and by
    ``dossier.upsert`` changes: the shared ``DossierBase`` fields with wire types (UUID, aware
    datetimes, checked ranges) and the papers. Unknown fields are ignored so the device may
    add some; the ones of ``DossierBase`` are the contract."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    uid: UUID  # type: ignore[assignment]
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    verify_token: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    procedure_code: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    # Only the wire refinements are written here (types, bounds); the field list is DossierBase's.
    status: int = Field(ge=1, le=10, strict=True)
    channel: int = Field(ge=1, le=3, strict=True)
    sets_count: int = Field(default=1, ge=1, le=MAX_COUNT, strict=True)
    duration_hours: int = Field(default=0, ge=0, le=MAX_HOURS, strict=True)
    received_at: Instant  # type: ignore[assignment]
    due_at: Instant  # type: ignore[assignment]
    finished_at: Instant | None = None  # type: ignore[assignment]
    returned_at: Instant | None = None  # type: ignore[assignment]
    fee_amount: int = Field(default=0, ge=0, le=MAX_MONEY, strict=True)
    fee_pages: int = Field(default=1, ge=1, le=MAX_COUNT, strict=True)
    fee_copies: int = Field(default=1, ge=1, le=MAX_COUNT, strict=True)
    ledger_line: int = Field(default=0, ge=0, le=MAX_LINE, strict=True)
    counter_no: int = Field(default=0, ge=0, le=MAX_COUNT, strict=True)
    components: list[ComponentRecord] = Field(default_factory=list, max_length=MAX_COUNT)

    @field_validator("*", mode="after")
    @classmethod
    def _texts(cls, value: Any) -> Any:
        return plain_text(value) if isinstance(value, str) else value

    @field_validator("birth_date", mode="after")
    @classmethod
    def _birth_date(cls, value: str | None) -> str | None:
        """Empty, or an ISO day (``YYYY-MM-DD``) in FIRST_DAY .. LAST_DAY."""
        if value:
            day = date.fromisoformat(value) if len(value) == 10 else None
            if day is None or not FIRST_DAY <= day <= LAST_DAY:
                raise ValueError("birth_date is not a YYYY-MM-DD day in 1900..2199")
        return value


    def stored(self) -> dict[str, Any]:
        """The ``DossierBase`` fields as the stores keep them (UTC text, str uid, upper code)."""
        row: dict[str, Any] = {k: getattr(self, k) for k in DOSSIER_FIELDS}
        row.update(
            uid=str(self.uid), code=self.code.strip().upper(),
            received_at=to_db(self.received_at), due_at=to_db(self.due_at),
            finished_at=to_db(self.finished_at) if self.finished_at else None,
            returned_at=to_db(self.returned_at) if self.returned_at else None)
        return row


__all__ = [
    "API_PREFIX",
    "DEFAULT_PULL_LIMIT",
    "EARLIEST",
    "EVENT_TYPE_RE",
    "FIRST_DAY",
    "LAST_DAY",
    "LATEST",
    "MATERIALIZED_TYPES",
    "MAX_BATCH",
    "MAX_COUNT",
    "MAX_CURSOR",
    "MAX_DEVICE_SEQ",
    "MAX_HOURS",
    "MAX_LINE",
    "MAX_MONEY",
    "MAX_PULL_LIMIT",
    "PROTOCOL",
    "PROTOCOL_VERSION",
    "SKEW_WARN_SECONDS",
    "CalendarKind",
    "CalendarOverrideChange",
    "CalendarOverrideIn",
    "CalendarPublished",
    "CataloguePublishIn",
    "CataloguePublished",
    "Change",
    "ChangeKind",
    "ChangeKinds",
    "ChangesPage",
    "CodeRangeOut",
    "ComponentRecord",
    "Day",
    "DeviceStatus",
    "DossierRecord",
    "DossierStatusIn",
    "EnrolRequest",
    "EnrolResponse",
    "ErrorBody",
    "EventIn",
    "Gap",
    "Instant",
    "ItemVerdict",
    "PublishedVersion",
    "PushRequest",
    "PushResult",
    "RejectReason",
]

"""SQLModel tables of the counter's local store.

Times are stored as UTC ISO-8601 text (``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``) so that they sort
as text, survive any driver and read the same on the upstream server. Rules that change by
decree (procedures, fees, calendar) carry effective dates.
"""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from counter_app.domain.dossier import DossierBase


class WardProfile(SQLModel, table=True):
    """The ward this counter belongs to; one row (id = 1)."""

    __tablename__ = "ward_profile"
    id: int = Field(default=1, primary_key=True)
    agency_code: str  # mã định danh, e.g. 000.00.12.H62
    agency_name: str  # "UBND PHƯỜNG THỤY KHUÊ"
    unit_name: str = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
    place_name: str  # "Hà Nội" for "<place>, ngày … tháng … năm …"
    address: str = ""
    phone: str = ""
    lookup_url_base: str  # "https://tracuu.example.vn/h/"
    ledger_book: str = "01"
    created_at: str


class DeviceState(SQLModel, table=True):
    """This installation's identity and counters; one row (id = 1).

    ``last_device_seq`` makes the event sequence gapless: it is bumped in the same transaction
    as the event it numbers.
    """

    __tablename__ = "device_state"
    id: int = Field(default=1, primary_key=True)
    device_id: str  # UUID made on this device
    counter_no: int = 1
    code_range_start: int
    code_range_end: int
    last_device_seq: int = 0
    enrolled_server: str = ""
    created_at: str


class CodeSequence(SQLModel, table=True):
    """Last dossier-code sequence used per local day (yymmdd) within this device's range."""

    __tablename__ = "code_sequence"
    day: str = Field(primary_key=True)  # yymmdd
    last_seq: int


class Counter(SQLModel, table=True):
    """A service counter (quầy) of the ward."""

    __tablename__ = "counter"
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    name: str
    active: bool = True


class Official(SQLModel, table=True):
    """A logged-in official (cán bộ); password hashed with argon2."""

    __tablename__ = "official"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    full_name: str
    password_hash: str
    role: str = "official"  # "admin" | "official"
    active: bool = True
    created_at: str


class Procedure(SQLModel, table=True):
    """One version of an administrative procedure (thủ tục hành chính) with effective dates."""

    __tablename__ = "procedure"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True)  # mã TTHC, e.g. 2.000815
    name: str
    name_folded: str = ""
    field_code: str  # lĩnh vực
    field_name: str
    duration_kind: str  # same_day | working_hours | working_days
    duration_hours: int  # working hours (8 per day); 0 for same_day
    fee_rule: str = '{"kind": "free"}'  # JSON, counter_app.domain.fees.FeeRule
    legal_basis: str = ""
    effective_from: str  # ISO date
    effective_to: str | None = None  # ISO date, exclusive; None = still in force
    active: bool = True


class ProcedureComponent(SQLModel, table=True):
    """A document (thành phần hồ sơ) a procedure asks for, with default counts."""

    __tablename__ = "procedure_component"
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id", index=True)
    position: int
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    required: bool = True


class Dossier(DossierBase, SQLModel, table=True):
    """A dossier (hồ sơ) received at this counter or pulled from upstream.

    The shared fields come from ``DossierBase``; only the device's own columns are here.
    """

    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("uid"),
        UniqueConstraint("code"),
        *(Index(f"ix_dossier_{c}", c) for c in (
            "due_at", "id_number", "phone", "procedure_code", "received_at", "status")),
    )
    id: int | None = Field(default=None, primary_key=True)
    procedure_id: int = Field(foreign_key="procedure.id")
    applicant_folded: str
    original_due_at: str  # kept for statistics: an extension (form 04) never moves it
    official_id: int | None = Field(default=None, foreign_key="official.id")
    supplements: int = 0  # supplement requests after receipt (at most one)
    paused_hours: float = 0.0  # working hours the clock stood still (supplements)
    paused_since: str | None = None  # the clock is stopped since (a supplement is awaited)
    extensions: int = 0  # form 04 re-appointments (at most one)
    holder: str = ""  # who holds the dossier now ("" = the reception counter)
    created_at: str
    updated_at: str


class DossierComponent(SQLModel, table=True):
    """A document actually handed in with a dossier."""

    __tablename__ = "dossier_component"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    position: int
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


class Event(SQLModel, table=True):
    """Append-only event log that is also the sync outbox (see SYNC.md).

    Identity, sequence and payload never change after insert (enforced by triggers); only the
    delivery columns (state, attempts, last_error, acked_at) move.
    """

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True)  # UUID made on the device
    device_id: str
    device_seq: int = Field(unique=True)  # gapless per device
    entity_type: str  # dossier | ticket | official | catalogue | ...
    entity_uid: str = Field(index=True)
    type: str  # dossier.received, ticket.issued, ...
    payload: str  # canonical JSON (sorted keys, no spaces, UTF-8)
    payload_hash: str  # sha256 hex of the payload bytes
    device_time: str
    official_id: int | None = None
    state: str = Field(default="pending", index=True)  # pending | sending | acked | rejected
    attempts: int = 0
    last_error: str = ""
    acked_at: str | None = None


class CalendarOverride(SQLModel, table=True):
    """An edit to the working calendar: a day swapped to work, or an extra day off."""

    __tablename__ = "calendar_override"
    day: str = Field(primary_key=True)  # ISO date
    kind: str  # day_off | working_day
    name: str
    source: str = "local"  # local | upstream


class NoAppointmentRule(SQLModel, table=True):
    """"Ngày không hẹn": on this weekday the procedure is returned the same day."""

    __tablename__ = "no_appointment_rule"
    id: int | None = Field(default=None, primary_key=True)
    weekday: int  # 0 = Monday
    procedure_code: str
    effective_from: str
    effective_to: str | None = None


class Setting(SQLModel, table=True):
    """Small key/value settings kept with the data (working hours, printers, ...)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


# --- Queue ----------------------------------------------------------------------------------
# Tickets, the services they are issued for, the per-day counters and the call history shown on
# the hall display. Every change is also an event (entity_type "ticket") in the same transaction.


class QueueService(SQLModel, table=True):
    """A service citizens take a number for (prefix letter, name, serving counters)."""

    __tablename__ = "queue_service"
    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(unique=True)  # one capital letter, A-Z
    name: str  # "Chứng thực"
    counters: str = ""  # comma-separated counter numbers; "" = every counter
    priority_allowed: bool = True
    position: int = 0  # order of the kiosk buttons
    active: bool = True


class QueueSequence(SQLModel, table=True):
    """Last ticket sequence used per local day (ISO date) and service prefix."""

    __tablename__ = "queue_sequence"
    day: str = Field(primary_key=True)
    prefix: str = Field(primary_key=True)
    last_seq: int


class Ticket(SQLModel, table=True):
    """A queue ticket; ``number`` (A012) is unique within its day, also across transfers."""

    __tablename__ = "ticket"
    __table_args__ = (UniqueConstraint("day", "number", name="uq_ticket_day_number"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    day: str = Field(index=True)  # local ISO date of issue
    number: str  # A012, kept on transfer
    seq: int
    prefix: str  # the service it now waits for (changes on transfer)
    issued_prefix: str  # the service it was issued for
    service_name: str
    priority: bool = False
    status: str = Field(index=True)  # counter_app.domain.queue.TicketStatus
    target_counter: int | None = None  # set by a transfer to one counter
    counter_no: int | None = None  # the counter that last called it
    recalls: int = 0
    transfers: int = 0
    issued_at: str
    first_called_at: str | None = None
    called_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    official_id: int | None = None
    dossier_uid: str | None = None
    device_id: str = ""
    updated_at: str


class TicketCall(SQLModel, table=True):
    """One call (or recall) of a ticket to a counter: the hall display's history."""

    __tablename__ = "ticket_call"
    id: int | None = Field(default=None, primary_key=True)
    ticket_uid: str = Field(index=True)
    day: str = Field(index=True)
    number: str
    prefix: str
    priority: bool = False
    counter_no: int
    recall: bool = False
    called_at: str


# --- Sync -----------------------------------------------------------------------------------
# The device's side of the upstream sync: its enrolment (server, identity, cursor, health) and
# what it pulled from the ward's change log. The outbox itself is the ``event`` table above.


class SyncState(SQLModel, table=True):
    """Enrolment and sync health of this device; one row (id = 1), absent until enrolled.

    ``seq_offset``: the wire ``device_seq`` of an event is its local ``device_seq`` minus this
    offset. It is 0 for the first identity (events made before enrolment are pushed too) and
    only moves when a re-enrolment hands out a *new* identity (see docs/sync-client.md).
    """

    __tablename__ = "sync_state"
    id: int = Field(default=1, primary_key=True)
    server_url: str
    device_id: str  # the identity the server assigned (also DeviceState.device_id)
    ward_code: str
    ward_name: str
    counter_no: int
    code_range_start: int
    code_range_end: int
    seq_offset: int = 0
    credential_store: str = "file"  # keyring | file
    enrolled_at: str
    pull_cursor: int = 0
    last_attempt_at: str | None = None
    last_success_at: str | None = None  # device clock, for display only
    last_server_time: str | None = None
    last_outcome: str = ""  # ok | offline | unauthorized | forbidden | error
    last_error: str = ""
    auth_failed: bool = False  # 401/revoked: stop until re-enrolment or "sync now"
    clock_skew_s: float | None = None  # device minus server, round trip accounted for
    server_last_applied_seq: int = 0


class RemoteEvent(SQLModel, table=True):
    """Another counter's event of the same ward, as pulled (applied idempotently by id)."""

    __tablename__ = "remote_event"
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True)
    device_id: str = Field(index=True)
    device_seq: int
    entity_type: str
    entity_uid: str = Field(index=True)
    type: str
    payload: str
    payload_hash: str
    device_time: str
    change_seq: int  # the ward change-log seq it came with
    pulled_at: str


class PulledChange(SQLModel, table=True):
    """Change-log entries kept verbatim: upstream decisions and reserved kinds (catalogue)."""

    __tablename__ = "pulled_change"
    seq: int = Field(primary_key=True)  # the ward change-log seq
    kind: str
    payload: str
    applied: bool = False
    pulled_at: str


class ParkedDossier(SQLModel, table=True):
    """A pulled dossier whose procedure this device does not know yet (its catalogue is
    behind): kept here, counted for the official, and inserted as soon as the procedure
    arrives (a pulled ``catalogue.procedure`` or a local catalogue import)."""

    __tablename__ = "parked_dossier"
    uid: str = Field(primary_key=True)
    code: str
    procedure_code: str = Field(index=True)
    record: str  # the DossierRecord JSON, as pulled
    change_seq: int  # the ward change-log seq it came with
    parked_at: str


# The lifecycle and hub tables live in their own modules; importing them here registers them with every
# user of db.models (the migrations' metadata included).
from db.hub_models import HubLink as HubLink  # noqa: E402
from db.hub_models import HubPairCode as HubPairCode  # noqa: E402
from db.hub_models import HubPeer as HubPeer  # noqa: E402
from db.hub_models import HubRelay as HubRelay  # noqa: E402
from db.hub_models import HubRequest as HubRequest  # noqa: E402
from db.hub_models import HubUpstream as HubUpstream  # noqa: E402
from db.lifecycle_models import DossierRating as DossierRating  # noqa: E402
from db.lifecycle_models import DossierStep as DossierStep  # noqa: E402
from db.lifecycle_models import FeePayment as FeePayment  # noqa: E402

"""A demo ward with realistic dossiers, fast enough for a million rows (benchmarks)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from counter_app.domain.calendar import DurationKind, WorkingCalendar
from counter_app.domain.clock import VN_TZ, Clock, to_db
from counter_app.domain.codes import format_dossier_code, new_verify_token
from counter_app.domain.fees import FeeRule, compute_fee
from counter_app.domain.lifecycle import Channel, Status
from counter_app.domain.text import fold
from counter_app.services.accounts import (
    AccountService,
    OfficialPublic,
    WardPublic,
    WardSetup,
)
from counter_app.services.calendar import load_calendar
from counter_app.services.catalogue import CatalogueService, ProcedurePublic
from db.dossiers import NewDossier, dossier_payload, insert_dossiers
from db.engine import read_session
from db.outbox import EventDraft, TimedDraft, append_events

DEMO_WARD = WardSetup(
    agency_code="000.00.12.H26",
    agency_name="UBND PHƯỜNG THỤY KHUÊ",
    place_name="Hà Nội",
    lookup_url_base="https://dichvucong.example.vn/tra-cuu/",
    address="Số 1 Thụy Khuê, Hà Nội",
    phone="024 3847 0000",
    counter_no=1,
)
DEMO_ADMIN = ("admin", "Nguyễn Thị Lan", "admin123")
DEMO_OFFICIAL = ("canbo", "Trần Văn Đức", "canbo123")

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Mai", "Kim", "Hồng", "Bích"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Ngân",
    "Nhung",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Yến",
]
STREETS = [
    "Thụy Khuê",
    "Hoàng Hoa Thám",
    "Lạc Long Quân",
    "Đội Cấn",
    "Văn Cao",
    "Âu Cơ",
    "Trích Sài",
    "Võng Thị",
]


def ensure_demo_ward(engine: Engine, clock: Clock) -> None:
    """Set up the demo ward, its officials and the catalogue if the store is empty.

    On a store enrolled before anyone could log in, the ward, device and code block came from
    the server; ``set_up`` then only adds the admin, so demo dossiers belong to that ward.
    """
    accounts = AccountService(engine, clock)
    if not accounts.is_set_up():
        admin = accounts.set_up(
            DEMO_WARD,
            admin_username=DEMO_ADMIN[0],
            admin_full_name=DEMO_ADMIN[1],
            admin_password=DEMO_ADMIN[2],
        )
        accounts.create_official(
            admin, username=DEMO_OFFICIAL[0], full_name=DEMO_OFFICIAL[1], password=DEMO_OFFICIAL[2]
        )
    CatalogueService(engine, clock).load_default()


def _person(rng: random.Random) -> tuple[str, str, date, str]:
    female = rng.random() < 0.5
    name = " ".join(
        (
            rng.choice(SURNAMES),
            rng.choice(MIDDLE_F if female else MIDDLE_M),
            rng.choice(GIVEN_F if female else GIVEN_M),
        )
    )
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 66))
    century = 0 if born.year < 2000 else 2
    g = century + (1 if female else 0)
    number = f"001{g}{born.year % 100:02d}{rng.randrange(0, 10**6):06d}"
    return name, number, born, "Nữ" if female else "Nam"


def _working_days_back(cal: WorkingCalendar, today: date, count: int) -> list[date]:
    days: list[date] = []
    d = today - timedelta(days=1)
    while len(days) < count:
        if cal.is_working_day(d):
            days.append(d)
        d -= timedelta(days=1)
    return days[::-1]


def _status_for(rng: random.Random, due: datetime, now: datetime) -> tuple[int, str | None]:
    if due < now - timedelta(days=3) or rng.random() < 0.3:
        finished = (
            due - timedelta(hours=rng.choice([0, 1, 4, 20, 30]))
            if rng.random() < 0.97
            else due + timedelta(days=rng.randint(1, 4))
        )
        if finished > now:
            return int(Status.PROCESSING), None
        return int(Status.RETURNED if rng.random() < 0.85 else Status.PROCESSED), to_db(finished)
    return int(rng.choice([Status.RECEIVED, Status.PROCESSING])), None


@dataclass
class _Batch:
    """Rows waiting for one executemany each."""

    dossiers: list[NewDossier] = field(default_factory=list)
    events: list[TimedDraft] = field(default_factory=list)


@dataclass(frozen=True)
class _Ctx:
    rng: random.Random
    now: datetime
    cal: WorkingCalendar
    procs: list[ProcedurePublic]
    officials: list[OfficialPublic]
    ward: WardPublic


def _one(ctx: _Ctx, batch: _Batch, *, did: int, code: str, received: datetime,
         ledger_line: int) -> None:
    """Add one dossier, its papers and its ``dossier.received`` event to the batch."""
    rng, ward = ctx.rng, ctx.ward
    p = rng.choice(ctx.procs)
    off = rng.choice(ctx.officials)
    name, number, born, sex = _person(rng)
    due = ctx.cal.due_at(received, kind=DurationKind(p.duration_kind), hours=p.duration_hours,
                         procedure_code=p.code)
    status, finished = _status_for(rng, due, ctx.now)
    channel = Channel.POST if rng.random() < 0.03 else Channel.DIRECT
    fee = compute_fee(FeeRule.from_dict(p.fee_rule), channel=channel)
    at = to_db(received)
    values: dict[str, object] = {
        "id": did, "uid": str(uuid.uuid4()), "code": code, "verify_token": new_verify_token(),
        "procedure_id": p.id, "procedure_code": p.code, "procedure_name": p.name,
        "field_code": p.field_code, "status": status, "channel": int(channel),
        "applicant_name": name, "applicant_folded": _fold(name), "id_number": number,
        "birth_date": born.isoformat(), "sex": sex,
        "address": f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, {ward.place_name}",
        "phone": f"09{rng.randrange(10**8):08d}", "processing_text": p.processing_time_text,
        "duration_kind": p.duration_kind, "duration_hours": p.duration_hours,
        "received_at": at, "due_at": to_db(due), "original_due_at": to_db(due),
        "finished_at": finished, "returned_at": finished if status == Status.RETURNED else None,
        "fee_amount": fee, "ledger_book": ward.ledger_book, "ledger_line": ledger_line,
        "official_id": off.id, "official_name": off.full_name, "counter_no": ward.counter_no,
        "device_id": ward.device_id, "created_at": at, "updated_at": at,
    }
    comps = [{"name": c.name, "originals": c.originals, "certified_copies": c.certified_copies,
              "photocopies": c.photocopies} for c in p.components if c.required]
    batch.dossiers.append(NewDossier(values, comps))
    draft = EventDraft("dossier", str(values["uid"]), "dossier.received",
                       dossier_payload(values, comps))
    batch.events.append(TimedDraft(draft, received, off.id))


@lru_cache(maxsize=4096)
def _fold(name: str) -> str:
    return fold(name)


def _received_times(rng: random.Random, day: date, count: int) -> list[datetime]:
    """Reception instants spread over the working hours of a day, in order."""
    out = []
    for minute in sorted(rng.randrange(0, 480) for _ in range(count)):
        m = 7 * 60 + 30 + minute + (90 if minute >= 240 else 0)  # skip the lunch break
        out.append(datetime.combine(day, time(m // 60, m % 60), VN_TZ))
    return out


def seed_dossiers(engine: Engine, clock: Clock, n: int, *, seed: int = 7) -> int:
    """Add ``n`` realistic past dossiers (with their events) in this device's code range.

    Past working days only, so codes never meet those the counter issues from today on. One
    transaction; rows go in by executemany for speed (a million in minutes).
    """
    now = clock.now()
    today = now.astimezone(VN_TZ).date()
    with read_session(engine) as s:
        cal = load_calendar(s, on=today)
    accounts = AccountService(engine, clock)
    procedures = CatalogueService(engine, clock).list_procedures(on=today)
    ctx = _Ctx(random.Random(seed), now, cal, procedures, accounts.list_officials(),
               accounts.ward())
    rng_ = ctx.ward.code_range
    per_day = max(1, min(rng_.end - rng_.start - 49, max(30, n // 60)))
    days = _working_days_back(cal, today, max(1, -(-n // per_day)))
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB: index inserts stay in RAM
        id0 = int(conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM dossier").scalar_one())
        made, batch, last_seq = 0, _Batch(), {}
        ledger: dict[int, int] = {}
        for day in days:
            key = day.strftime("%y%m%d")
            start = int(conn.execute(text(
                "SELECT COALESCE(MAX(last_seq), :s - 1) + 1 FROM code_sequence WHERE day = :d"),
                {"s": rng_.start, "d": key}).scalar_one())
            times = _received_times(ctx.rng, day, min(per_day, n - made))
            for i, received in enumerate(times):
                made += 1
                ledger[day.year] = ledger.get(day.year, 0) + 1
                _one(ctx, batch, did=id0 + made, received=received,
                     code=format_dossier_code(ctx.ward.agency_code, day, start + i),
                     ledger_line=ledger[day.year])
            last_seq[key] = start + len(times) - 1
            if len(batch.dossiers) >= 20_000:
                _flush(conn, batch)
                batch = _Batch()
        _flush(conn, batch)
        conn.execute(text("INSERT INTO code_sequence(day, last_seq) VALUES (:d, :s) "
                          "ON CONFLICT(day) DO UPDATE SET last_seq = MAX(last_seq, "
                          "excluded.last_seq)"), [{"d": k, "s": v} for k, v in last_seq.items()])
    return made


def _flush(conn: Connection, batch: _Batch) -> None:
    insert_dossiers(conn, batch.dossiers)
    append_events(conn, batch.events)

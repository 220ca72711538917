"""A demo ward with realistic dossiers, fast enough for a million rows (benchmarks)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from counter_app.domain.calendar import DurationKind, WorkingCalendar
from counter_app.domain.canonical import canonical_json, payload_hash
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
from db.engine import raise_if_disk_full, read_session

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


Row = tuple[object, ...]


@dataclass
class _Batch:
    """Rows waiting for one executemany each."""

    dossiers: list[Row] = field(default_factory=list)
    components: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class _Ctx:
    rng: random.Random
    now: datetime
    cal: WorkingCalendar
    procs: list[ProcedurePublic]
    officials: list[OfficialPublic]
    ward: WardPublic


def _one(ctx: _Ctx, batch: _Batch, *, did: int, seq: int, code: str, received: datetime,
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
    d: dict[str, object] = {
        "uid": str(uuid.uuid4()), "code": code, "verify_token": new_verify_token(),
        "procedure_code": p.code, "procedure_name": p.name, "field_code": p.field_code,
        "status": status, "channel": int(channel), "applicant_name": name, "id_number": number,
        "birth_date": born.isoformat(), "sex": sex,
        "address": f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, {ward.place_name}",
        "phone": f"09{rng.randrange(10**8):08d}", "email": "", "sets_count": 1,
        "processing_text": p.processing_time_text, "duration_kind": p.duration_kind,
        "duration_hours": p.duration_hours, "received_at": to_db(received), "due_at": to_db(due),
        "result_delivery": "counter", "fee_amount": fee, "ledger_book": ward.ledger_book,
        "ledger_line": ledger_line, "official_name": off.full_name,
        "counter_no": ward.counter_no, "device_id": ward.device_id, "ticket_uid": None,
        "note": "",
        "components": [{"name": c.name, "originals": c.originals,
                        "certified_copies": c.certified_copies, "photocopies": c.photocopies}
                       for c in p.components if c.required],
    }
    batch.dossiers.append((
        did, d["uid"], code, d["verify_token"], p.id, p.code, p.name, p.field_code, status,
        int(channel), name, _fold(name), number, d["birth_date"], sex, d["address"], d["phone"],
        p.processing_time_text, p.duration_kind, p.duration_hours, d["received_at"],
        d["due_at"], d["due_at"], finished, finished if status == Status.RETURNED else None, fee,
        ward.ledger_book, ledger_line, off.id, off.full_name, ward.counter_no, ward.device_id,
        d["received_at"], d["received_at"]))
    for pos, c in enumerate(p.components):
        if c.required:
            batch.components.append((did, pos, c.name, c.originals, c.certified_copies,
                                     c.photocopies))
    body = canonical_json(d)
    batch.events.append((str(uuid.uuid4()), ward.device_id, seq, "dossier", d["uid"],
                         "dossier.received", body, payload_hash(body), d["received_at"], off.id))


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
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA cache_size=-262144")  # 256 MiB: random-key index inserts stay in RAM
        cur.execute("BEGIN IMMEDIATE")
        seq0 = _scalar(cur, "SELECT last_device_seq FROM device_state WHERE id = 1")
        id0 = _scalar(cur, "SELECT COALESCE(MAX(id), 0) FROM dossier")
        made, batch, last_seq = 0, _Batch(), {}
        ledger: dict[int, int] = {}
        for day in days:
            key = day.strftime("%y%m%d")
            start = _scalar(cur, "SELECT COALESCE(MAX(last_seq), :s - 1) + 1 FROM code_sequence "
                                 "WHERE day = :d", {"s": rng_.start, "d": key})
            times = _received_times(ctx.rng, day, min(per_day, n - made))
            for i, received in enumerate(times):
                made += 1
                ledger[day.year] = ledger.get(day.year, 0) + 1
                _one(ctx, batch, did=id0 + made, seq=seq0 + made, received=received,
                     code=format_dossier_code(ctx.ward.agency_code, day, start + i),
                     ledger_line=ledger[day.year])
            last_seq[key] = start + len(times) - 1
            if len(batch.dossiers) >= 20_000:
                _flush(cur, batch)
                batch = _Batch()
        _flush(cur, batch)
        cur.executemany("INSERT INTO code_sequence(day, last_seq) VALUES (?, ?) ON CONFLICT(day) "
                        "DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)",
                        list(last_seq.items()))
        cur.execute("UPDATE device_state SET last_device_seq = ? WHERE id = 1", (seq0 + made,))
        cur.execute("COMMIT")
    except BaseException as exc:
        raw.rollback()
        raise_if_disk_full(exc)  # a raw connection: the engine's error hook does not see it
        raise
    finally:
        raw.close()
    return made


def _scalar(cur: Any, sql: str, params: dict[str, object] | None = None) -> int:
    cur.execute(sql, params or {})
    return int(cur.fetchone()[0])


def _flush(cur: Any, batch: _Batch) -> None:
    cur.executemany(
        "INSERT INTO dossier(id, uid, code, verify_token, procedure_id, procedure_code, "
        "procedure_name, field_code, status, channel, applicant_name, applicant_folded, "
        "id_number, birth_date, sex, address, phone, email, sets_count, processing_text, "
        "duration_kind, duration_hours, received_at, due_at, original_due_at, finished_at, "
        "returned_at, result_delivery, fee_amount, ledger_book, ledger_line, official_id, "
        "official_name, counter_no, device_id, supplements, paused_hours, note, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 1, ?, ?, ?, "
        "?, ?, ?, ?, ?, 'counter', ?, ?, ?, ?, ?, ?, ?, 0, 0, '', ?, ?)", batch.dossiers)
    cur.executemany(
        "INSERT INTO dossier_component(dossier_id, position, name, originals, certified_copies, "
        "photocopies) VALUES (?, ?, ?, ?, ?, ?)", batch.components)
    cur.executemany(
        "INSERT INTO event(event_id, device_id, device_seq, entity_type, entity_uid, type, "
        "payload, payload_hash, device_time, official_id, state, attempts, last_error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, '')", batch.events)

"""Operator actions: wards, enrolment codes, devices, revocation (CLI and tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.clock import to_db
from counter_app.domain.codes import DEVICE_COUNTERS, check_agency_code
from district_server import audit
from district_server.security import new_enrol_code, normalize_enrol_code, sha256_hex
from district_server.services.sequence import settle
from district_server.tables import DEVICES, ENROL_CODES, WARDS


class AdminError(Exception):
    """An operator request that cannot be done (message for the console)."""


@dataclass(frozen=True)
class DevicePublic:
    """One line of ``district-server devices``."""

    device_id: str
    ward_code: str
    name: str
    counter_no: int
    code_range: tuple[int, int]
    revoked: bool
    last_seen_at: str | None
    last_applied_seq: int
    max_seq_seen: int
    open_gaps: int
    clock_skew_s: float | None
    flags: str


def ward_id(conn: Connection, agency_code: str) -> int:
    """The id of a ward by its agency code, or AdminError."""
    found = conn.execute(select(WARDS.c.id).where(
        WARDS.c.agency_code == agency_code.strip().upper())).scalar()
    if found is None:
        raise AdminError(f"unknown ward {agency_code}")
    return int(found)


def add_ward(engine: Engine, *, code: str, name: str, now: datetime) -> int:
    """Create a ward (agency code per QCVN 102:2016); refuses duplicates."""
    agency = check_agency_code(code)
    with engine.begin() as conn:
        if conn.execute(select(WARDS.c.id).where(WARDS.c.agency_code == agency)).first():
            raise AdminError(f"ward {agency} exists")
        new_id = conn.execute(insert(WARDS).values(
            agency_code=agency, name=name.strip(), last_change_seq=0,
            created_at=to_db(now)).returning(WARDS.c.id)).scalar_one()
    audit.record(engine, now=now, actor="cli", action="ward.add", ward_code=agency,
                 reason=name.strip())
    return int(new_id)


def make_enrol_code(engine: Engine, *, ward: str, now: datetime, ttl_hours: int,
                    counter_no: int | None = None, replace_device: str | None = None) -> str:
    """Issue a one-time enrolment code (stored hashed); return it in clear, once."""
    if counter_no is not None and not 1 <= counter_no <= DEVICE_COUNTERS:
        raise AdminError(f"counter block {counter_no} is not a device block (1..{DEVICE_COUNTERS}; "
                         f"block {DEVICE_COUNTERS + 1} numbers the online dossiers)")
    code = new_enrol_code()
    with engine.begin() as conn:
        wid = ward_id(conn, ward)
        if replace_device is not None:
            owner = conn.execute(select(DEVICES.c.ward_id).where(
                DEVICES.c.device_id == replace_device)).scalar()
            if owner != wid:
                raise AdminError(f"device {replace_device} is not in ward {ward}")
        conn.execute(insert(ENROL_CODES).values(
            code_hash=sha256_hex(normalize_enrol_code(code)), ward_id=wid,
            counter_no=counter_no, replace_device_id=replace_device, created_at=to_db(now),
            expires_at=to_db(now + timedelta(hours=ttl_hours))))
    audit.record(engine, now=now, actor="cli", action="enrol_code.issue", ward_code=ward,
                 device_id=replace_device,
                 reason=f"counter={counter_no}" if counter_no else "")
    return code


def list_devices(engine: Engine, *, ward: str | None = None) -> list[DevicePublic]:
    """Devices with their sync health, optionally of one ward."""
    stmt = (select(DEVICES, WARDS.c.agency_code).join(WARDS, WARDS.c.id == DEVICES.c.ward_id)
            .order_by(WARDS.c.agency_code, DEVICES.c.counter_no, DEVICES.c.enrolled_at))
    if ward:
        stmt = stmt.where(WARDS.c.agency_code == ward.strip().upper())
    out: list[DevicePublic] = []
    with engine.connect() as conn:
        for r in conn.execute(stmt).mappings():
            gaps = settle(conn, r["device_id"], watermark=r["last_applied_seq"],
                          max_seen=r["max_seq_seen"]).gaps
            out.append(DevicePublic(
                device_id=r["device_id"], ward_code=r["agency_code"], name=r["name"],
                counter_no=r["counter_no"],
                code_range=(r["code_range_start"], r["code_range_end"]),
                revoked=bool(r["revoked"]), last_seen_at=r["last_seen_at"],
                last_applied_seq=r["last_applied_seq"], max_seq_seen=r["max_seq_seen"],
                open_gaps=len(gaps), clock_skew_s=r["clock_skew_s"], flags=r["flags"]))
        conn.rollback()
    return out


def revoke(engine: Engine, device_id: str, *, now: datetime) -> None:
    """Revoke a device: its token stops working at once; its data and range stay."""
    with engine.begin() as conn:
        done = conn.execute(update(DEVICES).where(DEVICES.c.device_id == device_id).values(
            revoked=True, revoked_at=to_db(now))).rowcount
    if not done:
        raise AdminError(f"unknown device {device_id}")
    audit.record(engine, now=now, actor="cli", action="device.revoke", device_id=device_id)

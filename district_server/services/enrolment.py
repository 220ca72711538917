"""Enrolment: a one-time code becomes a device credential bound to one ward and code block."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.clock import to_db
from counter_app.domain.codes import DEVICE_COUNTERS, CodeRange
from counter_app.sync.protocol import CodeRangeOut, EnrolRequest, EnrolResponse
from district_server.security import new_device_token, normalize_enrol_code, sha256_hex
from district_server.tables import DEVICES, ENROL_CODES, WARDS


class EnrolRefused(Exception):
    """The code is unknown, used or expired, or the ward has no free counter block."""

    def __init__(self, error: str, message: str, ward_code: str | None = None) -> None:
        super().__init__(message)
        self.error, self.message, self.ward_code = error, message, ward_code


@dataclass(frozen=True)
class _Code:
    id: int
    ward_id: int
    counter_no: int | None
    replace_device_id: str | None


def _claim(conn: Connection, code: str, now: datetime) -> _Code:
    """Consume the code atomically: of two concurrent claims only one updates the row."""
    row = conn.execute(select(ENROL_CODES).where(
        ENROL_CODES.c.code_hash == sha256_hex(normalize_enrol_code(code)))).mappings().first()
    if row is None or row["used_at"] is not None or row["expires_at"] <= to_db(now):
        raise EnrolRefused("enrol_code_invalid", "Unknown, used or expired enrolment code.")
    taken = conn.execute(update(ENROL_CODES).where(
        ENROL_CODES.c.id == row["id"], ENROL_CODES.c.used_at.is_(None)).values(
        used_at=to_db(now))).rowcount
    if taken != 1:
        raise EnrolRefused("enrol_code_invalid", "Unknown, used or expired enrolment code.")
    return _Code(row["id"], row["ward_id"], row["counter_no"], row["replace_device_id"])


def _free_counter(conn: Connection, ward_id: int, pinned: int | None) -> int:
    """The lowest block never given to a device of this ward (revoked ones keep theirs, so a
    stolen or cloned PC can never silently share numbers with its replacement); an
    administrator may pin a block whose holders are all revoked. The last block is never a
    device's: online dossiers are numbered there (codes.ONLINE_RANGE)."""
    rows = conn.execute(select(DEVICES.c.counter_no, DEVICES.c.revoked).where(
        DEVICES.c.ward_id == ward_id)).all()
    if pinned is not None:
        if not 1 <= pinned <= DEVICE_COUNTERS:
            raise EnrolRefused("counter_reserved",
                               f"Counter block {pinned} is not a device block (1..{DEVICE_COUNTERS}).")
        if any(n == pinned and not revoked for n, revoked in rows):
            raise EnrolRefused("counter_in_use", f"Counter block {pinned} is in use.")
        return pinned
    used = {int(n) for n, _ in rows}
    for n in range(1, DEVICE_COUNTERS + 1):
        if n not in used:
            return n
    raise EnrolRefused("no_free_range", "All counter code blocks of this ward are assigned.")


def enrol(engine: Engine, req: EnrolRequest, *, now: datetime) -> EnrolResponse:
    """Create (or re-key, for a replacement code) a device; the token is returned once."""
    token = new_device_token()
    with engine.begin() as conn:
        code = _claim(conn, req.code, now)
        # Lock the ward row: two enrolments of one ward never take the same block.
        ward = conn.execute(update(WARDS).where(WARDS.c.id == code.ward_id)
                            .values(last_change_seq=WARDS.c.last_change_seq)
                            .returning(WARDS.c.agency_code, WARDS.c.name)).one()
        if code.replace_device_id is not None:
            device_id = code.replace_device_id
            row = conn.execute(update(DEVICES).where(DEVICES.c.device_id == device_id).values(
                token_hash=sha256_hex(token), revoked=False, revoked_at=None,
                name=req.device_name, app_version=req.app_version)
                .returning(DEVICES.c.counter_no, DEVICES.c.code_range_start,
                           DEVICES.c.code_range_end)).one()
            counter_no, rng = int(row[0]), CodeRange(int(row[1]), int(row[2]))
        else:
            device_id = str(uuid.uuid4())
            counter_no = _free_counter(conn, code.ward_id, code.counter_no)
            rng = CodeRange.for_counter(counter_no)
            conn.execute(insert(DEVICES).values(
                device_id=device_id, ward_id=code.ward_id, name=req.device_name,
                app_version=req.app_version, token_hash=sha256_hex(token),
                counter_no=counter_no, code_range_start=rng.start, code_range_end=rng.end,
                revoked=False, enrolled_at=to_db(now), last_applied_seq=0, max_seq_seen=0,
                flags=""))
        conn.execute(update(ENROL_CODES).where(ENROL_CODES.c.id == code.id)
                     .values(used_by=device_id))
    return EnrolResponse(
        device_id=uuid.UUID(device_id), token=token, agency_code=ward.agency_code,
        ward_name=ward.name, code_range=CodeRangeOut(start=rng.start, end=rng.end),
        counter_no=counter_no, server_time=now)

"""The audit log: admin actions and refused requests, each in its own short transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, select

from counter_app.domain.clock import to_db
from district_server.security import sha256_hex
from district_server.tables import AUDIT, DEVICES, WARDS


def record(engine: Engine, *, now: datetime, actor: str, action: str, status: int = 0,
           reason: str = "", device_id: str | None = None, ward_code: str | None = None,
           ip: str = "", path: str = "") -> None:
    """Append one audit row (committed even when the request itself was refused)."""
    with engine.begin() as conn:
        conn.execute(insert(AUDIT).values(
            at=to_db(now), actor=actor, action=action, status=status,
            reason=_storable(reason[:500]), device_id=device_id, ward_code=ward_code,
            ip=_storable(ip), path=_storable(path[:300])))


def _storable(text: str) -> str:
    """Refused input echoed in an audit row: NUL and lone surrogates made visible, since
    PostgreSQL (and UTF-8) cannot store them and the audit must never fail."""
    if "\x00" not in text and text.isprintable():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def identify(engine: Engine, token: str | None) -> tuple[str | None, str | None]:
    """The device and ward a presented token belongs to, if any (for audit rows only)."""
    if not token:
        return None, None
    dev, ward = DEVICES, WARDS
    with engine.connect() as conn:
        row = conn.execute(
            select(dev.c.device_id, ward.c.agency_code)
            .join(ward, ward.c.id == dev.c.ward_id)
            .where(dev.c.token_hash == sha256_hex(token))).first()
    return (str(row[0]), str(row[1])) if row else (None, None)

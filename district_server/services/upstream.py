"""What upstream publications share: their refusals, and the wards they go to, locked in order.

An upstream publication (an online dossier, a calendar override, a procedure version) writes
the server's own row and the ward's change-log entry in one transaction. It locks the ward rows
it writes to first, in id order: two publications never deadlock, a push of the same ward waits
for at most one short transaction, and the checks made under the lock (exists? identical?)
still hold at commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from district_server.services.admin import AdminError
from district_server.tables import WARDS


class UnknownWard(AdminError):
    """A ward code the server does not know (nothing was written)."""

    def __init__(self, agency_code: str) -> None:
        super().__init__(f"unknown ward {agency_code}")
        self.agency_code = agency_code


class PublicationRefused(AdminError):
    """A publication that cannot be made as sent; ``error`` is the stable API code."""

    status = 422

    def __init__(self, error: str, message: str, detail: Any = None) -> None:
        super().__init__("\n  ".join([message, *_lines(detail)]))
        self.error, self.message, self.detail = error, message, detail


def _lines(detail: Any) -> list[str]:
    """The detail as console lines (a rejected catalogue item shows its Vietnamese reasons)."""
    if detail is None:
        return []
    if not isinstance(detail, list):
        return [str(detail)]
    return [f"item {d['item']} ({d['code']}): " + "; ".join(d["reasons"])
            if isinstance(d, dict) and "reasons" in d else str(d) for d in detail]


class PublicationConflict(PublicationRefused):
    """The server already holds something else under this identity (never overwritten)."""

    status = 409


@dataclass(frozen=True)
class WardRef:
    """A ward a publication writes to."""

    id: int
    code: str


def lock_wards(conn: Connection, codes: Sequence[str] | None) -> list[WardRef]:
    """The named wards (every ward when ``codes`` is None), locked in id order."""
    stmt = select(WARDS.c.id, WARDS.c.agency_code).order_by(WARDS.c.id).with_for_update()
    wanted = None if codes is None else {c.strip().upper() for c in codes}
    if wanted is not None:
        stmt = stmt.where(WARDS.c.agency_code.in_(sorted(wanted)))
    # SQLite has no FOR UPDATE (its BEGIN IMMEDIATE already holds the one write lock).
    rows = [WardRef(int(r.id), str(r.agency_code)) for r in conn.execute(stmt)]
    missing = sorted((wanted or set()) - {w.code for w in rows})
    if missing:
        raise UnknownWard(", ".join(missing))
    if not rows:
        raise PublicationRefused("no_ward", "No ward is registered yet.")
    return rows

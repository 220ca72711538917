"""Finding dossiers: today's list, search by code, name without diacritics, ID, phone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, text
from sqlmodel import select

from counter_app.domain.clock import VN_TZ, Clock, to_db
from counter_app.domain.lifecycle import Status
from counter_app.domain.text import fold
from counter_app.services.errors import NotFound
from counter_app.services.read_models import DossierPublic, dossier_public
from db.engine import read_session
from db.models import Dossier, DossierComponent

_TOKEN = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class DossierQuery:
    """What the list screen asks for."""

    text: str = ""
    day: date | None = None  # received on this local day
    status: Status | None = None
    overdue_only: bool = False
    limit: int = 200
    offset: int = 0  # the list fetches the next page as the official scrolls
    procedure_code: str | None = None
    official_id: int | None = None
    received_from: date | None = None  # local days, inclusive
    received_to: date | None = None
    sort: str = ""  # a key of SORT_COLUMNS; "" = newest first
    descending: bool = False


# What the list may sort by: column key -> SQL expression (never text from the user).
SORT_COLUMNS: dict[str, str] = {
    "code": "d.code",
    "applicant": "d.applicant_folded",
    "id_number": "d.id_number",
    "procedure": "d.procedure_name",
    "status": "d.status",
    "received": "d.received_at",
    "due": "d.due_at",
    "channel": "d.channel",
}


@dataclass(frozen=True)
class OfficialRef:
    """An official as a list filter offers them."""

    id: int
    name: str


def fts_query(text_: str) -> str:
    """An FTS5 MATCH expression: every folded token as a prefix, all required."""
    tokens = _TOKEN.findall(fold(text_))
    return " AND ".join(f'"{t}"*' for t in tokens)


class DossierQueryService:
    """Read-only queries over the dossiers."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def find(self, q: DossierQuery) -> list[DossierPublic]:
        """Newest first (or by `q.sort`); full-text search when there is text, else filters."""
        where, params = self._filters(q)
        params |= {"limit": q.limit, "offset": q.offset}
        match = fts_query(q.text) if q.text.strip() else ""
        order = "d.id DESC"
        if q.sort in SORT_COLUMNS:
            order = f"{SORT_COLUMNS[q.sort]} {'DESC' if q.descending else 'ASC'}, d.id DESC"
        if match and not where and not q.sort and not q.offset:
            # FTS5 walks its doclist backwards for ORDER BY rowid DESC and stops at the LIMIT,
            # so even a common surname over a million dossiers answers at once.
            sql = ("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :m "
                   "ORDER BY rowid DESC LIMIT :limit")
            params["m"] = match
        else:
            if match:
                where.append("d.id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :m)")
                params["m"] = match
            cond = f"WHERE {' AND '.join(where)}" if where else ""
            sql = f"SELECT d.id FROM dossier d {cond} ORDER BY {order} LIMIT :limit OFFSET :offset"
        with read_session(self._engine) as s:
            ids = [r[0] for r in s.execute(text(sql), params)]
            if not ids:
                return []
            rows = s.exec(select(Dossier).where(Dossier.id.in_(ids))).all()  # type: ignore[union-attr]
            by_id = {r.id: r for r in rows}
            return [dossier_public(by_id[i]) for i in ids if i in by_id]

    def count_matching(self, q: DossierQuery) -> int:
        """How many dossiers match the query's text and filters (whatever its limit)."""
        where, params = self._filters(q)
        match = fts_query(q.text) if q.text.strip() else ""
        if match:
            where.append("d.id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :m)")
            params["m"] = match
        cond = f"WHERE {' AND '.join(where)}" if where else ""
        with read_session(self._engine) as s:
            return int(s.execute(text(f"SELECT COUNT(*) FROM dossier d {cond}"), params)
                       .scalar_one())

    def _filters(self, q: DossierQuery) -> tuple[list[str], dict[str, object]]:
        where: list[str] = []
        params: dict[str, object] = {}
        first, last = q.received_from, q.received_to
        if q.day is not None:
            first = last = q.day
        if first is not None:
            where.append("d.received_at >= :d0")
            params["d0"] = to_db(datetime.combine(first, time(0), VN_TZ))
        if last is not None:
            where.append("d.received_at < :d1")
            params["d1"] = to_db(datetime.combine(last + timedelta(days=1), time(0), VN_TZ))
        if q.status is not None:
            where.append("d.status = :st")
            params["st"] = int(q.status)
        if q.overdue_only:
            where.append("d.status IN (1, 2, 4, 5, 6) AND d.due_at < :now")
            params["now"] = to_db(self._clock.now())
        if q.procedure_code:
            where.append("d.procedure_code = :pc")
            params["pc"] = q.procedure_code
        if q.official_id is not None:
            where.append("d.official_id = :oid")
            params["oid"] = q.official_id
        return where, params

    def officials(self) -> list[OfficialRef]:
        """The officials who received dossiers here, for the list's filter."""
        sql = ("SELECT DISTINCT official_id, official_name FROM dossier "
               "WHERE official_id IS NOT NULL ORDER BY official_name")
        with read_session(self._engine) as s:
            return [OfficialRef(int(r[0]), str(r[1])) for r in s.execute(text(sql))]

    def procedure_usage(self, *, since: date) -> dict[str, int]:
        """Dossiers per procedure code received at the counter since a local day."""
        sql = ("SELECT procedure_code, COUNT(*) FROM dossier WHERE received_at >= :d0 "
               "AND channel != 2 GROUP BY procedure_code")
        d0 = to_db(datetime.combine(since, time(0), VN_TZ))
        with read_session(self._engine) as s:
            return {str(r[0]): int(r[1]) for r in s.execute(text(sql), {"d0": d0})}

    def recent_same(self, id_number: str, procedure_code: str, *, since: date) -> list[str]:
        """Codes of dossiers of this ID number and procedure received since a local day."""
        sql = ("SELECT code FROM dossier WHERE id_number = :n AND procedure_code = :p "
               "AND received_at >= :d0 ORDER BY id DESC LIMIT 5")
        params = {"n": id_number.strip(), "p": procedure_code,
                  "d0": to_db(datetime.combine(since, time(0), VN_TZ))}
        with read_session(self._engine) as s:
            return [str(r[0]) for r in s.execute(text(sql), params)]

    def today(self) -> list[DossierPublic]:
        """Dossiers received today at this office."""
        return self.find(DossierQuery(day=self._clock.now().astimezone(VN_TZ).date(), limit=1000))

    def get(self, code: str) -> DossierPublic:
        """One dossier with its components; NotFound for an unknown code."""
        with read_session(self._engine) as s:
            d = s.exec(select(Dossier).where(Dossier.code == code.strip())).first()
            if d is None:
                raise NotFound(f"Không tìm thấy hồ sơ {code}.", field="code")
            comps = list(
                s.exec(select(DossierComponent).where(DossierComponent.dossier_id == d.id))
            )
            return dossier_public(d, comps)

    def count(self) -> int:
        """How many dossiers the store holds."""
        with read_session(self._engine) as s:
            return int(s.execute(text("SELECT COUNT(*) FROM dossier")).scalar_one())

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
        """Newest first; full-text search when there is text, else filters only."""
        where: list[str] = []
        params: dict[str, object] = {"limit": q.limit}
        if q.day is not None:
            start = datetime.combine(q.day, time(0), VN_TZ)
            where.append("d.received_at >= :d0 AND d.received_at < :d1")
            params |= {"d0": to_db(start), "d1": to_db(start + timedelta(days=1))}
        if q.status is not None:
            where.append("d.status = :st")
            params["st"] = int(q.status)
        if q.overdue_only:
            where.append("d.status IN (1, 2, 4, 5, 6) AND d.due_at < :now")
            params["now"] = to_db(self._clock.now())
        match = fts_query(q.text) if q.text.strip() else ""
        if match and not where:
            # FTS5 walks its doclist backwards for ORDER BY rowid DESC and stops at the LIMIT,
            # so even a common surname over a million dossiers answers at once.
            sql = ("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH :m "
                   "ORDER BY rowid DESC LIMIT :limit")
            params["m"] = match
        elif match:
            sql = ("SELECT d.id FROM dossier d WHERE d.id IN (SELECT rowid FROM dossier_fts "
                   f"WHERE dossier_fts MATCH :m) AND {' AND '.join(where)} "
                   "ORDER BY d.id DESC LIMIT :limit")
            params["m"] = match
        else:
            cond = f"WHERE {' AND '.join(where)}" if where else ""
            sql = f"SELECT d.id FROM dossier d {cond} ORDER BY d.id DESC LIMIT :limit"
        with read_session(self._engine) as s:
            ids = [r[0] for r in s.execute(text(sql), params)]
            if not ids:
                return []
            rows = s.exec(select(Dossier).where(Dossier.id.in_(ids))).all()  # type: ignore[union-attr]
            by_id = {r.id: r for r in rows}
            return [dossier_public(by_id[i]) for i in ids if i in by_id]

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

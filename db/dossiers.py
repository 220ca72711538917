"""The one way a dossier row is written: ``insert_dossiers`` (intake, pull and the demo seed).

Values are keyed by the columns of ``db.models.Dossier`` (the shared ones come from
``counter_app.domain.dossier.DossierBase``); defaults of the model fill what a caller leaves
out, so every caller writes the same row shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from counter_app.domain.dossier import DOSSIER_FIELDS
from db.models import Dossier, DossierComponent

_DOSSIER = Dossier.__table__  # type: ignore[attr-defined]
_COMPONENT = DossierComponent.__table__  # type: ignore[attr-defined]
_COLUMNS: tuple[str, ...] = tuple(c.name for c in _DOSSIER.columns)
_DEFAULTS: dict[str, Any] = {
    name: f.default for name, f in Dossier.model_fields.items()
    if not f.is_required() and name != "id"
}
_COMPONENT_KEYS = ("name", "originals", "certified_copies", "photocopies")


@dataclass(frozen=True)
class NewDossier:
    """A dossier row to insert (column -> value) and the papers handed in with it."""

    values: Mapping[str, Any]
    components: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def _row(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = values.keys() - set(_COLUMNS)
    if unknown:
        raise KeyError(f"not dossier columns: {sorted(unknown)}")
    return {**_DEFAULTS, **values}


def insert_dossiers(conn: Connection, items: Sequence[NewDossier]) -> list[int]:
    """Insert dossiers and their components in the caller's transaction; returns their ids.

    Rows that carry an ``id`` (the bulk demo seed) go in as one executemany; the others get
    theirs from the database, in order.
    """
    if not items:
        return []
    rows = [_row(i.values) for i in items]
    if all(r.get("id") is not None for r in rows):
        conn.execute(insert(_DOSSIER), rows)
        ids = [int(r["id"]) for r in rows]
    else:
        stmt = insert(_DOSSIER).returning(_DOSSIER.c.id, sort_by_parameter_order=True)
        ids = [int(r[0]) for r in conn.execute(stmt, rows)]
    comps = [
        {"dossier_id": did, "position": pos, **{k: c.get(k, 0) for k in _COMPONENT_KEYS}}
        for did, item in zip(ids, items, strict=True)
        for pos, c in enumerate(item.components)
    ]
    if comps:
        conn.execute(insert(_COMPONENT), comps)
    return ids


def dossier_payload(
    values: Mapping[str, Any], components: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The ``dossier.received`` payload: the shared fields and the papers (DossierRecord)."""
    row = {**_DEFAULTS, **values}
    return {
        **{k: row[k] for k in DOSSIER_FIELDS},
        "components": [{k: c.get(k, 0) for k in _COMPONENT_KEYS} for c in components],
    }


def component_values(c: DossierComponent | Mapping[str, Any]) -> dict[str, Any]:
    """A component as the plain mapping the writers take."""
    if isinstance(c, Mapping):
        return {k: c.get(k, 0) for k in _COMPONENT_KEYS}
    return {k: getattr(c, k) for k in _COMPONENT_KEYS}

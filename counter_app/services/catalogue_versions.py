"""Procedure versions in the store: the one write path of the catalogue.

A rule change (fee, time, documents) is a new version: the version in force is closed at the
new version's effective date and the new one inserted; a version already in force is never
edited in place. A version not yet in force and never used may be withdrawn by a newer import
with the same or an earlier date. Two entry points share these rules: ``apply_versions`` inside
a session the caller commits (``CatalogueService`` imports), and ``import_versions_on`` inside a
transaction the caller holds on a plain connection (a pulled ``catalogue.procedure`` change,
applied in the savepoint of its page, see ``counter_app.sync.store``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func
from sqlmodel import Session, col, select

from counter_app.domain.canonical import canonical_json
from counter_app.domain.catalogue import ComponentRecord, ProcedureRecord, RejectedRow
from counter_app.domain.text import fold
from counter_app.services.changes import Changes
from db.models import Dossier, Procedure, ProcedureComponent

__all__ = ["ImportReport", "apply_versions", "components_of", "import_versions_on"]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: procedures added, new versions, unchanged ones, rejected rows."""

    added: int
    updated: int
    unchanged: int
    rejected: tuple[RejectedRow, ...]
    written: tuple[tuple[str, date], ...] = ()
    """(code, effective_from) of each version added or changed, in the order applied: one per
    added or updated record (an abolition names the version whose end date it set)."""

    @property
    def changes(self) -> Changes:
        """What the import changed, for the screens."""
        return Changes(procedures=bool(self.added or self.updated))


class _Tally:
    def __init__(self) -> None:
        self.added = self.updated = self.unchanged = 0
        self.rejected: list[RejectedRow] = []
        self.written: list[tuple[str, date]] = []

    def wrote(self, code: str, effective_from: str, *, added: bool) -> None:
        if added:
            self.added += 1
        else:
            self.updated += 1
        self.written.append((code, date.fromisoformat(effective_from)))

    def report(self, extra: Sequence[RejectedRow] = ()) -> ImportReport:
        rejected = sorted([*extra, *self.rejected], key=lambda r: r.source_row)
        return ImportReport(
            self.added, self.updated, self.unchanged, tuple(rejected), tuple(self.written)
        )


def apply_versions(
    session: Session, records: Iterable[ProcedureRecord], *, today: date | None,
    extra_rejected: Sequence[RejectedRow] = (),
) -> ImportReport:  # fmt: skip
    """Apply versions in the given order inside the caller's session (which commits).

    ``today`` decides whether a pending version may still be withdrawn; None (the packaged
    catalogue) never withdraws anything.
    """
    tally = _Tally()
    for rec in records:
        _apply(session, rec, today, tally)
    return tally.report(extra_rejected)


def import_versions_on(
    conn: Connection, records: Iterable[ProcedureRecord], *, today: date
) -> ImportReport:
    """The same import inside the transaction the caller holds on ``conn``.

    The session works in a SAVEPOINT of its own and releases it; the caller's transaction is
    neither committed nor ended, so the caller decides (e.g. a pulled page and its cursor).
    """
    ordered = sorted(records, key=lambda r: (r.code, r.effective_from))
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        report = apply_versions(session, ordered, today=today)
        session.commit()
    return report


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _content(
    name: str, field_code: str, field_name: str, kind: str, hours: int, fee: str, legal: str,
    components: Iterable[ComponentRecord],
) -> tuple[object, ...]:  # fmt: skip
    return (name, field_code, field_name, kind, hours, fee, legal, tuple(components))


def _record_content(rec: ProcedureRecord) -> tuple[object, ...]:
    fee = canonical_json(rec.fee_rule)
    return _content(
        rec.name, rec.field_code, rec.field_name, rec.duration_kind, rec.duration_hours, fee,
        rec.legal_basis, rec.components,
    )  # fmt: skip


def _apply(session: Session, rec: ProcedureRecord, today: date | None, tally: _Tally) -> None:
    versions = _versions(session, rec.code)
    content = _record_content(rec)
    start, end = rec.effective_from.isoformat(), _iso(rec.effective_to)
    if not versions:
        _insert(session, rec)
        tally.wrote(rec.code, start, added=True)
        return
    for v in versions:
        # No end date in the record also matches a version its successor has closed.
        same = _row_content(session, v) == content
        if same and v.effective_from == start and end in (None, v.effective_to):
            tally.unchanged += 1
            return
    latest = versions[-1]
    open_at_start = latest.effective_to is None or latest.effective_to > start
    same_rules = _row_content(session, latest) == content
    if same_rules and latest.effective_from <= start and open_at_start:
        # The same rules again: only a new end date (abolition) is a change.
        if latest.effective_to == end:
            tally.unchanged += 1
        else:
            latest.effective_to = end
            session.add(latest)
            tally.wrote(latest.code, latest.effective_from, added=False)
        return
    if start <= latest.effective_from:
        _replace_pending(session, rec, latest, versions, today, tally)
        return
    if open_at_start:
        latest.effective_to = start
        session.add(latest)
    _insert(session, rec)
    tally.wrote(rec.code, start, added=False)


def _replace_pending(
    session: Session, rec: ProcedureRecord, latest: Procedure,
    versions: Sequence[Procedure], today: date | None, tally: _Tally,
) -> None:  # fmt: skip
    """A version not yet in force and never used may be withdrawn; others are history."""
    used = session.exec(
        select(func.count()).select_from(Dossier).where(Dossier.procedure_id == latest.id)
    ).one()
    if today is None or latest.effective_from <= today.isoformat() or used:
        since = date.fromisoformat(latest.effective_from).strftime("%d/%m/%Y")
        reason = (
            f"Ngày hiệu lực phải sau {since} (ngày hiệu lực của phiên bản đã áp dụng); "
            "không sửa đè phiên bản đã có hiệu lực"
        )
        tally.rejected.append(RejectedRow(rec.source_row, rec.code, (reason,)))
        return
    # Withdraw, then place the record again; if that is refused the withdrawal is undone too
    # (a rejected row changes nothing).
    refused_before = len(tally.rejected)
    savepoint = session.begin_nested()
    latest.active = False
    session.add(latest)
    if len(versions) > 1 and versions[-2].effective_to == latest.effective_from:
        versions[-2].effective_to = None
        session.add(versions[-2])
    session.flush()
    _apply(session, rec, today, tally)
    if len(tally.rejected) > refused_before:
        savepoint.rollback()
        session.expire_all()  # the withdrawn rows read back as they are stored
    else:
        savepoint.commit()


def _versions(session: Session, code: str) -> list[Procedure]:
    stmt = (
        select(Procedure)
        .where(Procedure.code == code, col(Procedure.active).is_(True))
        .order_by(col(Procedure.effective_from))
    )
    return list(session.exec(stmt).all())


def components_of(session: Session, ids: Sequence[int]) -> dict[int, list[ComponentRecord]]:
    """The components of procedure versions, in their order, by version id."""
    stmt = (
        select(ProcedureComponent)
        .where(col(ProcedureComponent.procedure_id).in_(ids))
        .order_by(col(ProcedureComponent.procedure_id), col(ProcedureComponent.position))
    )
    out: dict[int, list[ComponentRecord]] = {i: [] for i in ids}
    for c in session.exec(stmt).all():
        record = ComponentRecord(c.name, c.originals, c.certified_copies, c.photocopies, c.required)
        out[c.procedure_id].append(record)
    return out


def _row_content(session: Session, row: Procedure) -> tuple[object, ...]:
    assert row.id is not None
    components = components_of(session, [row.id])[row.id]
    fee = canonical_json(json.loads(row.fee_rule))
    return _content(
        row.name, row.field_code, row.field_name, row.duration_kind, row.duration_hours, fee,
        row.legal_basis, components,
    )  # fmt: skip


def _insert(session: Session, rec: ProcedureRecord) -> None:
    row = Procedure(
        code=rec.code,
        name=rec.name,
        name_folded=fold(rec.name),
        field_code=rec.field_code,
        field_name=rec.field_name,
        duration_kind=rec.duration_kind,
        duration_hours=rec.duration_hours,
        fee_rule=canonical_json(rec.fee_rule),
        legal_basis=rec.legal_basis,
        effective_from=rec.effective_from.isoformat(),
        effective_to=_iso(rec.effective_to),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    for position, c in enumerate(rec.components, start=1):
        session.add(
            ProcedureComponent(
                procedure_id=row.id,
                position=position,
                name=c.name,
                originals=c.originals,
                certified_copies=c.certified_copies,
                photocopies=c.photocopies,
                required=c.required,
            )
        )

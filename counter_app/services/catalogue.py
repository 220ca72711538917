"""The procedure catalogue: versions with effective dates, imports, search and read models.

A rule change (fee, time, documents) is a new version: the version in force is closed at the
new version's effective date and the new one inserted; a version already in force is never
edited in place (the rules and their one write path: `catalogue_versions`). Reading and
validating files lives in `catalogue_io`.

An import is an administrator's act: it is refused to anyone else, and writes one
``catalogue.imported`` outbox event with the versions in the same transaction. An import that
writes no version (everything unchanged or rejected) changes nothing and writes no event. The
packaged catalogue loaded at first run is a system action, without an official or event.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_
from sqlmodel import Session, col, select

from counter_app.domain.clock import Clock, to_db
from counter_app.domain.fees import FeeRule
from counter_app.domain.text import fold, nfc
from counter_app.services.accounts import OfficialPublic, require_admin
from counter_app.services.catalogue_io import (
    HOURS_PER_DAY,
    CatalogueFileInvalid,
    ComponentRecord,
    ProcedureRecord,
    RejectedRow,
    catalogue_rows,
    parse_catalogue_csv,
    parse_catalogue_file,
    parse_catalogue_json,
    parse_catalogue_xlsx,
)
from counter_app.services.catalogue_versions import (
    ImportReport,
    apply_versions,
    components_of,
    import_versions_on,
)
from counter_app.services.errors import NotFound
from counter_app.services.spreadsheet import safe_rows
from db.engine import read_session, unit_of_work
from db.models import Procedure
from db.outbox import EventDraft, append_event

__all__ = [
    "CatalogueFileInvalid",
    "CatalogueService",
    "ComponentRecord",
    "ImportReport",
    "ProcedureNotFound",
    "ProcedurePublic",
    "ProcedureRecord",
    "RejectedRow",
    "import_versions_on",
    "parse_catalogue_csv",
    "parse_catalogue_file",
    "parse_catalogue_json",
    "parse_catalogue_xlsx",
]


ProceduresArrived = Callable[[Connection, str], object]
"""Called with the import's connection and the time (db text) after versions were written."""


class ProcedureNotFound(NotFound):
    """No procedure with this id, or no version of this code in force on the date."""

    code = "procedure_not_found"

    def __init__(
        self, *, procedure_code: str = "", procedure_id: int | None = None, on: date | None = None
    ) -> None:
        self.procedure_code = procedure_code
        self.procedure_id = procedure_id
        self.on = on
        if on is not None:
            day = on.strftime("%d/%m/%Y")
            message = f"Không có thủ tục mã {procedure_code} có hiệu lực ngày {day}."
        else:
            message = "Không tìm thấy thủ tục hành chính."
        super().__init__(message, field="procedure")


@dataclass(frozen=True)
class ProcedurePublic:
    """Read model of one procedure version."""

    id: int
    code: str
    name: str
    field_code: str
    field_name: str
    duration_kind: str
    duration_hours: int
    fee_rule: dict[str, Any]
    legal_basis: str
    effective_from: date
    effective_to: date | None
    components: tuple[ComponentRecord, ...] = field(default=())

    @property
    def processing_time_text(self) -> str:
        """The legal processing time as printed on the receipt."""
        return processing_time_text(self.duration_kind, self.duration_hours)

    @property
    def fee(self) -> FeeRule:
        """The fee rule as a domain object (for `compute_fee`)."""
        return FeeRule.from_dict(self.fee_rule)


def processing_time_text(duration_kind: str, duration_hours: int) -> str:
    """The legal processing time in the words of form 01 (one wording for screen and paper)."""
    if duration_kind == "working_days":
        return f"{duration_hours // HOURS_PER_DAY:02d} ngày làm việc"
    if duration_kind == "working_hours":
        return f"{duration_hours:02d} giờ làm việc"
    return "Trong ngày (tiếp nhận trước 15 giờ)"


def default_catalogue_bytes() -> bytes:
    """The catalogue.json shipped with the app."""
    return resources.files("counter_app.data").joinpath("catalogue.json").read_bytes()


_IMPORT = "nhập danh mục thủ tục"  # "Chỉ quản trị viên được nhập danh mục thủ tục."


def _imported_event(report: ImportReport, file_name: str | None) -> EventDraft:
    """The ``catalogue.imported`` event of an import that wrote ``report.written``."""
    payload = {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": len(report.rejected),
        "file_name": file_name,
        "versions": [
            {"code": code, "effective_from": start.isoformat()} for code, start in report.written
        ],
    }
    return EventDraft("catalogue", str(uuid.uuid4()), "catalogue.imported", payload)


def _in_force(on: date) -> Any:
    day = on.isoformat()
    return and_(
        col(Procedure.active).is_(True),
        col(Procedure.effective_from) <= day,
        or_(col(Procedure.effective_to).is_(None), col(Procedure.effective_to) > day),
    )


class CatalogueService:
    """Use cases of the procedure catalogue; every method is one unit of work."""

    def __init__(self, engine: Engine, clock: Clock, *,
                 procedures_arrived: ProceduresArrived | None = None) -> None:
        self._engine = engine
        self._clock = clock
        self._arrived = procedures_arrived

    def _on_written(self, session: Session, report: ImportReport) -> None:
        """Tell the one who asked (sync: pulled dossiers parked for a procedure) that versions
        were written, inside the import's transaction."""
        if report.written and self._arrived is not None:
            session.flush()
            self._arrived(session.connection(), to_db(self._clock.now()))

    # --- imports ------------------------------------------------------------------------

    def load_default(self) -> ImportReport:
        """Load the packaged catalogue if the procedure table is empty; else do nothing."""
        records, rejected = parse_catalogue_json(default_catalogue_bytes())
        with unit_of_work(self._engine) as session:
            # Checked inside the write transaction, so two starts cannot both load it.
            if session.exec(select(func.count()).select_from(Procedure)).one():
                return ImportReport(0, 0, 0, ())
            report = apply_versions(session, records, today=None, extra_rejected=rejected)
            self._on_written(session, report)
            return report

    def import_records(
        self, records: Iterable[ProcedureRecord], *, by: OfficialPublic, today: date
    ) -> ImportReport:
        """Import validated records in one transaction (new versions, never in-place edits)."""
        return self._import(records, by=by, today=today, file_name=None, rejected=())

    def import_file(self, path: Path, *, by: OfficialPublic, today: date) -> ImportReport:
        """Parse a .json/.csv/.xlsx catalogue and import its good rows; bad rows are reported."""
        require_admin(by, _IMPORT)  # before the file is even read
        records, rejected = parse_catalogue_file(path)
        return self._import(records, by=by, today=today, file_name=path.name, rejected=rejected)

    def _import(
        self, records: Iterable[ProcedureRecord], *, by: OfficialPublic, today: date,
        file_name: str | None, rejected: Sequence[RejectedRow],
    ) -> ImportReport:  # fmt: skip
        require_admin(by, _IMPORT)
        ordered = sorted(records, key=lambda r: (r.code, r.effective_from))
        with unit_of_work(self._engine) as session:
            report = apply_versions(session, ordered, today=today, extra_rejected=rejected)
            if report.written:  # nothing written, nothing to record or sync
                draft = _imported_event(report, file_name)
                append_event(session, draft, now=self._clock.now(), official_id=by.id)
            self._on_written(session, report)
        return report

    # --- queries ------------------------------------------------------------------------

    def list_procedures(self, *, on: date) -> list[ProcedurePublic]:
        """Every procedure version in force on `on`, sorted by field then name."""
        with read_session(self._engine) as session:
            rows = session.exec(select(Procedure).where(_in_force(on))).all()
            return self._public(session, rows)

    def search(self, text: str, *, on: date) -> list[ProcedurePublic]:
        """Procedures in force on `on` whose name (ignoring diacritics/case) or code matches."""
        words = fold(text).split()
        if not words:
            return self.list_procedures(on=on)
        by_name = and_(*(col(Procedure.name_folded).contains(w, autoescape=True) for w in words))
        by_code = col(Procedure.code).startswith(nfc(text), autoescape=True)
        with read_session(self._engine) as session:
            stmt = select(Procedure).where(_in_force(on), or_(by_name, by_code))
            found = self._public(session, session.exec(stmt).all())
        phrase = " ".join(words)
        return sorted(found, key=lambda p: _relevance(p, phrase))  # stable: field, name kept

    def get(self, procedure_id: int) -> ProcedurePublic:
        """One procedure version by id (dossiers keep the id of the version they used)."""
        with read_session(self._engine) as session:
            row = session.get(Procedure, procedure_id)
            if row is None:
                raise ProcedureNotFound(procedure_id=procedure_id)
            return self._public(session, [row])[0]

    def in_force(self, code: str, *, on: date) -> ProcedurePublic:
        """The version of `code` in force on `on`; raise `ProcedureNotFound` if none."""
        code = nfc(code)
        with read_session(self._engine) as session:
            stmt = select(Procedure).where(Procedure.code == code, _in_force(on))
            rows = session.exec(stmt.order_by(col(Procedure.effective_from).desc())).all()
            if not rows:
                raise ProcedureNotFound(procedure_code=code, on=on)
            return self._public(session, rows[:1])[0]

    def export_file(self, path: Path, *, on: date) -> int:
        """Write the procedures in force on `on` as .csv or .xlsx (to edit and re-import)."""
        records = [_to_record(p) for p in self.list_procedures(on=on)]
        table = safe_rows(catalogue_rows(records))
        if path.suffix.lower() == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f).writerows(table)
        elif path.suffix.lower() == ".xlsx":
            _write_xlsx(path, table)
        else:
            raise CatalogueFileInvalid(f"không hỗ trợ loại tệp “{path.suffix}” (.csv, .xlsx)")
        return len(records)

    def _public(self, session: Session, rows: Sequence[Procedure]) -> list[ProcedurePublic]:
        ids = [r.id for r in rows if r.id is not None]
        components = components_of(session, ids)
        out = [_to_public(r, components[r.id]) for r in rows if r.id is not None]
        return sorted(out, key=lambda p: (p.field_code, fold(p.name), p.code, p.effective_from))


def _relevance(p: ProcedurePublic, phrase: str) -> int:
    """0 exact, 1 prefix, 2 whole phrase inside the name, 3 only the words somewhere."""
    name = fold(p.name)
    if phrase in (name, p.code):
        return 0
    if name.startswith(phrase) or p.code.startswith(phrase):
        return 1
    return 2 if phrase in name else 3


def _to_public(row: Procedure, components: Sequence[ComponentRecord]) -> ProcedurePublic:
    assert row.id is not None
    return ProcedurePublic(
        id=row.id,
        code=row.code,
        name=row.name,
        field_code=row.field_code,
        field_name=row.field_name,
        duration_kind=row.duration_kind,
        duration_hours=row.duration_hours,
        fee_rule=json.loads(row.fee_rule),
        legal_basis=row.legal_basis,
        effective_from=date.fromisoformat(row.effective_from),
        effective_to=date.fromisoformat(row.effective_to) if row.effective_to else None,
        components=tuple(components),
    )


def _to_record(p: ProcedurePublic) -> ProcedureRecord:
    return ProcedureRecord(
        p.code, p.name, p.field_code, p.field_name, p.duration_kind, p.duration_hours,
        p.fee_rule, p.legal_basis, p.effective_from, p.effective_to, p.components,
    )  # fmt: skip


def _write_xlsx(path: Path, table: Sequence[Sequence[object]]) -> None:
    from openpyxl import Workbook  # heavy import, only when exporting

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh mục TTHC"
    for row in table:
        sheet.append(list(row))
    book.save(path)

"""Importing catalogues into the store: files, rejected rows, NFC, versions by effective date."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from catalogue_helpers import import_json, imported_events, proc_data, set_up_admin
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import select

from counter_app.domain.clock import FixedClock
from counter_app.services import catalogue_versions
from counter_app.services.accounts import OfficialPublic
from counter_app.services.catalogue import (
    CatalogueFileInvalid,
    CatalogueService,
    ProcedureNotFound,
    ProcedurePublic,
    parse_catalogue_json,
)
from db.engine import make_engine, read_session
from db.migrate import upgrade
from db.models import Procedure

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalogue"
HEADER = (
    "ma_thu_tuc,ten_thu_tuc,ma_linh_vuc,ten_linh_vuc,thoi_han_loai,thoi_han_so,phi_loai,"
    "phi_so_tien,hieu_luc_tu,hieu_luc_den,thanh_phan,ban_chinh,ban_sao_chung_thuc,ban_photo\n"
)


def _content(procs: list[ProcedurePublic]) -> list[tuple[object, ...]]:
    return [(p.code, p.name, p.fee_rule, p.duration_hours, p.components) for p in procs]


# --- files ------------------------------------------------------------------------------


def test_json_import_adds_procedures(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    report = import_json(
        catalogue, admin, tmp_path, proc_data(), proc_data("2.000908"), today=date(2025, 7, 1)
    )
    assert (report.added, report.updated, report.unchanged, report.rejected) == (2, 0, 0, ())
    proc = catalogue.in_force("2.000884", on=date(2025, 7, 1))
    assert proc.fee_rule == {"kind": "flat", "amount": 10_000}
    assert proc.components[0].name == "Giấy tờ cần chứng thực chữ ký"
    assert proc.components[0].originals == 1 and proc.components[0].required


def test_nfd_input_is_stored_nfc_and_searchable(
    catalogue: CatalogueService, admin: OfficialPublic, engine: Engine, tmp_path: Path
) -> None:
    def nfd(s: str) -> str:
        return unicodedata.normalize("NFD", s)

    proc = proc_data(
        name=nfd("  Chứng thực   chữ ký  "),
        legal_basis=nfd("Nghị định 23/2015/NĐ-CP"),
        components=[{"name": nfd("Giấy tờ tùy thân"), "originals": 1}],
    )
    assert not unicodedata.is_normalized("NFC", proc["name"])
    import_json(catalogue, admin, tmp_path, proc, today=date(2025, 7, 1))
    with read_session(engine) as s:
        row = s.exec(select(Procedure)).one()
        assert row.name == "Chứng thực chữ ký"
        assert row.name_folded == "chung thuc chu ky"
    public = catalogue.in_force("2.000884", on=date(2025, 7, 1))
    assert public.legal_basis == "Nghị định 23/2015/NĐ-CP"
    assert public.components[0].name == "Giấy tờ tùy thân"
    assert [p.code for p in catalogue.search("giay to", on=date(2025, 7, 1))] == []
    assert [p.code for p in catalogue.search(nfd("chữ ký"), on=date(2025, 7, 1))] == ["2.000884"]


def test_csv_import_groups_rows_into_procedures(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(
        (
            HEADER
            + "1.004194,Đăng ký tạm trú,CTR,Cư trú,working_days,3,flat,15000,2025-07-01,,Tờ khai CT01,1,0,0\n"
            + "1.004194,Đăng ký tạm trú,CTR,Cư trú,working_days,3,flat,15000,2025-07-01,,Giấy tờ chỗ ở,0,0,1\n"
        ).encode("utf-8-sig")
    )
    report = catalogue.import_file(path, by=admin, today=date(2025, 7, 1))
    assert (report.added, report.rejected) == (1, ())
    proc = catalogue.in_force("1.004194", on=date(2025, 7, 2))
    assert [c.name for c in proc.components] == ["Tờ khai CT01", "Giấy tờ chỗ ở"]
    assert (proc.duration_kind, proc.duration_hours) == ("working_days", 24)
    assert proc.components[1].photocopies == 1


def test_xlsx_import_with_native_cell_types(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header = ["Mã TTHC", "Tên thủ tục", "Mã lĩnh vực", "Lĩnh vực", "Thời hạn loại", "Thời hạn số"]
    header += ["Phí loại", "Phí số tiền", "Hiệu lực từ", "Thành phần hồ sơ", "Bản chính"]
    sheet.append([*header, "Bản sao chứng thực", "Bản photo", "Bắt buộc"])
    # Excel stores a code typed as a number as a float and drops the trailing zero.
    head = [1.00422, "Đăng ký thường trú", "CTR", "Cư trú", "ngày làm việc", 7, "cố định", 20000]
    sheet.append([*head, datetime(2025, 7, 1), "Tờ khai CT01", 1, 0, 0, None])
    sheet.append([*head, datetime(2025, 7, 1), "Văn bản đồng ý của chủ hộ", 1.0, 0, 0, "không"])
    path = tmp_path / "c.xlsx"
    book.save(path)
    report = catalogue.import_file(path, by=admin, today=date(2025, 7, 1))
    assert (report.added, report.rejected) == (1, ())
    proc = catalogue.in_force("1.004220", on=date(2025, 7, 1))
    assert proc.processing_time_text == "07 ngày làm việc"
    assert [c.required for c in proc.components] == [True, False]


def test_bad_rows_are_rejected_with_row_numbers_and_good_rows_land(
    catalogue: CatalogueService, admin: OfficialPublic
) -> None:
    report = catalogue.import_file(
        FIXTURES / "sample_with_errors.csv", by=admin, today=date(2025, 7, 1)
    )
    assert report.added == 2
    assert [r.source_row for r in report.rejected] == [3, 4, 5, 6, 7, 8, 9]
    by_row = {r.source_row: r for r in report.rejected}
    assert by_row[3].code == "2.81" and "2.81" in by_row[3].reasons[0]
    assert by_row[4].code == by_row[5].code == "1.004873"
    assert all(
        r.reasons and all(isinstance(x, str) and x for x in r.reasons) for r in by_row.values()
    )
    on = date(2025, 7, 2)
    assert {p.code for p in catalogue.list_procedures(on=on)} == {"2.000908", "1.000894"}


def test_sample_files_import(catalogue: CatalogueService, admin: OfficialPublic) -> None:
    today = date(2025, 7, 1)
    report = catalogue.import_file(FIXTURES / "sample_good.csv", by=admin, today=today)
    assert (report.added, report.rejected) == (2, ())
    variant = catalogue.in_force("2.000884.000.00.12.H26", on=today)
    assert variant.fee_rule == {"kind": "flat", "amount": 10_000}
    stay = catalogue.in_force("1.004194", on=today)
    assert stay.fee_rule == {"kind": "flat", "amount": 15_000, "online_amount": 7_000}
    assert [c.required for c in stay.components] == [True, True, False]
    # The workbook holds the same rows: nothing new.
    again = catalogue.import_file(FIXTURES / "sample_good.xlsx", by=admin, today=today)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert catalogue.import_file(FIXTURES / "sample.json", by=admin, today=today).added == 2
    assert catalogue.in_force("1.010041", on=today).processing_time_text == "08 giờ làm việc"


def test_unreadable_files_raise(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    cases = {
        "a.txt": b"hello",
        "b.json": b"{not json",
        "c.json": b'{"items": []}',
        "d.csv": b"ma_thu_tuc,ten_thu_tuc\n2.000815,x\n",
        "e.xlsx": b"PK\x03\x04 not really a workbook",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(CatalogueFileInvalid):
            catalogue.import_file(tmp_path / name, by=admin, today=date(2025, 7, 1))
    assert catalogue.list_procedures(on=date(2025, 7, 1)) == []


# --- versions ---------------------------------------------------------------------------


def test_fee_change_by_decree_is_a_new_version(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    import_json(catalogue, admin, tmp_path, proc_data(), today=date(2025, 7, 1))
    old = catalogue.in_force("2.000884", on=date(2025, 12, 31))
    new_fee = proc_data(fee={"kind": "flat", "amount": 15_000}, effective_from="2026-01-01")
    report = import_json(catalogue, admin, tmp_path, new_fee, today=date(2025, 12, 1))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)

    before = catalogue.in_force("2.000884", on=date(2025, 12, 31))
    after = catalogue.in_force("2.000884", on=date(2026, 1, 1))
    assert before.id == old.id and before.fee_rule["amount"] == 10_000
    assert before.effective_to == date(2026, 1, 1)
    assert after.id != old.id and after.fee_rule["amount"] == 15_000
    assert after.effective_to is None
    # A dossier received under the old rule still finds the version it used.
    assert catalogue.get(old.id).fee_rule["amount"] == 10_000
    for day in (date(2025, 12, 31), date(2026, 1, 1)):
        assert [p.code for p in catalogue.list_procedures(on=day)] == ["2.000884"]


def test_reimport_is_unchanged(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    v1 = proc_data()
    v2 = proc_data(fee={"kind": "flat", "amount": 15_000}, effective_from="2026-01-01")
    import_json(catalogue, admin, tmp_path, v1, today=date(2025, 7, 1))
    import_json(catalogue, admin, tmp_path, v2, today=date(2025, 12, 1))
    report = import_json(catalogue, admin, tmp_path, v1, v2, today=date(2026, 2, 1))
    assert (report.added, report.updated, report.unchanged, report.rejected) == (0, 0, 2, ())
    republished = proc_data(effective_from="2025-09-01")  # same rules, a later decision
    again = import_json(catalogue, admin, tmp_path, republished, today=date(2025, 9, 1))
    assert again.unchanged == 1


def test_changed_rules_must_take_effect_after_the_version_in_force(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    import_json(catalogue, admin, tmp_path, proc_data(), today=date(2025, 7, 1))
    edit = proc_data(fee={"kind": "flat", "amount": 99_000})  # same effective date: an edit
    report = import_json(catalogue, admin, tmp_path, edit, today=date(2025, 8, 1))
    assert (report.updated, [r.source_row for r in report.rejected]) == (0, [1])
    assert catalogue.in_force("2.000884", on=date(2025, 8, 1)).fee_rule["amount"] == 10_000


def test_pending_version_can_be_corrected_before_it_takes_effect(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    import_json(catalogue, admin, tmp_path, proc_data(), today=date(2025, 7, 1))
    typo = proc_data(fee={"kind": "flat", "amount": 150_000}, effective_from="2026-01-01")
    fixed = proc_data(fee={"kind": "flat", "amount": 15_000}, effective_from="2026-01-01")
    import_json(catalogue, admin, tmp_path, typo, today=date(2025, 12, 1))
    report = import_json(catalogue, admin, tmp_path, fixed, today=date(2025, 12, 2))
    assert (report.updated, report.rejected) == (1, ())
    assert catalogue.in_force("2.000884", on=date(2026, 1, 5)).fee_rule["amount"] == 15_000
    assert catalogue.in_force("2.000884", on=date(2025, 12, 31)).effective_to == date(2026, 1, 1)
    # Once in force it is history: the same correction is refused.
    late = proc_data(fee={"kind": "flat", "amount": 16_000}, effective_from="2026-01-01")
    refused = import_json(catalogue, admin, tmp_path, late, today=date(2026, 1, 2))
    assert len(refused.rejected) == 1


def test_a_refused_row_leaves_the_pending_version_in_place(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    """Withdrawing a pending version to make room is undone when the row is refused after all."""
    import_json(catalogue, admin, tmp_path, proc_data(effective_from="2025-01-01"),
                today=date(2025, 1, 1))
    pending = proc_data(fee={"kind": "flat", "amount": 20_000}, effective_from="2026-06-01")
    import_json(catalogue, admin, tmp_path, pending, today=date(2026, 3, 1))
    too_early = proc_data(fee={"kind": "flat", "amount": 30_000}, effective_from="2024-06-01")
    refused = import_json(catalogue, admin, tmp_path, too_early, today=date(2026, 3, 1))
    assert (refused.added, refused.updated, len(refused.rejected)) == (0, 0, 1)
    assert catalogue.in_force("2.000884", on=date(2026, 6, 2)).fee_rule["amount"] == 20_000
    before = catalogue.in_force("2.000884", on=date(2026, 5, 31))
    assert (before.fee_rule["amount"], before.effective_to) == (10_000, date(2026, 6, 1))


def test_an_end_date_abolishes_the_procedure(
    catalogue: CatalogueService, admin: OfficialPublic, tmp_path: Path
) -> None:
    import_json(catalogue, admin, tmp_path, proc_data(), today=date(2025, 7, 1))
    abolished = proc_data(effective_to="2026-03-01")
    report = import_json(catalogue, admin, tmp_path, abolished, today=date(2026, 2, 1))
    assert report.updated == 1
    assert catalogue.in_force("2.000884", on=date(2026, 2, 28)).effective_to == date(2026, 3, 1)
    with pytest.raises(ProcedureNotFound):
        catalogue.in_force("2.000884", on=date(2026, 3, 1))


def test_import_records_is_one_transaction(
    catalogue: CatalogueService, admin: OfficialPublic, engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    records, _ = parse_catalogue_json(
        json.dumps({"procedures": [proc_data("2.000884"), proc_data("2.000908")]}).encode()
    )
    original = catalogue_versions._insert
    calls: list[str] = []

    def failing_insert(session: Any, rec: Any) -> None:
        calls.append(rec.code)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        original(session, rec)

    monkeypatch.setattr(catalogue_versions, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        catalogue.import_records(records, by=admin, today=date(2025, 7, 1))
    assert catalogue.list_procedures(on=date(2025, 7, 1)) == []
    assert imported_events(engine) == []


def test_export_and_reimport_round_trip(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    source = CatalogueService(engine, clock)
    source.load_default()
    on = date(2025, 9, 1)
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"export{suffix}"
        count = source.export_file(path, on=on)
        target_engine = make_engine(tmp_path / f"copy{suffix}.db")
        upgrade(target_engine)
        target_admin = set_up_admin(target_engine, clock)
        target = CatalogueService(target_engine, clock)
        report = target.import_file(path, by=target_admin, today=on)
        assert (report.added, report.rejected) == (count, ())
        assert _content(target.list_procedures(on=on)) == _content(source.list_procedures(on=on))

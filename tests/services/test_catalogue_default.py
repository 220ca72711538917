"""The packaged default catalogue: contents, fees, times, search and lookups."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.fees import compute_fee
from counter_app.domain.lifecycle import Channel
from counter_app.services.catalogue import CatalogueService, ProcedureNotFound
from db.engine import make_engine
from db.migrate import upgrade

ON = date(2025, 9, 15)

# code -> (fee kind, duration kind, duration hours) as in DOMAIN.md §7
DOMAIN_TABLE = {
    "2.000815": ("per_page_tiered", "same_day", 0),
    "2.000884": ("flat", "same_day", 0),
    "2.001035": ("flat", "working_days", 16),
    "2.000908": ("free", "same_day", 0),
    "1.001193": ("free", "same_day", 0),
    "1.000656": ("free", "same_day", 0),
    "1.000894": ("free", "same_day", 0),
    "1.004873": ("province", "working_days", 24),
    "2.000635": ("per_copy", "same_day", 0),
    "1.001022": ("province", "working_days", 24),
    "1.004859": ("province", "working_days", 24),
    "1.004884": ("province", "working_days", 40),
    "1.004837": ("free", "working_days", 24),
    "1.001612": ("province", "working_days", 24),
    "1.004222": ("flat", "working_days", 56),
}


@pytest.fixture
def catalogue(tmp_path: Path, clock: FixedClock) -> CatalogueService:
    engine = make_engine(tmp_path / "t.db")
    upgrade(engine)
    service = CatalogueService(engine, clock)
    report = service.load_default()
    assert report.rejected == ()
    return service


def test_default_has_every_procedure_of_the_domain_table(catalogue: CatalogueService) -> None:
    procs = catalogue.list_procedures(on=ON)
    codes = {p.code for p in procs}
    assert len(procs) >= 15
    assert set(DOMAIN_TABLE) <= codes
    assert len(codes) == len(procs)  # one version of each code in force


@pytest.mark.parametrize("code", sorted(DOMAIN_TABLE))
def test_default_fee_kind_and_time_match_the_domain_table(
    catalogue: CatalogueService, code: str
) -> None:
    proc = catalogue.in_force(code, on=ON)
    fee_kind, duration_kind, hours = DOMAIN_TABLE[code]
    assert proc.fee_rule["kind"] == fee_kind
    assert (proc.duration_kind, proc.duration_hours) == (duration_kind, hours)
    if fee_kind == "province":
        assert proc.fee_rule["amount"] == 0 and proc.fee_rule["note"]


def test_default_fee_amounts(catalogue: CatalogueService) -> None:
    def fee(code: str, channel: Channel = Channel.DIRECT, **kw: int) -> int:
        return compute_fee(catalogue.in_force(code, on=ON).fee, channel=channel, **kw)

    assert fee("2.000815", pages=1) == 2_000
    assert fee("2.000815", pages=3) == 5_000  # 2 × 2,000 + 1,000 from page 3
    assert fee("2.000815", pages=500, copies=2) == 400_000  # capped at 200,000 per copy
    assert fee("2.000884") == 10_000
    assert fee("2.001035") == 50_000
    assert fee("2.000635", copies=3) == 24_000
    assert fee("1.004222") == 20_000
    assert fee("1.004222", Channel.ONLINE) == 10_000
    assert fee("1.001193") == fee("2.000908") == fee("1.004837") == 0


def test_processing_time_text(catalogue: CatalogueService) -> None:
    assert catalogue.in_force("2.000815", on=ON).processing_time_text == (
        "Trong ngày (tiếp nhận trước 15 giờ)"
    )
    assert catalogue.in_force("1.004873", on=ON).processing_time_text == "03 ngày làm việc"
    assert catalogue.in_force("1.004222", on=ON).processing_time_text == "07 ngày làm việc"


def test_every_procedure_has_components_and_nfc_text(catalogue: CatalogueService) -> None:
    for proc in catalogue.list_procedures(on=ON):
        assert proc.components, proc.code
        assert any(c.required for c in proc.components), proc.code
        texts = [proc.name, proc.field_name, proc.legal_basis, *(c.name for c in proc.components)]
        assert all(unicodedata.is_normalized("NFC", t) for t in texts)
        assert all(c.originals + c.certified_copies + c.photocopies >= 1 for c in proc.components)


def test_birth_registration_checklist(catalogue: CatalogueService) -> None:
    proc = catalogue.in_force("1.001193", on=ON)
    assert proc.name == "Đăng ký khai sinh"
    required = [c for c in proc.components if c.required]
    assert required[0].name.startswith("Tờ khai đăng ký khai sinh")
    assert any(c.name.startswith("Giấy chứng sinh") and c.originals == 1 for c in required)


def test_load_default_is_idempotent(catalogue: CatalogueService) -> None:
    before = catalogue.list_procedures(on=ON)
    again = catalogue.load_default()
    assert (again.added, again.updated) == (0, 0)
    assert catalogue.list_procedures(on=ON) == before


def test_nothing_in_force_before_the_catalogue_takes_effect(catalogue: CatalogueService) -> None:
    assert catalogue.list_procedures(on=date(2025, 6, 30)) == []
    with pytest.raises(ProcedureNotFound):
        catalogue.in_force("2.000815", on=date(2025, 6, 30))


def test_list_is_sorted_by_field_then_name(catalogue: CatalogueService) -> None:
    procs = catalogue.list_procedures(on=ON)
    fields = [p.field_code for p in procs]
    assert fields == sorted(fields)
    civil = [p.name for p in procs if p.field_code == "HT"]
    assert civil.index("Đăng ký kết hôn") < civil.index("Đăng ký khai sinh")


def test_search_ignores_diacritics_and_case(catalogue: CatalogueService) -> None:
    found = catalogue.search("chung thuc", on=ON)
    assert {"2.000815", "2.000884", "2.001035"} <= {p.code for p in found}
    assert all(p.name.startswith("Chứng thực") for p in found)
    names = [p.name for p in catalogue.search("dang ky khai sinh", on=ON)]
    assert names[0] == "Đăng ký khai sinh"
    assert "Đăng ký khai tử" not in names
    # Every word must occur; the exact name comes first, then "Đăng ký lại kết hôn".
    assert [p.code for p in catalogue.search("ĐĂNG KÝ KẾT HÔN", on=ON)] == ["1.000894", "1.004746"]
    assert [p.code for p in catalogue.search("  khai   tu ", on=ON)] == ["1.000656"]


def test_search_by_code_prefix(catalogue: CatalogueService) -> None:
    codes = {p.code for p in catalogue.search("2.0008", on=ON)}
    assert codes == {"2.000815", "2.000884"}
    assert [p.code for p in catalogue.search("1.004222", on=ON)] == ["1.004222"]


def test_search_edge_cases(catalogue: CatalogueService) -> None:
    assert len(catalogue.search("", on=ON)) == len(catalogue.list_procedures(on=ON))
    assert catalogue.search("%", on=ON) == []  # LIKE wildcards are escaped
    assert catalogue.search("khong co thu tuc nay", on=ON) == []
    assert catalogue.search("khai sinh", on=date(2025, 1, 1)) == []


def test_get_by_id_and_not_found(catalogue: CatalogueService) -> None:
    proc = catalogue.in_force("1.000894", on=ON)
    assert catalogue.get(proc.id) == proc
    with pytest.raises(ProcedureNotFound):
        catalogue.get(999_999)
    with pytest.raises(ProcedureNotFound) as err:
        catalogue.in_force("9.999999", on=ON)
    assert err.value.procedure_code == "9.999999"

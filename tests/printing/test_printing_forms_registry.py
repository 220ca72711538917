"""Forms as dated data: which number and title is in force for a dossier's received day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from printing.forms.catalog import TEMPLATES
from printing.forms.registry import (
    FormKind,
    FormNotInForce,
    FormNumberUnknown,
    form_for,
    form_numbered,
)
from printing.forms.words import amount_words

OLD_DAY, NEW_DAY = date(2025, 9, 14), date(2025, 9, 15)

OLD = {
    FormKind.SUPPLEMENT_REQUEST: ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    FormKind.REFUSAL: ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    FormKind.APOLOGY_EXTENSION: ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    FormKind.CONTROL_SLIP: ("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    FormKind.LEDGER: ("06", "SỔ THEO DÕI HỒ SƠ"),
}
NEW = {
    FormKind.SUPPLEMENT_REQUEST: ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    FormKind.REFUSAL: ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    FormKind.APOLOGY_EXTENSION: ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
    FormKind.STOP_NOTICE: ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
    FormKind.CONTROL_SLIP: ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    FormKind.LEDGER: ("07", "SỔ THEO DÕI HỒ SƠ"),
}


@pytest.mark.parametrize(("day", "expected", "circular"),
                         [(OLD_DAY, OLD, "01/2018/TT-VPCP"), (NEW_DAY, NEW, "03/2025/TT-VPCP")])
def test_numbers_and_titles_of_each_circular(day: date, expected: dict[FormKind, tuple[str, str]],
                                             circular: str) -> None:
    got = {kind: (form_for(kind, day).number, form_for(kind, day).title) for kind in expected}
    assert got == expected
    assert all(circular in form_for(kind, day).caption for kind in expected)


def test_the_day_is_the_vietnam_day_of_reception() -> None:
    late_utc = datetime(2025, 9, 14, 17, 30, tzinfo=UTC)  # 00:30 on 15/09 in Hà Nội
    assert form_for(FormKind.CONTROL_SLIP, late_utc).number == "06"


def test_no_stop_notice_before_circular_03_2025() -> None:
    with pytest.raises(FormNotInForce) as caught:
        form_for(FormKind.STOP_NOTICE, OLD_DAY)
    assert caught.value.kind is FormKind.STOP_NOTICE and caught.value.received_on == OLD_DAY


def test_nothing_before_the_first_circular() -> None:
    with pytest.raises(FormNotInForce):
        form_for(FormKind.REFUSAL, date(2017, 1, 1))


def test_kind_given_as_text() -> None:
    assert form_for("ledger", NEW_DAY).number == "07"


def test_same_number_means_another_form_after_the_change() -> None:
    assert form_numbered("05", OLD_DAY).kind is FormKind.CONTROL_SLIP
    assert form_numbered("5", NEW_DAY).kind is FormKind.STOP_NOTICE
    assert form_numbered("07", NEW_DAY).kind is FormKind.LEDGER
    with pytest.raises(FormNumberUnknown):
        form_numbered("07", OLD_DAY)


def test_templates_of_a_kind_share_their_wording_keys() -> None:
    by_kind: dict[FormKind, set[tuple[str, ...]]] = {}
    for template in TEMPLATES:
        by_kind.setdefault(template.kind, set()).add(tuple(k for k, _ in template.wording))
    assert {kind: len(keys) for kind, keys in by_kind.items()} == {kind: 1 for kind in FormKind}


def test_templates_are_unique_per_kind_and_date() -> None:
    keys = [(t.kind, t.effective_from) for t in TEMPLATES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (105, "Một trăm linh năm đồng"),
    (18_000, "Mười tám nghìn đồng"),
    (200_000, "Hai trăm nghìn đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (3_021_000_000_000, "Ba nghìn không trăm hai mươi mốt tỷ đồng"),
])
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_words(amount) == words

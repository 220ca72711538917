"""Vietnamese date wording and NFC normalization helpers."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from printing_sample_data import VN, receipt

from printing.text import mask_id, normalize_data, place_date_line, time_phrase


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 1, 5, tzinfo=VN), "Hà Nội, ngày 05 tháng 01 năm 2026"),
        (datetime(2026, 2, 28, tzinfo=VN), "Hà Nội, ngày 28 tháng 02 năm 2026"),
        (datetime(2026, 3, 9, tzinfo=VN), "Hà Nội, ngày 09 tháng 3 năm 2026"),
        (datetime(2026, 11, 22, tzinfo=VN), "Hà Nội, ngày 22 tháng 11 năm 2026"),
    ],
)
def test_place_date_line_follows_decree_30(moment: datetime, expected: str) -> None:
    assert place_date_line("Hà Nội", moment) == expected


def test_time_phrase_converts_to_vietnam_time() -> None:
    assert time_phrase(datetime(2026, 11, 22, 1, 15, tzinfo=UTC)) == "08 giờ 15 phút, ngày 22/11/2026"


def test_normalize_data_reaches_nested_strings() -> None:
    data = receipt(applicant_name=unicodedata.normalize("NFD", "Đặng Thị Mỹ"))
    clean = normalize_data(data)
    assert clean.applicant_name == "Đặng Thị Mỹ"
    assert clean.header == data.header and clean.components == data.components


@given(st.text(alphabet="aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐ \u0300\u0301\u0303\u0309\u0323"))
def test_normalize_data_is_nfc(name: str) -> None:
    clean = normalize_data(receipt(applicant_name=name))
    assert unicodedata.is_normalized("NFC", clean.applicant_name)


def test_mask_id_keeps_only_both_ends() -> None:
    assert mask_id("001186012345") == "001******345"
    assert mask_id(" 012345678 ", keep=2) == "01*****78"
    assert mask_id("12345") == "*****"

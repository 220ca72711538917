"""Tests for counter_app.domain.codes."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.codes import (
    AGENCY_CODE_RE,
    VERIFY_TOKEN_RE,
    AgencyCodeInvalid,
    CodeRange,
    CodeRangeExhausted,
    CodeRangeInvalid,
    DossierCodeInvalid,
    DossierCodeParts,
    check_agency_code,
    format_dossier_code,
    new_verify_token,
    next_seq_in_range,
    parse_dossier_code,
)

AGENCY = "000.00.12.H62"


@pytest.mark.parametrize("code", [AGENCY, "000.00.00.H29", "123.45.67.H56"])
def test_agency_code_valid(code: str) -> None:
    assert AGENCY_CODE_RE.match(code)
    assert check_agency_code(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.12",
        "000.00.12.H6",
        "000.00.12.H623",
        "00.00.12.H62",
        "000-00-12-H62",
        "000.00.12.G01",
        "000.00.12.X62",
        "000.00.12.H62 extra",
    ],
)
def test_agency_code_invalid(code: str) -> None:
    with pytest.raises(AgencyCodeInvalid):
        check_agency_code(code)


def test_format_documented_example() -> None:
    assert format_dossier_code(AGENCY, date(2020, 11, 5), 4) == "000.00.12.H62-201105-0004"


@pytest.mark.parametrize("seq", [0, 10_000, -1])
def test_format_rejects_bad_seq(seq: int) -> None:
    with pytest.raises(ValueError):
        format_dossier_code(AGENCY, date(2026, 3, 10), seq)


def test_format_rejects_bad_agency() -> None:
    with pytest.raises(AgencyCodeInvalid):
        format_dossier_code("H62", date(2026, 3, 10), 1)


def test_parse_documented_example() -> None:
    assert parse_dossier_code(" 000.00.12.h62-201105-0004 ") == DossierCodeParts(
        AGENCY, date(2020, 11, 5), 4
    )


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.12.H62",
        "000.00.12.H62-201105",
        "000.00.12.H62-201105-004",
        "000.00.12.H62-201305-0004",
        "000.00.12.H62-201105-0000",
        "H62-201105-0004",
        "000.00.12.H62-2011O5-0004",
        "000.00.12.H62_201105_0004",
    ],
)
def test_parse_invalid(code: str) -> None:
    with pytest.raises(DossierCodeInvalid):
        parse_dossier_code(code)


agencies = st.from_regex(r"\A\d{3}\.\d{2}\.\d{2}\.H\d{2}\Z")


@given(agencies, st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 9999))
def test_format_parse_roundtrip(agency: str, day: date, seq: int) -> None:
    code = format_dossier_code(agency, day, seq)
    assert parse_dossier_code(code) == DossierCodeParts(agency, day, seq)
    assert len(code) == len(agency) + 12


@pytest.mark.parametrize(
    ("counter", "start", "end"),
    [(1, 1, 999), (2, 1000, 1999), (5, 4000, 4999), (10, 9000, 9999)],
)
def test_counter_blocks(counter: int, start: int, end: int) -> None:
    assert CodeRange.for_counter(counter) == CodeRange(start, end)


def test_counter_blocks_are_disjoint_and_cover_all() -> None:
    blocks = [CodeRange.for_counter(n) for n in range(1, 11)]
    for a, b in itertools.combinations(blocks, 2):
        assert not a.overlaps(b)
    assert sum(b.size() for b in blocks) == 9999


@pytest.mark.parametrize("counter", [0, 11, -1])
def test_counter_out_of_range(counter: int) -> None:
    with pytest.raises(CodeRangeInvalid):
        CodeRange.for_counter(counter)


@pytest.mark.parametrize(("start", "end"), [(0, 10), (10, 9), (1, 10_000), (-5, 5)])
def test_invalid_range(start: int, end: int) -> None:
    with pytest.raises(CodeRangeInvalid):
        CodeRange(start, end)


def test_contains_and_overlaps() -> None:
    rng = CodeRange(100, 199)
    assert rng.contains(100) and rng.contains(199)
    assert not rng.contains(99) and not rng.contains(200)
    assert rng.overlaps(CodeRange(199, 300)) and rng.overlaps(CodeRange(1, 100))
    assert rng.overlaps(CodeRange(120, 130))
    assert not rng.overlaps(CodeRange(200, 300)) and not rng.overlaps(CodeRange(1, 99))


def test_next_seq_in_range() -> None:
    rng = CodeRange(1000, 1002)
    assert next_seq_in_range(None, rng) == 1000
    assert next_seq_in_range(1000, rng) == 1001
    assert next_seq_in_range(1001, rng) == 1002
    with pytest.raises(CodeRangeExhausted):
        next_seq_in_range(1002, rng)
    with pytest.raises(ValueError):
        next_seq_in_range(5, rng)


def test_verify_token() -> None:
    tokens = {new_verify_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(VERIFY_TOKEN_RE.match(t) for t in tokens)
    assert all(len(t) * 5 >= 64 for t in tokens)

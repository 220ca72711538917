"""Tests for counter_app.domain.fees."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.fees import (
    FeeInputInvalid,
    FeeKind,
    FeeRule,
    FeeRuleInvalid,
    compute_fee,
    format_vnd,
)
from counter_app.domain.lifecycle import Channel

DIRECT, ONLINE = Channel.DIRECT, Channel.ONLINE
COPY_CERT = FeeRule(FeeKind.PER_PAGE_TIERED)  # 2.000 đ/page, 1.000 đ from page 3, ≤ 200.000 đ


def test_free() -> None:
    assert compute_fee(FeeRule(FeeKind.FREE), channel=DIRECT, pages=10, copies=3) == 0


def test_flat() -> None:
    rule = FeeRule(FeeKind.FLAT, amount=10_000)
    assert compute_fee(rule, channel=DIRECT, copies=3) == 10_000


def test_per_copy() -> None:
    rule = FeeRule(FeeKind.PER_COPY, amount=8_000)
    assert compute_fee(rule, channel=DIRECT, copies=3) == 24_000


@pytest.mark.parametrize(
    ("pages", "copies", "expected"),
    [
        (1, 1, 2_000),
        (2, 1, 4_000),
        (3, 1, 5_000),
        (10, 2, 24_000),
        (198, 1, 200_000),
        (199, 1, 200_000),
        (500, 2, 400_000),
    ],
)
def test_per_page_tiered(pages: int, copies: int, expected: int) -> None:
    assert compute_fee(COPY_CERT, channel=DIRECT, pages=pages, copies=copies) == expected


def test_tiered_without_cap() -> None:
    rule = FeeRule(FeeKind.PER_PAGE_TIERED, cap_per_copy=None)
    assert compute_fee(rule, channel=DIRECT, pages=500) == 502_000


def test_province_defaults_to_zero_with_note() -> None:
    rule = FeeRule.from_dict({"kind": "province"})
    assert compute_fee(rule, channel=DIRECT) == 0
    assert rule.note
    assert compute_fee(FeeRule(FeeKind.PROVINCE, amount=15_000), channel=DIRECT) == 15_000


def test_online_amount() -> None:
    residence = FeeRule(FeeKind.FLAT, amount=20_000, online_amount=10_000)
    assert compute_fee(residence, channel=DIRECT) == 20_000
    assert compute_fee(residence, channel=Channel.POST) == 20_000
    assert compute_fee(residence, channel=ONLINE) == 10_000
    free_online = FeeRule(FeeKind.PER_PAGE_TIERED, online_amount=0)
    assert compute_fee(free_online, channel=ONLINE, pages=5, copies=2) == 0
    per_copy = FeeRule(FeeKind.PER_COPY, amount=8_000, online_amount=4_000)
    assert compute_fee(per_copy, channel=ONLINE, copies=3) == 12_000


@pytest.mark.parametrize(("pages", "copies"), [(0, 1), (1, 0), (-1, 1), (True, 1)])
def test_bad_counts(pages: int, copies: int) -> None:
    with pytest.raises(FeeInputInvalid):
        compute_fee(COPY_CERT, channel=DIRECT, pages=pages, copies=copies)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "weekly"},
        {"kind": "flat", "amount": -1},
        {"kind": "flat", "amount": 1.5},
        {"kind": "flat", "amount": "10000"},
        {"kind": "flat", "amount": True},
        {"kind": "flat", "amount": 1, "colour": "red"},
        {"kind": "free", "amount": 1},
        {"kind": "free", "online_amount": 5},
        {"kind": "flat", "cap_per_copy": 1},  # a tier field on a flat rule
        {"kind": "per_page_tiered", "cap_per_copy": -5},
        {"kind": "flat", "amount": 1, "note": 5},
    ],
)
def test_from_dict_rejects(data: dict[str, Any]) -> None:
    with pytest.raises(FeeRuleInvalid):
        FeeRule.from_dict(data)


def test_from_dict_rejects_non_mapping() -> None:
    with pytest.raises(FeeRuleInvalid):
        FeeRule.from_dict([("kind", "free")])  # type: ignore[arg-type]


def test_to_dict_is_json_and_minimal() -> None:
    rule = FeeRule(FeeKind.FLAT, amount=20_000, online_amount=10_000)
    assert rule.to_dict() == {"kind": "flat", "amount": 20_000, "online_amount": 10_000}
    assert json.loads(json.dumps(COPY_CERT.to_dict())) == COPY_CERT.to_dict()


rules = st.one_of(
    st.builds(FeeRule, kind=st.just(FeeKind.FREE), note=st.text(max_size=20)),
    st.builds(
        FeeRule,
        kind=st.sampled_from([FeeKind.FLAT, FeeKind.PER_COPY, FeeKind.PROVINCE]),
        amount=st.integers(0, 10**7),
        online_amount=st.none() | st.integers(0, 10**7),
        note=st.text(max_size=20),
    ),
    st.builds(
        FeeRule,
        kind=st.just(FeeKind.PER_PAGE_TIERED),
        first_pages=st.integers(0, 10),
        first_page_amount=st.integers(0, 10**5),
        next_page_amount=st.integers(0, 10**5),
        cap_per_copy=st.none() | st.integers(0, 10**6),
        online_amount=st.none() | st.integers(0, 10**5),
    ),
)


@given(rules)
def test_dict_roundtrip(rule: FeeRule) -> None:
    assert FeeRule.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule


@given(rules, st.integers(1, 300), st.integers(1, 10), st.sampled_from(list(Channel)))
def test_fee_is_non_negative_and_monotonic_in_copies(
    rule: FeeRule, pages: int, copies: int, channel: Channel
) -> None:
    fee = compute_fee(rule, channel=channel, pages=pages, copies=copies)
    assert 0 <= fee <= compute_fee(rule, channel=channel, pages=pages, copies=copies + 1)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 đ"),
        (500, "500 đ"),
        (2_000, "2.000 đ"),
        (200_000, "200.000 đ"),
        (1_234_567, "1.234.567 đ"),
        (-10_000, "-10.000 đ"),
    ],
)
def test_format_vnd(amount: int, text: str) -> None:
    assert format_vnd(amount) == text

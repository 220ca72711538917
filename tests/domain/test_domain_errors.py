"""Every domain error has a unique code, a Vietnamese message and its field."""

from __future__ import annotations

import pytest

from counter_app.domain import errors
from counter_app.domain.errors import (
    AgencyCodeInvalid,
    CccdDateInvalid,
    CccdFormatInvalid,
    CccdGarbled,
    CccdMismatch,
    CccdNumberInvalid,
    CccdNumberProblem,
    CodeRangeExhausted,
    CodeRangeInvalid,
    DomainError,
    DossierCodeInvalid,
    EmailInvalid,
    FeeInputInvalid,
    FeeRuleInvalid,
    PersonNameInvalid,
    PhoneInvalid,
    ReasonRequired,
    SupplementLimitReached,
    TextInvalid,
    TextProblem,
    TransitionNotAllowed,
)

SAMPLES: list[DomainError] = [
    TextInvalid(field="full_name", problem=TextProblem.TOO_LONG, max_len=10),
    PhoneInvalid("123"),
    EmailInvalid("x"),
    CccdFormatInvalid(field_count=1),
    CccdNumberInvalid("1", problem=CccdNumberProblem.NOT_12_DIGITS),
    CccdNumberInvalid("999", problem=CccdNumberProblem.UNKNOWN_PROVINCE),
    CccdDateInvalid("x", field="birth_date"),
    CccdMismatch("001090123456", part="year"),
    CccdGarbled("Nguyá»…n"),
    PersonNameInvalid("Nguyễn 2"),
    AgencyCodeInvalid("x"),
    DossierCodeInvalid("x"),
    CodeRangeInvalid(0, 1),
    CodeRangeExhausted(1, 999),
    TransitionNotAllowed(10, "stop"),
    SupplementLimitReached(1),
    ReasonRequired(),
    FeeRuleInvalid("x", field="amount"),
    FeeInputInvalid(0, field="pages"),
]


def test_every_error_class_has_a_sample() -> None:
    classes = {
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, DomainError) and obj is not DomainError
    }
    assert classes == {type(e) for e in SAMPLES}


def test_codes_are_unique() -> None:
    codes = {type(e).code for e in SAMPLES}
    assert len(codes) == len({type(e) for e in SAMPLES})
    assert DomainError.code not in codes


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_message_and_str(error: DomainError) -> None:
    assert error.message_vi.strip()
    assert type(error).code in str(error)


def test_field_is_carried() -> None:
    assert TextInvalid(field="address", problem=TextProblem.MISSING).field == "address"
    assert PhoneInvalid("1").field == "phone"
    assert CodeRangeExhausted(1, 2).field is None


def test_text_messages_differ_by_problem() -> None:
    messages = {TextInvalid(field="f", problem=p, max_len=5).message_vi for p in TextProblem}
    assert len(messages) == len(TextProblem)

"""Queue rules: numbers, the calling order, the status machine and the spoken form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.domain.clock import vn_datetime
from counter_app.domain.queue import (
    QueuePrefixInvalid,
    TicketAction,
    TicketActionNotAllowed,
    TicketSequenceExhausted,
    TicketStatus,
    WaitingTicket,
    check_prefix,
    choose_next,
    format_ticket_number,
    next_status,
    number_words,
    parse_ticket_number,
    priority_streak,
    spoken_call,
)

T0 = vn_datetime(2026, 11, 24, 8)


def _t(n: int, *, priority: bool = False, target: int | None = None) -> WaitingTicket:
    return WaitingTicket(uid=f"u{n}", number=f"A{n:03d}", priority=priority,
                         issued_at=T0 + timedelta(minutes=n), seq=n, target_counter=target)


@pytest.mark.parametrize(("prefix", "seq", "expected"), [
    ("A", 1, "A001"), ("b", 12, "B012"), ("C", 999, "C999"),
])
def test_format_ticket_number(prefix: str, seq: int, expected: str) -> None:
    assert format_ticket_number(prefix, seq) == expected
    assert parse_ticket_number(expected) == (expected[0], seq)


def test_number_limits_and_bad_prefixes() -> None:
    with pytest.raises(TicketSequenceExhausted):
        format_ticket_number("A", 1000)
    for bad in ("", "AB", "1", "Đ"):
        with pytest.raises(QueuePrefixInvalid):
            check_prefix(bad)
    with pytest.raises(QueuePrefixInvalid):
        parse_ticket_number("A000")
    assert parse_ticket_number(" a12 ") == ("A", 12)


NUMBER_WORDS = {
    0: "không", 1: "một", 4: "bốn", 5: "năm", 9: "chín",
    10: "mười", 11: "mười một", 14: "mười bốn", 15: "mười lăm", 19: "mười chín",
    20: "hai mươi", 21: "hai mươi mốt", 24: "hai mươi tư", 25: "hai mươi lăm",
    31: "ba mươi mốt", 45: "bốn mươi lăm", 54: "năm mươi tư", 55: "năm mươi lăm",
    99: "chín mươi chín",
    100: "một trăm", 101: "một trăm linh một", 104: "một trăm linh bốn",
    105: "một trăm linh năm", 110: "một trăm mười", 111: "một trăm mười một",
    115: "một trăm mười lăm", 121: "một trăm hai mươi mốt", 205: "hai trăm linh năm",
    214: "hai trăm mười bốn", 500: "năm trăm", 555: "năm trăm năm mươi lăm",
    901: "chín trăm linh một", 999: "chín trăm chín mươi chín",
}


@pytest.mark.parametrize(("n", "words"), sorted(NUMBER_WORDS.items()))
def test_number_words(n: int, words: str) -> None:
    assert " ".join(number_words(n)) == words


def test_southern_le_and_range() -> None:
    assert number_words(105, zero_tens="lẻ") == ["một", "trăm", "lẻ", "năm"]
    with pytest.raises(ValueError):
        number_words(1000)
    with pytest.raises(ValueError):
        number_words(-1)


def test_spoken_call_text_and_tokens() -> None:
    call = spoken_call("A012", 3)
    assert call.text == "Mời công dân có số thứ tự a mười hai đến quầy số ba"
    assert call.tokens == ("phrase:invite", "letter:A", "mười", "hai", "phrase:counter", "ba")
    assert spoken_call("B105", 10).tokens[2:] == (
        "một", "trăm", "linh", "năm", "phrase:counter", "mười")


def test_priority_first_then_anti_starvation() -> None:
    waiting = [_t(1), _t(2), _t(3, priority=True), _t(4, priority=True)]
    assert choose_next(waiting, counter_no=1, streak=0, max_streak=2).uid == "u3"
    assert choose_next(waiting, counter_no=1, streak=1, max_streak=2).uid == "u3"
    # two priority calls in a row: the oldest ordinary ticket gets its turn
    assert choose_next(waiting, counter_no=1, streak=2, max_streak=2).uid == "u1"
    # no ordinary waiting: priority goes on
    assert choose_next(waiting[2:], counter_no=1, streak=5, max_streak=2).uid == "u3"
    # rule switched off (0): priority always first
    assert choose_next(waiting, counter_no=1, streak=9, max_streak=0).uid == "u3"
    assert choose_next([], counter_no=1, streak=0) is None


def test_streak_counts_leading_priority_calls() -> None:
    assert priority_streak([True, True, False, True]) == 2
    assert priority_streak([False, True]) == 0
    assert priority_streak([]) == 0


def test_targeted_tickets_first_and_only_at_their_counter() -> None:
    waiting = [_t(1, priority=True), _t(7, target=2), _t(8, target=3)]
    assert choose_next(waiting, counter_no=2, streak=0).uid == "u7"
    assert choose_next(waiting, counter_no=1, streak=0).uid == "u1"
    assert choose_next([_t(8, target=3)], counter_no=1, streak=0) is None


def test_status_machine() -> None:
    assert next_status("A1", TicketStatus.WAITING, TicketAction.CALL) is TicketStatus.CALLED
    assert next_status("A1", TicketStatus.CALLED, TicketAction.FINISH) is TicketStatus.DONE
    assert next_status("A1", TicketStatus.SERVING, TicketAction.TRANSFER) is TicketStatus.WAITING
    with pytest.raises(TicketActionNotAllowed) as err:
        next_status("A001", TicketStatus.DONE, TicketAction.RECALL)
    assert err.value.number == "A001"
    assert "A001" in err.value.message_vi

"""Queue tickets: prefixes, numbers, the calling order and the spoken form of a call.

Pure rules, no I/O. The services layer feeds these functions rows it has read and stores what
they decide.

Spoken numbers
--------------
Vietnamese queue systems (bank and hospital kiosks, the national public-service centres) read
the ticket as its letter followed by the number as a cardinal, leading zeros dropped:
"A012" is "A mười hai", "B105" is "bê một trăm linh năm". Reading digit by digit ("không một
hai") is what people do on the phone, not what a hall announcer says, and the cardinal form is
shorter to hear in a noisy hall. The rules for 0-999 implemented by `number_words`:

- units: không một hai ba bốn năm sáu bảy tám chín;
- 10-19: "mười" + unit, with 5 → "lăm" (mười lăm), 1 stays "một" (mười một);
- 20-99: tens + "mươi" + unit, with 1 → "mốt" (hai mươi mốt), 4 → "tư" (hai mươi tư),
  5 → "lăm" (hai mươi lăm); a round ten is just "hai mươi";
- 100-999: hundreds + "trăm", then a zero tens digit before a non-zero unit is "linh"
  (northern; "lẻ" in the south, a ward setting): 105 → "một trăm linh năm" (not "lăm":
  after linh the unit keeps its own name), 110 → "một trăm mười", 200 → "hai trăm".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from counter_app.domain.errors import DomainError

# The queue's errors live here rather than in errors.py (a file other features edit); they
# follow the same DomainError contract: data attributes, a Vietnamese message, a stable code.


class QueuePrefixInvalid(DomainError):
    """A service prefix or ticket number that is not one letter A-Z (plus up to 3 digits)."""

    code = "queue_prefix_invalid"

    def __init__(self, *, value: str, field: str = "prefix") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        if self.field == "number":
            return f"Số thứ tự “{self.value}” không đúng dạng (ví dụ A012)."
        return f"Ký hiệu dịch vụ “{self.value}” phải là một chữ cái in hoa từ A đến Z."


class TicketSequenceExhausted(DomainError):
    """A service has handed out its 999 numbers for the day."""

    code = "ticket_sequence_exhausted"

    def __init__(self, *, prefix: str, limit: int) -> None:
        self.prefix = prefix
        self.limit = limit
        super().__init__(field="prefix")

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Dịch vụ {self.prefix} đã phát hết {self.limit} số trong ngày."


class TicketActionNotAllowed(DomainError):
    """The action does not apply to the ticket in its current status."""

    code = "ticket_action_not_allowed"

    def __init__(self, *, number: str, status: str, action: str) -> None:
        self.number = number
        self.status = status
        self.action = action
        super().__init__(field="ticket")

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        what = STATUS_LABELS_VI.get(self.status, self.status)
        return f"Không thể {ACTION_LABELS_VI.get(self.action, self.action)} số {self.number} ({what})."


PREFIX_RE = re.compile(r"[A-Z]")
MAX_DAILY_SEQ = 999
DEFAULT_PRIORITY_STREAK = 3  # after 3 priority calls in a row, one ordinary ticket
DEFAULT_NO_SHOW_AFTER = 2  # recalls before an official may mark a no-show


class TicketStatus(StrEnum):
    """Where a ticket is in its day."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"


class TicketAction(StrEnum):
    """What an official can do to a ticket."""

    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"


STATUS_LABELS_VI = {
    "waiting": "đang chờ", "called": "đã gọi", "serving": "đang phục vụ",
    "done": "đã xong", "no_show": "vắng mặt",
}
ACTION_LABELS_VI = {
    "call": "gọi", "recall": "gọi lại", "start": "bắt đầu phục vụ", "finish": "kết thúc",
    "no_show": "đánh dấu vắng mặt", "transfer": "chuyển",
}

_ALLOWED: dict[TicketAction, frozenset[TicketStatus]] = {
    TicketAction.CALL: frozenset({TicketStatus.WAITING}),
    TicketAction.RECALL: frozenset({TicketStatus.CALLED}),
    TicketAction.START: frozenset({TicketStatus.CALLED}),
    # An official who forgets "start" can still finish: service starts at the call then.
    TicketAction.FINISH: frozenset({TicketStatus.CALLED, TicketStatus.SERVING}),
    TicketAction.NO_SHOW: frozenset({TicketStatus.CALLED}),
    TicketAction.TRANSFER: frozenset({TicketStatus.CALLED, TicketStatus.SERVING}),
}

_AFTER: dict[TicketAction, TicketStatus] = {
    TicketAction.CALL: TicketStatus.CALLED,
    TicketAction.RECALL: TicketStatus.CALLED,
    TicketAction.START: TicketStatus.SERVING,
    TicketAction.FINISH: TicketStatus.DONE,
    TicketAction.NO_SHOW: TicketStatus.NO_SHOW,
    TicketAction.TRANSFER: TicketStatus.WAITING,
}


def next_status(number: str, status: TicketStatus, action: TicketAction) -> TicketStatus:
    """The status after an action; TicketActionNotAllowed if the action does not apply."""
    if status not in _ALLOWED[action]:
        raise TicketActionNotAllowed(number=number, status=status.value, action=action.value)
    return _AFTER[action]


def check_prefix(prefix: str) -> str:
    """A service prefix: one capital Latin letter (A-Z)."""
    value = prefix.strip().upper()
    if not PREFIX_RE.fullmatch(value):
        raise QueuePrefixInvalid(value=prefix)
    return value


def format_ticket_number(prefix: str, seq: int) -> str:
    """'A' and 12 → 'A012'; a day has at most 999 tickets per service."""
    if not 1 <= seq <= MAX_DAILY_SEQ:
        raise TicketSequenceExhausted(prefix=prefix, limit=MAX_DAILY_SEQ)
    return f"{check_prefix(prefix)}{seq:03d}"


def parse_ticket_number(number: str) -> tuple[str, int]:
    """'a12' or 'A012' → ('A', 12)."""
    text = number.strip().upper()
    match = re.fullmatch(r"([A-Z])0*(\d{1,3})", text)
    if match is None or int(match.group(2)) == 0:
        raise QueuePrefixInvalid(value=number, field="number")
    return match.group(1), int(match.group(2))


# --- calling order ------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingTicket:
    """What the calling rule needs to know about one waiting ticket."""

    uid: str
    number: str
    priority: bool
    issued_at: datetime
    seq: int
    target_counter: int | None = None


def priority_streak(recent_calls: Sequence[bool]) -> int:
    """How many of a counter's latest first calls (newest first) were priority tickets in a row."""
    streak = 0
    for was_priority in recent_calls:
        if not was_priority:
            break
        streak += 1
    return streak


def _order(t: WaitingTicket) -> tuple[datetime, int, str]:
    return (t.issued_at, t.seq, t.number)


def choose_next(
    waiting: Sequence[WaitingTicket],
    *,
    counter_no: int,
    streak: int,
    max_streak: int = DEFAULT_PRIORITY_STREAK,
) -> WaitingTicket | None:
    """The ticket a counter calls next.

    1. A ticket transferred to this very counter first: that citizen has already waited once.
    2. Otherwise the oldest priority ticket, unless this counter has just called ``max_streak``
       priority tickets in a row and an ordinary one is waiting (anti-starvation): then the
       oldest ordinary ticket.
    3. Otherwise the oldest ticket. "Oldest" is the original issue time, so a transferred
       ticket keeps its place.
    Tickets transferred to another counter are never chosen here.
    """
    mine = [t for t in waiting if t.target_counter in (None, counter_no)]
    targeted = sorted((t for t in mine if t.target_counter == counter_no), key=_order)
    if targeted:
        return targeted[0]
    priority = sorted((t for t in mine if t.priority), key=_order)
    ordinary = sorted((t for t in mine if not t.priority), key=_order)
    if priority and not (ordinary and max_streak > 0 and streak >= max_streak):
        return priority[0]
    if ordinary:
        return ordinary[0]
    return priority[0] if priority else None


# --- spoken form ------------------------------------------------------------------------

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

LETTER_NAMES = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "gi", "K": "ca", "L": "lờ", "M": "mờ", "N": "nờ", "O": "o", "P": "pê",
    "Q": "quy", "R": "rờ", "S": "ét", "T": "tê", "U": "u", "V": "vê", "W": "vê kép",
    "X": "ích", "Y": "i dài", "Z": "dét",
}

INVITE_PHRASE = "Mời công dân có số thứ tự"
COUNTER_PHRASE = "đến quầy số"


def _tens_and_units(n: int, *, after_hundred: bool, zero_tens: str) -> list[str]:
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return []
        return [zero_tens, DIGITS[units]] if after_hundred else [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 0:
        return words
    if units == 5:
        return [*words, "lăm"]
    if units == 1 and tens > 1:
        return [*words, "mốt"]
    if units == 4 and tens > 1:
        return [*words, "tư"]
    return [*words, DIGITS[units]]


def number_words(n: int, *, zero_tens: str = "linh") -> list[str]:
    """Vietnamese words of 0-999, one list item per spoken word (each has a clip)."""
    if not 0 <= n <= 999:
        raise ValueError(f"number out of range 0-999: {n}")
    if zero_tens not in ("linh", "lẻ"):
        raise ValueError("zero_tens must be 'linh' or 'lẻ'")
    if n == 0:
        return [DIGITS[0]]
    hundreds, rest = divmod(n, 100)
    head = [DIGITS[hundreds], "trăm"] if hundreds else []
    return head + _tens_and_units(rest, after_hundred=bool(hundreds), zero_tens=zero_tens)


@dataclass(frozen=True)
class SpokenCall:
    """A call as text (for a TTS voice) and as the word tokens clips are chosen by."""

    text: str
    tokens: tuple[str, ...]
    number: str = ""
    counter_no: int = 0


def spoken_call(number: str, counter_no: int, *, zero_tens: str = "linh") -> SpokenCall:
    """'A012' at counter 3 → "Mời công dân có số thứ tự A mười hai đến quầy số ba"."""
    prefix, seq = parse_ticket_number(number)
    num = number_words(seq, zero_tens=zero_tens)
    counter = number_words(counter_no, zero_tens=zero_tens)
    text = f"{INVITE_PHRASE} {LETTER_NAMES[prefix]} {' '.join(num)} {COUNTER_PHRASE} " + " ".join(
        counter
    )
    tokens = ("phrase:invite", f"letter:{prefix}", *num, "phrase:counter", *counter)
    return SpokenCall(text=text, tokens=tokens, number=f"{prefix}{seq:03d}", counter_no=counter_no)

"""Dossier codes `<agency code>-<yymmdd>-<nnnn>` and collision-free sequence ranges."""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import date

from counter_app.domain.errors import (
    AgencyCodeInvalid,
    CodeRangeExhausted,
    CodeRangeInvalid,
    DossierCodeInvalid,
)

__all__ = [
    "AGENCY_CODE_RE",
    "DEVICE_COUNTERS",
    "MAX_COUNTERS",
    "MAX_SEQ",
    "ONLINE_RANGE",
    "VERIFY_TOKEN_RE",
    "AgencyCodeInvalid",
    "CodeRange",
    "CodeRangeExhausted",
    "CodeRangeInvalid",
    "DossierCodeInvalid",
    "DossierCodeParts",
    "check_agency_code",
    "format_dossier_code",
    "new_verify_token",
    "next_seq_in_range",
    "parse_dossier_code",
]

# QCVN 102:2016 identifier AAA.BB.CC.Hnn, Hnn being the province (H29 Ho Chi Minh City).
# Only this documented shape is accepted; codes are imported from the province's list.
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}$")
_DOSSIER_CODE_RE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<seq>\d{4})$")
MAX_SEQ = 9999
MAX_COUNTERS = 10
_BLOCK = 1000
_TOKEN_BYTES = 10  # 80 bits: unguessable, and exactly 16 base32 characters with no padding
VERIFY_TOKEN_RE = re.compile(r"^[a-z2-7]{16}$")


@dataclass(frozen=True)
class DossierCodeParts:
    """The three parts of a dossier code."""

    agency_code: str
    day: date
    seq: int


def check_agency_code(code: str) -> str:
    """Return the agency code stripped and upper-cased, or raise `AgencyCodeInvalid`."""
    normalized = code.strip().upper()
    if not AGENCY_CODE_RE.match(normalized):
        raise AgencyCodeInvalid(code)
    return normalized


def format_dossier_code(agency_code: str, day: date, seq: int) -> str:
    """Return `<agency>-<yymmdd>-<nnnn>`, e.g. "000.00.12.H62-201105-0004"."""
    if not 1 <= seq <= MAX_SEQ:
        raise ValueError(f"sequence out of 1..{MAX_SEQ}: {seq}")
    if not 2000 <= day.year <= 2099:
        raise ValueError(f"yymmdd cannot carry year {day.year}")
    return f"{check_agency_code(agency_code)}-{day:%y%m%d}-{seq:04d}"


def parse_dossier_code(code: str) -> DossierCodeParts:
    """Split a dossier code into its parts; raise `DossierCodeInvalid` if malformed."""
    match = _DOSSIER_CODE_RE.match(code.strip().upper())
    if match is None or not AGENCY_CODE_RE.match(match["agency"]):
        raise DossierCodeInvalid(code)
    digits = match["day"]
    try:
        day = date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        raise DossierCodeInvalid(code) from None
    seq = int(match["seq"])
    if seq == 0:
        raise DossierCodeInvalid(code)
    return DossierCodeParts(agency_code=match["agency"], day=day, seq=seq)


@dataclass(frozen=True)
class CodeRange:
    """An inclusive block of daily sequence numbers reserved for one counter device."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 1 <= self.start <= self.end <= MAX_SEQ:
            raise CodeRangeInvalid(self.start, self.end)

    @classmethod
    def for_counter(cls, counter_no: int) -> CodeRange:
        """Return the default block of counter 1..10 (1–999, 1000–1999, …, 9000–9999)."""
        if not 1 <= counter_no <= MAX_COUNTERS:
            raise CodeRangeInvalid(counter_no, counter_no, field="counter_no")
        start = max(1, (counter_no - 1) * _BLOCK)
        return cls(start, counter_no * _BLOCK - 1)

    def contains(self, n: int) -> bool:
        """Return True if `n` is in the range."""
        return self.start <= n <= self.end

    def overlaps(self, other: CodeRange) -> bool:
        """Return True if the two ranges share a number."""
        return self.start <= other.end and other.start <= self.end

    def size(self) -> int:
        """Return how many codes the range holds."""
        return self.end - self.start + 1


# The last block (9000–9999) is the upstream server's: dossiers that arrive online through the
# national portal are numbered there, so they can never take a number a counter issues offline.
# Enrolment hands devices blocks 1..DEVICE_COUNTERS only.
DEVICE_COUNTERS = MAX_COUNTERS - 1
ONLINE_RANGE = CodeRange.for_counter(MAX_COUNTERS)


def next_seq_in_range(last_used: int | None, rng: CodeRange) -> int:
    """Return the sequence after `last_used` (None = none used today) within `rng`."""
    if last_used is None:
        return rng.start
    if not rng.contains(last_used):
        # A last number outside the block means the store mixed up devices: never guess.
        raise ValueError(f"last used {last_used} is outside {rng}")
    if last_used == rng.end:
        raise CodeRangeExhausted(rng.start, rng.end)
    return last_used + 1


def new_verify_token() -> str:
    """Return a random 16-char lowercase base32 token (80 bits) for verification QR codes."""
    raw = secrets.token_bytes(_TOKEN_BYTES)
    return base64.b32encode(raw).decode("ascii").lower()

"""The bounds of every number, time and text on the sync wire (``protocol`` re-exports them).

A value outside them is refused before it reaches a database column: an integer beyond the
column's width, or a year 1 turned to UTC, used to crash the server (docs/sync-protocol.md,
"Bounds and strict rules").
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Annotated, Final

from pydantic import AfterValidator, AwareDatetime, Field

MAX_DEVICE_SEQ = 2**31 - 1
"""Highest ``device_seq`` (the server's watermark columns are 32-bit: 2 billion events)."""
MAX_CURSOR = 2**63 - 1
"""Highest pull cursor (change-log seqs are signed 64-bit)."""
EARLIEST: Final = datetime(1970, 1, 1, tzinfo=UTC)
LATEST: Final = datetime(2200, 1, 1, tzinfo=UTC)
"""Every instant on the wire lies in [EARLIEST, LATEST): a device clock reset to 1970 still
passes (intake never blocks on a wrong clock), year 1 or 9999 is garbage."""
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
"""Every calendar day on the wire (birth dates included) lies in this range."""
MAX_COUNT = 1000  # sets, document copies, counter numbers, components of one dossier
MAX_HOURS = 100_000  # a processing time in working hours
MAX_MONEY = 1_000_000_000  # a fee in đồng
MAX_LINE = 10_000_000  # a ledger line number


def plain_text(value: str) -> str:
    """Refuse control characters (but tab, CR, LF) and lone surrogates: no counter types
    them (``counter_app.domain.text`` rejects them) and PostgreSQL cannot store a NUL."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\r\n":
            raise ValueError(f"control character U+{ord(ch):04X} in text")
    return value


Instant = Annotated[AwareDatetime, Field(ge=EARLIEST, lt=LATEST,
                                         description="1970-01-01 <= t < 2200-01-01 UTC")]
"""An aware date-time in [1970-01-01, 2200-01-01) UTC."""
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="1900-01-01 .. 2199-12-31")]
"""A calendar day in 1900-01-01 .. 2199-12-31."""
PlainText = AfterValidator(plain_text)
"""Validator of a text field: ``plain_text``."""

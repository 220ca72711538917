"""A device's sequence watermark and its gaps (SYNC.md case 8)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from counter_app.sync.protocol import Gap
from district_server.tables import EVENTS, REJECTIONS


@dataclass(frozen=True)
class SeqState:
    """Settled prefix, highest seq seen, and the holes in between."""

    last_applied_seq: int
    max_seq_seen: int
    gaps: list[Gap]


def settle(conn: Connection, device_id: str, *, watermark: int, max_seen: int) -> SeqState:
    """Advance the watermark over seqs now on the server (applied, or rejected with a reason).

    Only rows above the old watermark are read, so a push costs O(batch) while the sequence
    has no hole; the holes found above it are the device's open gaps.
    """
    above: set[int] = set()
    for table in (EVENTS, REJECTIONS):
        above.update(int(s) for s in conn.execute(
            select(table.c.device_seq).where(table.c.device_id == device_id,
                                             table.c.device_seq > watermark)).scalars())
    gaps: list[Gap] = []
    prev, contiguous, new_mark = watermark, True, watermark
    for seq in sorted(above):
        if seq > prev + 1:
            gaps.append(Gap(expected=prev + 1, got=seq))
            contiguous = False
        elif contiguous:
            new_mark = seq
        prev = seq
    return SeqState(new_mark, max(max_seen, prev), gaps)


def settle_fast(conn: Connection, device_id: str, *, watermark: int, max_seen: int,
                new_seqs: set[int]) -> SeqState:
    """``settle`` without a query in the common case: no open gap and the batch continues
    the watermark exactly (every push of a healthy device)."""
    fresh = sorted(s for s in new_seqs if s > watermark)
    if max_seen == watermark and fresh == list(range(watermark + 1, watermark + len(fresh) + 1)):
        top = watermark + len(fresh)
        return SeqState(top, top, [])
    return settle(conn, device_id, watermark=watermark, max_seen=max_seen)

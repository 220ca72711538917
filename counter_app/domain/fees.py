"""Fee rules as data (stored as JSON with the procedure) and fee computation in VND."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from counter_app.domain.errors import FeeInputInvalid, FeeRuleInvalid
from counter_app.domain.lifecycle import Channel

__all__ = [
    "FeeInputInvalid",
    "FeeKind",
    "FeeRule",
    "FeeRuleInvalid",
    "compute_fee",
    "format_vnd",
]

PROVINCE_NOTE = "Mức thu do Hội đồng nhân dân tỉnh quy định"


class FeeKind(StrEnum):
    """How a fee is computed."""

    FREE = "free"
    FLAT = "flat"  # `amount` per dossier
    PER_PAGE_TIERED = "per_page_tiered"  # per copy: tiered page prices, capped
    PER_COPY = "per_copy"  # `amount` per copy
    PROVINCE = "province"  # `amount` per dossier, set by the province (0 until configured)


_TIER_FIELDS = ("first_pages", "first_page_amount", "next_page_amount", "cap_per_copy")
_RELEVANT: dict[FeeKind, tuple[str, ...]] = {
    FeeKind.FREE: (),
    FeeKind.FLAT: ("amount",),
    FeeKind.PER_COPY: ("amount",),
    FeeKind.PROVINCE: ("amount",),
    FeeKind.PER_PAGE_TIERED: _TIER_FIELDS,
}


@dataclass(frozen=True)
class FeeRule:
    """One procedure's fee. `online_amount` replaces the unit amount when filed online.

    The unit is the dossier for FLAT/PROVINCE and the copy for PER_COPY/PER_PAGE_TIERED.
    Defaults of the tier fields are the certified-copy fee (2,000 đ/page for pages 1–2,
    1,000 đ from page 3, at most 200,000 đ per copy); `cap_per_copy=None` means no cap.
    """

    kind: FeeKind
    amount: int = 0
    online_amount: int | None = None
    first_pages: int = 2
    first_page_amount: int = 2_000
    next_page_amount: int = 1_000
    cap_per_copy: int | None = 200_000
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, FeeKind):
            raise FeeRuleInvalid(f"loại lệ phí không hợp lệ: {self.kind!r}", field="kind")
        for name in ("amount", "first_pages", "first_page_amount", "next_page_amount"):
            _check_amount(getattr(self, name), name)
        for name in ("online_amount", "cap_per_copy"):
            if getattr(self, name) is not None:
                _check_amount(getattr(self, name), name)
        if self.kind is FeeKind.FREE and (self.amount or self.online_amount):
            raise FeeRuleInvalid("thủ tục miễn phí không có mức thu", field="amount")
        if not isinstance(self.note, str):
            raise FeeRuleInvalid("ghi chú phải là văn bản", field="note")
        if self.kind is FeeKind.PROVINCE and not self.note:
            # Frozen dataclass: the default note is set once, so to_dict/from_dict round-trip.
            object.__setattr__(self, "note", PROVINCE_NOTE)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeeRule:
        """Build a rule from its JSON form; raise `FeeRuleInvalid` for anything malformed."""
        if not isinstance(d, Mapping):
            raise FeeRuleInvalid("cấu hình phải là một đối tượng JSON")
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise FeeRuleInvalid(f"trường không xác định {sorted(unknown)}", field=None)
        if "kind" not in d:
            raise FeeRuleInvalid("thiếu loại lệ phí", field="kind")
        try:
            kind = FeeKind(d["kind"])
        except ValueError:
            raise FeeRuleInvalid(f"loại lệ phí không hợp lệ: {d['kind']!r}", field="kind") from None
        values = {k: v for k, v in d.items() if k in _RELEVANT[kind] + ("online_amount", "note")}
        ignored = set(d) - set(values) - {"kind"}
        if ignored:
            raise FeeRuleInvalid(f"trường không dùng cho loại {kind}: {sorted(ignored)}")
        return cls(kind=kind, **values)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: the kind, its relevant fields and any online amount/note."""
        out: dict[str, Any] = {"kind": str(self.kind)}
        for name in _RELEVANT[self.kind]:
            out[name] = getattr(self, name)
        if self.online_amount is not None:
            out["online_amount"] = self.online_amount
        if self.note:
            out["note"] = self.note
        return out


def _check_amount(value: object, name: str) -> None:
    # bool is an int subclass: `True` in a JSON file is a typo, not 1 đồng.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FeeRuleInvalid(f"{name} phải là số nguyên không âm", field=name)


def _check_count(value: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FeeInputInvalid(value, field=field)


def _tiered_per_copy(rule: FeeRule, pages: int) -> int:
    first = min(pages, rule.first_pages)
    fee = first * rule.first_page_amount + (pages - first) * rule.next_page_amount
    return fee if rule.cap_per_copy is None else min(fee, rule.cap_per_copy)


def compute_fee(rule: FeeRule, *, channel: Channel, pages: int = 1, copies: int = 1) -> int:
    """Return the fee in VND for `copies` copies of `pages` pages filed through `channel`."""
    _check_count(pages, "pages")
    _check_count(copies, "copies")
    online = channel is Channel.ONLINE and rule.online_amount is not None
    if rule.kind is FeeKind.FREE:
        return 0
    if rule.kind is FeeKind.PER_PAGE_TIERED:
        per_copy = rule.online_amount if online else _tiered_per_copy(rule, pages)
        return (per_copy or 0) * copies
    unit = rule.online_amount if online else rule.amount
    unit = unit or 0
    return unit * copies if rule.kind is FeeKind.PER_COPY else unit


def format_vnd(amount: int) -> str:
    """Return an amount the Vietnamese way: 200000 → "200.000 đ"."""
    return f"{amount:,} đ".replace(",", ".")

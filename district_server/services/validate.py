"""Checks on one pushed event that need no database: hash, JSON, type, dossier code."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.codes import CodeRange, parse_dossier_code
from counter_app.domain.errors import DomainError
from counter_app.sync.protocol import EVENT_TYPE_RE, DossierRecord, EventIn, RejectReason


class ItemRejected(Exception):
    """This event cannot be applied; the batch goes on without it."""

    def __init__(self, reason: RejectReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class ForeignWard(Exception):
    """The event writes another ward's data (refused for the whole request, audited)."""

    def __init__(self, agency_code: str) -> None:
        super().__init__(agency_code)
        self.agency_code = agency_code


@dataclass(frozen=True)
class CheckedEvent:
    """An event whose envelope and payload passed every local check."""

    ev: EventIn
    event_id: str
    dossier: dict[str, Any] | None  # a dossiers row to materialise, if any


def check_event(ev: EventIn, *, ward_code: str, code_range: CodeRange) -> CheckedEvent:
    """Raise ItemRejected / ForeignWard, or return the event with what it materialises."""
    if payload_hash(ev.payload) != ev.payload_hash:
        raise ItemRejected(RejectReason.BAD_HASH, "sha256(payload) != payload_hash")
    odd: list[str] = []  # float or NaN literals: only then is the full normalisation needed

    def _float(text: str) -> float:
        odd.append(text)
        return float(text)

    def _constant(text: str) -> float:
        odd.append(text)
        return float(text)

    try:
        body = json.loads(ev.payload, parse_float=_float, parse_constant=_constant)
    except (ValueError, RecursionError) as exc:
        raise ItemRejected(RejectReason.BAD_JSON, str(exc)[:200]) from None
    if not isinstance(body, dict):
        raise ItemRejected(RejectReason.BAD_JSON, "payload is not a JSON object")
    if not odd and unicodedata.is_normalized("NFC", ev.payload):
        # Same bytes as canonical_json for NFC text without floats, at a third of the cost.
        canonical: str | None = json.dumps(body, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False)
    else:
        try:
            canonical = canonical_json(body)
        except ValueError:
            canonical = None
    if canonical != ev.payload:
        raise ItemRejected(RejectReason.NOT_CANONICAL, "payload is not canonical JSON")
    if not EVENT_TYPE_RE.match(ev.type):
        raise ItemRejected(RejectReason.BAD_TYPE, f"malformed event type {ev.type!r}")
    dossier = None
    if ev.type == "dossier.received":
        dossier = _dossier_row(ev, body, ward_code=ward_code, code_range=code_range)
    return CheckedEvent(ev=ev, event_id=str(ev.event_id), dossier=dossier)


def _dossier_row(ev: EventIn, body: dict[str, Any], *, ward_code: str,
                 code_range: CodeRange) -> dict[str, Any]:
    try:
        rec = DossierRecord.model_validate(body)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
        raise ItemRejected(RejectReason.INVALID_PAYLOAD, f"bad fields: {fields}") from None
    if str(rec.uid) != ev.entity_uid or ev.entity_type != "dossier":
        raise ItemRejected(RejectReason.INVALID_PAYLOAD, "entity_uid/entity_type != dossier uid")
    try:
        parts = parse_dossier_code(rec.code)
    except DomainError:
        raise ItemRejected(RejectReason.INVALID_PAYLOAD, f"bad dossier code {rec.code!r}") \
            from None
    if parts.agency_code != ward_code:
        raise ForeignWard(parts.agency_code)
    if not code_range.contains(parts.seq):
        raise ItemRejected(RejectReason.CODE_OUT_OF_RANGE,
                           f"{rec.code}: {parts.seq} not in {code_range.start}..{code_range.end}")
    return dossier_row(rec, source_event_id=str(ev.event_id))


def dossier_row(rec: DossierRecord, *, source_event_id: str | None) -> dict[str, Any]:
    """The dossiers-table values of a record (ward_id and timestamps added by the caller)."""
    comps = [c.model_dump() for c in rec.components]
    return {**rec.stored(),
            "components": json.dumps(comps, ensure_ascii=False, separators=(",", ":")),
            "source_event_id": source_event_id}

"""Canonical JSON for events: the same payload always gives the same bytes and hash.

Shared by the device (outbox) and the upstream server (duplicate vs conflict detection).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 text (no \\u escapes), NFC strings, no NaN.

    NFC is applied to the whole text at once: JSON's own syntax is ASCII, which never composes
    with a following mark, so this equals normalizing every string and is far cheaper.
    """
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return unicodedata.normalize("NFC", text)


def payload_hash(canonical: str) -> str:
    """SHA-256 hex of the canonical text's UTF-8 bytes."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

"""Secrets: device tokens, one-time enrolment codes, constant-time comparison.

Device tokens are 256-bit random values (``secrets.token_urlsafe(32)``). They are stored as
their SHA-256: with that much entropy a slow hash (argon2) adds nothing against brute force,
while a plain digest lets every request find its device with one indexed lookup.
Enrolment codes are shorter (typed by hand), so they are one-time, expire, and the enrol
endpoint is rate-limited per client.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ENROL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1: read aloud safely
ENROL_CODE_LEN = 12  # ~59 bits


def new_device_token() -> str:
    """A fresh bearer token (shown to the device once)."""
    return secrets.token_urlsafe(32)


def sha256_hex(secret: str) -> str:
    """The stored form of a token or code."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_enrol_code() -> str:
    """A one-time code like ``K7QM-2XPA-9RTD``."""
    raw = "".join(secrets.choice(ENROL_ALPHABET) for _ in range(ENROL_CODE_LEN))
    return "-".join(raw[i:i + 4] for i in range(0, ENROL_CODE_LEN, 4))


def normalize_enrol_code(code: str) -> str:
    """Upper-case, without separators or spaces, as typed by a person."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets (as UTF-8 bytes)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None

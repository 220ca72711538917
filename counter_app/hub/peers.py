"""On the hub: pairing codes, paired PCs and their credentials (one transaction each).

A pairing code is six digits shown on the hub's screen, valid ten minutes, used once, stored
only as a hash. Five wrong tries burn every open code (a LAN guesser gets five chances in a
million, then must wait for a person to show a new code). Each paired PC gets its own random
token; the hub keeps only its SHA-256, so a stolen hub database grants nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from counter_app.domain.clock import to_db
from counter_app.hub.errors import PairingRefused

CODE_TTL = timedelta(minutes=10)
MAX_FAILURES = 5
ROLES = ("counter", "kiosk", "display")
SEEN_EVERY_S = 5.0
"""``last_seen_at`` is written at most this often per PC (a poll must not be a write)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Peer:
    """A paired PC as the hub sees it."""

    peer_id: str
    name: str
    role: str
    paired_at: str
    last_seen_at: str | None
    revoked: bool


@dataclass(frozen=True)
class Paired:
    """What a PC receives once: its identity and token."""

    peer_id: str
    token: str


def new_code(engine: Engine, now: datetime) -> str:
    """A fresh pairing code (printed by ``counter-app hub code``, shown in the hub dialog)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    with engine.begin() as c:
        c.execute(text("INSERT INTO hub_pair_code(code_hash, created_at, expires_at, failures) "
                       "VALUES (:h, :c, :e, 0) ON CONFLICT(code_hash) DO UPDATE SET "
                       "created_at = :c, expires_at = :e, used_at = NULL, failures = 0"),
                  {"h": _hash(code), "c": to_db(now), "e": to_db(now + CODE_TTL)})
    return code


def pair(engine: Engine, now: datetime, *, code: str, name: str, role: str) -> Paired:
    """Trade a live code for a new PC identity; PairingRefused otherwise."""
    if role not in ROLES:
        raise PairingRefused("Vai trò máy không hợp lệ.")
    at = to_db(now)
    with engine.begin() as c:
        row = c.execute(text("SELECT code_hash FROM hub_pair_code WHERE code_hash = :h AND "
                             "used_at IS NULL AND expires_at > :n AND failures < :f"),
                        {"h": _hash(code), "n": at, "f": MAX_FAILURES}).first()
        if row is None:
            c.execute(text("UPDATE hub_pair_code SET failures = failures + 1 "
                           "WHERE used_at IS NULL"))
            refused = True
        else:
            refused = False
            c.execute(text("UPDATE hub_pair_code SET used_at = :n WHERE code_hash = :h"),
                      {"n": at, "h": row[0]})
            token = secrets.token_urlsafe(32)
            peer_id = str(uuid.uuid4())
            c.execute(text("INSERT INTO hub_peer(peer_id, name, role, token_hash, paired_at) "
                           "VALUES (:p, :n, :r, :t, :a)"),
                      {"p": peer_id, "n": name[:100] or role, "r": role, "t": _hash(token),
                       "a": at})
    if refused:
        raise PairingRefused("Mã ghép nối không đúng, đã dùng hoặc đã hết hạn.")
    return Paired(peer_id, token)


def authenticate(engine: Engine, token: str, now: datetime) -> Peer | None:
    """The unrevoked PC holding ``token``, or None; notes when it was last seen."""
    with engine.connect() as c:
        row = c.execute(text("SELECT peer_id, name, role, paired_at, last_seen_at, revoked_at "
                             "FROM hub_peer WHERE token_hash = :h"), {"h": _hash(token)}).first()
        c.rollback()
    if row is None or row[5] is not None:
        return None
    at = to_db(now)
    seen = row[4]
    if seen is None or (now - datetime.fromisoformat(seen)).total_seconds() > SEEN_EVERY_S:
        with engine.begin() as c:
            c.execute(text("UPDATE hub_peer SET last_seen_at = :a WHERE peer_id = :p"),
                      {"a": at, "p": row[0]})
        seen = at
    return Peer(row[0], row[1], row[2], row[3], seen, False)


def revoke(engine: Engine, peer_id: str, now: datetime) -> bool:
    """Refuse this PC from now on; False if unknown."""
    with engine.begin() as c:
        n = c.execute(text("UPDATE hub_peer SET revoked_at = :a WHERE peer_id = :p "
                           "AND revoked_at IS NULL"), {"a": to_db(now), "p": peer_id}).rowcount
    return bool(n)


def peers(engine: Engine) -> list[Peer]:
    """Every PC ever paired, newest first."""
    with engine.connect() as c:
        rows = c.execute(text("SELECT peer_id, name, role, paired_at, last_seen_at, revoked_at "
                              "FROM hub_peer ORDER BY paired_at DESC")).all()
        c.rollback()
    return [Peer(r[0], r[1], r[2], r[3], r[4], r[5] is not None) for r in rows]

"""On a PC of the ward: its pairing with the hub (``hub_link``) and the hub's client.

The hub token is kept like the upstream token (OS keyring, else a 0600 file) under
``hub-<peer id>``; the database holds only where the hub is, this PC's role and the cursor of
the hub's change log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from pydantic import ValidationError
from sqlalchemy import Engine, text

from counter_app.domain.clock import to_db
from counter_app.hub.client import HubClient, check_reply
from counter_app.hub.errors import HubUnavailable, NotPaired, PairingRefused
from counter_app.hub.wire import HUB_PREFIX, PairIn, PairOut
from counter_app.sync.credentials import CredentialMissing, CredentialStore
from db.engine import read_session
from db.models import WardProfile


@dataclass(frozen=True)
class HubLink:
    """This PC's hub."""

    hub_url: str
    peer_id: str
    credential_kind: str
    role: str
    ward_code: str
    hub_name: str
    pull_cursor: int
    last_ok_at: str | None
    last_error: str


def load_link(engine: Engine) -> HubLink | None:
    """The pairing of this PC, or None (stand-alone)."""
    with engine.connect() as c:
        row = c.execute(text("SELECT hub_url, peer_id, credential_kind, role, ward_code, "
                             "hub_name, pull_cursor, last_ok_at, last_error FROM hub_link "
                             "WHERE id = 1")).first()
        c.rollback()
    return None if row is None else HubLink(*row)


def hub_token(data_dir: Path, link: HubLink) -> str:
    """The stored token of this PC on its hub."""
    try:
        return CredentialStore(data_dir).load(f"hub-{link.peer_id}", link.credential_kind)
    except CredentialMissing:
        raise NotPaired("Máy này chưa ghép nối với máy chủ phường.") from None


def open_client(engine: Engine, data_dir: Path, **kwargs: float) -> HubClient | None:
    """A client of this PC's hub, or None when the PC is not paired."""
    link = load_link(engine)
    if link is None:
        return None
    return HubClient(link.hub_url, hub_token(data_dir, link), **kwargs)


def _ward_code(engine: Engine) -> str:
    with read_session(engine) as s:
        w = s.get(WardProfile, 1)
        return w.agency_code if w else ""


def pair(engine: Engine, data_dir: Path, now: datetime, *, url: str, code: str, name: str,
         role: str) -> HubLink:
    """Pair with the hub at ``url`` using the code shown on its screen; store the link."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise PairingRefused("Địa chỉ máy chủ phường phải bắt đầu bằng http://")
    mine = _ward_code(engine)
    try:
        body = PairIn(code=code.strip(), name=name[:100] or role, role=role,
                      ward_code=mine)
    except ValidationError:
        raise PairingRefused("Mã ghép nối hoặc vai trò không hợp lệ.") from None
    try:
        with httpx.Client(base_url=url, timeout=5.0, trust_env=False) as http:
            resp = http.post(f"{HUB_PREFIX}/pair", content=body.model_dump_json(),
                             headers={"Content-Type": "application/json"})
        got = PairOut.model_validate(check_reply(resp))
    except httpx.HTTPError:
        raise HubUnavailable(f"Không kết nối được máy chủ phường {url}.") from None
    except NotPaired as exc:
        raise PairingRefused(exc.message_vi) from None
    if mine and got.ward_code and got.ward_code.upper() != mine.upper():
        raise PairingRefused(f"Máy chủ phường này thuộc đơn vị {got.ward_code}, "
                             f"máy này thuộc {mine}.")
    kind = CredentialStore(data_dir).save(f"hub-{got.peer_id}", got.token)
    with engine.begin() as c:
        c.execute(text("DELETE FROM hub_link"))
        c.execute(text("INSERT INTO hub_link(id, hub_url, peer_id, credential_kind, role, "
                       "ward_code, hub_name, pull_cursor, paired_at, last_error) VALUES "
                       "(1, :u, :p, :k, :r, :w, :n, 0, :a, '')"),
                  {"u": url, "p": got.peer_id, "k": kind, "r": role, "w": got.ward_code,
                   "n": got.hub_name, "a": to_db(now)})
    link = load_link(engine)
    assert link is not None
    return link


def unpair(engine: Engine) -> None:
    """Forget the hub (the PC goes back to stand-alone)."""
    with engine.begin() as c:
        c.execute(text("DELETE FROM hub_link"))


def note_link(engine: Engine, *, ok_at: datetime | None = None, error: str = "") -> None:
    """Remember how the last exchange with the hub went."""
    with engine.begin() as c:
        c.execute(text("UPDATE hub_link SET last_ok_at = COALESCE(:o, last_ok_at), "
                       "last_error = :e WHERE id = 1"),
                  {"o": to_db(ok_at) if ok_at else None, "e": error[:300]})

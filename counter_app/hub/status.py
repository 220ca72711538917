"""The hub's status for the settings screen: paired PCs, when each was last seen, the relay's
backlog towards upstream. Read locally on the hub PC, over the LAN elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from counter_app.hub import peers, relay
from counter_app.hub.link import load_link, open_client
from counter_app.hub.roles import get_role


@dataclass(frozen=True)
class HubStatus:
    """What the hub section of the settings shows."""

    role: str
    hub_url: str
    hub_name: str
    peers: tuple[peers.Peer, ...]
    backlog: dict[str, int]
    link_error: str = ""


def hub_status(engine: Engine, data_dir: Path) -> HubStatus:
    """The status as this PC can see it (may wait on the network on a paired PC)."""
    role = get_role(engine)
    if role == "hub":
        return HubStatus(role, "", "", tuple(peers.peers(engine)), relay.backlog(engine))
    link = load_link(engine)
    if link is None:
        return HubStatus(role, "", "", (), {})
    client = open_client(engine, data_dir, timeout_s=3.0, retry_for_s=0.0)
    assert client is not None
    with client:
        raw: dict[str, Any] = client.status()
    found = tuple(peers.Peer(**p) for p in raw.get("peers", []))
    return HubStatus(role, link.hub_url, str(raw.get("hub_name", "")), found,
                     dict(raw.get("relay", {})))

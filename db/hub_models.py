"""The ward hub's tables (migration 0005), as models so the store's schema has one definition
that the migrations are checked against (tests/db/test_dossier_model_family.py). The hub code
(counter_app/hub/) reads and writes them with plain SQL."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class HubPeer(SQLModel, table=True):
    """On the hub: a PC it trusts (its token kept as a SHA-256 hash only)."""

    __tablename__ = "hub_peer"
    peer_id: str = Field(primary_key=True)
    name: str
    role: str
    token_hash: str = Field(unique=True)
    paired_at: str
    last_seen_at: str | None = None
    revoked_at: str | None = None


class HubPairCode(SQLModel, table=True):
    """On the hub: a one-time pairing code (hashed)."""

    __tablename__ = "hub_pair_code"
    code_hash: str = Field(primary_key=True)
    created_at: str
    expires_at: str
    used_at: str | None = None
    failures: int = 0


class HubRequest(SQLModel, table=True):
    """On the hub: one applied queue action, committed with the action (idempotency)."""

    __tablename__ = "hub_request"
    key: str = Field(primary_key=True)
    peer_id: str
    action: str
    ticket_uid: str | None = None
    created_at: str


class HubRelay(SQLModel, table=True):
    """On the hub: the ward's events relayed between counters and on upstream (its outbox)."""

    __tablename__ = "hub_relay"
    __table_args__ = (UniqueConstraint("device_id", "device_seq", name="uq_hub_relay_device_seq"),
                      Index("ix_hub_relay_upstream", "upstream_state", "device_id", "device_seq"),
                      {"sqlite_autoincrement": True})
    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True)
    device_id: str
    device_seq: int
    entity_type: str
    entity_uid: str
    type: str
    payload: str
    payload_hash: str
    device_time: str
    received_at: str
    upstream_state: str = "pending"
    upstream_error: str = ""


class HubUpstream(SQLModel, table=True):
    """On the hub: where each counter's events go upstream (credential kept elsewhere)."""

    __tablename__ = "hub_upstream"
    device_id: str = Field(primary_key=True)
    url: str
    credential_kind: str
    updated_at: str
    last_outcome: str = ""


class HubLink(SQLModel, table=True):
    """On every paired PC: which hub, which role, the hub change-log cursor."""

    __tablename__ = "hub_link"
    id: int | None = Field(default=None, primary_key=True)
    hub_url: str
    peer_id: str
    credential_kind: str
    role: str
    ward_code: str
    hub_name: str
    pull_cursor: int = 0
    paired_at: str
    last_ok_at: str | None = None
    last_error: str = ""

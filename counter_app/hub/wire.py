"""The hub's own HTTP shapes (queue actions, board, status); the relay reuses
``counter_app.sync.protocol`` unchanged, so a counter syncs with the hub as with upstream."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from counter_app.services.queue_models import BoardPublic, TicketPublic

HUB_PROTOCOL: Final = "motcua-hub/1"
HUB_PREFIX = "/hub/v1"
SERVICE_TYPE = "_motcua-hub._tcp.local."
IDEMPOTENCY_HEADER = "Idempotency-Key"
UPSTREAM_URL_HEADER = "X-Motcua-Upstream-Url"
UPSTREAM_TOKEN_HEADER = "X-Motcua-Upstream-Token"

Role = Literal["counter", "kiosk", "display"]
_TICKET: TypeAdapter[TicketPublic] = TypeAdapter(TicketPublic)
_BOARD: TypeAdapter[BoardPublic] = TypeAdapter(BoardPublic)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PairIn(_In):
    """A PC asks to pair with the code shown on the hub."""

    code: str = Field(min_length=4, max_length=12)
    name: str = Field(min_length=1, max_length=100)
    role: Role
    ward_code: str = Field(default="", max_length=20)


class PairOut(BaseModel):
    """Its identity on the hub; the token is sent once."""

    protocol: str = HUB_PROTOCOL
    peer_id: str
    token: str
    ward_code: str
    ward_name: str
    hub_name: str


class ActionIn(_In):
    """One queue action (see ``counter_app.hub.queue_actions.QueueRequest``)."""

    counter: int | None = Field(default=None, ge=1, le=99)
    number: str | None = Field(default=None, max_length=12)
    prefix: str | None = Field(default=None, max_length=4)
    priority: bool = False
    to_prefix: str | None = Field(default=None, max_length=4)
    to_counter: int | None = Field(default=None, ge=1, le=99)
    uid: str | None = Field(default=None, max_length=40)
    """The ticket to act on (default: the counter's current ticket)."""
    dossier_uid: str | None = Field(default=None, max_length=40)


def ticket_json(t: TicketPublic | None) -> dict[str, Any]:
    """A ticket reply (``ticket`` is null when nobody was waiting)."""
    return {"protocol": HUB_PROTOCOL,
            "ticket": None if t is None else _TICKET.dump_python(t, mode="json")}


def ticket_from(body: dict[str, Any]) -> TicketPublic | None:
    """The ticket of a reply."""
    raw = body.get("ticket")
    return None if raw is None else _TICKET.validate_python(raw)


def board_json(b: BoardPublic) -> dict[str, Any]:
    """The hall display's board as JSON."""
    return dict(_BOARD.dump_python(b, mode="json"))


def board_from(raw: dict[str, Any]) -> BoardPublic:
    """The board from JSON."""
    return _BOARD.validate_python(raw)

"""The queue as a paired PC sees it: the same calls as ``QueueService``, served by the hub.

The counter panel and the hall display take this in place of the local queue service; board
changes arrive over the hub's push channel and are told to listeners like local changes, so
the screens refresh the same way whether the queue is local or on the hub. Reads that the
push channel already brought (the board) are answered from it without a round trip.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter

from counter_app.hub.client import BoardStream, HubClient
from counter_app.services.queue_models import (
    BoardPublic,
    CounterStatePublic,
    QueueServicePublic,
    TicketPublic,
)

Listener = Callable[[Any], None]
StateListener = Callable[[bool, str], None]
_SERVICES: TypeAdapter[list[QueueServicePublic]] = TypeAdapter(list[QueueServicePublic])
_TICKETS: TypeAdapter[list[TicketPublic]] = TypeAdapter(list[TicketPublic])
_TICKET: TypeAdapter[TicketPublic | None] = TypeAdapter(TicketPublic | None)


class BoardChanged:
    """Told to listeners when the hub pushed a new board (like ``QueueChange`` locally)."""

    def __init__(self, board: BoardPublic) -> None:
        self.kind = "board"
        self.board = board


class HubQueuePort:
    """QueueService-shaped access to the hub's queue, plus its live board."""

    def __init__(self, client: HubClient, token: str, *, counter_no: int | None = None) -> None:
        self.client = client
        self.counter_no = counter_no
        self._listeners: list[Listener] = []
        self._state_listeners: list[StateListener] = []
        self._board: BoardPublic | None = None
        self._got_board = threading.Event()
        self._relay_listeners: list[Callable[[], None]] = []
        self.stream = BoardStream(client.url, token, self._on_board, on_state=self._on_state,
                                  on_relay=self._on_relay)

    # -- lifecycle and listeners ------------------------------------------------------------

    def follow(self) -> None:
        """Follow the hub's push channel."""
        self.stream.start()

    def close(self) -> None:
        """Stop following and close the connections."""
        self.stream.stop()
        self.client.close()

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(BoardChanged)`` on each pushed board (on the stream's thread)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop telling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def add_state_listener(self, listener: StateListener) -> None:
        """Call ``listener(connected, message_vi)`` when the link to the hub comes or goes."""
        self._state_listeners.append(listener)

    def add_relay_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` when the hub holds new ward events (sync now to get them)."""
        self._relay_listeners.append(listener)

    def _on_relay(self) -> None:
        for listener in list(self._relay_listeners):
            listener()

    @property
    def connected(self) -> bool:
        """Whether the push channel is up."""
        return self.stream.connected

    def _on_board(self, board: BoardPublic) -> None:
        self._board = board
        self._got_board.set()
        for listener in list(self._listeners):
            listener(BoardChanged(board))

    def _on_state(self, connected: bool, message: str) -> None:
        for listener in list(self._state_listeners):
            listener(connected, message)

    # -- the QueueService calls the screens make -------------------------------------------

    def board(self, limit: int | None = None) -> BoardPublic:
        """The newest pushed board (asked for when none arrived yet)."""
        if self._board is not None:
            return self._board
        return self.client.board()

    def counter_state(self, counter_no: int) -> CounterStatePublic:
        """The counter's current ticket and waiting list, from the hub."""
        raw = self.client.counter_state(counter_no)
        return CounterStatePublic(counter_no, _TICKET.validate_python(raw["current"]),
                                  tuple(_TICKETS.validate_python(raw["waiting"])),
                                  tuple(raw.get("served_prefixes", ())))

    def ensure_defaults(self) -> list[QueueServicePublic]:
        """The hub's services (the hub owns them)."""
        return _SERVICES.validate_python(self.client.info().get("services", []))

    def _act(self, action: str, **body: Any) -> TicketPublic | None:
        return self.client.act(action, key=str(uuid.uuid4()), **body)

    def issue(self, prefix: str, *, priority: bool = False) -> TicketPublic:
        """Take a number (kiosk)."""
        t = self._act("issue", prefix=prefix, priority=priority)
        assert t is not None
        return t

    def call_next(self, counter_no: int, *, official_id: int | None = None) -> TicketPublic | None:
        """Call the next ticket for the counter."""
        return self._act("call-next", counter=counter_no)

    def call(self, number: str, counter_no: int, *, official_id: int | None = None) -> TicketPublic:
        """Call a given number."""
        return self._one(self._act("call", number=number, counter=counter_no))

    def recall(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """Call the same ticket again."""
        return self._one(self._act("recall", uid=uid, counter=self.counter_no))

    def start(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """The citizen sits down."""
        return self._one(self._act("start", uid=uid, counter=self.counter_no))

    def finish(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """Service done."""
        return self._one(self._act("finish", uid=uid, counter=self.counter_no))

    def no_show(self, uid: str, *, official_id: int | None = None) -> TicketPublic:
        """The citizen did not come."""
        return self._one(self._act("no-show", uid=uid, counter=self.counter_no))

    def transfer(self, uid: str, *, to_prefix: str | None = None, to_counter: int | None = None,
                 official_id: int | None = None) -> TicketPublic:
        """Send the ticket to another service and/or counter."""
        return self._one(self._act("transfer", uid=uid, counter=self.counter_no,
                                   to_prefix=to_prefix, to_counter=to_counter))

    def link_dossier(self, uid: str, dossier_uid: str, *,
                     official_id: int | None = None) -> TicketPublic:
        """Record the dossier received from this ticket's citizen."""
        return self._one(self._act("link", uid=uid, dossier_uid=dossier_uid))

    @staticmethod
    def _one(t: TicketPublic | None) -> TicketPublic:
        assert t is not None  # the hub answers these with the ticket or an error
        return t

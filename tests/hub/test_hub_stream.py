"""The push channel: displays and counters see each call at once and follow a hub restart."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from hub_helpers import LiveHub, client_for

from counter_app.hub.link import hub_token, load_link
from counter_app.hub.port import BoardChanged, HubQueuePort
from counter_app.services.context import open_services
from counter_app.services.queue_models import BoardPublic


def _port(data_dir: Path) -> HubQueuePort:
    svc = open_services(data_dir / "counter.db")
    link = load_link(svc.engine)
    svc.close()
    assert link is not None
    return HubQueuePort(client_for(data_dir), hub_token(data_dir, link), counter_no=None)


class Seen:
    """Boards and link states as a display receives them."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.boards: list[tuple[float, BoardPublic]] = []
        self.states: list[bool] = []

    def board(self, change: object) -> None:
        assert isinstance(change, BoardChanged)
        with self.cond:
            self.boards.append((time.perf_counter(), change.board))
            self.cond.notify_all()

    def state(self, connected: bool, _message: str) -> None:
        with self.cond:
            self.states.append(connected)
            self.cond.notify_all()

    def wait_for(self, pred, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
        with self.cond:
            return self.cond.wait_for(pred, timeout)

    def called(self, number: str) -> float | None:
        for at, b in self.boards:
            if any(c.number == number for c in b.calls):
                return at
        return None


def test_display_sees_each_call_within_a_second(hub: LiveHub, tmp_path: Path) -> None:
    hub.pair(tmp_path / "display", role="display")
    hub.pair(tmp_path / "c1")
    seen = Seen()
    port = _port(tmp_path / "display")
    port.add_listener(seen.board)
    port.follow()
    try:
        assert seen.wait_for(lambda: seen.boards)  # the board now, at connect
        with client_for(tmp_path / "c1") as c:
            for _ in range(5):
                c.act("issue", prefix="A")
            for _ in range(5):
                sent = time.perf_counter()
                t = c.act("call-next", counter=1)
                assert t is not None
                assert seen.wait_for(lambda n=t.number: seen.called(n) is not None, 2.0)
                at = seen.called(t.number)
                assert at is not None and at - sent < 1.0
                c.act("finish", counter=1)
    finally:
        port.close()


def test_clients_follow_a_hub_restart(tmp_path: Path) -> None:
    first = LiveHub(tmp_path / "hub")
    with first:
        port_no = int(first.url.rsplit(":", 1)[1])
        first.pair(tmp_path / "display", role="display")
        first.pair(tmp_path / "c1")
        seen = Seen()
        port = _port(tmp_path / "display")
        port.add_listener(seen.board)
        port.add_state_listener(seen.state)
        port.follow()
        assert seen.wait_for(lambda: seen.states == [True])
    try:
        assert seen.wait_for(lambda: seen.states == [True, False])  # says so plainly
        with LiveHub(tmp_path / "hub", set_up=False, port=port_no):
            assert seen.wait_for(lambda: seen.states == [True, False, True], 10)
            with client_for(tmp_path / "c1") as c:
                c.act("issue", prefix="B")
                t = c.act("call-next", counter=1)
            assert t is not None
            assert seen.wait_for(lambda: seen.called(t.number) is not None)
    finally:
        port.close()

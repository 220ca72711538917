"""The push channel: displays and counters see each call at once and follow a hub restart."""

from __future__ import annotations

import time
from pathlib import Path

from hub_helpers import LiveHub, Seen, client_for, paired_port


def test_display_sees_each_call_within_a_second(hub: LiveHub, tmp_path: Path) -> None:
    hub.pair(tmp_path / "display", role="display")
    hub.pair(tmp_path / "c1")
    seen = Seen()
    port = paired_port(tmp_path / "display")
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
        port = paired_port(tmp_path / "display")
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

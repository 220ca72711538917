"""Queue actions over the hub: applied once per key, typed refusals, the CLI through the hub."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hub_helpers import LiveHub, client_for

from counter_app.cli import main
from counter_app.hub.errors import HubRefused, HubUnavailable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from fault_proxy import Action, FaultProxy, first


def _calls(hub: LiveHub) -> list[str]:
    return [c.number for c in hub.rt.services.queue.board(limit=100).calls]


def test_replayed_key_is_applied_once(hub: LiveHub, tmp_path: Path) -> None:
    hub.pair(tmp_path / "kiosk", role="kiosk")
    hub.pair(tmp_path / "c1")
    with client_for(tmp_path / "kiosk") as k, client_for(tmp_path / "c1") as c:
        issued = [k.act("issue", prefix="A") for _ in range(3)]
        again = k.act("issue", key="issue-key-0001", prefix="A")
        replayed_issue = k.act("issue", key="issue-key-0001", prefix="A")
        assert replayed_issue is not None and again is not None
        assert replayed_issue.uid == again.uid  # no 5th ticket
        first_call = c.act("call-next", key="call-key-0001", counter=1)
        replay = c.act("call-next", key="call-key-0001", counter=1)
    assert first_call is not None and replay is not None
    assert replay.uid == first_call.uid == issued[0].uid  # type: ignore[union-attr]
    assert _calls(hub) == [first_call.number]


def test_lost_reply_is_retried_with_the_same_key(hub: LiveHub, tmp_path: Path) -> None:
    hub.pair(tmp_path / "c1")
    with client_for(tmp_path / "c1") as c:
        c.act("issue", prefix="A")
        c.act("issue", prefix="A")
    # The hub commits the call, then the connection dies before the reply (twice).
    proxy = FaultProxy(hub.url)
    with proxy as proxied:
        assert hub.pair(tmp_path / "c2", url=proxied).hub_url == proxied
        proxy.rule = first(2, Action.DROP_AFTER, "/hub/v1/queue/call-next")
        with client_for(tmp_path / "c2") as c2:
            t = c2.act("call-next", counter=2)
        assert sum(a[2] == Action.DROP_AFTER for a in proxy.stats.actions) == 2
    assert t is not None and _calls(hub) == [t.number]  # once, not three times


def test_refusals_are_typed_and_hub_down_is_unavailable(hub: LiveHub, tmp_path: Path) -> None:
    hub.pair(tmp_path / "c1")
    with client_for(tmp_path / "c1") as c:
        c.act("issue", prefix="A")
        c.act("issue", prefix="A")
        c.act("call-next", counter=1)
        with pytest.raises(HubRefused) as busy:
            c.act("call-next", counter=1)
        assert busy.value.error == "counter_busy"
        with pytest.raises(HubRefused) as early:
            c.act("no-show", counter=1)
        assert early.value.error == "no_show_too_early"
    with client_for(tmp_path / "c1", retry_for_s=0.3) as c:
        c.url = "http://127.0.0.1:9"
        c._http.base_url = "http://127.0.0.1:9"
        with pytest.raises(HubUnavailable):
            c.act("call-next", counter=1)


def test_cli_acts_through_the_hub(hub: LiveHub, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    kiosk, c1, c2 = tmp_path / "kiosk", tmp_path / "c1", tmp_path / "c2"
    for d, role in ((kiosk, "kiosk"), (c1, "counter"), (c2, "counter")):
        hub.pair(d, role=role)
    for _ in range(3):
        assert main(["queue", "issue", "--service", "A", "--out", str(kiosk / "t.png"),
                     "--data-dir", str(kiosk)]) == 0
    assert main(["queue", "issue", "--service", "A", "--priority", "--out",
                 str(kiosk / "t.png"), "--data-dir", str(kiosk)]) == 0
    capsys.readouterr()
    assert main(["queue", "call-next", "--counter", "1", "--data-dir", str(c1)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "A004"  # priority first
    assert main(["queue", "call-next", "--counter", "2", "--data-dir", str(c2)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "A001"
    assert main(["queue", "recall", "--counter", "1", "--data-dir", str(c1)]) == 0
    assert main(["queue", "finish", "--counter", "1", "--data-dir", str(c1)]) == 0
    assert main(["queue", "transfer", "--counter", "2", "--to-counter", "1",
                 "--data-dir", str(c2)]) == 0
    capsys.readouterr()
    assert main(["queue", "status", "--json", "--data-dir", str(c2)]) == 0
    status = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [c["number"] for c in status["calls"]] == ["A004", "A001", "A004"]  # newest first
    assert {w["prefix"]: w["waiting"] for w in status["waiting"]}["A"] == 3
    # The hub's own store holds the tickets: nothing was numbered on the counters.
    assert main(["queue", "status", "--json", "--data-dir", str(hub.data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["calls"] == status["calls"]

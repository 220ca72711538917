"""The client under server faults (issue 7, item 5): a batch that keeps getting a 5xx is split
like a 413/422, so that one event the server cannot take never blocks the outbox; that event
goes to the needs-attention list. A server that is simply down lists nothing for attention."""

from __future__ import annotations

from fault_proxy import PUSH, Action, always
from sync_helpers import World, check_invariants

from counter_app.sync import store
from counter_app.sync.pump import Outcome


def _crash_on(event_id: str):  # type: ignore[no-untyped-def]
    """The server crashes (500) on every push that carries ``event_id``."""
    def judge(method: str, path: str, body: bytes) -> Action | None:
        return Action.SERVER_ERROR if path == PUSH and event_id.encode() in body else None
    return judge


def test_one_event_the_server_crashes_on_does_not_block_the_outbox(world: World) -> None:
    a = world.device("a", batch_size=50)
    a.snapshot()
    a.intake(30)
    queued = a.counts()["pending"]
    poison = store.next_batch(a.engine, after_local_seq=0, offset=0, limit=50)[7]
    assert world.proxy is not None
    world.proxy.judge = _crash_on(poison.wire["event_id"])
    first = a.sync()  # a first 5xx may be a blip: resend later, nothing listed
    assert first.outcome is Outcome.OFFLINE and first.acked == 0 and first.attention == 0
    second = a.sync()
    assert second.outcome is Outcome.OK
    assert second.acked == queued - 1 and second.rejected == 1 and second.pending == 0
    items = store.attention(a.engine)
    assert [i.event_id for i in items] == [poison.wire["event_id"]]
    assert items[0].error.startswith("server_error")
    assert poison.wire["event_id"] not in world.server_event_ids()
    a.intake(3)  # later events are not held behind it
    third = a.sync()
    assert third.acked == 3 and third.pending == 0 and third.attention == 1
    check_invariants(world, excluded=set())


def test_a_server_that_is_down_lists_nothing_and_stops_early(world: World) -> None:
    a = world.device("a", batch_size=50)
    a.snapshot()
    a.intake(40)
    queued = a.counts()["pending"]
    assert world.proxy is not None
    world.proxy.rule = always(Action.SERVER_ERROR, PUSH)
    for _ in range(4):
        before = world.proxy.stats.requests
        rep = a.sync()
        assert rep.outcome is Outcome.OFFLINE and rep.acked == 0
        assert rep.attention == 0 and rep.pending == queued
        # status + at most the bounded search (no 2n-1 requests for a batch of n)
        assert world.proxy.stats.requests - before <= 1 + a.pump._streak_limit() + 1
    world.proxy.rule = always(Action.PASS)
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.pending == 0 and rep.attention == 0
    check_invariants(world)


def test_events_are_not_listed_while_the_server_takes_no_other(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(1)
    queued = store.next_batch(a.engine, after_local_seq=0, offset=0, limit=50)
    ids = [r.wire["event_id"].encode() for r in queued]
    assert world.proxy is not None
    world.proxy.judge = lambda m, p, body: (
        Action.SERVER_ERROR if p == PUSH and any(i in body for i in ids) else None)
    reps = [a.sync() for _ in range(4)]
    # No evidence that the server is up for writes: they stay pending, nothing is listed,
    # and once the batch is searched the pass goes on to pull (it is not "offline" forever).
    assert all(r.attention == 0 for r in reps) and reps[-1].pending == len(queued)
    assert reps[-1].outcome is Outcome.OK

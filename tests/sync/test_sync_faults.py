"""The 22 failure cases of SYNC.md against a real server behind a fault-injecting proxy.

Each case runs on SQLite and on PostgreSQL (the ``world`` fixture) and ends with
``check_invariants``: server rows == the distinct device events that should be there, the
device's acked set ⊆ the server's rows, nothing deleted on a device before it was acked.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import tracemalloc
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fault_proxy import PUSH, Action, always, first
from sqlalchemy import delete, insert, select
from sync_helpers import (
    NOW,
    WARD_A,
    WARD_B,
    Device,
    World,
    check_invariants,
    run_cli,
)

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.clock import FixedClock, to_db
from counter_app.domain.codes import format_dossier_code
from counter_app.services.backup import export_outbox, make_backup
from counter_app.services.context import build_services, open_services
from counter_app.services.demo import seed_dossiers
from counter_app.sync import store
from counter_app.sync.client import Forbidden, SyncClient
from counter_app.sync.credentials import CredentialStore
from counter_app.sync.enrol import EnrolFailed, enrol
from counter_app.sync.pump import Outcome, SyncPump
from db.engine import StoreCorrupt, StoreFull, make_engine, unit_of_work
from db.migrate import check_integrity
from db.outbox import EventDraft, append_event
from district_server.models import ServerModel
from district_server.services import admin

HERE = Path(__file__).resolve().parent


def _client(world: World, dev: Device, *, direct: bool = True) -> SyncClient:
    token = CredentialStore(dev.data_dir).load(dev.device_id, "file")
    return SyncClient(world.direct_url if direct else world.url, token, timeout_s=5)


def _wire(dev: Device, limit: int = 500) -> list[dict[str, Any]]:
    return [r.wire for r in store.next_batch(dev.engine, after_local_seq=0, offset=0,
                                             limit=limit)]


def _append(dev: Device, type_: str, payload: dict[str, Any], uid: str | None = None) -> str:
    with unit_of_work(dev.engine) as s:
        ev = append_event(s, EventDraft("dossier", uid or str(payload.get("uid", uuid.uuid4())),
                                        type_, payload), now=dev.clock.now(), official_id=None)
        return ev.event_id


# -- 1, 2, 3: connection and server failures around the commit ---------------------------------

@pytest.mark.parametrize("fault", [Action.DROP_AFTER, Action.DELAY, Action.TRUNCATE,
                                   Action.BAD_GATEWAY_AFTER])
def test_case_01_drop_after_commit_no_duplicate(world: World, fault: Action) -> None:
    a = world.device("a")
    a.snapshot()
    codes = a.intake(5)
    receipts = [a.svc.receipts.receipt(c) for c in codes]
    assert world.proxy is not None
    world.proxy.rule = first(1, fault, PUSH)
    r1 = a.sync()
    assert r1.outcome is Outcome.OFFLINE and r1.acked == 0
    assert a.counts()["pending"] == 7  # 2 officials + 5 dossiers, still pending
    assert len(world.server_event_ids()) == 7  # ... but the server committed them
    r2 = a.sync()
    assert r2.outcome is Outcome.OK and r2.pending == 0 and r2.acked == 7
    assert sorted(world.server_codes()) == sorted(codes)
    assert [a.svc.receipts.receipt(c) for c in codes] == receipts  # same codes, same receipts
    check_invariants(world)


@pytest.mark.parametrize("fault", [Action.DROP_BEFORE, Action.DROP_MID, Action.BAD_GATEWAY])
def test_case_02_drop_before_commit_retry_commits_once(world: World, fault: Action) -> None:
    a = world.device("a")
    a.snapshot()
    codes = a.intake(4)
    assert world.proxy is not None
    world.proxy.rule = first(1, fault, PUSH)
    assert a.sync().outcome is Outcome.OFFLINE
    assert world.server_event_ids() == []
    assert a.sync().outcome is Outcome.OK
    assert sorted(world.server_codes()) == sorted(codes)
    check_invariants(world)


def test_case_03_server_killed_mid_batch(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    codes = a.intake(6)
    child = subprocess.Popen([sys.executable, str(HERE / "server_proc.py"), world.db_url,
                              "--kill-on-events-insert"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        port = child.stdout.readline().split()[1]
        assert world.proxy is not None
        world.proxy.set_upstream(f"http://127.0.0.1:{port}")
        r = a.sync()
        assert r.outcome is Outcome.OFFLINE
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    # Nothing partly applied: no dossier row without its event, no event at all.
    assert world.server_event_ids() == [] and world.server_codes() == []
    world.proxy.set_upstream(world.direct_url)  # the server is back
    assert a.sync().outcome is Outcome.OK
    assert sorted(world.server_codes()) == sorted(codes)
    check_invariants(world)


# -- 4, 5: replays and conflicting payloads -----------------------------------------------------

def test_case_04_replayed_out_of_order_and_after_restart(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(6)
    wire = _wire(a)
    with _client(world, a) as c:
        for batch in (wire[3:], wire[:4], list(reversed(wire)), wire, wire[2:5]):
            res = c.push(a.device_id, batch, a.clock.now()).value
            got = {str(u) for u in (*res.acked, *res.duplicates)}
            assert got == {w["event_id"] for w in batch}
    assert len(world.server_event_ids()) == len(wire)
    # The client restarts: killed after the server answered, before applying the reply.
    crashed = run_cli(a.data_dir, "sync", MOTCUA_CRASH_AT="after_push_response")
    assert crashed.returncode == -signal.SIGKILL
    assert a.counts()["pending"] == len(wire)
    done = run_cli(a.data_dir, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    assert a.counts()["pending"] == 0
    check_invariants(world)


def test_case_05_same_id_different_payload_is_a_conflict(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(3)
    wire = _wire(a)
    victim = dict(wire[3])
    other = json.loads(victim["payload"])
    other["note"] = "bản khác"
    body = canonical_json(other)
    forged = {**victim, "payload": body, "payload_hash": payload_hash(body)}
    with _client(world, a) as c:
        assert c.push(a.device_id, [forged], a.clock.now()).value.acked
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.pending == 0 and rep.attention == 1
    items = store.attention(a.engine)
    assert [i.event_id for i in items] == [victim["event_id"]]
    assert items[0].error.startswith("payload_differs")
    held = world.scalar("SELECT payload_hash FROM events WHERE event_id = :e",
                        e=victim["event_id"])
    assert held == forged["payload_hash"]  # the first payload is kept, never overwritten
    assert world.scalar("SELECT COUNT(*) FROM quarantined_events WHERE event_id = :e",
                        e=victim["event_id"]) == 1
    check_invariants(world, excluded={victim["event_id"]})


# -- 6, 7, 8: codes, clones and gaps ------------------------------------------------------------

def test_case_06_two_counters_issue_codes_at_once(world: World) -> None:
    a, b = world.device("a"), world.device("b")
    assert a.enrolment.code_range != b.enrolment.code_range
    codes: dict[str, list[str]] = {}

    def work(d: Device) -> None:
        codes[d.name] = d.intake(15, minutes=0)
    threads = [threading.Thread(target=work, args=(d,)) for d in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(codes["a"]) & set(codes["b"])
    syncs = [threading.Thread(target=d.sync_until_drained) for d in (a, b)]
    for t in syncs:
        t.start()
    for t in syncs:
        t.join()
    assert sorted(world.server_codes()) == sorted(codes["a"] + codes["b"])
    assert world.scalar("SELECT COUNT(*) FROM rejections") == 0
    check_invariants(world)


def test_case_07_cloned_device_is_detected(world: World, tmp_path: Path) -> None:
    a = world.device("a")
    a.intake(2)
    assert a.sync().outcome is Outcome.OK
    clone_dir = tmp_path / "clone"
    clone_dir.mkdir()
    copy = make_backup(a.data_dir / "counter.db", tmp_path / "copies", a.clock.now())
    shutil.copy(copy, clone_dir / "counter.db")  # the whole store copied to a second PC
    shutil.copytree(a.data_dir / "credentials", clone_dir / "credentials")
    clock = FixedClock(a.clock.now())
    svc = open_services(clone_dir / "counter.db", clock)
    clone = Device("clone", clone_dir, svc, clock, world.pump_for(svc, clone_dir, clock),
                   a.enrolment, svc.accounts.login("canbo", "canbo123"))
    world.devices.append(clone)
    a.snapshot()
    clone.snapshot()
    a_codes, clone_codes = a.intake(3), clone.intake(3)
    assert a_codes == clone_codes  # same identity, same block, same day: the same numbers
    assert a.sync().outcome is Outcome.OK
    rep = clone.sync()
    assert rep.outcome is Outcome.OK and rep.rejected == 3 and rep.attention == 3
    assert all(i.error.startswith("device_seq_reused") for i in store.attention(clone.engine))
    flags = world.scalar("SELECT flags FROM devices WHERE device_id = :d", d=a.device_id)
    assert "clone_suspected" in flags
    assert world.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'clone_suspected'") >= 1
    check_invariants(world, [a])
    assert not (set(clone.events()) - set(a.events())) & set(world.server_event_ids())


def test_case_08_sequence_gap_is_flagged_then_filled(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(5)
    wire = _wire(a)
    with _client(world, a) as c:
        res = c.push(a.device_id, wire[3:], a.clock.now()).value
        assert [(g.expected, g.got) for g in res.gaps] == [(1, 4)]
        assert res.last_applied_seq == 0
        status = c.status(a.clock.now()).value
        assert [(g.expected, g.got) for g in status.open_gaps] == [(1, 4)]
    assert "gap" in world.scalar("SELECT flags FROM devices WHERE device_id = :d",
                                 d=a.device_id)
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.gaps == [] and rep.pending == 0
    row = world.server_rows("SELECT last_applied_seq, flags FROM devices WHERE device_id = :d",
                            d=a.device_id)[0]
    assert row[0] == len(wire) and "gap" not in row[1]
    check_invariants(world)


# -- 9: clocks ------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [timedelta(hours=1), timedelta(days=1),
                                    timedelta(days=3 * 365), timedelta(hours=-1)],
                         ids=["hour", "day", "years", "behind"])
def test_case_09_wrong_clock_intake_goes_on_and_skew_is_reported(
        world: World, offset: timedelta) -> None:
    a = world.device("a", clock=FixedClock(NOW + offset))
    b = world.device("b")
    a.snapshot()
    first_codes = a.intake(2)
    a.clock.set(a.clock.now() - timedelta(minutes=45))  # jumps backwards mid-shift
    later_codes = a.intake(2)
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.pending == 0
    assert rep.skew_s == pytest.approx(offset.total_seconds() - 45 * 60 + 4 * 60, abs=5)
    assert rep.skew_warning
    st = store.load_state(a.engine)
    assert st is not None and st.clock_skew_s == pytest.approx(rep.skew_s, abs=1)
    assert "clock_skew" in world.scalar("SELECT flags FROM devices WHERE device_id = :d",
                                        d=a.device_id)
    # Ordering follows the device sequence, never device time.
    assert b.sync().outcome is Outcome.OK
    pulled = [r[0] for r in b.rows("SELECT device_seq FROM remote_event WHERE device_id = :d "
                                   "ORDER BY change_seq", d=a.device_id)]
    assert pulled == sorted(pulled) and len(pulled) == len(a.events())
    assert sorted(world.server_codes()) == sorted(first_codes + later_codes)
    check_invariants(world)


# -- 10, 11, 12: the local store under crashes, full disks, damage -------------------------------

CHILD_10 = r"""
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
from counter_app.domain.clock import FixedClock, from_db, local_day
from counter_app.services.context import open_services
from counter_app.services.intake import ComponentInput, IntakeRequest
clock = FixedClock(from_db(sys.argv[3]))
svc = open_services(Path(sys.argv[1]) / "counter.db", clock)
kill_at, seen = int(sys.argv[2]), [0]
def hook(conn, cursor, statement, params, context, executemany):
    # The dossier (state) row is written; its outbox event is not yet.
    if statement.startswith("INSERT INTO dossier ("):
        seen[0] += 1
        if seen[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
event.listen(svc.engine, "after_cursor_execute", hook)
official = svc.accounts.login("canbo", "canbo123")
proc = svc.catalogue.in_force("1.004873", on=local_day(clock.now()))
comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
while True:
    svc.intake.receive(IntakeRequest(procedure_id=proc.id, applicant_name="Lê Thị Hoa",
        id_number="001185012345", address="Số 5 Đội Cấn, Hà Nội", components=comps),
        official=official)
    clock.advance(minutes=1)
"""


def test_case_10_killed_between_state_and_outbox_write(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    for kill_at in (1, 4):
        child = subprocess.run([sys.executable, "-c", CHILD_10, str(a.data_dir), str(kill_at),
                                to_db(a.clock.now())], capture_output=True, text=True,
                               timeout=60)
        assert child.returncode == -signal.SIGKILL, child.stderr
        a.clock.advance(minutes=10)
    dossiers = {r[0] for r in a.rows("SELECT uid FROM dossier")}
    events = [r[0] for r in a.rows("SELECT entity_uid FROM event "
                                   "WHERE type = 'dossier.received'")]
    assert len(dossiers) == 3 and sorted(events) == sorted(dossiers)  # both or neither
    assert a.sync().outcome is Outcome.OK
    assert sorted(world.server_codes()) == sorted(a.local_codes())
    check_invariants(world)


def test_case_11_disk_full_during_intake(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(2)
    db = a.data_dir / "counter.db"
    full = make_engine(db)

    @__import__("sqlalchemy").event.listens_for(full, "connect")
    def _cap(dbapi_conn: Any, _rec: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    svc = build_services(full, a.clock)
    tight = Device("a-full", a.data_dir, svc, a.clock, a.pump, a.enrolment, a.official)
    with pytest.raises(StoreFull) as info:
        for _ in range(500):
            before = (a.rows("SELECT COUNT(*) FROM dossier")[0][0],
                      a.rows("SELECT COUNT(*) FROM event")[0][0])
            tight.intake(1)
    assert "Ổ đĩa đầy" in info.value.message_vi
    after = (a.rows("SELECT COUNT(*) FROM dossier")[0][0],
             a.rows("SELECT COUNT(*) FROM event")[0][0])
    assert after == before  # no half-written row
    full.dispose()
    out = a.data_dir / "outbox.jsonl"
    assert export_outbox(db, out) == before[1]  # the outbox is still readable
    assert a.sync().outcome is Outcome.OK
    check_invariants(world)


def test_case_12_corrupt_or_truncated_store(world: World, tmp_path: Path) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(3)
    seed_dossiers(a.engine, a.clock, 300)
    db = a.data_dir / "counter.db"
    backup = make_backup(db, a.data_dir / "backups", a.clock.now())
    a.svc.close()
    with closing(sqlite3.connect(db)) as raw:  # everything into the main file first
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'dossier'").fetchone()[0]
        page = raw.execute("PRAGMA page_size").fetchone()[0]
        n_events = raw.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    with pytest.raises(StoreCorrupt):  # detected at start
        open_services(truncated)
    with db.open("r+b") as f:  # damage the dossier table, leave the outbox alone
        f.seek((int(root) - 1) * int(page))
        f.write(b"\xde\xad\xbe\xef" * (int(page) // 4))
    damaged = make_engine(db)
    with pytest.raises(StoreCorrupt):
        check_integrity(damaged)
    damaged.dispose()
    out = tmp_path / "outbox.jsonl"
    res = run_cli(a.data_dir, "export-outbox", "--out", str(out))
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == n_events and {x["event_id"] for x in lines} >= a.history[-1]
    # The backup is whole: restore it and push everything from it.
    shutil.copy(backup, db)
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    a.svc = open_services(db, a.clock)
    a.pump = world.pump_for(a.svc, a.data_dir, a.clock)
    assert a.sync_until_drained().pending == 0
    check_invariants(world)


# -- 13, 14: bad items do not block the batch ---------------------------------------------------

def test_case_13_payload_damaged_in_transit(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(5)
    victim = _wire(a)[4]["event_id"]

    def truncate_one(method: str, path: str, body: bytes) -> bytes:
        req = json.loads(body)
        for ev in req.get("events", []):
            if ev["event_id"] == victim:
                ev["payload"] = ev["payload"][: len(ev["payload"]) // 2]
        return json.dumps(req, ensure_ascii=False).encode()
    assert world.proxy is not None
    world.proxy.rewrite = lambda m, p, b: truncate_one(m, p, b) if p == PUSH else b
    r1 = a.sync()
    assert r1.outcome is Outcome.OK and r1.acked == 6 and r1.retried == 1
    assert world.scalar("SELECT reason FROM rejections WHERE event_id = :e", e=victim) == \
        "bad_hash"
    assert a.events()[victim] == "pending"  # our copy is intact: damaged in transit, resend
    world.proxy.rewrite = None
    r2 = a.sync()
    assert r2.outcome is Outcome.OK and r2.pending == 0 and r2.attention == 0
    check_invariants(world)


def test_case_14_one_poison_event_in_a_batch_of_200(world: World) -> None:
    a = world.device("a", batch_size=200)
    a.snapshot()
    seed_dossiers(a.engine, a.clock, 97)
    bad = dict(json.loads(_wire(a)[5]["payload"]), status="hai", uid=str(uuid.uuid4()))
    poison = _append(a, "dossier.received", bad)
    seed_dossiers(a.engine, a.clock, 100, seed=8)
    assert a.counts()["pending"] == 200
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.batches == 1
    assert rep.acked == 199 and rep.rejected == 1 and rep.pending == 0
    items = store.attention(a.engine)
    assert [i.event_id for i in items] == [poison] and "invalid_payload" in items[0].error
    check_invariants(world)


# -- 15, 16: credentials ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["wrong", "revoked", "expired_code"])
def test_case_15_bad_credential_stops_and_keeps_everything(world: World, how: str) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(3)
    before = a.events()
    if how == "expired_code":
        code = world.enrol_code(WARD_A, replace_device=a.device_id)
        world.clock.advance(hours=25)
        with pytest.raises(EnrolFailed, match="hết hạn"):
            enrol(a.engine, a.data_dir, a.clock, server_url=world.url, code=code)
    else:
        if how == "wrong":
            CredentialStore(a.data_dir).save(a.device_id, "not-the-token")
        else:
            admin.revoke(world.engine, a.device_id, now=world.clock.now())
        rep = a.sync()
        assert rep.outcome is Outcome.UNAUTHORIZED
        assert rep.message_vi == "Thiết bị bị thu hồi hoặc sai thông tin xác thực"
        st = store.load_state(a.engine)
        assert st is not None and st.auth_failed
    assert a.events() == before  # outbox intact
    assert world.server_event_ids() == []
    # Re-keyed with a replacement code: same identity, the pending events go up.
    res = enrol(a.engine, a.data_dir, a.clock, server_url=world.url,
                code=world.enrol_code(WARD_A, replace_device=a.device_id))
    assert res.identity == "same" and res.pending == len(before)
    assert a.sync().outcome is Outcome.OK
    check_invariants(world)


def test_case_16_foreign_ward_is_refused_and_audited(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(3)
    foreign = dict(json.loads(_wire(a)[2]["payload"]), uid=str(uuid.uuid4()),
                   code=format_dossier_code(WARD_B, NOW.date(), 5))
    bad_id = _append(a, "dossier.received", foreign)
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.pending == 0 and rep.attention == 1
    assert store.attention(a.engine)[0].error.startswith("foreign_ward")
    assert WARD_B not in "".join(world.server_codes(WARD_A))
    assert world.server_codes(WARD_B) == []
    with _client(world, a) as c, pytest.raises(Forbidden):
        c._call("GET", "/api/v1/sync/changes", params={"cursor": 0, "ward": WARD_B})
    r = httpx.get(f"{world.direct_url}/api/v1/dossiers/{foreign['code']}",
                  headers={"Authorization": "Bearer " + CredentialStore(a.data_dir).load(
                      a.device_id, "file")})
    assert r.status_code == 403 and r.json()["error"] == "foreign_ward"
    assert world.scalar("SELECT COUNT(*) FROM audit_log WHERE status = 403") >= 3
    check_invariants(world)
    assert bad_id not in world.server_event_ids()


# -- 17, 18, 19: pulls, concurrency, one run at a time -----------------------------------------

def test_case_17_killed_mid_pull_neither_skips_nor_double_applies(world: World) -> None:
    a, b = world.device("a"), world.device("b")
    a.snapshot()
    b.snapshot()
    codes = a.intake(25)
    assert a.sync().outcome is Outcome.OK
    for code in codes[:4]:
        r = httpx.post(f"{world.direct_url}/api/v1/admin/dossiers/{code}/status",
                       json={"status": 9}, headers={"Authorization": "Bearer "
                                                    + world.settings.admin_token})
        assert r.status_code == 200, r.text
    pull = {"MOTCUA_SYNC_PULL_LIMIT": "10"}
    r = run_cli(b.data_dir, "sync", MOTCUA_CRASH_AT="after_pull_apply", **pull)
    assert r.returncode == -signal.SIGKILL
    st = store.load_state(b.engine)
    assert st is not None and st.pull_cursor > 0
    got = b.rows("SELECT COUNT(*) FROM remote_event")[0][0]
    assert 0 < got <= 10
    r = run_cli(b.data_dir, "sync", MOTCUA_CRASH_AT="pull_before_commit", **pull)
    assert r.returncode == -signal.SIGKILL
    st2 = store.load_state(b.engine)
    assert st2 is not None and st2.pull_cursor == st.pull_cursor  # page and cursor: neither
    assert b.rows("SELECT COUNT(*) FROM remote_event")[0][0] == got
    r = run_cli(b.data_dir, "sync", **pull)
    assert r.returncode == 0, r.stdout + r.stderr
    pulled = [x[0] for x in b.rows("SELECT event_id FROM remote_event")]
    assert sorted(pulled) == sorted(a.events())  # each of a's events exactly once
    statuses = dict(b.rows("SELECT code, status FROM dossier WHERE code IN (:a, :b, :c, :d)",
                           a=codes[0], b=codes[1], c=codes[2], d=codes[3]))
    assert statuses == {c: 9 for c in codes[:4]}
    horizon = world.scalar("SELECT last_change_seq FROM wards WHERE agency_code = :w", w=WARD_A)
    st3 = store.load_state(b.engine)
    assert st3 is not None and st3.pull_cursor == horizon
    check_invariants(world)


def test_case_18_concurrent_writers_never_make_a_cursor_skip(world: World) -> None:
    writers = [world.device(f"w{i}", batch_size=7) for i in range(3)]
    reader = world.device("r", pull_limit=5)
    for w in writers:
        w.snapshot()
        w.intake(21, minutes=0)
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            reader.sync()
    t_reader = threading.Thread(target=read)
    t_reader.start()
    pushers = [threading.Thread(target=w.sync_until_drained) for w in writers]
    for t in pushers:
        t.start()
    for t in pushers:
        t.join()
    done.set()
    t_reader.join()
    reader.sync()
    expected = set().union(*(set(w.events()) for w in writers))
    pulled = [x[0] for x in reader.rows("SELECT event_id FROM remote_event")]
    assert len(pulled) == len(set(pulled)) and set(pulled) == expected
    check_invariants(world)


def test_case_19_two_runs_at_once_only_one_runs(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(3)
    inside, release = threading.Event(), threading.Event()

    def hold(name: str) -> None:
        if name == "after_status":
            inside.set()
            release.wait(30)
    held = SyncPump(a.engine, a.data_dir, a.clock, a.pump.settings, checkpoint=hold)
    result: list[Any] = []
    t = threading.Thread(target=lambda: result.append(held.run_once()))
    t.start()
    assert inside.wait(20), "the first run never got inside"
    assert a.sync().outcome is Outcome.BUSY  # same process: timer vs button
    other = run_cli(a.data_dir, "sync")  # another process: the CLI while the GUI syncs
    assert other.returncode == 1 and "busy" in other.stdout
    release.set()
    t.join()
    assert result[0].outcome is Outcome.OK and result[0].pending == 0
    assert world.proxy is not None
    assert sum(1 for m, p, _ in world.proxy.stats.actions if p == PUSH) == 1
    check_invariants(world)


# -- 20, 21, 22 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["", PUSH])
def test_case_20_captive_portal_200_html_is_not_an_ack(world: World, where: str) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(3)
    assert world.proxy is not None
    world.proxy.rule = always(Action.CAPTIVE, where)
    rep = a.sync()
    assert rep.outcome is Outcome.OFFLINE and "not from the sync server" in rep.error
    assert a.acked() == set() and a.counts()["pending"] == 5
    with SyncClient(world.url) as c:
        assert c.healthy() is (where == PUSH)
    world.proxy.rule = always(Action.PASS)
    assert a.sync().outcome is Outcome.OK
    check_invariants(world)


def test_case_21_week_long_outage_drains_with_flat_memory(world: World) -> None:
    a = world.device("a", batch_size=500)
    a.snapshot()

    def drain_peak(n: int, seed: int) -> int:
        seed_dossiers(a.engine, a.clock, n, seed=seed)
        tracemalloc.start()
        try:
            rep = a.sync_until_drained()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert rep.pending == 0
        return peak
    small = drain_peak(500, 1)
    week = drain_peak(2100, 2)  # a week at 300 dossiers a day
    assert week < small * 1.6 + 2_000_000, (small, week)
    assert len(world.server_event_ids()) == 2602
    check_invariants(world)


def _snapshot(engine: Any) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        out = {t.name: [dict(r._mapping) for r in conn.execute(select(t))]
               for t in ServerModel.metadata.sorted_tables}
        conn.rollback()
    return out


def _restore(engine: Any, snap: dict[str, list[dict[str, Any]]]) -> None:
    tables = ServerModel.metadata.sorted_tables
    with engine.begin() as conn:
        for t in reversed(tables):
            conn.execute(delete(t))
        for t in tables:
            if snap[t.name]:
                conn.execute(insert(t), snap[t.name])


def test_case_22_server_restored_from_older_backup(world: World) -> None:
    a = world.device("a")
    a.snapshot()
    a.intake(4)
    assert a.sync().outcome is Outcome.OK
    backup = _snapshot(world.engine)
    later = a.intake(4)
    assert a.sync().outcome is Outcome.OK
    _restore(world.engine, backup)  # the server comes back from last night's backup
    assert not set(later) & set(world.server_codes())
    rep = a.sync()
    assert rep.outcome is Outcome.OK and rep.requeued == 4 and rep.pending == 0
    assert set(later) <= set(world.server_codes())
    check_invariants(world)

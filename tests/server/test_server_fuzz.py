"""hypothesis fuzzing of push, pull and status: no 5xx, no partial batch, the server healthy.

CI runs the ``ci`` profile (a few seconds). A larger run:

    HYPOTHESIS_PROFILE=fuzz uv run pytest -n 0 -q tests/server/test_server_fuzz.py -s

(``fuzz``: 2000 examples a test; ``FUZZ_EXAMPLES=N`` overrides). With ``-s`` each test prints
its example count at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from server_helpers import WARD_A, WARD_B, Dev, Harness, dossier_payload, make_event

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.codes import format_dossier_code

settings.register_profile(
    "ci", max_examples=12, deadline=None, derandomize=True, database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large])
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings(settings.get_profile(_PROFILE if _PROFILE in ("ci", "fuzz") else "ci"))

# Values that broke servers before: beyond 32/64 bits, floats for ints, odd years and offsets.
HUGE = st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 2**70,
                        -(2**63) - 1, 10**30])
INTS = st.one_of(HUGE, st.integers(-(2**80), 2**80), st.integers(-3, 20))
NUMBERS = st.one_of(INTS, st.floats(allow_nan=False, allow_infinity=False),
                    st.booleans(), st.none())
TEXT = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "\u0000", "a\u0000b", "dossier.received\n", "x" * 250, "Nguyễn", "\ud800"]))
TIMES = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+07:00", "9999-12-31T23:00:00-05:00",
                     "9999-12-31T23:59:59+00:00", "1969-12-31T23:59:59+00:00",
                     "2026-11-20T02:15:00", "2026-11-20T02:15:00+23:59", "not a time",
                     "2026-02-30T00:00:00+00:00", "2026-11-20T02:15:00.000000+00:00"]),
    st.builds(lambda dt, h: dt.replace(tzinfo=timezone(timedelta(hours=h))).isoformat(),
              st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
              st.integers(-23, 23)))
QUERY = st.one_of(st.text(max_size=30), st.sampled_from(["", "\u0000", "5\n", " 7", "1e3"]))
"""Query-string values (no lone surrogates: the client could not even encode them)."""
ANY_JSON = st.one_of(NUMBERS, TEXT, TIMES, st.lists(INTS, max_size=2),
                     st.dictionaries(st.text(max_size=5), INTS, max_size=2))
MUTATIONS = 1  # fields broken per event and per payload at most (0 as often as 1)
DAYS = st.sampled_from([date(2026, 11, 20), date(2026, 11, 21)])


def _fresh_dossier(dev: Dev, code_seq: int, day: date, ward: str) -> dict[str, Any]:
    return dossier_payload(format_dossier_code(ward, day, code_seq), device_id=dev.device_id,
                           counter_no=dev.counter_no)


def _event(seq: int, type: str, payload: dict[str, Any], entity_type: str) -> dict[str, Any]:
    try:
        return make_event(seq, type=type, payload=payload, entity_type=entity_type)
    except UnicodeEncodeError:  # a lone surrogate: sent \u-escaped, hashed as such
        ev = make_event(seq, type=type, payload={}, entity_type=entity_type)
        ev["payload"] = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        ev["payload_hash"] = payload_hash(ev["payload"])
        return ev


@st.composite
def events(draw: st.DrawFn, dev: Dev, pool: list[dict[str, Any]]) -> dict[str, Any]:
    """One event of ``dev``: an earlier one sent again, or a new one well formed or broken in
    its payload or its envelope (``pool``: the events sent so far in this test)."""
    # Draws never depend on the pool (hypothesis replays them): it only picks among them.
    resend, pick = draw(st.integers(0, 4)) == 0, draw(st.integers(0, 2**16))
    if resend:
        return dict(pool[pick % len(pool)])  # a resend: a duplicate, or the same verdict
    dev.seq += 1
    seq = dev.seq
    kind = draw(st.sampled_from(["dossier", "dossier", "other", "raw"]))
    if kind == "raw":
        payload: Any = draw(st.dictionaries(st.text(max_size=8), ANY_JSON, max_size=4))
        ev = _event(seq, draw(st.sampled_from(["note.added", "dossier.received"])), payload,
                    "note")
    else:
        ward = draw(st.sampled_from([WARD_A] * 9 + [WARD_B]))
        payload = _fresh_dossier(dev, draw(st.integers(dev.range_start, dev.range_start + 40)),
                                 draw(DAYS), ward)
        for field in draw(st.lists(st.sampled_from(sorted(payload)), max_size=MUTATIONS)):
            payload[field] = draw(ANY_JSON)
        ev = _event(seq, "dossier.received" if kind == "dossier" else "dossier.noted", payload,
                    "dossier")
    if draw(st.integers(0, 3)) == 0:
        ev["event_id"] = pool[draw(st.integers(0, 2**16)) % len(pool)]["event_id"]  # conflict
    for field in draw(st.lists(st.sampled_from(sorted(ev)), max_size=MUTATIONS)):
        if field == "event_id":
            continue  # an unnamed item refuses the whole request: see the envelope test
        ev[field] = draw(ANY_JSON)
    if draw(st.booleans()) and isinstance(ev["payload"], str):
        with contextlib.suppress(UnicodeEncodeError):  # a broken payload, re-hashed, reaches
            ev["payload_hash"] = payload_hash(ev["payload"])  # the deeper checks
    pool.append(ev)
    return ev


def _counts(h: Harness) -> tuple[int, int]:
    return (int(h.scalar("SELECT COUNT(*) FROM events")),
            int(h.scalar("SELECT COUNT(*) FROM dossiers")))


def _healthy(h: Harness, dev: Dev) -> None:
    assert h.client.get("/healthz").status_code == 200
    status = h.client.get("/api/v1/device/status", headers=dev.headers)
    assert status.status_code == 200, status.text


def _check_push(h: Harness, dev: Dev, sent: list[dict[str, Any]], r: Any,
                before: tuple[int, int]) -> None:
    assert r.status_code < 500, r.text
    body = r.json()
    assert body["protocol"] == "motcua-sync/1"
    after = _counts(h)
    if r.status_code != 200:
        event(f"refused {r.status_code} {body['error']}")
        assert after == before  # a refused request applies nothing
        return
    acked = set(body["acked"])
    verdicts = [set(body["acked"]), set(body["duplicates"]),
                {c["event_id"] for c in body["conflicts"]},
                {c["event_id"] for c in body["rejected"]}]
    for reason in {c["reason"] for c in body["rejected"]}:
        event(f"rejected {reason}")
    event(f"acked {min(len(acked), 3)}+")
    for name in ("duplicates", "conflicts"):
        if body[name]:
            event(name)
    named = [str(e.get("event_id")) for e in sent]
    once = {i for i in named if named.count(i) == 1}
    for i in once:  # every item named once has exactly one verdict
        assert sum(i in v for v in verdicts) == 1, (i, body)
    assert after[0] == before[0] + len(acked)  # applied = stored, nothing half-way
    held = int(h.scalar("SELECT COUNT(*) FROM events WHERE device_id = :d",
                        d=dev.device_id))
    assert held >= len(acked)


@pytest.fixture
def fuzz_dev(harness: Harness) -> Dev:
    return harness.enrol(WARD_A)


@pytest.fixture
def pool(harness: Harness, fuzz_dev: Dev) -> list[dict[str, Any]]:
    """The events sent by one fuzz test (its examples share one server), starting with one
    applied dossier."""
    first = fuzz_dev.event()
    assert harness.push(fuzz_dev, [first]).json()["acked"] == [first["event_id"]]
    return [first]


@FUZZ
@given(data=st.data())
def test_fuzz_push(harness: Harness, fuzz_dev: Dev, pool: list[dict[str, Any]],
                   data: st.DataObject) -> None:
    dev = fuzz_dev
    sent = data.draw(st.lists(events(dev, pool), min_size=1, max_size=6))
    body: dict[str, Any] = {"device_id": dev.device_id, "events": sent,
                            "client_time": "2026-11-20T02:15:00+00:00"}
    if data.draw(st.integers(0, 9)) == 0:
        body[data.draw(st.sampled_from(["client_time", "device_id", "extra"]))] = \
            data.draw(ANY_JSON)
    ctype = data.draw(st.sampled_from(["application/json"] * 8 + ["text/plain", ""]))
    try:
        raw = json.dumps(body, ensure_ascii=data.draw(st.booleans())).encode("utf-8",
                                                                            "surrogatepass")
    except ValueError:
        raw = b"{"
    before = _counts(harness)
    r = harness.client.post("/api/v1/sync/push", content=raw,
                            headers={**dev.headers, "Content-Type": ctype})
    _check_push(harness, dev, sent, r, before)
    _healthy(harness, dev)


@FUZZ
@given(cursor=st.one_of(st.integers(0, 40), INTS, QUERY),
       limit=st.one_of(st.integers(1, 20), INTS, QUERY),
       ward=st.one_of(st.none(), QUERY, st.just(WARD_A)))
def test_fuzz_pull(harness: Harness, fuzz_dev: Dev, cursor: Any, limit: Any,
                   ward: Any) -> None:
    params = {"cursor": cursor, "limit": limit, **({"ward": ward} if ward is not None else {})}
    r = harness.client.get("/api/v1/sync/changes", headers=fuzz_dev.headers, params=params)
    assert r.status_code < 500, r.text
    body = r.json()
    assert body["protocol"] == "motcua-sync/1"
    event(f"pull {r.status_code}")
    if r.status_code == 200:
        seqs = [c["seq"] for c in body["changes"]]
        assert seqs == sorted(seqs) and all(s > int(cursor) for s in seqs)
        assert len(seqs) <= int(limit)
    _healthy(harness, fuzz_dev)


@FUZZ
@given(client_time=st.one_of(TIMES, QUERY))
def test_fuzz_status(harness: Harness, fuzz_dev: Dev, client_time: str) -> None:
    r = harness.client.get("/api/v1/device/status", headers=fuzz_dev.headers,
                           params={"client_time": client_time})
    assert r.status_code in (200, 422), r.text
    event(f"status {r.status_code}")
    assert r.json()["protocol"] == "motcua-sync/1"
    if r.status_code == 200 and client_time:
        assert isinstance(r.json()["clock_skew_seconds"], float)
    _healthy(harness, fuzz_dev)


def test_fuzz_seed_batch_is_accepted(harness: Harness) -> None:
    """The fuzzer's well-formed base events are accepted (else it would only test refusals)."""
    dev = harness.enrol(WARD_A)
    ev = make_event(1, type="dossier.received",
                    payload=_fresh_dossier(dev, dev.range_start, date(2026, 11, 20), WARD_A))
    assert harness.push(dev, [ev]).json()["acked"] == [ev["event_id"]]
    assert canonical_json(json.loads(ev["payload"])) == ev["payload"]

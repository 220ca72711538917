"""How well the time of ``GET /h/{code}?t=WRONG`` tells an existing code from an unknown one.

``python -m bench.lookup_timing [--samples 2000] [--repeat 5] [--dossiers 900] [--db URL]``

The handler runs in-process (no HTTP stack: the stack's own jitter would only hide the
difference, and an attacker averages it away). Requests for an existing code with a wrong
token and for an unknown code of the same shape are interleaved at random. An attacker's best
classifier is a time threshold: it is fitted on one half of the samples and scored on the
other half. 50% means indistinguishable; the issue measured 74–83% before the fix.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from counter_app.domain.canonical import canonical_json, payload_hash
from counter_app.domain.clock import FixedClock, to_db
from counter_app.domain.codes import format_dossier_code, new_verify_token
from district_server.app import create_app
from district_server.routers.lookup import lookup
from district_server.services import admin
from district_server.settings import ServerSettings

WARD = "000.00.12.H62"
NOW = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
DAY = date(2026, 11, 20)


@dataclass(frozen=True)
class Distinguishability:
    """Timings of both kinds of request and the best threshold classifier's accuracy."""

    samples: int
    repeat: int
    median_known_us: float
    median_unknown_us: float
    accuracy: float  # on held-out samples; 0.5 = a coin toss

    def as_dict(self) -> dict[str, Any]:
        return {"samples_per_kind": self.samples, "lookups_per_probe": self.repeat, "median_known_wrong_token_us":
                round(self.median_known_us, 1), "median_unknown_code_us":
                round(self.median_unknown_us, 1), "classifier_accuracy": round(self.accuracy, 3)}


def seed(app: FastAPI, dossiers: int) -> list[str]:
    """A ward, one device, ``dossiers`` dossiers pushed through the API; their codes."""
    state = app.state.server
    admin.add_ward(state.engine, code=WARD, name="UBND Phường Thụy Khuê", now=NOW)
    code = admin.make_enrol_code(state.engine, ward=WARD, now=NOW, ttl_hours=1)
    client = TestClient(app)
    dev = client.post("/api/v1/enrol", json={"code": code, "device_name": "bench",
                                              "app_version": "0"}).json()
    codes: list[str] = []
    for start in range(0, dossiers, 500):
        events = []
        for seq in range(start + 1, min(dossiers, start + 500) + 1):
            codes.append(format_dossier_code(WARD, DAY, dev["code_range"]["start"] + seq - 1))
            events.append(_event(seq, codes[-1]))
        r = client.post("/api/v1/sync/push", headers={"Authorization": f"Bearer {dev['token']}"},
                        json={"device_id": dev["device_id"], "events": events,
                              "client_time": to_db(NOW)})
        assert r.status_code == 200 and not r.json()["rejected"], r.text
    return codes


def _event(seq: int, code: str) -> dict[str, Any]:
    uid = f"00000000-0000-4000-8000-{seq:012d}"
    body = canonical_json({
        "uid": uid, "code": code, "verify_token": new_verify_token(), "procedure_code": "2.1",
        "procedure_name": "Chứng thực", "status": 2, "channel": 1,
        "applicant_name": "Nguyễn Văn A", "received_at": to_db(NOW), "due_at": to_db(NOW)})
    return {"event_id": f"10000000-0000-4000-8000-{seq:012d}", "device_seq": seq,
            "entity_type": "dossier", "entity_uid": uid, "type": "dossier.received",
            "payload": body, "payload_hash": payload_hash(body), "device_time": to_db(NOW)}


def _request(app: FastAPI) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/h/x", "headers": [],
                    "query_string": b"", "client": ("198.51.100.7", 4000), "app": app})


def measure(app: FastAPI, known: list[str], unknown: list[str], samples: int,
            rng: random.Random, *, repeat: int = 5) -> Distinguishability:
    """Interleave ``samples`` probes of each kind (each the fastest of ``repeat`` lookups of
    one code), then score a threshold attacker."""
    state, request = app.state.server, _request(app)
    wrong = "a" * 16
    kinds = [True] * samples + [False] * samples
    rng.shuffle(kinds)
    timed: list[tuple[float, bool]] = []
    for is_known in kinds:
        code = rng.choice(known if is_known else unknown)
        best = float("inf")
        for _ in range(repeat):  # the attacker's minimum of a few tries sheds most jitter
            t0 = time.perf_counter()
            response = lookup(code, state, request, t=wrong)
            best = min(best, time.perf_counter() - t0)
            assert response.status_code == 404
        timed.append((best, is_known))
    half = len(timed) // 2
    cut, known_slower = _fit(timed[:half])
    held = timed[half:]
    right = sum((t > cut) == (k == known_slower) for t, k in held)
    return Distinguishability(
        samples, repeat, statistics.median(t for t, k in timed if k) * 1e6,
        statistics.median(t for t, k in timed if not k) * 1e6, right / len(held))


def _fit(train: list[tuple[float, bool]]) -> tuple[float, bool]:
    """The threshold (and direction) that best separates the kinds on ``train``."""
    ranked = sorted(train)
    n_known = sum(k for _, k in ranked)
    best = (0.0, ranked[0][0], True)
    below_known = 0
    for i, (t, k) in enumerate(ranked):
        below_known += k
        below_unknown = i + 1 - below_known
        # "known if slower than t": right = unknown below + known above.
        slower = below_unknown + (n_known - below_known)
        for score, direction in ((slower, True), (len(ranked) - slower, False)):
            if score > best[0]:
                best = (score, t, direction)
    return best[1], best[2]


def run(db_url: str, *, samples: int, dossiers: int, repeat: int = 5,
        seed_value: int = 7) -> Distinguishability:
    """Measure on a fresh database at ``db_url``."""
    settings = ServerSettings(db_url=db_url, admin_token="bench-admin-" + "x" * 24,
                              lookup_rate_per_minute=10**9)
    app = create_app(settings, clock=FixedClock(NOW))
    try:
        known = seed(app, dossiers)
        start = int(known[0].rsplit("-", 1)[1])
        unknown = [format_dossier_code(WARD, DAY, n)
                   for n in range(start + dossiers, start + 2 * dossiers)]
        rng = random.Random(seed_value)
        measure(app, known, unknown, 200, rng, repeat=1)  # warm the caches and the plan
        return measure(app, known, unknown, samples, rng, repeat=repeat)
    finally:
        app.state.server.engine.dispose()


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000, help="probes of each kind")
    parser.add_argument("--repeat", type=int, default=5, help="lookups per probe (min kept)")
    parser.add_argument("--dossiers", type=int, default=900)
    parser.add_argument("--db", default="", help="database URL (default: a temp SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'lookup.db'}"
        result = run(url, samples=args.samples, dossiers=args.dossiers, repeat=args.repeat)
    print(json.dumps({"db": url.split(":")[0], **result.as_dict()}))


if __name__ == "__main__":
    main()

"""The server takes the device's lifecycle events ``dossier.<action>`` (stored and relayed;
checking their transitions upstream is later work)."""

from __future__ import annotations

import json

from server_helpers import WARD_A, Harness

TYPES = ["dossier.handover", "dossier.supplement", "dossier.resubmit", "dossier.extend",
         "dossier.ready", "dossier.pay", "dossier.return", "dossier.rate", "dossier.refuse",
         "dossier.stop", "dossier.withdraw", "dossier.financial"]


def test_lifecycle_events_are_acked_and_stored(harness: Harness) -> None:
    dev = harness.enrol(WARD_A)
    received = dev.event()
    uid = received["entity_uid"]
    steps = [dev.event(type=t, payload={"uid": uid, "action": t.split(".")[1], "from_status": 2,
                                        "to_status": 4, "detail": {}})
             for t in TYPES]
    for ev in steps:
        ev["entity_uid"] = uid
    body = harness.push(dev, [received, *steps]).json()
    assert len(body["acked"]) == 1 + len(TYPES) and body["rejected"] == []
    assert int(harness.scalar("SELECT COUNT(*) FROM dossiers")) == 1
    stored = harness.scalar("SELECT payload FROM events WHERE type = 'dossier.handover'")
    assert json.loads(stored)["action"] == "handover"

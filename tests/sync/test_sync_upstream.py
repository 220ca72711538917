"""Acceptance: what the upstream server publishes reaches an enrolled counter through a pull,
on SQLite and PostgreSQL — a dossier filed online shows in the counter's list and search, a day
off moves the due dates the counter computes afterwards, and a published procedure version is
the one in force from its effective date (never rewriting the version already in force)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from server_helpers import ADMIN_TOKEN, online_dossier, procedure_version
from sync_helpers import WARD_A, WARD_B, Device, World, today

from counter_app.domain.calendar import DurationKind
from counter_app.domain.codes import format_dossier_code
from counter_app.domain.lifecycle import Channel, Status
from counter_app.services.dossiers import DossierQuery

MARRIAGE = "1.004873"  # 3 working days in the default catalogue, in force since 2025-07-01


def _admin(world: World, path: str, body: dict[str, Any]) -> httpx.Response:
    with httpx.Client(base_url=world.direct_url, timeout=30,
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as client:
        return client.post(f"/api/v1/admin{path}", json=body)


def _synced(dev: Device) -> None:
    rep = dev.sync()
    assert rep.outcome == "ok", rep


def _pulled(dev: Device, kind: str) -> list[tuple[int, bool]]:
    return [(int(r[0]), bool(r[1])) for r in dev.rows(
        "SELECT seq, applied FROM pulled_change WHERE kind = :k ORDER BY seq", k=kind)]


def test_an_online_dossier_appears_in_the_counter_list_and_search(world: World) -> None:
    q1 = world.device("q1")
    code = format_dossier_code(WARD_A, today(q1), 9501)
    rec = online_dossier(code=code, applicant_name="Trần Thị Thu Hà", phone="0987654321")
    assert q1.svc.dossiers.find(DossierQuery(text="thu ha")) == []
    assert _admin(world, f"/wards/{WARD_A}/dossiers", rec).status_code == 201
    _synced(q1)
    (found,) = q1.svc.dossiers.find(DossierQuery(text="tran thi thu ha"))
    assert (found.code, found.channel, found.status) == (code, Channel.ONLINE, Status.NEW_ONLINE)
    assert [d.code for d in q1.svc.dossiers.find(DossierQuery(text="0987654321"))] == [code]
    assert code in [d.code for d in q1.svc.dossiers.today()]
    full = q1.svc.dossiers.get(code)
    assert [c.name for c in full.components] == ["Bản chính"]
    assert full.due_at.isoformat() == "2026-11-20T09:30:00+00:00"
    assert [applied for _, applied in _pulled(q1, "dossier.upsert")] == [True]
    _synced(q1)  # a second pass changes nothing
    assert q1.svc.dossiers.count() == 1


def _due(dev: Device, code: str, received: Any) -> date:
    proc = dev.svc.catalogue.in_force(code, on=today(dev))
    cal = dev.svc.calendar.calendar(on=today(dev))
    return cal.due_at(received, kind=DurationKind(proc.duration_kind),
                      hours=proc.duration_hours, procedure_code=code).date()


def test_a_day_off_upstream_moves_the_due_dates_the_counter_computes(world: World) -> None:
    q1, other = world.device("q1"), world.device("b1", ward=WARD_B)
    # Friday 20/11/2026, 09:15 in Hà Nội; Tuesday 24/11 is a public holiday (Culture Day).
    received = q1.clock.now()
    assert _due(q1, MARRIAGE, received) == date(2026, 11, 26)
    r = _admin(world, "/calendar", {"day": "2026-11-23", "kind": "day_off",
                                    "name": "Nghỉ bù", "wards": [WARD_A]})
    assert r.status_code == 200 and r.json()["changed"] == [WARD_A]
    _synced(q1)
    _synced(other)
    assert _due(q1, MARRIAGE, received) == date(2026, 11, 27)
    (code,) = q1.intake(1)
    assert q1.svc.dossiers.get(code).due_at.date() == date(2026, 11, 27)
    assert [(o.day, o.kind.value, o.name) for o in q1.svc.calendar.overrides()] == [
        (date(2026, 11, 23), "day_off", "Nghỉ bù")]
    assert _due(other, MARRIAGE, received) == date(2026, 11, 26)  # not its ward's decision


def test_a_published_version_is_in_force_on_the_counter_from_its_date(world: World) -> None:
    q1 = world.device("q1")
    old = q1.svc.catalogue.in_force(MARRIAGE, on=today(q1))
    new = procedure_version(
        MARRIAGE, "2026-12-01", name=old.name, field_code=old.field_code,
        field_name=old.field_name, duration={"kind": "working_days", "days": 5},
        fee={"kind": "flat", "amount": 15_000},
        components=[{"name": c.name, "originals": c.originals,
                     "certified_copies": c.certified_copies, "photocopies": c.photocopies,
                     "required": c.required} for c in old.components])
    assert _admin(world, "/catalogue", {"procedures": [new], "wards": [WARD_A]}).status_code == 200
    _synced(q1)
    before = q1.svc.catalogue.in_force(MARRIAGE, on=date(2026, 11, 30))
    after = q1.svc.catalogue.in_force(MARRIAGE, on=date(2026, 12, 1))
    assert before.id == old.id and before.duration_hours == 24
    assert before.effective_to == date(2026, 12, 1)  # closed at the new date, rules untouched
    assert (before.fee_rule, before.components) == (old.fee_rule, old.components)
    assert after.id != old.id and after.effective_from == date(2026, 12, 1)
    assert after.duration_hours == 40 and after.fee_rule == {"kind": "flat", "amount": 15_000}

    # Rewriting the version in force since 2025 is refused by the counter's own rules: kept
    # for attention (applied = false), nothing changed, and the pull goes on.
    rewrite = {**new, "effective_from": "2025-07-01", "fee": {"kind": "flat", "amount": 1}}
    assert _admin(world, "/catalogue", {"procedures": [rewrite]}).status_code == 200
    _synced(q1)
    assert [applied for _, applied in _pulled(q1, "catalogue.procedure")] == [True, False]
    assert q1.svc.catalogue.in_force(MARRIAGE, on=date(2026, 11, 30)) == before
    assert q1.svc.catalogue.in_force(MARRIAGE, on=date(2026, 12, 1)) == after
    assert q1.rows("SELECT pull_cursor FROM sync_state")[0][0] == world.scalar(
        "SELECT last_change_seq FROM wards WHERE agency_code = :w", w=WARD_A)

"""Builders shared by the catalogue import tests: a set-up store, procedures, events."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from counter_app.domain.clock import Clock
from counter_app.services.accounts import AccountService, OfficialPublic
from counter_app.services.catalogue import CatalogueService, ImportReport
from counter_app.services.demo import DEMO_WARD
from db.engine import read_session
from db.models import Event

ADMIN = ("admin", "matkhau1")
"""User name and password of the administrator ``set_up_admin`` creates."""


def set_up_admin(engine: Engine, clock: Clock) -> OfficialPublic:
    """First-run setup (the device row events need) and the administrator, logged in."""
    accounts = AccountService(engine, clock)
    accounts.set_up(DEMO_WARD, admin_username=ADMIN[0], admin_full_name="Nguyễn Thị Lan",
                    admin_password=ADMIN[1])
    return accounts.login(*ADMIN)


def proc_data(code: str = "2.000884", **over: Any) -> dict[str, Any]:
    """One procedure as the JSON catalogue holds it."""
    d: dict[str, Any] = {
        "code": code,
        "name": "Chứng thực chữ ký",
        "field_code": "CT",
        "field_name": "Chứng thực",
        "duration": {"kind": "same_day"},
        "fee": {"kind": "flat", "amount": 10_000},
        "legal_basis": "Nghị định 23/2015/NĐ-CP",
        "effective_from": "2025-07-01",
        "components": [{"name": "Giấy tờ cần chứng thực chữ ký", "originals": 1}],
    }
    d.update(over)
    return d


def write_json(path: Path, *procs: dict[str, Any]) -> Path:
    """A JSON catalogue file holding ``procs``."""
    path.write_text(json.dumps({"procedures": list(procs)}, ensure_ascii=False), "utf-8")
    return path


def import_json(
    svc: CatalogueService, by: OfficialPublic, tmp_path: Path, *procs: dict[str, Any], today: date
) -> ImportReport:
    """Import ``procs`` from the file ``c.json`` as ``by``."""
    return svc.import_file(write_json(tmp_path / "c.json", *procs), by=by, today=today)


def imported_events(engine: Engine) -> list[Event]:
    """The ``catalogue.imported`` events, oldest first."""
    with read_session(engine) as s:
        stmt = select(Event).where(Event.type == "catalogue.imported")
        return list(s.exec(stmt.order_by(col(Event.device_seq))).all())


def event_count(engine: Engine) -> int:
    """Every event in the outbox, whatever its type."""
    with read_session(engine) as s:
        return len(s.exec(select(Event)).all())

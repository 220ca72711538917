"""Who may import the catalogue, and the ``catalogue.imported`` event an import writes (service
and ``counter-app catalogue import``)."""

from __future__ import annotations

import getpass
import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from catalogue_helpers import (
    event_count,
    import_json,
    imported_events,
    proc_data,
    write_json,
)
from sqlalchemy import Engine

from counter_app.cli import main
from counter_app.config import Settings
from counter_app.domain.clock import FixedClock, to_db
from counter_app.services import catalogue as catalogue_module
from counter_app.services.accounts import AccountService, OfficialPublic
from counter_app.services.catalogue import CatalogueService, parse_catalogue_json
from counter_app.services.context import AppServices, open_services
from counter_app.services.errors import PermissionDenied
from db.outbox import EventDraft, append_event

# --- the service ------------------------------------------------------------------------


def test_only_an_administrator_may_import_and_a_refusal_writes_nothing(
    catalogue: CatalogueService, admin: OfficialPublic, engine: Engine, clock: FixedClock,
    tmp_path: Path,
) -> None:  # fmt: skip
    clerk = AccountService(engine, clock).create_official(
        admin, username="canbo", full_name="Trần Văn Đức", password="canbo123"
    )
    assert not clerk.is_admin
    events_before = event_count(engine)
    records, _ = parse_catalogue_json(json.dumps({"procedures": [proc_data()]}).encode())
    with pytest.raises(PermissionDenied):
        catalogue.import_records(records, by=clerk, today=date(2025, 7, 1))
    with pytest.raises(PermissionDenied):
        import_json(catalogue, clerk, tmp_path, proc_data(), today=date(2025, 7, 1))
    unreadable = tmp_path / "x.txt"
    unreadable.write_text("hello")
    with pytest.raises(PermissionDenied):  # refused before the file is read
        catalogue.import_file(unreadable, by=clerk, today=date(2025, 7, 1))
    assert catalogue.list_procedures(on=date(2025, 7, 1)) == []
    assert event_count(engine) == events_before


def test_an_import_writes_one_event_naming_the_file_and_the_versions(
    catalogue: CatalogueService, admin: OfficialPublic, engine: Engine, clock: FixedClock,
    tmp_path: Path,
) -> None:  # fmt: skip
    events_before = event_count(engine)
    report = import_json(
        catalogue, admin, tmp_path, proc_data(), proc_data("2.000908"), proc_data("2.81"),
        today=date(2025, 7, 1),
    )  # fmt: skip
    assert (report.added, len(report.rejected)) == (2, 1)
    assert event_count(engine) == events_before + 1
    [event] = imported_events(engine)
    assert (event.entity_type, event.official_id) == ("catalogue", admin.id)
    assert uuid.UUID(event.entity_uid).version == 4
    assert event.device_time == to_db(clock.now())
    assert json.loads(event.payload) == {
        "added": 2, "updated": 0, "unchanged": 0, "rejected": 1, "file_name": "c.json",
        "versions": [
            {"code": "2.000884", "effective_from": "2025-07-01"},
            {"code": "2.000908", "effective_from": "2025-07-01"},
        ],
    }  # fmt: skip

    # Unchanged versions are counted but not listed.
    new_fee = proc_data(
        "2.000908", fee={"kind": "flat", "amount": 15_000}, effective_from="2026-01-01"
    )
    import_json(catalogue, admin, tmp_path, proc_data(), new_fee, today=date(2025, 12, 1))
    second = imported_events(engine)[-1]
    assert second.entity_uid != event.entity_uid
    assert json.loads(second.payload) == {
        "added": 0, "updated": 1, "unchanged": 1, "rejected": 0, "file_name": "c.json",
        "versions": [{"code": "2.000908", "effective_from": "2026-01-01"}],
    }  # fmt: skip

    # Records without a file: no file name; an abolition names the version it ended.
    records, _ = parse_catalogue_json(
        json.dumps({"procedures": [proc_data(effective_to="2026-03-01")]}).encode()
    )
    catalogue.import_records(records, by=admin, today=date(2026, 2, 1))
    third = json.loads(imported_events(engine)[-1].payload)
    assert (third["file_name"], third["updated"]) == (None, 1)
    assert third["versions"] == [{"code": "2.000884", "effective_from": "2025-07-01"}]
    assert len(imported_events(engine)) == 3


def test_an_import_that_writes_nothing_writes_no_event(
    catalogue: CatalogueService, admin: OfficialPublic, engine: Engine, tmp_path: Path
) -> None:
    import_json(catalogue, admin, tmp_path, proc_data(), today=date(2025, 7, 1))
    events_before = event_count(engine)
    edit = proc_data(fee={"kind": "flat", "amount": 99_000})  # rejected: edits a version in force
    report = import_json(catalogue, admin, tmp_path, proc_data(), edit, today=date(2025, 8, 1))
    assert (report.added, report.updated, report.unchanged, len(report.rejected)) == (0, 0, 1, 1)
    assert event_count(engine) == events_before
    assert len(imported_events(engine)) == 1


def test_a_failing_event_write_rolls_the_versions_back(
    catalogue: CatalogueService, admin: OfficialPublic, engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The event is written in the versions' transaction: if it fails, no version stays."""
    records, _ = parse_catalogue_json(
        json.dumps({"procedures": [proc_data("2.000884"), proc_data("2.000908")]}).encode()
    )

    def failing_append(session: Any, draft: EventDraft, **kw: Any) -> Any:
        append_event(session, draft, **kw)  # the event is in the session, then it fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(catalogue_module, "append_event", failing_append)
    with pytest.raises(RuntimeError):
        catalogue.import_records(records, by=admin, today=date(2025, 7, 1))
    assert catalogue.list_procedures(on=date(2025, 7, 1)) == []
    assert imported_events(engine) == []


# --- counter-app catalogue import FILE --user USERNAME ------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A demo ward (admin/admin123, canbo/canbo123) with its packaged catalogue."""
    assert main(["--data-dir", str(tmp_path), "seed-demo", "--dossiers", "0"]) == 0
    return tmp_path


def _store(data_dir: Path) -> AppServices:
    return open_services(Settings(data_dir=data_dir).db_path)


def _cli_import(data_dir: Path, user: str) -> int:
    path = write_json(data_dir / "moi.json", proc_data("9.000001", name="Thủ tục mới"))
    return main(["--data-dir", str(data_dir), "catalogue", "import", str(path), "--user", user])


def test_cli_imports_as_the_named_administrator(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOTCUA_PASSWORD", "admin123")
    monkeypatch.setattr(getpass, "getpass", _no_prompt)
    assert _cli_import(data_dir, "admin") == 0
    assert capsys.readouterr().out.startswith("Thêm 1, cập nhật 0")
    svc = _store(data_dir)
    try:
        [event] = imported_events(svc.engine)
        assert event.official_id == svc.accounts.login("admin", "admin123").id
        payload = json.loads(event.payload)
        assert (payload["file_name"], payload["added"]) == ("moi.json", 1)
        assert payload["versions"] == [{"code": "9.000001", "effective_from": "2025-07-01"}]
    finally:
        svc.close()


def test_cli_asks_for_the_password_without_the_variable(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOTCUA_PASSWORD", raising=False)
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "admin123"

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert _cli_import(data_dir, "admin") == 0
    assert len(prompts) == 1 and "admin" in prompts[0]


@pytest.mark.parametrize(
    ("user", "password"), [("admin", "sai-mat-khau"), ("canbo", "canbo123"), ("khongco", "x")]
)
def test_cli_refuses_a_wrong_password_or_a_non_admin_and_writes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    user: str, password: str,
) -> None:  # fmt: skip
    svc = _store(data_dir)
    before = event_count(svc.engine)
    svc.close()
    monkeypatch.setenv("MOTCUA_PASSWORD", password)
    monkeypatch.setattr(getpass, "getpass", _no_prompt)
    assert _cli_import(data_dir, user) == 2
    assert capsys.readouterr().err.startswith("Lỗi: ")
    svc = _store(data_dir)
    try:
        assert event_count(svc.engine) == before
        assert svc.catalogue.search("9.000001", on=date(2025, 7, 1)) == []
    finally:
        svc.close()


def test_cli_without_a_terminal_or_variable_refuses(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MOTCUA_PASSWORD", raising=False)

    def no_terminal(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", no_terminal)
    assert _cli_import(data_dir, "admin") == 2
    assert "MOTCUA_PASSWORD" in capsys.readouterr().err


def test_cli_needs_a_user(data_dir: Path) -> None:
    path = write_json(data_dir / "moi.json", proc_data("9.000001"))
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(data_dir), "catalogue", "import", str(path)])
    assert exit_.value.code == 2


def _no_prompt(prompt: str = "") -> str:
    raise AssertionError("the password comes from MOTCUA_PASSWORD")

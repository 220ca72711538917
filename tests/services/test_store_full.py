"""A full disk is one typed error (StoreFull, "Ổ đĩa đầy …") for every writer, and the store
opens again, whole, once space is back."""

from __future__ import annotations

import errno
import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from catalogue_helpers import proc_data
from sqlalchemy import Engine, event, text
from svc_helpers import request_for

from counter_app import cli
from counter_app.domain.clock import FixedClock, local_day, vn_datetime
from counter_app.services.context import AppServices, build_services, open_services
from counter_app.services.demo import DEMO_ADMIN, ensure_demo_ward, seed_dossiers
from counter_app.sync import store as sync_store
from counter_app.sync.protocol import ChangesPage
from db.engine import StoreFull, make_engine

Writer = Callable[[AppServices, int], object]


def _capped(db: Path) -> Engine:
    """An engine on ``db`` that may not grow the file by a single page (SQLITE_FULL)."""
    engine = make_engine(db)

    @event.listens_for(engine, "connect")
    def _cap(dbapi_conn: Any, _rec: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    return engine


def _intake(svc: AppServices, _i: int) -> object:
    official = svc.accounts.login(DEMO_ADMIN[0], DEMO_ADMIN[2])
    return svc.intake.receive(request_for(svc, "1.004873"), official=official)


def _seed(svc: AppServices, _i: int) -> object:
    return seed_dossiers(svc.engine, svc.clock, 50, seed=_i + 11)


def _queue(svc: AppServices, _i: int) -> object:
    return svc.queue.issue("A")


def _catalogue(svc: AppServices, i: int) -> object:
    admin = svc.accounts.login(DEMO_ADMIN[0], DEMO_ADMIN[2])
    path = svc.clock.tmp / f"cat{i}.json"  # type: ignore[attr-defined]
    items = [proc_data(code=f"9.{i:03d}{k:03d}", name=f"Thủ tục thử {i} {k} " + "x" * 300)
             for k in range(40)]
    path.write_text(json.dumps({"procedures": items}, ensure_ascii=False), encoding="utf-8")
    return svc.catalogue.import_file(path, by=admin, today=local_day(svc.clock.now()))


def _sync_apply(svc: AppServices, i: int) -> object:
    now = svc.clock.now()
    page = ChangesPage.model_validate({
        "changes": [{"seq": i * 50 + k + 1, "kind": "something.new", "created_at": now.isoformat(),
                     "payload": {"blob": "y" * 2000}} for k in range(50)],
        "next_cursor": i * 50 + 50, "has_more": False, "last_seq": i * 50 + 50,
        "server_time": now.isoformat()})
    return sync_store.apply_page(svc.engine, page, own_device_id="d", now=now,
                                 checkpoint=lambda _n: None)


@pytest.fixture
def full(services: AppServices, clock: FixedClock, tmp_path: Path) -> Iterator[AppServices]:
    clock.set(vn_datetime(2026, 11, 24, 9, 0))
    clock.tmp = tmp_path  # type: ignore[attr-defined]
    services.queue.ensure_defaults()
    engine = _capped(tmp_path / "counter.db")
    svc = build_services(engine, clock)
    yield svc
    svc.close()


@pytest.mark.parametrize("writer", [_intake, _seed, _queue, _catalogue, _sync_apply],
                         ids=["intake", "seed-demo", "queue-issue", "catalogue-import", "sync-apply"])
def test_every_writer_reports_a_full_disk_as_store_full(full: AppServices, services: AppServices,
                                                       writer: Writer) -> None:
    def counts() -> tuple[int, ...]:
        with services.engine.connect() as c:
            return tuple(int(c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
                         for t in ("event", "dossier", "ticket", "procedure", "pulled_change"))

    with pytest.raises(StoreFull) as info:  # never OperationalError, never a traceback text
        for i in itertools.count():
            assert i < 2000, "the capped store never filled"
            before = counts()
            writer(full, i)
    assert info.value.message_vi.startswith("Ổ đĩa đầy")
    assert counts() == before  # nothing of the failed write was kept


def test_the_cli_words_a_full_file_write(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(_args: object) -> int:  # writing the PDF: ENOSPC from the OS, not SQLite
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cli, "cmd_print", no_space)
    code = cli.main(["--data-dir", str(tmp_path), "print", "receipt", "X", "--out", "x.pdf"])
    assert code == 2
    assert capsys.readouterr().err.startswith("Lỗi: Ổ đĩa đầy")


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_a_real_full_disk_then_space_back(tmp_path: Path) -> None:
    mnt = tmp_path / "mnt"
    if not _mount_tmpfs(mnt, "2m"):
        pytest.skip("needs root and mount (tmpfs); test_every_writer_* covers it without")
    try:
        clock = FixedClock(vn_datetime(2026, 11, 20, 9, 15))
        db = mnt / "counter.db"
        svc = open_services(db, clock)
        ensure_demo_ward(svc.engine, clock)
        (mnt / "filler").write_bytes(b"\0" * 900_000)  # the space that will come back
        made = 0
        with pytest.raises(StoreFull):
            for i in range(1000):
                made += seed_dossiers(svc.engine, clock, 20, seed=i + 20)
        svc.close()  # its checkpoint cannot finish: the header runs ahead of the file
        (mnt / "filler").unlink()
        svc = open_services(db, clock)  # was: "Tệp dữ liệu bị cắt cụt", for good
        assert made > 0 and svc.dossiers.count() == made
        svc.close()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)

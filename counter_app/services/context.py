"""Opening the store and wiring the services once, for the CLI, the UI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from counter_app.domain.clock import Clock, SystemClock
from counter_app.services.accounts import AccountService
from counter_app.services.backup import list_backups
from counter_app.services.calendar import CalendarService
from counter_app.services.catalogue import CatalogueService
from counter_app.services.dossier_views import DossierViewService
from counter_app.services.dossiers import DossierQueryService
from counter_app.services.fees import FeeService
from counter_app.services.intake import IntakeService
from counter_app.services.ledger import LedgerService
from counter_app.services.lifecycle import LifecycleService
from counter_app.services.queue import QueueService
from counter_app.services.ratings import RatingService
from counter_app.services.receipts import ReceiptService
from counter_app.services.worklists import WorklistService
from counter_app.sync.store import release_parked
from db.engine import StoreCorrupt, StoreMissing, make_engine
from db.migrate import WAL_LOST_VI, upgrade, wal_lost_frames


@dataclass(frozen=True)
class AppServices:
    """Every use case, built on one engine and one clock."""

    engine: Engine
    clock: Clock
    accounts: AccountService
    catalogue: CatalogueService
    calendar: CalendarService
    intake: IntakeService
    dossiers: DossierQueryService
    receipts: ReceiptService
    queue: QueueService
    lifecycle: LifecycleService
    fees: FeeService
    ratings: RatingService
    worklists: WorklistService
    ledger: LedgerService
    views: DossierViewService

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_services(engine: Engine, clock: Clock) -> AppServices:
    """Wire the services over an already migrated engine."""
    accounts = AccountService(engine, clock)
    dossiers = DossierQueryService(engine, clock)
    return AppServices(
        engine=engine,
        clock=clock,
        accounts=accounts,
        # Pulled dossiers parked for an unknown procedure are applied by the import that
        # brings it (the composition root is the one place that knows both sides).
        catalogue=CatalogueService(engine, clock, procedures_arrived=release_parked),
        calendar=CalendarService(engine, clock),
        intake=IntakeService(engine, clock),
        dossiers=dossiers,
        receipts=ReceiptService(engine, accounts, dossiers),
        queue=QueueService(engine, clock),
        lifecycle=LifecycleService(engine, clock),
        fees=FeeService(engine, clock),
        ratings=RatingService(engine, clock),
        worklists=WorklistService(engine, clock),
        ledger=LedgerService(engine),
        views=DossierViewService(engine, clock),
    )


def open_services(db_path: Path, clock: Clock | None = None, *,
                  backup_dir: Path | None = None) -> AppServices:
    """Open (creating and migrating as needed) the store at ``db_path``.

    A missing or empty store is created only when there is no backup to restore instead; a
    store that cannot be opened is refused with what happened and the command that restores
    the newest verified backup (``backup_dir``, by default ``backups`` next to the store).
    """
    backups = backup_dir if backup_dir is not None else db_path.parent / "backups"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if (not db_path.exists() or db_path.stat().st_size == 0) and list_backups(backups):
        what = "bị mất" if not db_path.exists() else "rỗng (0 byte)"
        raise StoreMissing(f"Tệp dữ liệu {db_path.name} {what} nhưng đã có bản sao lưu; phần "
                           "mềm không tự tạo dữ liệu trống thay thế. " + _advice(backups))
    lost = wal_lost_frames(db_path)
    if lost and list_backups(backups):  # restoring carries over this file's events: no loss
        raise StoreCorrupt(WAL_LOST_VI.format(name=db_path.name, frames=lost) + " "
                           + _advice(backups))
    engine = make_engine(db_path)
    try:
        upgrade(engine)
    except StoreCorrupt as exc:
        engine.dispose()
        raise StoreCorrupt(f"{exc.message_vi} {_advice(backups)}") from exc
    return build_services(engine, clock or SystemClock())


def _advice(backup_dir: Path) -> str:
    from counter_app.services.restore import refusal_advice  # only on the refusal paths

    return refusal_advice(backup_dir)

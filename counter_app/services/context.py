"""Opening the store and wiring the services once, for the CLI, the UI and tests.

Start-up speed: the login needs only the accounts. Every other service is built, and its
module imported, on first use (the queue pulls in the ticket printer and openpyxl, intake the
lunar calendar, receipts reportlab), so the login window does not wait for them; the GUI warms
them on a worker while the official types the password.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from sqlalchemy import Engine

from counter_app.domain.clock import Clock, SystemClock
from counter_app.services.accounts import AccountService
from counter_app.services.backup import list_backups
from db.engine import StoreCorrupt, StoreMissing, make_engine
from db.migrate import WAL_LOST_VI, upgrade, wal_lost_frames

if TYPE_CHECKING:
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

T = TypeVar("T")


class AppServices:
    """Every use case, built on one engine and one clock (each service once, on first use)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self.accounts = AccountService(engine, clock)
        self._built: dict[str, object] = {}
        self._lock = threading.Lock()  # GUI and DB threads may ask for a service at once

    def _one(self, name: str, build: Callable[[], T]) -> T:
        found = self._built.get(name)
        if found is None:
            with self._lock:
                found = self._built.get(name)
                if found is None:
                    found = self._built[name] = build()
        return cast(T, found)

    @property
    def catalogue(self) -> CatalogueService:
        """The procedure catalogue."""
        from counter_app.services.catalogue import CatalogueService
        from counter_app.sync.store import release_parked

        # Pulled dossiers parked for an unknown procedure are applied by the import that
        # brings it (the composition root is the one place that knows both sides).
        return self._one("catalogue", lambda: CatalogueService(
            self.engine, self.clock, procedures_arrived=release_parked))

    @property
    def calendar(self) -> CalendarService:
        """The working calendar."""
        from counter_app.services.calendar import CalendarService

        return self._one("calendar", lambda: CalendarService(self.engine, self.clock))

    @property
    def intake(self) -> IntakeService:
        """Receiving dossiers."""
        from counter_app.services.intake import IntakeService

        return self._one("intake", lambda: IntakeService(self.engine, self.clock))

    @property
    def dossiers(self) -> DossierQueryService:
        """Finding and reading dossiers."""
        from counter_app.services.dossiers import DossierQueryService

        return self._one("dossiers", lambda: DossierQueryService(self.engine, self.clock))

    @property
    def receipts(self) -> ReceiptService:
        """The printable data of receipts and slips."""
        from counter_app.services.receipts import ReceiptService

        dossiers = self.dossiers
        return self._one("receipts", lambda: ReceiptService(self.engine, self.accounts, dossiers))

    @property
    def queue(self) -> QueueService:
        """Queue tickets (one instance: it holds the listeners of the hall display)."""
        from counter_app.services.queue import QueueService

        return self._one("queue", lambda: QueueService(self.engine, self.clock))

    @property
    def lifecycle(self) -> LifecycleService:
        """A dossier's actions after intake."""
        from counter_app.services.lifecycle import LifecycleService

        return self._one("lifecycle", lambda: LifecycleService(self.engine, self.clock))

    @property
    def fees(self) -> FeeService:
        """Financial obligations, payments and the day's collections."""
        from counter_app.services.fees import FeeService

        return self._one("fees", lambda: FeeService(self.engine, self.clock))

    @property
    def ratings(self) -> RatingService:
        """Satisfaction at return."""
        from counter_app.services.ratings import RatingService

        return self._one("ratings", lambda: RatingService(self.engine, self.clock))

    @property
    def worklists(self) -> WorklistService:
        """Due today, overdue, awaiting supplement, ready to return."""
        from counter_app.services.worklists import WorklistService

        return self._one("worklists", lambda: WorklistService(self.engine, self.clock))

    @property
    def ledger(self) -> LedgerService:
        """The dossier ledger of a period."""
        from counter_app.services.ledger import LedgerService

        return self._one("ledger", lambda: LedgerService(self.engine))

    @property
    def views(self) -> DossierViewService:
        """A dossier's whole story (timeline, fees, rating) and the streamed list."""
        from counter_app.services.dossier_views import DossierViewService

        return self._one("views", lambda: DossierViewService(self.engine, self.clock))

    def warm_up(self) -> None:
        """Build every service now (on a worker, while the official logs in)."""
        for name in ("catalogue", "calendar", "intake", "dossiers", "receipts", "queue",
                     "lifecycle", "fees", "ratings", "worklists", "views"):
            getattr(self, name)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_services(engine: Engine, clock: Clock) -> AppServices:
    """Wire the services over an already migrated engine."""
    return AppServices(engine, clock)


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

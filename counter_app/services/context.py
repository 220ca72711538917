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
from db.engine import make_engine
from db.migrate import upgrade

if TYPE_CHECKING:
    from counter_app.services.calendar import CalendarService
    from counter_app.services.catalogue import CatalogueService
    from counter_app.services.dossiers import DossierQueryService
    from counter_app.services.intake import IntakeService
    from counter_app.services.queue import QueueService
    from counter_app.services.receipts import ReceiptService

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

        return self._one("catalogue", lambda: CatalogueService(self.engine, self.clock))

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

    def warm_up(self) -> None:
        """Build every service now (on a worker, while the official logs in)."""
        for name in ("catalogue", "calendar", "intake", "dossiers", "receipts", "queue"):
            getattr(self, name)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_services(engine: Engine, clock: Clock) -> AppServices:
    """Wire the services over an already migrated engine."""
    return AppServices(engine, clock)


def open_services(db_path: Path, clock: Clock | None = None) -> AppServices:
    """Open (creating and migrating as needed) the store at ``db_path``."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_path)
    upgrade(engine)
    return build_services(engine, clock or SystemClock())

"""Opening the store and wiring the services once, for the CLI, the UI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from counter_app.domain.clock import Clock, SystemClock
from counter_app.services.accounts import AccountService
from counter_app.services.calendar import CalendarService
from counter_app.services.catalogue import CatalogueService
from counter_app.services.dossiers import DossierQueryService
from counter_app.services.intake import IntakeService
from counter_app.services.queue import QueueService
from counter_app.services.receipts import ReceiptService
from counter_app.sync.store import release_parked
from db.engine import make_engine
from db.migrate import upgrade


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
    )


def open_services(db_path: Path, clock: Clock | None = None) -> AppServices:
    """Open (creating and migrating as needed) the store at ``db_path``."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_path)
    upgrade(engine)
    return build_services(engine, clock or SystemClock())

"""Queue configuration: services, rules, the kiosk PIN, ticket printers, ticket print data."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import col, select

from counter_app.domain.clock import Clock
from counter_app.domain.queue import check_prefix
from counter_app.domain.text import clean_text
from counter_app.services.accounts import OfficialPublic, require_admin
from counter_app.services.errors import NotSetUp, ValidationFailed
from counter_app.services.queue_models import (
    PIN_KEY,
    PRINTERS_KEY,
    SETTINGS_KEY,
    QueueServicePublic,
    QueueSettings,
    TicketPublic,
    service_public,
)
from db.engine import read_session, unit_of_work
from db.models import Official, Setting, WardProfile
from db.models import QueueService as ServiceRow
from db.outbox import EventDraft, append_event
from printing.ticket import TicketData

_hasher = PasswordHasher()

DEFAULT_SERVICES: tuple[tuple[str, str], ...] = (
    ("A", "Chứng thực"),
    ("B", "Hộ tịch"),
    ("C", "Đất đai – Xây dựng"),
    ("D", "Lao động – Thương binh và Xã hội"),
    ("E", "Nhận kết quả"),
)


class QueueSetup:
    """Reading and changing the queue's configuration (the rest of QueueService builds on it)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    # --- rules -----------------------------------------------------------------------------

    def settings(self) -> QueueSettings:
        """The ward's queue rules (defaults until saved)."""
        with read_session(self._engine) as s:
            row = s.get(Setting, SETTINGS_KEY)
            return QueueSettings.from_json(row.value if row else None)

    def save_settings(self, rules: QueueSettings) -> None:
        """Store the queue rules."""
        if rules.zero_tens not in ("linh", "lẻ") or rules.priority_streak < 0 \
                or rules.no_show_after < 0:
            raise ValidationFailed({"settings": "Thiết lập hàng đợi không hợp lệ."})
        self._put(SETTINGS_KEY, rules.to_json())

    def _put(self, key: str, value: str) -> None:
        with unit_of_work(self._engine) as s:
            row = s.get(Setting, key) or Setting(key=key, value=value)
            row.value = value
            s.add(row)

    # --- services --------------------------------------------------------------------------

    def services(self, *, active_only: bool = True) -> list[QueueServicePublic]:
        """The services in kiosk order."""
        with read_session(self._engine) as s:
            stmt = select(ServiceRow).order_by(col(ServiceRow.position), col(ServiceRow.prefix))
            if active_only:
                stmt = stmt.where(col(ServiceRow.active).is_(True))
            return [service_public(r) for r in s.exec(stmt)]

    def ensure_defaults(self) -> list[QueueServicePublic]:
        """Create the usual ward services the first time; the ward edits them afterwards."""
        with read_session(self._engine) as s:
            empty = s.exec(select(ServiceRow.id)).first() is None
        if empty:
            for position, (prefix, name) in enumerate(DEFAULT_SERVICES):
                self.save_service(prefix, name, position=position)
        return self.services()

    def save_service(self, prefix: str, name: str, *, counters: tuple[int, ...] = (),
                     priority_allowed: bool = True, position: int = 0,
                     active: bool = True) -> QueueServicePublic:
        """Add or change a service (keyed by its prefix)."""
        prefix = check_prefix(prefix)
        clean = clean_text(name, field="name", max_len=60, required=True)
        if any(not 1 <= c <= 99 for c in counters):
            raise ValidationFailed({"counters": "Số quầy phải từ 1 đến 99."})
        now = self._clock.now()
        with unit_of_work(self._engine) as s:
            row = s.exec(select(ServiceRow).where(ServiceRow.prefix == prefix)).first()
            row = row or ServiceRow(prefix=prefix, name=clean)
            row.name, row.counters = clean, ",".join(str(c) for c in sorted(set(counters)))
            row.priority_allowed, row.position, row.active = priority_allowed, position, active
            s.add(row)
            s.flush()
            append_event(s, EventDraft("queue_service", prefix, "queue_service.saved", {
                "prefix": prefix, "name": clean, "counters": row.counters,
                "priority_allowed": priority_allowed, "position": position, "active": active,
            }), now=now, official_id=None)
            return service_public(row)

    # --- kiosk PIN -------------------------------------------------------------------------

    def set_kiosk_pin(self, by: OfficialPublic, pin: str) -> None:
        """An admin sets the PIN that lets an official leave the kiosk (stored hashed)."""
        require_admin(by, "đặt mã PIN kiosk")
        if not (pin.isdigit() and 4 <= len(pin) <= 12):
            raise ValidationFailed({"pin": "Mã PIN gồm 4 đến 12 chữ số."})
        self._put(PIN_KEY, _hasher.hash(pin))

    def check_kiosk_pin(self, secret: str) -> bool:
        """Whether ``secret`` opens the kiosk: the PIN, or an admin's password if no PIN is set."""
        with read_session(self._engine) as s:
            row = s.get(Setting, PIN_KEY)
            hashes = [row.value] if row else [
                o.password_hash for o in s.exec(select(Official).where(
                    Official.role == "admin", col(Official.active).is_(True)))]
        for stored in hashes:
            try:
                if _hasher.verify(stored, secret):
                    return True
            except (VerificationError, InvalidHashError):
                continue
        return False

    # --- printers --------------------------------------------------------------------------

    def printer_config(self, name: str = "kiosk") -> dict[str, Any]:
        """A ticket printer's settings (see printing.escpos_out.PrinterConfig); {} if none."""
        with read_session(self._engine) as s:
            row = s.get(Setting, PRINTERS_KEY)
        configs: dict[str, dict[str, Any]] = json.loads(row.value) if row else {}
        return dict(configs.get(name, {}))

    def save_printer_config(self, name: str, config: Mapping[str, Any]) -> None:
        """Store one named printer's settings."""
        with read_session(self._engine) as s:
            row = s.get(Setting, PRINTERS_KEY)
        configs: dict[str, Any] = json.loads(row.value) if row else {}
        configs[name] = dict(config)
        self._put(PRINTERS_KEY, json.dumps(configs, ensure_ascii=False, sort_keys=True))

    # --- printing data ---------------------------------------------------------------------

    def ticket_print_data(self, ticket: TicketPublic) -> TicketData:
        """Plain data for printing a ticket (printing never touches the database)."""
        rules = self.settings()
        with read_session(self._engine) as s:
            ward = s.get(WardProfile, 1)
            if ward is None:
                raise NotSetUp("Chưa thiết lập phần mềm.")
            svc = s.exec(select(ServiceRow).where(ServiceRow.prefix == ticket.prefix)).first()
            counters = service_public(svc).counters if svc else ()
        return TicketData(
            agency_name=ward.agency_name, unit_name=ward.unit_name,
            service_name=ticket.service_name, number=ticket.number,
            issued_at=ticket.issued_at, waiting_ahead=ticket.waiting_ahead,
            priority=ticket.priority,
            counters_text=", ".join(str(c) for c in counters),
            qr_url=rules.ticket_qr_url.replace("{number}", ticket.number), footer=rules.ticket_footer,
        )

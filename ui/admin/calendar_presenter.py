"""Tab "Lịch làm việc" (admin), the presenter: every read and write on the DB thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from PySide6.QtCore import QObject, Signal, Slot

from counter_app.domain.calendar import CalendarOverride, OverrideKind, WorkingHours
from counter_app.services.accounts import OfficialPublic
from counter_app.services.admin import (
    WEEKDAY_NAMES,
    AdminService,
    NoAppointmentPublic,
    validate_working_hours,
)
from counter_app.services.calendar import CalendarService
from counter_app.services.catalogue import CatalogueService, ProcedurePublic
from ui.admin.calendar_view import HOLIDAY, CalendarView, DayMark
from ui.tasks import TaskRunner


@dataclass(frozen=True)
class CalendarState:
    """Everything the tab shows, read in one DB job."""

    marks: dict[date, DayMark]
    hours: WorkingHours
    rules: list[NoAppointmentPublic]
    procedures: list[ProcedurePublic]


def month_marks(calendar: CalendarService, year: int, month: int) -> dict[date, DayMark]:
    """Holidays and overrides of every day the month view can show (DB thread: `holidays`
    computes the lunar calendar, which is too slow for the GUI thread)."""
    first = date(year, month, 1)
    cal = calendar.calendar(on=first)
    marks: dict[date, DayMark] = {}
    for offset in range(-7, 49):
        d = first + timedelta(days=offset)
        override = cal.override_on(d)
        holiday = cal.public_holiday_name(d)
        if override is not None:
            marks[d] = DayMark(override.kind.value, override.name)
        elif holiday:
            marks[d] = DayMark(HOLIDAY, holiday)
    return marks


def _load_state(
    calendar: CalendarService,
    admin: AdminService,
    catalogue: CatalogueService,
    today: date,
    year: int,
    month: int,
) -> CalendarState:
    return CalendarState(
        month_marks(calendar, year, month),
        calendar.calendar(on=today).hours,
        admin.no_appointment_rules(on=today),
        catalogue.list_procedures(on=today),
    )


def _save_hours(calendar: CalendarService, by: OfficialPublic, times: dict[str, time]) -> None:
    calendar.set_working_hours(by, validate_working_hours(**times))


class CalendarPresenter(QObject):
    """Reads the calendar for the month shown; stores overrides, hours and no-appointment days."""

    loaded = Signal()
    """The whole tab has been filled."""
    marks_loaded = Signal()
    """The month view's colours are up to date."""
    override_saved = Signal(object)
    """The date whose override was stored or removed."""
    hours_saved = Signal()
    rules_changed = Signal()
    """A no-appointment rule was added or ended (the list is reloaded)."""
    failed = Signal(object)
    """A write was refused; its message is shown at the field."""

    def __init__(
        self,
        view: CalendarView,
        calendar: CalendarService,
        admin: AdminService,
        catalogue: CatalogueService,
        runner: TaskRunner,
        official: OfficialPublic,
        today: date,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._calendar = calendar
        self._admin = admin
        self._catalogue = catalogue
        self._runner = runner
        self._by = official
        self._today = today
        self._codes: dict[int, str] = {}
        view.month_shown.connect(self._on_view_month_shown)
        view.override_requested.connect(self._on_view_override_requested)
        view.override_remove_requested.connect(self._on_view_override_remove_requested)
        view.hours_requested.connect(self._on_view_hours_requested)
        view.no_appointment_requested.connect(self._on_view_no_appointment_requested)
        view.no_appointment_remove_requested.connect(self._on_view_no_appointment_remove_requested)

    def refresh(self) -> None:
        """Show today's month and read everything."""
        self.view.select_day(self._today)
        task = self._runner.run_db(
            _load_state,
            self._calendar,
            self._admin,
            self._catalogue,
            self._today,
            self._today.year,
            self._today.month,
        )
        task.succeeded.connect(self._on_state_succeeded)
        task.failed.connect(self._on_override_failed)

    @Slot(object)
    def _on_state_succeeded(self, state: CalendarState) -> None:
        self.view.set_marks(state.marks)
        self.view.set_hours(state.hours)
        self._codes = {p.id: p.code for p in state.procedures}
        self.view.set_procedures([(p.id, p.code, p.name, p.field_name) for p in state.procedures])
        self.view.set_rules(state.rules)
        self.loaded.emit()

    def _reload_marks(self) -> None:
        shown = self.view.calendar
        task = self._runner.run_db(
            month_marks, self._calendar, shown.yearShown(), shown.monthShown()
        )
        task.succeeded.connect(self._on_marks_succeeded)
        task.failed.connect(self._on_override_failed)

    @Slot(int, int)
    def _on_view_month_shown(self, _year: int, _month: int) -> None:
        self._reload_marks()

    @Slot(object)
    def _on_marks_succeeded(self, marks: dict[date, DayMark]) -> None:
        self.view.set_marks(marks)
        self.marks_loaded.emit()

    # --- overrides ----------------------------------------------------------------------

    @Slot(object, str, str)
    def _on_view_override_requested(self, day: date, kind: str, name: str) -> None:
        override = CalendarOverride(day, OverrideKind(kind), name)
        task = self._runner.run_db(self._calendar.set_override, self._by, override)
        task.succeeded.connect(self._on_override_succeeded)
        task.failed.connect(self._on_override_failed)

    @Slot(object)
    def _on_view_override_remove_requested(self, day: date) -> None:
        task = self._runner.run_db(self._admin.remove_override, self._by, day)
        task.succeeded.connect(self._on_override_succeeded)
        task.failed.connect(self._on_override_failed)

    @Slot(object)
    def _on_override_succeeded(self, _result: object) -> None:
        self.override_saved.emit(self.view.selected_day())
        self._reload_marks()

    @Slot(object)
    def _on_override_failed(self, exc: BaseException) -> None:
        self.view.override_errors.show_exception(exc)
        self.failed.emit(exc)

    # --- hours --------------------------------------------------------------------------

    @Slot(dict)
    def _on_view_hours_requested(self, times: dict[str, time]) -> None:
        self.view.hours_errors.clear()
        task = self._runner.run_db(_save_hours, self._calendar, self._by, times)
        task.succeeded.connect(self._on_hours_succeeded)
        task.failed.connect(self._on_hours_failed)

    @Slot(object)
    def _on_hours_succeeded(self, _result: object) -> None:
        self.hours_saved.emit()

    @Slot(object)
    def _on_hours_failed(self, exc: BaseException) -> None:
        self.view.hours_errors.show_exception(exc)
        self.failed.emit(exc)

    # --- no-appointment days ------------------------------------------------------------

    @Slot(int, int)
    def _on_view_no_appointment_requested(self, weekday: int, procedure_id: int) -> None:
        code = self._codes.get(procedure_id, "")
        existing = self.view.rules
        for row in range(existing.rowCount()):
            rule = existing.row_at(row)
            if (rule.weekday, rule.procedure_code) == (weekday, code):
                self.view.noappt_errors.set_errors(
                    {
                        "procedure": (
                            f"Thủ tục này đã là ngày không hẹn vào {WEEKDAY_NAMES[weekday]}."
                        )
                    }
                )
                return
        self.view.noappt_errors.clear()
        task = self._runner.run_db(
            self._calendar.set_no_appointment,
            self._by,
            weekday=weekday,
            procedure_code=code,
            effective_from=self._today,
        )
        task.succeeded.connect(self._on_rules_write_succeeded)
        task.failed.connect(self._on_rules_failed)

    @Slot(int)
    def _on_view_no_appointment_remove_requested(self, rule_id: int) -> None:
        task = self._runner.run_db(
            self._admin.end_no_appointment, self._by, rule_id, on=self._today
        )
        task.succeeded.connect(self._on_rules_write_succeeded)
        task.failed.connect(self._on_rules_failed)

    @Slot(object)
    def _on_rules_write_succeeded(self, _result: object) -> None:
        task = self._runner.run_db(self._admin.no_appointment_rules, on=self._today)
        task.succeeded.connect(self._on_rules_succeeded)
        task.failed.connect(self._on_rules_failed)

    @Slot(object)
    def _on_rules_succeeded(self, rules: list[NoAppointmentPublic]) -> None:
        self.view.set_rules(rules)
        self.view.picker.reset()
        self.rules_changed.emit()

    @Slot(object)
    def _on_rules_failed(self, exc: BaseException) -> None:
        self.view.noappt_errors.show_exception(exc)
        self.failed.emit(exc)

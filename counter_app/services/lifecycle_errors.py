"""Refusals of lifecycle actions a user can cause (typed, with data; nothing was changed)."""

from __future__ import annotations

from counter_app.services.errors import ServiceError


class ActionRefused(ServiceError):
    """A lifecycle action the dossier's state or history does not allow."""

    code = "action_refused"


class ExtensionLimitReached(ActionRefused):
    """Form 04 was already issued once for this dossier."""

    code = "extension_limit"

    def __init__(self) -> None:
        super().__init__("Hồ sơ đã được hẹn lại một lần; không hẹn lại lần nữa.",
                         field="new_due")


class NewDueNotLater(ActionRefused):
    """The new date of a re-appointment must come after the current one."""

    code = "new_due_not_later"

    def __init__(self, current: str) -> None:
        super().__init__(f"Ngày hẹn mới phải sau ngày hẹn hiện tại ({current}).",
                         field="new_due")
        self.current = current


class AmountInvalid(ActionRefused):
    """A payment or obligation amount that is not positive or exceeds what is owed."""

    code = "amount_invalid"

    def __init__(self, amount: int, owed: int | None = None) -> None:
        owed_txt = f" (còn phải nộp {owed:,} đồng)".replace(",", ".") if owed is not None else ""
        super().__init__(f"Số tiền {amount:,} đồng không hợp lệ{owed_txt}.".replace(",", "."),
                         field="amount")
        self.amount, self.owed = amount, owed


class PaymentNotAllowed(ActionRefused):
    """No fee is collected for a dossier in this state (refused, stopped, withdrawn)."""

    code = "payment_not_allowed"

    def __init__(self, status: int) -> None:
        super().__init__("Không thu phí với hồ sơ ở trạng thái này.", field="status")
        self.status = status


class RatingNotAllowed(ActionRefused):
    """A rating is taken once, when the result is returned."""

    code = "rating_not_allowed"

    def __init__(self, why: str) -> None:
        super().__init__(why, field="level")

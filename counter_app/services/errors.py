"""Errors a user can cause in a use case; the UI words them, tests check the type."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Base of the use-case errors; carries a Vietnamese message for the UI."""

    code = "service"

    def __init__(self, message_vi: str, *, field: str | None = None) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.field = field


class NotSetUp(ServiceError):
    """First-run setup has not been done."""

    code = "not_set_up"


class LoginFailed(ServiceError):
    """Wrong user name or password, or the account is disabled."""

    code = "login_failed"


class PermissionDenied(ServiceError):
    """The official may not do this."""

    code = "permission_denied"


class NotFound(ServiceError):
    """The thing asked for does not exist."""

    code = "not_found"


class ValidationFailed(ServiceError):
    """Input was refused; ``errors`` maps each bad field to its Vietnamese message."""

    code = "validation_failed"

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        first = next(iter(self.errors.items()), ("", "Dữ liệu không hợp lệ"))
        super().__init__("; ".join(self.errors.values()) or first[1], field=first[0] or None)

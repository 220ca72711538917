"""Errors of the hub a person can cause or meet, with a stable ``code`` (tests assert types)."""

from __future__ import annotations

from counter_app.services.errors import ServiceError


class HubError(ServiceError):
    """Base: a use-case error like the services' (``message_vi`` shown to the official as is)."""

    code = "hub"


class PairingRefused(HubError):
    """Wrong, used or expired pairing code, or a PC of another ward."""

    code = "pairing_refused"


class NotPaired(HubError):
    """This PC has no hub credential, or the hub revoked it."""

    code = "not_paired"


class HubUnavailable(HubError):
    """The hub did not answer (off, network down): the outcome of the action is unknown."""

    code = "hub_unavailable"


class HubRefused(HubError):
    """The hub refused the action (e.g. the counter is busy); ``error`` is its stable code."""

    code = "hub_refused"

    def __init__(self, message_vi: str, *, error: str) -> None:
        super().__init__(message_vi)
        self.error = error

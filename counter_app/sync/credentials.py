"""Where the device token lives: the OS keyring if there is a real one, else a 0600 file.

The keyring entry is service ``motcua``, user = the device id. On machines whose keyring is
the ``fail`` or ``null`` backend (a headless Linux box, a service account) the token goes to
``<data dir>/credentials/<device id>.token``, created with mode 0600 (only the user can read
it); on Windows the file inherits the user profile's ACL. Which store was used is recorded in
``sync_state.credential_store`` so a later read looks in the same place.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

KEYRING_SERVICE = "motcua"
_WEAK_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class CredentialMissing(Exception):
    """No token is stored for this device (never enrolled here, or the store was wiped)."""


def keyring_usable() -> bool:
    """True when the OS keyring is a real, encrypted backend (not fail/null/plaintext)."""
    if os.environ.get("MOTCUA_CREDENTIAL_STORE", "") == "file":
        return False
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # a broken D-Bus or keyring config must not stop enrolment
        return False
    module = type(backend).__module__
    return not module.startswith(_WEAK_BACKENDS) and getattr(backend, "priority", 0) > 0


class CredentialStore:
    """Save and load a device token; ``kind`` is ``keyring`` or ``file``."""

    def __init__(self, data_dir: Path) -> None:
        self._dir = data_dir / "credentials"

    def path_for(self, device_id: str) -> Path:
        """The fallback file of one device identity."""
        return self._dir / f"{device_id}.token"

    def save(self, device_id: str, token: str) -> str:
        """Store the token; returns where (``keyring`` or ``file``)."""
        if keyring_usable():
            try:
                import keyring

                keyring.set_password(KEYRING_SERVICE, device_id, token)
                return "keyring"
            except Exception:  # locked or broken keyring: fall back to the private file
                pass
        self._write_private(self.path_for(device_id), token)
        return "file"

    def load(self, device_id: str, kind: str) -> str:
        """The stored token, or raise CredentialMissing."""
        token: str | None = None
        if kind == "keyring":
            with contextlib.suppress(Exception):
                import keyring

                token = keyring.get_password(KEYRING_SERVICE, device_id)
        if token is None:
            path = self.path_for(device_id)
            if path.exists():
                token = path.read_text(encoding="utf-8").strip()
        if not token:
            raise CredentialMissing(device_id)
        return token

    def _write_private(self, path: Path, token: str) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self._dir, 0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, token.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)

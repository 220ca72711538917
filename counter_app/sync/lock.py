"""One sync run per device at a time (SYNC.md case 19): a thread lock plus an OS file lock.

The thread lock stops a timer and the "sync now" button of one process from overlapping; the
file lock (``<data dir>/sync.lock``, ``flock`` on POSIX, ``msvcrt.locking`` on Windows) stops
a second process (``counter-app sync`` while the GUI runs). The OS drops a file lock when its
process dies, even by SIGKILL, so a crash never leaves the device locked.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from types import TracebackType

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


class SyncBusy(Exception):
    """Another sync run of this device is in progress."""


class SyncLock:
    """Non-blocking exclusive lock; use as a context manager, raises SyncBusy if taken."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._path = data_dir / "sync.lock"
        self._tlock = _thread_lock(self._path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take both locks or raise SyncBusy (never waits)."""
        if not self._tlock.acquire(blocking=False):
            raise SyncBusy()
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock_file(fd)
            except OSError:
                os.close(fd)
                raise SyncBusy() from None
            self._fd = fd
        except BaseException:
            self._tlock.release()
            raise

    def release(self) -> None:
        """Drop both locks."""
        if self._fd is not None:
            _unlock_file(self._fd)
            os.close(self._fd)
            self._fd = None
        self._tlock.release()

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on the Windows ward PCs
    import msvcrt

    def _lock_file(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock_file(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

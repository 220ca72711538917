"""Named crash points for the fault suite: ``MOTCUA_CRASH_AT=<name>`` kills the process there.

Only tests set the variable. The process is killed with SIGKILL (``os._exit`` on Windows), so
nothing is flushed or rolled back politely: exactly what a power cut or the task manager does.
Points: ``after_status``, ``after_push_response`` (the server committed, the reply is in
memory, nothing applied locally), ``after_push_batch``, ``after_pull_fetch``,
``pull_before_commit`` (inside the local transaction of a pulled page), ``after_pull_apply``.
"""

from __future__ import annotations

import os
import signal

ENV = "MOTCUA_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here if the environment asks for it."""
    if os.environ.get(ENV) == name:
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)  # pragma: no cover

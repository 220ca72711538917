"""Run a child script that prints one line per committed action, and SIGKILL it mid-stream."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path


def run_until_killed(script: str, db: Path, rng: random.Random, reported: list[str], *,
                     budget: tuple[int, int]) -> None:
    """Let a random number of actions through (from ``budget``), then kill the child.

    Lines already in the pipe were committed before the kill, so they count as reported.
    """
    proc = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    limit = rng.randint(*budget)
    killer = threading.Timer(30, proc.kill)  # a hung child must not hang the suite
    killer.start()
    try:
        for seen, line in enumerate(proc.stdout, start=1):
            reported.append(line.strip())
            if seen >= limit:
                os.kill(proc.pid, signal.SIGKILL)  # lands mid-transaction or between them
                break
        reported.extend(x.strip() for x in proc.stdout if x.strip())
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read() if proc.stderr else ""
    finally:
        killer.cancel()

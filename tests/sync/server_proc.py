"""The district server in a child process, so a test can SIGKILL it mid-batch (case 3).

    python server_proc.py DB_URL [--kill-on-events-insert]

Prints ``PORT <n>`` once uvicorn listens on 127.0.0.1 (port 0). With the flag, the process
kills itself with SIGKILL on its first ``INSERT INTO events``: inside the push transaction,
after the batch's dossiers were written and before anything committed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

import uvicorn
from server_helpers import NOW, StartedServer, make_settings
from sqlalchemy import event

from counter_app.domain.clock import FixedClock
from district_server.app import create_app


def main() -> None:
    app = create_app(make_settings(sys.argv[1]), clock=FixedClock(NOW))
    if "--kill-on-events-insert" in sys.argv:
        def _die(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("INSERT INTO EVENTS"):
                os.kill(os.getpid(), signal.SIGKILL)
        event.listen(app.state.server.engine, "before_cursor_execute", _die)
    server = StartedServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    if not server.listening.wait(timeout=30):
        raise SystemExit("uvicorn did not start")
    print(f"PORT {server.port()}", flush=True)
    t.join()


if __name__ == "__main__":
    main()

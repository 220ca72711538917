"""Start-up probe (used by bench/): start the real GUI on a store, log in, report timings.

Prints one JSON line: seconds from the parent's spawn to the first window, to the login being
usable and to the main window (and the CPU seconds the process had used by then, every thread: a figure a busy
machine inflates less than wall time), whether the daily backup was still running when the main window
showed, and the process's peak resident memory. ``--floor`` instead shows a bare QApplication
and a two-field dialog: the floor under any Qt login window on this machine.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def floor(spawned: float) -> int:
    """A bare QApplication and a dialog with two fields and OK/Cancel, shown: the floor."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import (
        QApplication,
        QDialog,
        QDialogButtonBox,
        QFormLayout,
        QLineEdit,
    )

    app = QApplication(sys.argv[:1])
    dialog = QDialog()
    form = QFormLayout(dialog)
    form.addRow("Tên đăng nhập", QLineEdit())
    form.addRow("Mật khẩu", QLineEdit())
    form.addRow(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                 | QDialogButtonBox.StandardButton.Cancel))
    dialog.show()
    out = {"dialog_shown_s": time.time() - spawned, "dialog_shown_cpu_s": time.process_time()}
    QTimer.singleShot(0, app.quit)
    app.exec()
    print(json.dumps(out))
    return 0


def main() -> int:
    """Start the app controller on argv[1]'s data dir; argv[2] is the parent's spawn time."""
    if sys.argv[1] == "--floor":
        return floor(float(sys.argv[2]))
    spawned = float(sys.argv[2]) if len(sys.argv) > 2 else time.time()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from counter_app.config import Settings
    from ui.app import AppController
    from ui.style import apply_style

    app = QApplication(sys.argv[:1])
    apply_style(app)
    out: dict[str, float] = {}
    controller = AppController(app, Settings(data_dir=Path(sys.argv[1])), demo=True)

    def on_first(_dialog) -> None:  # type: ignore[no-untyped-def]
        out["first_window_s"] = time.time() - spawned

    def on_login(dialog) -> None:  # type: ignore[no-untyped-def]
        out["login_ready_s"] = time.time() - spawned
        out["login_ready_cpu_s"] = time.process_time()
        dialog.buttons.accepted.emit()

    def on_window(_win) -> None:  # type: ignore[no-untyped-def]
        out["main_window_s"] = time.time() - spawned
        out["main_window_cpu_s"] = time.process_time()
        out["backup_running_at_main_window"] = float("backup_done_s" not in out)
        QTimer.singleShot(1500, app.quit)  # let the first list load land in memory

    def on_backup(result) -> None:  # type: ignore[no-untyped-def]
        out["backup_done_s"] = time.time() - spawned
        out["backup_made"] = float(result is not None and not isinstance(result, BaseException))

    controller.first_window_shown.connect(on_first)
    controller.login_shown.connect(on_login)
    controller.window_shown.connect(on_window)
    controller.backup_finished.connect(on_backup)
    QTimer.singleShot(60_000, app.quit)
    controller.start()
    app.exec()
    controller.shutdown()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``counter-app`` entry point: operator subcommands headless, otherwise the GUI.

Qt is imported only on the GUI path, so scripted commands (``counter-app dossiers --json``)
run on machines without a display and start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def _first_command(argv: list[str]) -> str | None:
    """The first non-option argument, skipping the value of ``--data-dir``."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--data-dir":
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


def gui_parser() -> argparse.ArgumentParser:
    """Options of the desktop application."""
    p = argparse.ArgumentParser(prog="counter-app", description="Phần mềm Một cửa cấp phường")
    p.add_argument("--demo", action="store_true", help="chạy với phường mẫu và hồ sơ mẫu")
    p.add_argument("--data-dir", type=Path, default=None, help="thư mục dữ liệu")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--kiosk", action="store_true", help="máy lấy số cho công dân (toàn màn hình)")
    mode.add_argument("--display", action="store_true", help="màn hình gọi số ở sảnh")
    p.add_argument("--screen", type=int, default=None, help="màn hình hiển thị (số thứ tự)")
    # The frozen build's self-test: open the store, show the login, quit (no help: not for users).
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    return p


def _run_queue_window(opts: argparse.Namespace) -> int:
    """Kiosk or hall display: a window of its own on the same store (another process)."""
    from counter_app.config import Settings, demo_data_dir
    from counter_app.logs import setup_logging
    from counter_app.services.context import open_services
    from ui.queue.launch import run_display, run_kiosk

    data_dir = opts.data_dir or (demo_data_dir() if opts.demo else None)
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    settings.ensure_dirs()
    setup_logging(settings.log_dir, settings.log_level)
    services = open_services(settings.db_path)
    if opts.demo:
        from counter_app.services.demo import ensure_demo_ward

        ensure_demo_ward(services.engine, services.clock)
    if opts.kiosk:
        return run_kiosk(services)
    return run_display(services, screen_index=opts.screen)


def main(argv: Sequence[str] | None = None) -> int:
    """Run an operator command, or start the GUI."""
    args = list(sys.argv[1:] if argv is None else argv)
    from counter_app.cli import COMMANDS

    if _first_command(args) in COMMANDS:
        from counter_app import cli

        return cli.main(args)
    opts = gui_parser().parse_args(args)
    if opts.kiosk or opts.display:
        return _run_queue_window(opts)
    from ui.app import run_gui  # Qt loads here, and only here

    return run_gui(opts.data_dir, demo=opts.demo, smoke=opts.smoke_test)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

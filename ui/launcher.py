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
    """The first non-option argument, skipping the values of the GUI's options.

    The GUI takes no positional argument, so any is an operator command (an unknown one is
    refused by the command parser, with the list of commands).
    """
    takes_value = {o for a in gui_parser()._actions if a.nargs != 0 for o in a.option_strings}
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in takes_value:
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


def commands_help() -> str:
    """Every operator command with its one-line description, read from the command parser
    itself (``counter_app.cli.build_parser``), so a new subcommand is listed by adding it."""
    from counter_app.cli import build_parser

    lines = ["lệnh (counter-app LỆNH --help: chi tiết của một lệnh):"]
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            lines += [f"  {c.dest:<16} {c.help or ''}" for c in action._choices_actions]
    return "\n".join(lines) + "\n"


class _GuiParser(argparse.ArgumentParser):
    """``counter-app --help`` shows the GUI's options and then every operator command."""

    def format_help(self) -> str:
        return super().format_help() + "\n" + commands_help()


def gui_parser() -> argparse.ArgumentParser:
    """Options of the desktop application."""
    p = _GuiParser(prog="counter-app", description="Phần mềm Một cửa cấp phường",
                   usage="counter-app [tuỳ chọn giao diện] | counter-app LỆNH ...")
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
    from ui.queue.launch import run_display

    data_dir = opts.data_dir or (demo_data_dir() if opts.demo else None)
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    settings.ensure_dirs()
    setup_logging(settings.log_dir, settings.log_level)
    services = open_services(settings.db_path)
    if opts.demo:
        from counter_app.services.demo import ensure_demo_ward

        ensure_demo_ward(services.engine, services.clock)
    if opts.kiosk:
        return _run_kiosk(services, settings.data_dir)
    from ui.hub.launch import hub_port, run_hub_display

    port = hub_port(services, settings.data_dir)  # a paired display follows the hub
    if port is not None:
        return run_hub_display(services, port, screen_index=opts.screen)
    return run_display(services, screen_index=opts.screen)


def _run_kiosk(services: object, data_dir: Path) -> int:
    """The kiosk; on the hub PC (role ``hub``) it also runs ``hub serve`` while it is open."""
    from counter_app.hub.roles import get_role
    from ui.queue.launch import run_kiosk

    if get_role(services.engine) != "hub":  # type: ignore[attr-defined]
        from ui.hub.launch import hub_port

        port = hub_port(services, data_dir)  # type: ignore[arg-type]
        try:  # a kiosk paired with a hub elsewhere takes its numbers there
            return run_kiosk(services, queue=port)  # type: ignore[arg-type]
        finally:
            if port is not None:
                port.close()
    from ui.hub.launch import start_hub_child

    child = start_hub_child(data_dir)
    try:
        return run_kiosk(services)  # type: ignore[arg-type]
    finally:
        child.terminate()
        child.wait(10)


def main(argv: Sequence[str] | None = None) -> int:
    """Run an operator command, or start the GUI."""
    args = list(sys.argv[1:] if argv is None else argv)
    if _first_command(args) is not None:
        from counter_app import cli

        return cli.main(args)
    opts = gui_parser().parse_args(args)
    if opts.kiosk or opts.display:
        return _run_queue_window(opts)
    from ui.app import run_gui  # Qt loads here, and only here

    return run_gui(opts.data_dir, demo=opts.demo, smoke=opts.smoke_test)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""The console script: operator subcommands never load Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from counter_app.domain.clock import SystemClock
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward, seed_dossiers


def test_subcommand_runs_headless(tmp_path: Path) -> None:
    svc = open_services(tmp_path / "counter.db")
    ensure_demo_ward(svc.engine, SystemClock())
    seed_dossiers(svc.engine, SystemClock(), 5)
    svc.close()
    code = (
        "import sys, ui.launcher\n"
        f"rc = ui.launcher.main(['--data-dir', {str(tmp_path)!r}, 'dossiers', '--json'])\n"
        "assert rc == 0, rc\n"
        "assert 'PySide6' not in sys.modules, 'Qt was imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 5 and all(r["code"].startswith("000.00.12.H26-") for r in rows)


def test_first_command_skips_option_values() -> None:
    from ui.launcher import _first_command

    assert _first_command(["--data-dir", "dossiers", "--demo"]) is None
    assert _first_command(["--data-dir", "x", "seed-demo"]) == "seed-demo"
    assert _first_command(["--demo"]) is None


def test_gui_option_values_are_not_commands() -> None:
    from ui.launcher import _first_command

    assert _first_command(["--display", "--screen", "1"]) is None
    assert _first_command(["--screen", "2", "dossiers", "--json"]) == "dossiers"


def test_help_lists_every_subcommand_with_a_description() -> None:
    """`counter-app --help` lists the commands of the command parser itself, so a command
    added there (restore, verify, …) is listed without touching the launcher."""
    import argparse

    from counter_app.cli import build_parser

    out = subprocess.run([sys.executable, "-c", "import ui.launcher; ui.launcher.main(['--help'])"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.startswith("  ")}
    assert set(sub.choices) <= set(lines)
    for name in sub.choices:  # a one-line description beside each
        assert len(lines[name].split()) > 1, lines[name]
    assert "--kiosk" in out.stdout and "PySide6" not in out.stderr

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

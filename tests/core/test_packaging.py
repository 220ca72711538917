"""What a ward installs: the parts' dependencies, and the files the frozen build must carry."""

from __future__ import annotations

import tomllib
from pathlib import Path

from printing.fonts import BUNDLED_DIR, find_fonts

ROOT = Path(__file__).resolve().parents[2]


def _project() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(reqs: list[str]) -> set[str]:
    return {r.split(";")[0].split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
            for r in reqs}


def test_a_counter_pc_needs_no_server_stack() -> None:
    project = _project()
    counter = _names(project["dependencies"]) | _names(
        project["optional-dependencies"]["counter"] + project["optional-dependencies"]["printers"])
    assert not counter & {"uvicorn", "psycopg", "fastapi", "pytest", "mypy", "pyinstaller"}
    assert "pyside6" in counter


def test_the_server_needs_no_qt() -> None:
    project = _project()
    server = _names(project["dependencies"]) | _names(project["optional-dependencies"]["server"])
    assert "pyside6" not in server and "reportlab" not in server
    assert {"fastapi", "uvicorn", "psycopg"} <= server


def test_bundled_fonts_print_vietnamese_without_system_fonts() -> None:
    fonts = find_fonts(system_dirs=[BUNDLED_DIR], env={})
    assert fonts.serif.label == "Liberation Serif"
    assert fonts.sans.label == "Liberation Sans"
    assert (BUNDLED_DIR / "LICENSE-Liberation.txt").is_file()


def test_frozen_build_carries_the_runtime_files() -> None:
    spec = (ROOT / "packaging" / "counter-app.spec").read_text(encoding="utf-8")
    for needed in ('"counter_app" / "data"', '"db" / "migrations"', '"printing" / "fonts"',
                   '"escpos"', '"tzdata"', "QtPdf", "QtPrintSupport", "QtTextToSpeech",
                   "QtMultimedia"):
        assert needed in spec, needed
    assert (ROOT / "counter_app" / "data" / "catalogue.json").is_file()

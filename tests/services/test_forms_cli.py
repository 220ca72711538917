"""``print form NN CODE``, ``print fee-receipt`` and ``ledger``: the right form for the dossier's
day, with its exact title and the dossier's data, after the actions that call for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from counter_app.cli import PASSWORD_ENV, main


def _text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


@pytest.fixture
def walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A demo ward where one received dossier was handed over, supplemented, extended, paid."""
    monkeypatch.setenv(PASSWORD_ENV, "canbo123")
    d = str(tmp_path)
    assert main(["--data-dir", d, "seed-demo", "--dossiers", "40"]) == 0
    capsys.readouterr()
    main(["--data-dir", d, "dossiers", "--json"])
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    code = next(str(r["code"]) for r in rows if r["status"] == 2)
    base = ["--data-dir", d, "dossier"]
    for action in (["handover", code, "--to", "Công chức Tư pháp - Hộ tịch"],
                   ["supplement", code, "--items", "Bản sao CCCD; Ảnh 4x6"],
                   ["resubmit", code],
                   ["extend", code, "--new-due", "2031-01-05T10:00:00+07:00",
                    "--reason", "Cần xác minh thêm", "--unit", "Công an phường"]):
        assert main([*base, *action, "--user", "canbo"]) == 0, action
    capsys.readouterr()
    return tmp_path, code


def test_forms_of_the_new_circular_carry_title_and_data(
        walked: tuple[Path, str], tmp_path: Path) -> None:
    data, code = walked
    expected = {"02": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                "04": "VĂN BẢN XIN LỖI",
                "06": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"}
    for number, title in expected.items():
        out = tmp_path / f"form{number}.pdf"
        assert main(["--data-dir", str(data), "print", "form", number, code,
                     "--out", str(out)]) == 0
        text = _text(out)
        assert title in text.upper(), (number, text[:400])
        assert code in text
    assert "Bản sao CCCD" in _text(tmp_path / "form02.pdf")
    assert "Công an phường" in _text(tmp_path / "form04.pdf")
    assert "Công chức Tư pháp - Hộ tịch" in _text(tmp_path / "form06.pdf")


def test_a_form_whose_action_never_happened_is_refused(
        walked: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, code = walked
    assert main(["--data-dir", str(data), "print", "form", "03", code,
                 "--out", str(tmp_path / "x.pdf")]) == 2  # never refused
    assert "Lỗi:" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_ledger_pdf_and_xlsx_list_the_period(walked: tuple[Path, str], tmp_path: Path) -> None:
    data, code = walked
    day = f"20{code.split('-')[1][:2]}-{code.split('-')[1][2:4]}-{code.split('-')[1][4:6]}"
    for ext in ("pdf", "xlsx"):
        out = tmp_path / f"ledger.{ext}"
        assert main(["--data-dir", str(data), "ledger", "--from", day, "--to", day,
                     "--out", str(out)]) == 0
    # The code column is narrow: the code wraps inside its cell.
    assert code in _text(tmp_path / "ledger.pdf").replace(" ", "")
    sheet = load_workbook(tmp_path / "ledger.xlsx").active
    assert any(code in str(c.value) for row in sheet.iter_rows() for c in row)

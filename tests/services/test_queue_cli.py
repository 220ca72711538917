"""``counter-app queue …``: issue a ticket and write what the printer would get."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from counter_app.cli import main


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    assert main(["--data-dir", str(tmp_path), "seed-demo", "--dossiers", "0"]) == 0
    return tmp_path


def test_issue_writes_png_pdf_and_escpos(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = data_dir / "t.png"
    assert main(["queue", "issue", "--service", "B", "--priority", "--out", str(out),
                 "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.startswith("B001\t")
    assert Image.open(out).size[0] == 576
    assert main(["--data-dir", str(data_dir), "queue", "issue", "--service", "B", "--out",
                 str(data_dir / "t.bin"), "--width", "58"]) == 0
    assert (data_dir / "t.bin").read_bytes().startswith(b"\x1dv0\x00" + (48).to_bytes(2, "little"))
    assert main(["--data-dir", str(data_dir), "queue", "issue", "--service", "C", "--out",
                 str(data_dir / "t.pdf")]) == 0
    assert (data_dir / "t.pdf").read_bytes().startswith(b"%PDF")
    assert "B002" in capsys.readouterr().out


def test_unknown_service_and_stats(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "queue", "issue", "--service", "Q", "--out",
                 str(data_dir / "x.png")]) == 2
    assert "Không có dịch vụ" in capsys.readouterr().err
    stats = data_dir / "s.csv"
    assert main(["--data-dir", str(data_dir), "queue", "stats", "--out", str(stats)]) == 0
    assert stats.read_bytes().startswith(b"\xef\xbb\xbf")

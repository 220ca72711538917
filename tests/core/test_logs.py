"""Logging is set up by the core: headless commands log to the rotated file, without personal data."""

from __future__ import annotations

import logging
from pathlib import Path

from counter_app import cli
from counter_app.logs import LOG_FILE, mask_personal, setup_logging


def test_mask_personal_hides_id_and_phone_numbers() -> None:
    text = "CCCD 001090123456, CMND 012345678, ĐT 0912345678 / +84912345678, mã 2.000815"
    masked = mask_personal(text)
    for secret in ("001090123456", "012345678", "0912345678", "+84912345678"):
        assert secret not in masked
    assert "*********456" in masked
    assert "2.000815" in masked  # a procedure code is no personal data


def test_headless_command_writes_the_log_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli.main(["seed-demo", "--dossiers", "0", "--data-dir", str(data)]) == 0
    log_file = data / "logs" / LOG_FILE
    assert log_file.exists(), list(data.rglob("*"))
    assert "command: seed-demo" in log_file.read_text(encoding="utf-8")


def test_setup_is_idempotent_and_masks(tmp_path: Path) -> None:
    root = logging.getLogger()
    path = setup_logging(tmp_path, console_level=None)
    setup_logging(tmp_path, console_level=None)
    ours = [h for h in root.handlers if getattr(h, "_motcua_handler", False)]
    assert len(ours) == 1  # the second call replaced the first's handlers
    logging.getLogger("x").warning("khách %s gọi từ %s", "Nguyễn Văn A", "0912345678")
    for h in root.handlers:
        h.flush()
    content = path.read_text(encoding="utf-8")
    assert "0912345678" not in content and "*******678" in content

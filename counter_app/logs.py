"""Logging of every entry point (GUI, kiosk, display, operator commands): one rotating file.

Configured in the core so that a headless ``counter-app sync`` run from a scheduled task logs
as the GUI does. Personal data never reaches the file: ID-card numbers and phone numbers are
masked in every record by a filter on the handlers (the code keeps them out of messages too;
this is the net under it).
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "counter-app.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# 12-digit CCCD, 9-digit old ID and Vietnamese phone numbers (0 + 9 or 10 digits, or +84).
_PERSONAL = re.compile(r"(?<!\d)(?:\+84\d{9,10}|0\d{9,10}|\d{12}|\d{9})(?!\d)")
_MARK = "_motcua_handler"


def mask_personal(text: str) -> str:
    """Replace ID and phone numbers by their last three digits behind asterisks."""
    return _PERSONAL.sub(lambda m: "*" * (len(m.group()) - 3) + m.group()[-3:], text)


class PersonalDataFilter(logging.Filter):
    """Masks ID and phone numbers in the final message (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message; never drops a record."""
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(log_dir: Path, level: str = "INFO", *,
                  console_level: str | None = "INFO") -> Path:
    """Log to ``log_dir/counter-app.log`` (rotated), and to stderr at ``console_level``.

    Idempotent: a second call replaces the handlers of the first. Alembic's migration chatter
    stays in the file only. Returns the log file's path.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
        old.close()
    handlers: list[logging.Handler] = [
        RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")]
    if console_level is not None:
        console = logging.StreamHandler()
        console.setLevel(console_level)
        console.addFilter(lambda r: not r.name.startswith("alembic") or r.levelno >= logging.WARNING)
        handlers.append(console)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(PersonalDataFilter())
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    return path

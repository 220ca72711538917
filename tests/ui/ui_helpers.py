"""Shared test data and doubles for the Qt tests."""

from __future__ import annotations

QR_NHUNG = ("001190012345||Nguyễn Thị Hồng Nhung|15031990|Nữ|"
            "Số 12 ngõ 34 Thụy Khuê, phường Thụy Khuê, Hà Nội|01012022")


class RecordingOutput:
    """Stands in for ReceiptOutput: records what would have been printed."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, bytes, bytes | None]] = []

    def deliver(self, code: str, receipt_pdf: bytes, slip_pdf: bytes | None, *,
                mode: str | None = None) -> None:
        """Record instead of printing."""
        self.delivered.append((code, receipt_pdf, slip_pdf))


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` the way a keyboard-wedge scanner does: one key event per character.

    ``qtbot.keyClicks`` cannot be used for Vietnamese: QTest maps characters to keys through
    a Latin-1 table and aborts (qasciikey.cpp ASSERT) on "ễ". A scanner sends key events
    carrying the character text, which is what this sends.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))

"""The Qt binding must not leak references to None/True/False away.

PySide6 6.12.0 dropped one reference to None on every call of a method returning void. On
Python 3.11 None and the booleans are not immortal, so a counter left open for a shift (or a
long test worker) died with "Fatal Python error: none_dealloc" / "bool_dealloc". The
dependency pin in pyproject.toml keeps that release out; this test says so if it comes back.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

CALLS = 300


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None/True/False are immortal from 3.12")
def test_void_and_bool_calls_keep_singleton_references(qtbot) -> None:  # type: ignore[no-untyped-def]
    box, line, combo, widget, obj, timer = (
        QCheckBox(),
        QLineEdit(),
        QComboBox(),
        QWidget(),
        QObject(),
        QTimer(),
    )
    qtbot.addWidget(widget)
    calls = [
        lambda: box.setChecked(True),
        lambda: box.setChecked(False),
        box.isChecked,
        lambda: line.setText("Nguyễn Văn A"),
        line.clear,
        lambda: combo.setCurrentIndex(-1),
        lambda: widget.setEnabled(True),
        widget.hide,
        widget.isVisible,
        lambda: obj.setObjectName("x"),
        lambda: obj.property("missing"),
        timer.stop,
        timer.isActive,
    ]
    for call in calls:  # warm up: first calls may cache
        call()
    before = _counts()
    for call in calls:
        for _ in range(CALLS):
            call()
    after = _counts()
    lost = [b - a for a, b in zip(before, after, strict=True)]
    # A healthy binding loses nothing; the broken one lost one per void call (> 1000 here).
    assert min(lost) > -CALLS // 10, f"references lost (None, True, False): {lost}"

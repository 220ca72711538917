"""Application font and style sheet: one place for the look of every screen."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

# Fonts known to cover Vietnamese, in order of preference (Windows ward PCs, then Linux).
FONT_FAMILIES = ("Segoe UI", "Arial", "Noto Sans", "DejaVu Sans")

STYLE_SHEET = """
QMainWindow, QDialog { background: #f4f6f9; }
QGroupBox { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 6px;
            margin-top: 14px; padding: 10px 8px 8px 8px; font-weight: bold; color: #1f3b63; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QGroupBox QLabel, QGroupBox QRadioButton, QGroupBox QCheckBox { font-weight: normal; color: #222; }
QLineEdit, QPlainTextEdit {
    border: 1px solid #b9c2ce; border-radius: 4px; padding: 3px 5px; background: #ffffff; }
QLineEdit:focus, QPlainTextEdit:focus { border: 1px solid #1f6feb; }
QLineEdit[error="true"], QPlainTextEdit[error="true"] { border: 1px solid #c62828;
                                                         background: #fff5f5; }
QDateEdit[error="true"], QSpinBox[error="true"], QComboBox[error="true"],
QScrollArea[error="true"], QWidget[error="true"] { background: #fdecea; }
QWidget#componentChecklist { background: #ffffff; }
QLabel#procedureName { font-weight: bold; color: #1f3b63; }
QLabel[role="error"] { color: #c62828; font-weight: normal; }
QLabel[role="hint"] { color: #6b7785; font-weight: normal; }
QLabel[role="columnHeader"] { color: #45556b; font-weight: bold; }
QLabel[role="info"] { color: #1f3b63; font-weight: normal; }
QLineEdit#scanField { font-size: 11pt; padding: 6px; border: 2px dashed #1f6feb;
                      background: #f3f8ff; }
QLabel#banner[kind="success"] { background: #e6f4ea; color: #1e5631; border: 1px solid #9fd3ad;
                                 border-radius: 4px; padding: 8px; font-weight: bold; }
QLabel#banner[kind="error"] { background: #fdecea; color: #8e1c14; border: 1px solid #f2a49c;
                               border-radius: 4px; padding: 8px; font-weight: bold; }
QPushButton { padding: 6px 14px; border: 1px solid #b9c2ce; border-radius: 4px;
              background: #ffffff; }
QPushButton:hover { background: #eef3fa; }
QPushButton#primary { background: #1f6feb; color: white; border: 1px solid #1a5fcc;
                      font-weight: bold; padding: 8px 22px; }
QPushButton#primary:disabled { background: #9dbcf0; }
QTabWidget::pane { border: 0; }
QTabBar::tab { padding: 8px 18px; }
QTableView { background: #ffffff; gridline-color: #e3e7ed; selection-background-color: #cfe0fb;
             selection-color: #111; }
QHeaderView::section { background: #eef1f5; padding: 5px; border: 0;
                       border-bottom: 1px solid #d5dbe3; font-weight: bold; }
QStatusBar { background: #e9edf2; }
QStatusBar QLabel { padding: 0 8px; }
"""


def apply_style(app: QApplication) -> None:
    """Set a Vietnamese-capable application font and the style sheet."""
    available = set(QFontDatabase.families())
    family = next((f for f in FONT_FAMILIES if f in available), "")
    font = QFont(family, 10) if family else QFont()
    if not family:
        font.setPointSize(10)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)


def set_error_state(widget: QWidget, on: bool) -> None:
    """Mark a field as wrong (red border) or clear the mark."""
    if bool(widget.property("error")) == on:
        return
    widget.setProperty("error", on)
    widget.style().unpolish(widget)
    widget.style().polish(widget)

"""The needs-attention list and the enrolment dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import from_db, local
from counter_app.sync.store import AttentionItem


class AttentionDialog(QDialog):
    """Events the server rejected or quarantined (or stranded by an identity change)."""

    def __init__(self, items: list[AttentionItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sự kiện cần xử lý")
        self.resize(820, 360)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Các sự kiện dưới đây không được máy chủ nhận. Chúng vẫn được giữ "
                             "trên máy này; hãy báo quản trị (có thể xuất bằng "
                             "counter-app export-outbox)."))
        self.table = QTableWidget(len(items), 4, self)
        self.table.setHorizontalHeaderLabels(["STT", "Loại", "Thời điểm (máy)", "Lý do"])
        for row, it in enumerate(items):
            when = f"{local(from_db(it.device_time)):%H:%M %d/%m/%Y}" if it.device_time else ""
            for col, value in enumerate((str(it.device_seq), it.type, when, it.error)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


class EnrolDialog(QDialog):
    """Server address and one-time code; the presenter runs the enrolment off the GUI."""

    enrol_requested = Signal(str, str)
    """(server URL, code)."""

    def __init__(self, server_url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Đăng ký với máy chủ cấp trên")
        form = QFormLayout(self)
        self.server = QLineEdit(server_url, objectName="enrol_server")
        self.server.setPlaceholderText("https://mot-cua.quan.example.vn")
        self.code = QLineEdit(objectName="enrol_code")
        self.code.setPlaceholderText("K7QM-2XPA-9RTD")
        self.message = QLabel("", objectName="enrol_message")
        self.message.setWordWrap(True)
        form.addRow("Địa chỉ máy chủ", self.server)
        form.addRow("Mã đăng ký", self.code)
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _on_ok(self) -> None:
        self.set_busy(True)
        self.enrol_requested.emit(self.server.text().strip(), self.code.text().strip())

    def set_busy(self, busy: bool) -> None:
        """While the request runs."""
        self.buttons.setEnabled(not busy)
        if busy:
            self.message.setText("Đang đăng ký…")

    def show_error(self, text: str) -> None:
        """A refusal, in Vietnamese."""
        self.set_busy(False)
        self.message.setText(text)

"""One dossier in full (the only place showing the whole ID number), with reprint."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.clock import local
from counter_app.domain.lifecycle import channel_label_vi, status_label_vi
from counter_app.services.read_models import DossierPublic
from counter_app.services.receipts import DELIVERY_TEXT


class DossierDetailDialog(QDialog):
    """Details, components and a "In lại phiếu" button."""

    reprint_requested = Signal(str)

    def __init__(self, d: DossierPublic, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dossier = d
        self.setWindowTitle(f"Hồ sơ {d.code}")
        self.resize(760, 560)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        rows = (
            ("Mã hồ sơ", d.code), ("Thủ tục", f"{d.procedure_name} ({d.procedure_code})"),
            ("Trạng thái", status_label_vi(d.status)),
            ("Người nộp", d.applicant_name), ("Số CCCD", d.id_number),
            ("Ngày sinh", f"{d.birth_date:%d/%m/%Y}" if d.birth_date else ""),
            ("Địa chỉ", d.address), ("Điện thoại", d.phone), ("Email", d.email),
            ("Kênh", channel_label_vi(d.channel)), ("Số bộ", str(d.sets_count)),
            ("Ngày nhận", f"{local(d.received_at):%H:%M %d/%m/%Y}"),
            ("Hẹn trả", f"{local(d.due_at):%H:%M %d/%m/%Y}"),
            ("Nhận kết quả", DELIVERY_TEXT.get(d.result_delivery, d.result_delivery)),
            ("Cán bộ tiếp nhận", f"{d.official_name} — Quầy số {d.counter_no}"),
        )
        for label, value in rows:
            v = QLabel(value)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setWordWrap(True)
            form.addRow(label, v)
        self.components = QTableWidget(len(d.components), 4)
        self.components.setHorizontalHeaderLabels(
            ["Thành phần hồ sơ", "Bản chính", "Bản sao CT", "Bản photo"])
        self.components.verticalHeader().setVisible(False)
        self.components.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r, c in enumerate(d.components):
            values = (c.name, str(c.originals), str(c.certified_copies), str(c.photocopies))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.components.setItem(r, col, item)
        self.reprint_button = QPushButton("In lại phiếu")
        self.reprint_button.setObjectName("primary")
        close = QPushButton("Đóng")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(close)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.components, 1)
        root.addLayout(buttons)
        self.reprint_button.clicked.connect(lambda: self.reprint_requested.emit(d.code))
        close.clicked.connect(self.accept)

"""Settings of the ward hub: this PC's role, pairing with the hub, the hub's status.

Network and disk work run on the task runner; the dialog only draws and reacts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.hub import link, peers
from counter_app.hub.roles import ROLES, get_role, set_role
from counter_app.hub.status import HubStatus, hub_status
from counter_app.services.context import AppServices
from ui.tasks import TaskRunner


class HubSettingsDialog(QDialog):
    """Role radio buttons, the pairing form, the hub's paired PCs and relay backlog."""

    role_chosen = Signal(str)
    find_requested = Signal()
    pair_requested = Signal(str, str)
    """(hub address, pairing code)"""
    code_requested = Signal()
    revoke_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Máy chủ phường (hub)"))
        labels = {"standalone": self.tr("Máy độc lập (không dùng máy chủ phường)"),
                  "counter": self.tr("Máy quầy"),
                  "hub": self.tr("Máy lấy số + máy chủ phường (hub)"),
                  "display": self.tr("Màn hình gọi số")}
        self.roles = QButtonGroup(self)
        role_box = QGroupBox(self.tr("Vai trò của máy này"))
        rl = QVBoxLayout(role_box)
        self.role_buttons: dict[str, QRadioButton] = {}
        for i, role in enumerate(ROLES):
            b = QRadioButton(labels[role])
            self.roles.addButton(b, i)
            self.role_buttons[role] = b
            rl.addWidget(b)
        self.roles.idClicked.connect(lambda i: self.role_chosen.emit(ROLES[i]))
        self.pair_box = QGroupBox(self.tr("Ghép nối với máy chủ phường"))
        form = QFormLayout(self.pair_box)
        self.url_edit = QLineEdit(placeholderText="http://192.168.1.10:8765")
        self.find_button = QPushButton(self.tr("Tìm trong mạng"))
        row = QHBoxLayout()
        row.addWidget(self.url_edit)
        row.addWidget(self.find_button)
        form.addRow(self.tr("Địa chỉ"), row)
        self.code_edit = QLineEdit(placeholderText=self.tr("6 chữ số hiện trên máy chủ"))
        form.addRow(self.tr("Mã ghép nối"), self.code_edit)
        self.pair_button = QPushButton(self.tr("Ghép nối"))
        form.addRow(self.pair_button)
        self.hub_box = QGroupBox(self.tr("Trạng thái máy chủ phường"))
        hl = QVBoxLayout(self.hub_box)
        self.code_button = QPushButton(self.tr("Tạo mã ghép nối"))
        self.code_label = QLabel(objectName="pairing_code")
        self.code_label.setStyleSheet("font-size:32px;font-weight:bold;")
        self.peers_table = QTableWidget(0, 4)
        self.peers_table.setHorizontalHeaderLabels(
            [self.tr("Tên máy"), self.tr("Vai trò"), self.tr("Lần cuối"), self.tr("Trạng thái")])
        self.revoke_button = QPushButton(self.tr("Thu hồi máy đã chọn"))
        self.backlog_label = QLabel()
        for w in (self.code_button, self.code_label, self.peers_table, self.revoke_button,
                  self.backlog_label):
            hl.addWidget(w)
        self.message = QLabel(wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (role_box, self.pair_box, self.hub_box, self.message, buttons):
            layout.addWidget(w)
        self.find_button.clicked.connect(self.find_requested)
        self.pair_button.clicked.connect(
            lambda: self.pair_requested.emit(self.url_edit.text(), self.code_edit.text()))
        self.code_button.clicked.connect(self.code_requested)
        self.revoke_button.clicked.connect(self._on_revoke_clicked)
        self._peer_ids: list[str] = []

    def set_role(self, role: str) -> None:
        """Check the role and show the parts that matter for it."""
        self.role_buttons[role].setChecked(True)
        self.pair_box.setVisible(role in ("counter", "display"))
        self.code_button.setVisible(role == "hub")
        self.revoke_button.setVisible(role == "hub")

    def set_status(self, st: HubStatus) -> None:
        """Paired PCs, last seen, relay backlog."""
        self.peers_table.setRowCount(len(st.peers))
        self._peer_ids = [p.peer_id for p in st.peers]
        for r, p in enumerate(st.peers):
            state = self.tr("đã thu hồi") if p.revoked else self.tr("hoạt động")
            for c, v in enumerate((p.name, p.role, p.last_seen_at or "-", state)):
                self.peers_table.setItem(r, c, QTableWidgetItem(v))
        if st.hub_url:
            self.url_edit.setText(st.hub_url)
        pending = st.backlog.get("pending", 0)
        self.backlog_label.setText(self.tr("Sự kiện chờ gửi lên máy chủ cấp trên: %n", "",
                                           pending))

    def _on_revoke_clicked(self) -> None:
        row = self.peers_table.currentRow()
        if 0 <= row < len(self._peer_ids):
            self.revoke_requested.emit(self._peer_ids[row])


class HubSettingsPresenter(QObject):
    """Runs the dialog's requests on the task runner."""

    def __init__(self, dialog: HubSettingsDialog, services: AppServices, runner: TaskRunner,
                 data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog, self._services, self._runner, self._dir = dialog, services, runner, data_dir
        dialog.role_chosen.connect(self._on_role_chosen)
        dialog.find_requested.connect(self._on_find_requested)
        dialog.pair_requested.connect(self._on_pair_requested)
        dialog.code_requested.connect(self._on_code_requested)
        dialog.revoke_requested.connect(self._on_revoke_requested)

    def start(self) -> None:
        """Load the role and the status."""
        task = self._runner.run_db(get_role, self._services.engine)
        task.succeeded.connect(self.dialog.set_role)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Re-read the hub's status (the network on a paired PC: the I/O pool)."""
        task = self._runner.run_io(hub_status, self._services.engine, self._dir)
        task.succeeded.connect(self.dialog.set_status)
        task.failed.connect(self._on_failed)

    @Slot(str)
    def _on_role_chosen(self, role: str) -> None:
        task = self._runner.run_db(set_role, self._services.engine, role)
        task.succeeded.connect(lambda _r: self.dialog.set_role(role))
        task.failed.connect(self._on_failed)

    @Slot()
    def _on_find_requested(self) -> None:
        from counter_app.hub.discovery import browse

        task = self._runner.run_io(browse, timeout_s=3.0)
        task.succeeded.connect(self._on_found)
        task.failed.connect(self._on_failed)

    @Slot(object)
    def _on_found(self, found: list[object]) -> None:
        if found:
            self.dialog.url_edit.setText(found[0].url)  # type: ignore[attr-defined]
            self.dialog.message.setText(self.tr("Đã tìm thấy máy chủ phường."))
        else:
            self.dialog.message.setText(
                self.tr("Không tìm thấy máy chủ phường trong mạng; hãy nhập địa chỉ."))

    @Slot(str, str)
    def _on_pair_requested(self, url: str, code: str) -> None:
        role = "display" if self.dialog.role_buttons["display"].isChecked() else "counter"
        task = self._runner.run_io(link.pair, self._services.engine, self._dir,
                                   self._services.clock.now(), url=url, code=code,
                                   name=_pc_name(), role=role)
        task.succeeded.connect(self._on_paired)
        task.failed.connect(self._on_failed)

    @Slot(object)
    def _on_paired(self, got: link.HubLink) -> None:
        self.dialog.message.setText(self.tr("Đã ghép nối với %1.").replace("%1", got.hub_name))
        self.refresh()

    @Slot()
    def _on_code_requested(self) -> None:
        task = self._runner.run_db(peers.new_code, self._services.engine,
                                   self._services.clock.now())
        task.succeeded.connect(self.dialog.code_label.setText)
        task.failed.connect(self._on_failed)

    @Slot(str)
    def _on_revoke_requested(self, peer_id: str) -> None:
        task = self._runner.run_db(peers.revoke, self._services.engine, peer_id,
                                   self._services.clock.now())
        task.succeeded.connect(lambda _r: self.refresh())
        task.failed.connect(self._on_failed)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.dialog.message.setText(getattr(exc, "message_vi", None)
                                    or self.tr("Không thực hiện được."))


def _pc_name() -> str:
    import platform

    return platform.node() or "PC"


def open_hub_settings(parent: QWidget, services: AppServices, runner: TaskRunner) -> None:
    """Show the hub settings for this PC's store (modeless; it cleans up when closed)."""
    data_dir = Path(str(services.engine.url.database)).parent
    dialog = HubSettingsDialog(parent)
    presenter = HubSettingsPresenter(dialog, services, runner, data_dir, parent=dialog)
    presenter.start()
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()

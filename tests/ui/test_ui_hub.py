"""The hub settings: role, pairing through the dialog, the hub's code, paired PCs and revocation;
a paired hall display follows the hub's push channel. Waits on conditions, never sleeps."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
os.environ.setdefault("MOTCUA_CREDENTIAL_STORE", "file")

from hub_helpers import LiveHub, client_for, set_up_store

from counter_app.domain.clock import SystemClock
from counter_app.hub.roles import get_role, set_role
from counter_app.services.context import open_services
from ui.hub.launch import hub_port
from ui.hub.link_state import HubLinkSignals, LinkBanner
from ui.hub.settings_dialog import HubSettingsDialog, HubSettingsPresenter
from ui.queue.display import DisplayPresenter, HallDisplayWindow


def test_pair_from_the_dialog_then_revoke_on_the_hub(qtbot, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with LiveHub(tmp_path / "hub") as hub:
        set_role(hub.rt.engine, "hub")
        hub_dialog = HubSettingsDialog()
        qtbot.addWidget(hub_dialog)
        HubSettingsPresenter(hub_dialog, hub.rt.services, runner, hub.data_dir,
                             parent=hub_dialog).start()
        hub_dialog.code_requested.emit()
        qtbot.waitUntil(lambda: len(hub_dialog.code_label.text()) == 6, timeout=10_000)
        code = hub_dialog.code_label.text()

        set_up_store(tmp_path / "c1")
        svc = open_services(tmp_path / "c1" / "counter.db", SystemClock())
        dialog = HubSettingsDialog()
        qtbot.addWidget(dialog)
        HubSettingsPresenter(dialog, svc, runner, tmp_path / "c1", parent=dialog).start()
        dialog.role_buttons["counter"].click()
        qtbot.waitUntil(lambda: get_role(svc.engine) == "counter", timeout=10_000)
        dialog.pair_requested.emit(hub.url, "000000")
        qtbot.waitUntil(lambda: "không đúng" in dialog.message.text(), timeout=10_000)
        dialog.pair_requested.emit(hub.url, code)
        qtbot.waitUntil(lambda: dialog.message.text().startswith("Đã ghép nối"), timeout=10_000)
        qtbot.waitUntil(lambda: dialog.peers_table.rowCount() == 1, timeout=10_000)

        hub_presenter = HubSettingsPresenter(hub_dialog, hub.rt.services, runner, hub.data_dir)
        hub_presenter.refresh()
        qtbot.waitUntil(lambda: hub_dialog.peers_table.rowCount() == 1, timeout=10_000)
        hub_dialog.peers_table.setCurrentCell(0, 0)
        hub_dialog.revoke_button.click()
        qtbot.waitUntil(lambda: hub_dialog.peers_table.item(0, 3).text() == "đã thu hồi",
                        timeout=10_000)
        svc.close()


def test_paired_display_follows_the_hub_and_says_when_it_is_lost(qtbot, runner,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    hub = LiveHub(tmp_path / "hub")
    with hub:
        hub.pair(tmp_path / "display", role="display")
        hub.pair(tmp_path / "c1")
        svc = open_services(tmp_path / "display" / "counter.db", SystemClock())
        port = hub_port(svc, tmp_path / "display")
        assert port is not None
        view = HallDisplayWindow()
        qtbot.addWidget(view)
        presenter = DisplayPresenter(view, svc, runner, queue=port)
        banner = LinkBanner(view)
        HubLinkSignals(port, view).state_changed.connect(banner.show_state)
        presenter.start()
        with client_for(tmp_path / "c1") as c:
            c.act("issue", prefix="A")
            t = c.act("call-next", counter=1)
        assert t is not None
        qtbot.waitUntil(lambda: view.newest_text().startswith(t.number), timeout=10_000)
        assert banner.isHidden()
    qtbot.waitUntil(lambda: not banner.isHidden(), timeout=10_000)  # hub gone: said plainly
    assert "máy chủ phường" in banner.text()
    presenter.stop()
    port.close()
    svc.close()


def test_paired_kiosk_and_counter_panel_act_through_the_hub(qtbot, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from escpos.printer import Dummy
    from PySide6.QtCore import Qt

    from ui.queue.counter_panel import CounterQueuePanel, CounterQueuePresenter
    from ui.queue.kiosk import KioskPresenter, KioskWindow
    from ui.queue.ticket_output import TicketPrinter

    with LiveHub(tmp_path / "hub") as hub:
        hub.pair(tmp_path / "kiosk", role="kiosk")
        hub.pair(tmp_path / "c1")
        ksvc = open_services(tmp_path / "kiosk" / "counter.db", SystemClock())
        csvc = open_services(tmp_path / "c1" / "counter.db", SystemClock())
        kport, cport = hub_port(ksvc, tmp_path / "kiosk"), hub_port(csvc, tmp_path / "c1", 2)
        assert kport is not None and cport is not None
        kiosk = KioskWindow()
        qtbot.addWidget(kiosk)
        kp = KioskPresenter(kiosk, ksvc, runner, TicketPrinter(runner, {"kind": "dummy"},
                                                               printer=Dummy()),
                            parent=kiosk, queue=kport)
        kp.start()
        qtbot.waitUntil(lambda: "A" in kiosk.buttons, timeout=10_000)
        with qtbot.waitSignal(kp.ticket_printed, timeout=10_000) as printed:
            qtbot.mouseClick(kiosk.buttons["A"], Qt.MouseButton.LeftButton)
        assert printed.args == ["A001"]
        assert ksvc.queue.board().waiting[0].waiting == 0  # numbered on the hub, not here
        panel = CounterQueuePanel()
        qtbot.addWidget(panel)
        cp = CounterQueuePresenter(panel, csvc, runner, counter_no=2, queue=cport)
        with qtbot.waitSignal(cp.state_changed, timeout=10_000):
            cp.start()
        with qtbot.waitSignal(cp.current_ticket_changed, timeout=10_000) as called:
            qtbot.mouseClick(panel.buttons["next"], Qt.MouseButton.LeftButton)
        assert called.args[0].number == "A001"
        assert hub.rt.services.queue.counter_state(2).current.number == "A001"
        cp.stop()
        for p in (kport, cport):
            p.close()
        ksvc.close()
        csvc.close()

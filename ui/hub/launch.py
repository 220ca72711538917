"""Starting the queue windows of a PC that is part of a ward hub.

- ``--display`` on a paired PC follows the hub's push channel (no local queue).
- ``--kiosk`` on the hub PC (role ``hub``) starts ``counter-app hub serve`` as a child process
  on the same data directory and stops it when the kiosk closes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from counter_app.hub.link import hub_token, load_link, open_client
from counter_app.hub.port import HubQueuePort
from counter_app.services.context import AppServices
from ui.hub.link_state import HubLinkSignals, LinkBanner
from ui.queue.display import DisplayPresenter, HallDisplayWindow
from ui.queue.launch import _app
from ui.queue.speech import Announcer
from ui.tasks import TaskRunner


def hub_port(services: AppServices, data_dir: Path,
             counter_no: int | None = None) -> HubQueuePort | None:
    """The hub's queue for a paired PC (already following the push channel), else None."""
    link = load_link(services.engine)
    client = open_client(services.engine, data_dir)
    if link is None or client is None:
        return None
    port = HubQueuePort(client, hub_token(data_dir, link), counter_no=counter_no)
    port.follow()
    return port


def run_hub_display(services: AppServices, port: HubQueuePort, *,
                    screen_index: int | None = None) -> int:
    """The hall display, following the hub."""
    app = _app()
    runner = TaskRunner()
    window = HallDisplayWindow()
    rules = services.queue.settings()
    announcer = Announcer(runner, zero_tens=rules.zero_tens, parent=window)
    presenter = DisplayPresenter(window, services, runner, announcer=announcer, parent=window,
                                 queue=port)
    banner = LinkBanner(window)
    signals = HubLinkSignals(port, window)
    signals.state_changed.connect(banner.show_state)
    screens = QGuiApplication.screens()
    if screens:
        index = len(screens) - 1 if screen_index is None else screen_index
        screen = screens[max(0, min(index, len(screens) - 1))]
        window.setScreen(screen)
        window.move(screen.geometry().topLeft())
    presenter.start()
    window.showFullScreen()
    code = app.exec()
    presenter.stop()
    port.close()
    runner.wait_idle()
    return int(code)


def link_window(window: Any, port: HubQueuePort, sync: Any) -> None:
    """On a counter's main window: a banner while the hub is away, a sync pass at once when
    the hub relays new ward events, and after each dossier received here."""
    banner = LinkBanner(window)
    signals = HubLinkSignals(port, window)
    signals.state_changed.connect(banner.show_state)
    signals.relayed.connect(sync.sync_now)
    window.intake.dossier_received.connect(sync.sync_now)


def start_hub_child(data_dir: Path, port: int = 8765) -> subprocess.Popen[bytes]:
    """``counter-app hub serve`` for the kiosk PC, on its data directory."""
    return subprocess.Popen([sys.executable, "-m", "counter_app", "--data-dir", str(data_dir),
                             "hub", "serve", "--port", str(port)])

"""The hub announces itself over mDNS/DNS-SD; a PC finds it (on loopback, where multicast may
not pass: then the test is skipped with the reason, and pairing by address still works)."""

from __future__ import annotations

import pytest

from counter_app.hub.discovery import Announcer, browse


def test_announced_hub_is_found_on_loopback() -> None:
    try:
        announcer = Announcer(port=48765, ward_code="000.00.12.H26", name="Hub thử",
                              host="127.0.0.1", interfaces=["127.0.0.1"])
    except OSError as exc:
        pytest.skip(f"no multicast socket here: {exc}")
    try:
        found = browse(timeout_s=3.0, interfaces=["127.0.0.1"])
        if not found:
            pytest.skip("multicast does not loop back on this machine (no mDNS answer)")
        mine = [h for h in found if h.url == "http://127.0.0.1:48765"]
        assert mine and mine[0].ward_code == "000.00.12.H26"
        assert browse(timeout_s=1.0, ward_code="999.99.99.H99",
                      interfaces=["127.0.0.1"]) == []  # another ward's PCs do not list it
    finally:
        announcer.close()

"""Finding the hub on the LAN: DNS-SD over mDNS (python-zeroconf), ``_motcua-hub._tcp``.

The announcement carries the ward's code so a PC lists only its own ward's hub; trust never
comes from it (anyone can announce): pairing with the code shown on the hub does that. Where
multicast does not pass (some Wi-Fi, some switches) the hub is set by address instead.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, ServiceListener, Zeroconf

from counter_app.hub.wire import SERVICE_TYPE


@dataclass(frozen=True)
class FoundHub:
    """A hub heard on the LAN."""

    name: str
    url: str
    ward_code: str


def _local_address() -> str:
    """The address other PCs reach this one at (the interface of the default route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


class Announcer:
    """Announces this hub until ``close()``."""

    def __init__(self, *, port: int, ward_code: str, name: str, host: str | None = None,
                 interfaces: list[str] | None = None) -> None:
        address = host or _local_address()
        self._zc = Zeroconf(interfaces=interfaces or [address], ip_version=IPVersion.V4Only)
        label = f"{name or 'Hub'} {ward_code or ''}".strip()[:60]
        self._info = ServiceInfo(
            SERVICE_TYPE, f"{label}.{SERVICE_TYPE}", port=port,
            addresses=[socket.inet_aton(address)],
            properties={"ward": ward_code, "name": name, "path": "/hub/v1"},
            server=f"motcua-hub-{port}.local.")
        self._zc.register_service(self._info, allow_name_change=True)

    def close(self) -> None:
        """Withdraw the announcement."""
        self._zc.unregister_service(self._info)
        self._zc.close()


class _Collect(ServiceListener):
    def __init__(self) -> None:
        self.names: list[str] = []
        self.seen = threading.Event()

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        self.names.append(name)
        self.seen.set()

    def update_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        """Nothing to do: the address is read when the name is resolved."""

    def remove_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        """Nothing to do."""


def browse(*, timeout_s: float = 3.0, ward_code: str = "",
           interfaces: list[str] | None = None) -> list[FoundHub]:
    """Hubs announced on the LAN within ``timeout_s`` (of one ward when given)."""
    zc = Zeroconf(interfaces=interfaces or [_local_address()], ip_version=IPVersion.V4Only)
    listener = _Collect()
    browser = ServiceBrowser(zc, SERVICE_TYPE, listener)
    try:
        listener.seen.wait(timeout_s)
        out = []
        for name in list(listener.names):
            info = zc.get_service_info(SERVICE_TYPE, name, timeout=int(timeout_s * 1000))
            if info is None or not info.parsed_addresses():
                continue
            props = {k.decode(): (v or b"").decode() for k, v in info.properties.items()}
            if ward_code and props.get("ward", "").upper() != ward_code.upper():
                continue
            out.append(FoundHub(props.get("name", name), f"http://{info.parsed_addresses()[0]}:"
                                f"{info.port}", props.get("ward", "")))
        return out
    finally:
        browser.cancel()
        zc.close()

"""``counter-app hub serve|code|pair|peers|revoke|status|unpair`` (each takes --data-dir)."""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path
from typing import Any


def add_hub_parser(sub: Any) -> None:
    """Register ``hub`` and its actions on the main parser."""
    p = sub.add_parser("hub", help="máy chủ phường trong mạng nội bộ (hub): chạy, ghép nối")
    hs = p.add_subparsers(dest="hub_action", required=True)
    s = hs.add_parser("serve", help="chạy máy chủ phường trên máy này")
    s.add_argument("--host", default="0.0.0.0", help="địa chỉ lắng nghe")
    s.add_argument("--port", type=int, default=8765, help="cổng (0 = tự chọn)")
    s.add_argument("--name", default="", help="tên hiển thị của máy chủ phường")
    s.add_argument("--no-announce", action="store_true", help="không quảng bá trên mạng (mDNS)")
    s.set_defaults(fn=cmd_serve)
    s = hs.add_parser("code", help="tạo mã ghép nối (dòng cuối)")
    s.set_defaults(fn=cmd_code)
    s = hs.add_parser("pair", help="ghép nối máy này với máy chủ phường")
    s.add_argument("--url", default=None, help="địa chỉ máy chủ phường; bỏ trống để tự tìm")
    s.add_argument("--code", required=True)
    s.add_argument("--role", choices=["counter", "kiosk", "display"], default="counter")
    s.add_argument("--name", default=platform.node() or "PC")
    s.set_defaults(fn=cmd_pair)
    s = hs.add_parser("peers", help="các máy đã ghép nối (trên máy chủ phường)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_peers)
    s = hs.add_parser("revoke", help="thu hồi một máy đã ghép nối")
    s.add_argument("peer_id")
    s.set_defaults(fn=cmd_revoke)
    s = hs.add_parser("status", help="trạng thái máy chủ phường, hỏi qua mạng")
    s.set_defaults(fn=cmd_status)
    s = hs.add_parser("unpair", help="bỏ ghép nối, máy này chạy độc lập")
    s.set_defaults(fn=cmd_unpair)
    s = hs.add_parser("find", help="tìm máy chủ phường trong mạng nội bộ (mDNS)")
    s.add_argument("--timeout", type=float, default=3.0)
    s.set_defaults(fn=cmd_find)


def _data_dir(args: argparse.Namespace) -> Path:
    from counter_app.config import Settings

    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    settings.ensure_dirs()
    return settings.data_dir


def _services(args: argparse.Namespace) -> Any:
    from counter_app.services.context import open_services

    return open_services(_data_dir(args) / "counter.db")


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the hub until interrupted."""
    from counter_app.hub.server import serve

    return serve(_data_dir(args), host=args.host, port=args.port, name=args.name,
                 announce=not args.no_announce)


def cmd_code(args: argparse.Namespace) -> int:
    """A fresh pairing code, valid ten minutes, on the last line."""
    from counter_app.hub import peers

    svc = _services(args)
    code = peers.new_code(svc.engine, svc.clock.now())
    print("Mã ghép nối (dùng một lần, trong 10 phút):")
    print(code)
    return 0


def cmd_pair(args: argparse.Namespace) -> int:
    """Pair this PC with the hub (found on the LAN when --url is not given)."""
    from counter_app.hub import link
    from counter_app.hub.errors import HubUnavailable

    svc = _services(args)
    url = args.url
    if url is None:
        from counter_app.hub.discovery import browse

        found = browse(timeout_s=3.0)
        if not found:
            raise HubUnavailable("Không tìm thấy máy chủ phường trong mạng; hãy nhập --url.")
        url = found[0].url
    got = link.pair(svc.engine, _data_dir(args), svc.clock.now(), url=url, code=args.code,
                    name=args.name, role=args.role)
    print(f"Đã ghép nối với {got.hub_name} ({got.ward_code}) tại {got.hub_url}, "
          f"vai trò {got.role}.")
    return 0


def cmd_peers(args: argparse.Namespace) -> int:
    """List the PCs paired with this hub."""
    from counter_app.hub import peers

    rows = peers.peers(_services(args).engine)
    for p in rows:
        if args.json:
            print(json.dumps(vars(p), ensure_ascii=False))
        else:
            state = "thu hồi" if p.revoked else "hoạt động"
            print(f"{p.peer_id}\t{p.role}\t{p.name}\t{p.last_seen_at or '-'}\t{state}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    """Refuse a paired PC from now on."""
    from counter_app.hub import peers

    svc = _services(args)
    if not peers.revoke(svc.engine, args.peer_id, svc.clock.now()):
        print("Không có máy này (hoặc đã thu hồi).")
        return 1
    print(f"Đã thu hồi {args.peer_id}.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """The hub's status as seen from this PC (JSON)."""
    from counter_app.hub import link
    from counter_app.hub.errors import NotPaired

    svc = _services(args)
    client = link.open_client(svc.engine, _data_dir(args))
    if client is None:
        raise NotPaired("Máy này chưa ghép nối với máy chủ phường.")
    with client:
        print(json.dumps(client.status(), ensure_ascii=False))
    return 0


def cmd_unpair(args: argparse.Namespace) -> int:
    """Forget the hub."""
    from counter_app.hub import link

    link.unpair(_services(args).engine)
    print("Máy này chạy độc lập (không qua máy chủ phường).")
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    """Hubs announced on the LAN, one per line."""
    from counter_app.hub.discovery import browse

    for h in browse(timeout_s=args.timeout):
        print(f"{h.url}\t{h.ward_code}\t{h.name}")
    return 0

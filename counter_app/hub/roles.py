"""This PC's role in the ward (a setting kept with the data): which parts it runs.

- ``standalone``: no hub; the queue and the dossiers are local (the default).
- ``counter``: a counter PC; queue actions and the dossier relay go through the hub.
- ``hub``: the kiosk PC that also runs the hub (``counter-app --kiosk`` starts it).
- ``display``: a hall display following the hub.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Engine, text

ROLE_KEY: Final = "hub.role"
ROLES: Final = ("standalone", "counter", "hub", "display")
LABELS_VI: Final = {"standalone": "Máy độc lập (không dùng máy chủ phường)",
                    "counter": "Máy quầy", "hub": "Máy lấy số + máy chủ phường (hub)",
                    "display": "Màn hình gọi số"}


def get_role(engine: Engine) -> str:
    """The stored role (``standalone`` when never set)."""
    with engine.connect() as c:
        v = c.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": ROLE_KEY}).scalar()
        c.rollback()
    return str(v) if v in ROLES else "standalone"


def set_role(engine: Engine, role: str) -> None:
    """Store this PC's role."""
    if role not in ROLES:
        raise ValueError(role)
    with engine.begin() as c:
        c.execute(text("INSERT INTO setting(key, value) VALUES (:k, :v) "
                       "ON CONFLICT(key) DO UPDATE SET value = :v"), {"k": ROLE_KEY, "v": role})

"""The ward's dossiers in the national portal's ``DongBoHoSoMC`` shape (DOMAIN.md §10).

Field names follow the national public-service portal's dossier-sync service as used by
OpenCPS; dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh. Fees go in ``DanhSachLePhi`` and
the handed-in documents in ``DanhSachGiayToNop`` (our own component list with counts; the
portal's ``TaiLieuNop`` is for uploaded files, which a paper counter does not have).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from counter_app.domain.clock import from_db, local


def portal_time(value: str | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time, or "" for no value."""
    if not value:
        return ""
    dt: datetime = local(from_db(value))
    return dt.strftime("%Y%m%d%H%M%S")


def dong_bo_ho_so(d: dict[str, Any]) -> dict[str, Any]:
    """One dossier row as a DongBoHoSoMC item."""
    comps = json.loads(d.get("components") or "[]")
    return {
        "MaHoSo": d["code"],
        "MaTTHC": d["procedure_code"],
        "TenTTHC": d["procedure_name"],
        "MaLinhVuc": d.get("field_code", ""),
        "KenhThucHien": int(d["channel"]),
        "ChuHoSo": d.get("applicant_name", ""),
        "SoDienThoai": d.get("phone", ""),
        "Email": d.get("email", ""),
        "NgayTiepNhan": portal_time(d["received_at"]),
        "NgayHenTra": portal_time(d["due_at"]),
        "TrangThaiHoSo": int(d["status"]),
        "NgayKetThucXuLy": portal_time(d.get("finished_at")),
        "NgayTra": portal_time(d.get("returned_at")),
        "HinhThuc": 1 if d.get("result_delivery") == "post" else 0,
        "DanhSachLePhi": [{"TenPhiLePhi": "Phí, lệ phí", "Gia": int(d.get("fee_amount") or 0),
                           "LoaiPhiLePhi": 1}] if d.get("fee_amount") else [],
        "DanhSachGiayToNop": [
            {"STT": i + 1, "TenGiayTo": c.get("name", ""), "SoBanChinh": c.get("originals", 0),
             "SoBanSao": c.get("certified_copies", 0), "SoBanPhoto": c.get("photocopies", 0)}
            for i, c in enumerate(comps)],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }


def export_ward(rows: list[dict[str, Any]], *, agency_code: str) -> dict[str, Any]:
    """The request body the portal's ``DongBoHoSoMC`` service expects."""
    return {"service": "DongBoHoSoMC", "madonvi": agency_code, "isUpdating": False,
            "data": [dong_bo_ho_so(d) for d in rows]}

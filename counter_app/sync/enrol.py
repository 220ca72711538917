"""Enrolment: trade a one-time code for a credential, a ward and a dossier-code block.

Identity and sequence (see docs/sync-client.md): the device takes the ``device_id`` the
server assigns; the local ``device_seq`` goes on untouched. At the first enrolment every local
event, including those made stand-alone before it, is pushed under that identity (wire seq =
local seq). A replacement code (``district-server enrol-code --replace DEVICE_ID``) returns
the same identity: only the token changes and the pending events go up with the new one. A
fresh code on an already enrolled device gives a *new* identity whose wire sequence starts
after the last local event (``seq_offset``); events still pending under the old identity are
kept and listed for attention (re-enrol with ``--replace OLD_ID`` to deliver them instead).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from counter_app.domain.clock import Clock, to_db
from counter_app.domain.codes import CodeRange, parse_dossier_code
from counter_app.domain.errors import DomainError
from counter_app.sync.client import AuthRejected, OutcomeUnknown, Refused, SyncClient
from counter_app.sync.credentials import CredentialStore
from counter_app.sync.lock import SyncBusy, SyncLock
from counter_app.sync.protocol import EnrolRequest, EnrolResponse
from db.engine import unit_of_work
from db.models import Counter, DeviceState, SyncState, WardProfile

log = logging.getLogger(__name__)

APP_VERSION = "0.1.0"


class EnrolFailed(Exception):
    """Enrolment did not happen (or was refused locally); ``message_vi`` is for the operator."""

    code = "enrol_failed"

    def __init__(self, message_vi: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi


@dataclass(frozen=True)
class EnrolResult:
    """What the device now is."""

    device_id: str
    ward_code: str
    ward_name: str
    counter_no: int
    code_range: CodeRange
    credential_store: str
    identity: str  # new | same | changed
    pending: int
    out_of_range: int  # pending dossiers whose code the new block does not cover

    @property
    def message_vi(self) -> str:
        """A short summary for the CLI and the dialog."""
        msg = (f"Đã đăng ký quầy {self.counter_no} của {self.ward_name} ({self.ward_code}); "
               f"dải số hồ sơ {self.code_range.start}–{self.code_range.end}; "
               f"mã thiết bị {self.device_id}; {self.pending} sự kiện chờ gửi.")
        if self.identity == "changed":
            msg += (" Thiết bị nhận danh tính MỚI: các sự kiện chưa gửi của danh tính cũ được "
                    "giữ lại và liệt kê cần xử lý.")
        if self.out_of_range:
            msg += (f" Cảnh báo: {self.out_of_range} hồ sơ chưa gửi mang số ngoài dải được cấp; "
                    "máy chủ sẽ từ chối chúng (hãy xin mã cho đúng quầy: enrol-code --counter).")
        return msg


def request_enrolment(server_url: str, code: str, device_name: str, *,
                      client_factory: Callable[[str], SyncClient] | None = None,
                      timeout_s: float = 30.0) -> EnrolResponse:
    """POST /enrol; Vietnamese EnrolFailed on any refusal or network trouble."""
    client = (client_factory(server_url) if client_factory
              else SyncClient(server_url, timeout_s=timeout_s))
    try:
        return client.enrol(EnrolRequest(code=code.strip(), device_name=device_name[:100],
                                         app_version=APP_VERSION))
    except AuthRejected:
        raise EnrolFailed("Mã đăng ký không đúng, đã dùng hoặc đã hết hạn.") from None
    except Refused as exc:
        msg = {"no_free_range": "Phường đã dùng hết các dải số quầy.",
               "counter_in_use": "Dải số của quầy này đang được thiết bị khác dùng.",
               "rate_limited": "Thử đăng ký quá nhiều lần; hãy đợi một phút.",
               }.get(exc.error, f"Máy chủ từ chối đăng ký ({exc.error}).")
        raise EnrolFailed(msg) from None
    except OutcomeUnknown as exc:
        log.warning("enrolment: %s unreachable: %s", server_url, exc)
        raise EnrolFailed(f"Không kết nối được máy chủ {server_url}. Kiểm tra địa chỉ máy chủ "
                          "và đường mạng rồi thử lại.") from None
    except Exception as exc:  # bad URL, a reply of the wrong shape (pydantic), …
        # The library's own text (errno, pydantic) goes to the log, not to the official.
        log.warning("enrolment failed: %r", exc)
        raise EnrolFailed("Không đăng ký được: địa chỉ máy chủ hoặc mã đăng ký không hợp lệ, "
                          "hoặc máy chủ trả lời không đúng dạng.") from None
    finally:
        client.close()


def adopt_enrolment(engine: Engine, data_dir: Path, clock: Clock, server_url: str,
                    resp: EnrolResponse) -> EnrolResult:
    """Store the credential and the server's identity, ward and block (one transaction)."""
    device_id = str(resp.device_id)
    rng = CodeRange(resp.code_range.start, resp.code_range.end)
    now = to_db(clock.now())
    with unit_of_work(engine) as s:
        ward = s.get(WardProfile, 1)
        if ward is not None and ward.agency_code.upper() != resp.agency_code.upper():
            raise EnrolFailed(
                f"Dữ liệu trên máy này thuộc đơn vị {ward.agency_code}, còn mã đăng ký thuộc "
                f"{resp.agency_code} ({resp.ward_name}). Không thể ghép dữ liệu của hai phường. "
                f"Hãy dùng mã đăng ký của đúng phường, hoặc một thư mục dữ liệu mới; báo quản "
                f"trị thu hồi thiết bị {device_id} vừa tạo (district-server revoke).")
        if ward is None:
            s.add(WardProfile(agency_code=resp.agency_code, agency_name=resp.ward_name.upper(),
                              place_name="", lookup_url_base=server_url.rstrip("/") + "/h/",
                              created_at=now))
        dev = s.get(DeviceState, 1)
        old = s.get(SyncState, 1)
        identity = "new" if old is None else ("same" if old.device_id == device_id
                                              else "changed")
        offset = 0 if old is None else old.seq_offset
        if identity == "changed" and dev is not None:
            offset = dev.last_device_seq
        if dev is None:
            dev = DeviceState(device_id=device_id, counter_no=resp.counter_no,
                              code_range_start=rng.start, code_range_end=rng.end,
                              created_at=now)
        dev.device_id, dev.counter_no = device_id, resp.counter_no
        dev.code_range_start, dev.code_range_end = rng.start, rng.end
        dev.enrolled_server = server_url
        s.add(dev)
        if not s.execute(text("SELECT 1 FROM counter WHERE number = :n"),
                         {"n": resp.counter_no}).first():
            s.add(Counter(number=resp.counter_no, name=f"Quầy số {resp.counter_no}"))
        # Day counters of another block would hand out numbers outside the new one.
        s.execute(text("UPDATE code_sequence SET last_seq = :s - 1 "
                       "WHERE last_seq < :s - 1 OR last_seq > :e"),
                  {"s": rng.start, "e": rng.end})
        kind = CredentialStore(data_dir).save(device_id, resp.token)
        same_place = old is not None and old.server_url == server_url and identity != "changed"
        row = old or SyncState(server_url=server_url, device_id=device_id, ward_code="",
                               ward_name="", counter_no=0, code_range_start=0,
                               code_range_end=0, enrolled_at=now)
        row.server_url, row.device_id = server_url, device_id
        row.ward_code, row.ward_name = resp.agency_code, resp.ward_name
        row.counter_no, row.code_range_start, row.code_range_end = (
            resp.counter_no, rng.start, rng.end)
        row.seq_offset, row.credential_store, row.enrolled_at = offset, kind, now
        row.pull_cursor = row.pull_cursor if same_place else 0
        row.auth_failed, row.last_error, row.last_outcome = False, "", "enrolled"
        s.add(row)
        s.flush()
        pending, out_of_range = _pending_check(s.connection(), offset, rng, resp.agency_code)
    return EnrolResult(device_id, resp.agency_code, resp.ward_name, resp.counter_no, rng, kind,
                       identity, pending, out_of_range)


def _pending_check(conn: object, offset: int, rng: CodeRange, agency: str) -> tuple[int, int]:
    rows = conn.execute(text(  # type: ignore[attr-defined]
        "SELECT type, payload FROM event WHERE state IN ('pending', 'sending') "
        "AND device_seq > :o"), {"o": offset})
    pending = bad = 0
    for typ, payload in rows:
        pending += 1
        if typ != "dossier.received":
            continue
        try:
            parts = parse_dossier_code(str(json.loads(payload).get("code", "")))
        except (ValueError, DomainError):
            continue
        if parts.agency_code != agency or not rng.contains(parts.seq):
            bad += 1
    return pending, bad


def enrol(engine: Engine, data_dir: Path, clock: Clock, *, server_url: str, code: str,
          device_name: str = "Quầy",
          client_factory: Callable[[str], SyncClient] | None = None) -> EnrolResult:
    """The whole enrolment: request, then adopt (the CLI and the settings dialog call this)."""
    url = server_url.strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise EnrolFailed("Địa chỉ máy chủ phải bắt đầu bằng https://")
    # No sync pass may run meanwhile: its final save would write the old credential's state
    # (auth failure, pull cursor) over what the enrolment stores.
    try:
        with SyncLock(data_dir):
            resp = request_enrolment(url, code, device_name, client_factory=client_factory)
            return adopt_enrolment(engine, data_dir, clock, url, resp)
    except SyncBusy:
        raise EnrolFailed("Đang đồng bộ dữ liệu; hãy đợi xong rồi đăng ký lại.") from None

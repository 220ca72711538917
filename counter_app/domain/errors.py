"""Typed errors a user can cause, each carrying its data and a Vietnamese message.

All domain errors live here so the UI has one catalogue to word (and later translate);
the domain modules re-export the ones they raise.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class DomainError(Exception):
    """Base of every error a user can cause; the UI shows `message_vi` next to `field`."""

    code: ClassVar[str] = "domain_error"

    def __init__(self, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(self.code)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Dữ liệu không hợp lệ."

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.code}{where}: {self.message_vi}"


# --- text -------------------------------------------------------------------------------


class TextProblem(StrEnum):
    """Why a text field was rejected."""

    MISSING = "missing"
    TOO_LONG = "too_long"
    CONTROL_CHAR = "control_char"
    REPLACEMENT_CHAR = "replacement_char"
    INVALID = "invalid"


class TextInvalid(DomainError):
    """A free-text field is missing, too long or contains characters that cannot be printed."""

    code = "text_invalid"

    def __init__(self, *, field: str, problem: TextProblem, max_len: int = 0) -> None:
        self.problem = problem
        self.max_len = max_len
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return {
            TextProblem.MISSING: "Vui lòng nhập thông tin này.",
            TextProblem.TOO_LONG: f"Nội dung quá dài (tối đa {self.max_len} ký tự).",
            TextProblem.CONTROL_CHAR: "Nội dung chứa ký tự điều khiển không hợp lệ.",
            TextProblem.REPLACEMENT_CHAR: "Nội dung chứa ký tự lỗi (�), vui lòng nhập lại.",
            TextProblem.INVALID: "Nội dung không hợp lệ.",
        }[self.problem]


class PhoneInvalid(DomainError):
    """Not a Vietnamese phone number."""

    code = "phone_invalid"

    def __init__(self, value: str, *, field: str = "phone") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Số điện thoại không hợp lệ (di động 10 số, cố định 11 số, bắt đầu bằng 0)."


class EmailInvalid(DomainError):
    """Not a plausible e-mail address."""

    code = "email_invalid"

    def __init__(self, value: str, *, field: str = "email") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Địa chỉ thư điện tử không hợp lệ."


# --- CCCD -------------------------------------------------------------------------------


class CccdFormatInvalid(DomainError):
    """The scanned QR text is not a CCCD record (too few fields, no pipes, bad sex field)."""

    code = "cccd_format_invalid"

    def __init__(self, *, field_count: int, field: str | None = "cccd_qr") -> None:
        self.field_count = field_count
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Mã QR không phải mã QR trên thẻ căn cước, vui lòng quét lại."


class CccdNumberProblem(StrEnum):
    """Why a CCCD number was rejected."""

    NOT_12_DIGITS = "not_12_digits"
    UNKNOWN_PROVINCE = "unknown_province"


class CccdNumberInvalid(DomainError):
    """The ID number is not 12 digits or its province code does not exist."""

    code = "cccd_number_invalid"

    def __init__(self, number: str, *, problem: CccdNumberProblem, field: str = "id_number"):
        self.number = number
        self.problem = problem
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        if self.problem is CccdNumberProblem.UNKNOWN_PROVINCE:
            return "Số định danh có mã tỉnh (3 số đầu) không tồn tại."
        return "Số định danh cá nhân phải gồm đúng 12 chữ số."


class CccdDateInvalid(DomainError):
    """A date in the QR is not a real ddmmyyyy date (or is issued before birth)."""

    code = "cccd_date_invalid"

    def __init__(self, value: str, *, field: str) -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Ngày tháng trên mã QR không hợp lệ: “{self.value}”."


class CccdMismatch(DomainError):
    """The century/sex digit or the year digits disagree with the birth date or sex."""

    code = "cccd_mismatch"

    def __init__(self, number: str, *, part: str, field: str = "id_number") -> None:
        self.number = number
        self.part = part  # "century", "year" or "sex"
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        what = {"century": "thế kỷ sinh", "year": "năm sinh", "sex": "giới tính"}.get(
            self.part, "thông tin"
        )
        return f"Số định danh không khớp với {what} của công dân, vui lòng kiểm tra lại."


class CccdGarbled(DomainError):
    """The scanner garbled the text (UTF-8 read as Windows-1252, "?" for letters): rescan."""

    code = "cccd_garbled"

    def __init__(self, value: str, *, field: str = "scan") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return (
            "Máy quét làm sai dấu tiếng Việt (ví dụ “Nguyá»…n”): vui lòng quét lại thẻ, "
            "hoặc đặt máy quét ở chế độ Unicode."
        )


class PersonNameInvalid(DomainError):
    """A person's name holds digits or "|": most often a scan typed into the name field."""

    code = "person_name_invalid"

    def __init__(self, value: str, *, field: str = "applicant_name") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Họ và tên không được chứa chữ số hoặc ký tự “|”."


# --- codes ------------------------------------------------------------------------------


class AgencyCodeInvalid(DomainError):
    """Agency code is not of the QCVN 102:2016 shape AAA.BB.CC.Hnn."""

    code = "agency_code_invalid"

    def __init__(self, value: str, *, field: str = "agency_code") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Mã định danh cơ quan “{self.value}” không đúng dạng (ví dụ 000.00.12.H62)."


class DossierCodeInvalid(DomainError):
    """A typed or scanned dossier code is not `<agency>-<yymmdd>-<nnnn>`."""

    code = "dossier_code_invalid"

    def __init__(self, value: str, *, field: str = "dossier_code") -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Mã hồ sơ “{self.value}” không đúng dạng (ví dụ 000.00.12.H62-201105-0004)."


class CodeRangeInvalid(DomainError):
    """A counter's sequence range is empty, reversed or outside 1..9999."""

    code = "code_range_invalid"

    def __init__(self, start: int, end: int, *, field: str = "code_range") -> None:
        self.start = start
        self.end = end
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Dải số thứ tự {self.start}–{self.end} không hợp lệ (phải trong 1–9999)."


class CodeRangeExhausted(DomainError):
    """Every sequence number of this counter's range is used for the day."""

    code = "code_range_exhausted"

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        super().__init__(field=None)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Đã dùng hết dải số hồ sơ {self.start}–{self.end} của quầy trong ngày."


# --- lifecycle --------------------------------------------------------------------------


class TransitionNotAllowed(DomainError):
    """The action cannot be applied to a dossier in its current status."""

    code = "transition_not_allowed"

    def __init__(self, current: int, action: str) -> None:
        self.current = current
        self.action = action
        super().__init__(field=None)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ."


class SupplementLimitReached(DomainError):
    """A supplement was already requested during processing (at most once)."""

    code = "supplement_limit_reached"

    def __init__(self, supplements_so_far: int) -> None:
        self.supplements_so_far = supplements_so_far
        super().__init__(field=None)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung quá một lần."


class ReasonRequired(DomainError):
    """Refusal, stop and withdrawal need a written reason."""

    code = "reason_required"

    def __init__(self, *, field: str = "reason") -> None:
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Vui lòng ghi rõ lý do."


# --- fees -------------------------------------------------------------------------------


class FeeRuleInvalid(DomainError):
    """A fee rule (from configuration or import) is malformed."""

    code = "fee_rule_invalid"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        self.detail = detail
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return f"Cấu hình lệ phí không hợp lệ: {self.detail}."


class FeeInputInvalid(DomainError):
    """Pages or copies entered for a fee are not a positive count."""

    code = "fee_input_invalid"

    def __init__(self, value: int, *, field: str) -> None:
        self.value = value
        super().__init__(field=field)

    @property
    def message_vi(self) -> str:
        """Return a clear Vietnamese message for the user."""
        return "Số trang và số bản phải là số nguyên dương."

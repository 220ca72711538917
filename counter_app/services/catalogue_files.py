"""Reading a catalogue file safely: limits, encodings and the typed error for a file that
cannot be read at all (``CatalogueFileInvalid`` with a ``FileProblem`` reason and its data).

Nothing here judges rows; ``counter_app.services.catalogue_io`` does, with the cell rules of
``counter_app.domain.catalogue``.
"""

from __future__ import annotations

import codecs
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from counter_app.domain.catalogue import MAX_NUMBER_DIGITS
from counter_app.services.errors import ServiceError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_ROWS",
    "CatalogueFileInvalid",
    "FileProblem",
    "check_rows",
    "check_size",
    "decode_text",
    "load_json",
    "read_catalogue_bytes",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest catalogue file read (the full national list of a ward is well under 5 MB)."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays/objects in a JSON catalogue (the real shape needs 5)."""
MAX_ROWS = 100_000
"""Most data rows (CSV/XLSX) or items (JSON) in one file."""


class FileProblem(StrEnum):
    """Why a whole catalogue file was refused (``CatalogueFileInvalid.reason``)."""

    NOT_FOUND = "not_found"
    NOT_A_FILE = "not_a_file"
    UNREADABLE = "unreadable"
    UNSUPPORTED_TYPE = "unsupported_type"
    TOO_LARGE = "too_large"
    ENCODING = "encoding"
    SYNTAX = "syntax"
    TOO_DEEP = "too_deep"
    TOO_MANY_ROWS = "too_many_rows"
    NO_LIST = "no_list"
    MISSING_COLUMNS = "missing_columns"
    EMPTY = "empty"


class CatalogueFileInvalid(ServiceError):
    """The file as a whole cannot be read (encoding, syntax, missing columns, wrong type);
    ``reason`` says which, ``data`` carries the figures (limit, size, line, …)."""

    code = "catalogue_file_invalid"

    def __init__(self, detail_vi: str, reason: FileProblem = FileProblem.SYNTAX,
                 **data: object) -> None:
        self.detail_vi, self.reason, self.data = detail_vi, reason, data
        super().__init__(f"Không đọc được tệp danh mục thủ tục: {detail_vi}", field="file")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with its BOM; anything else is refused."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise CatalogueFileInvalid("bảng mã UTF-32 không được hỗ trợ (hãy lưu UTF-8)",
                                   FileProblem.ENCODING, encoding="utf-32")
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        if not utf16:
            text = data.decode("utf-8-sig", errors="replace")
            broken = text.count("\ufffd")
            if sum(1 for ch in text if ord(ch) > 127) - broken > broken:
                # UTF-8 with a few damaged bytes: only the rows holding "\ufffd" are refused.
                return text
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogueFileInvalid(
            f"tệp không đúng bảng mã UTF-8 hoặc UTF-16 có BOM (lỗi ở dòng {line}); "
            "hãy lưu lại tệp với bảng mã UTF-8", FileProblem.ENCODING, line=line,
            offset=exc.start) from None



_JSON_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _json_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (checked before parsing)."""
    depth = deepest = 0
    for ch in _JSON_STRINGS.sub("", text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
        elif ch in "]}":
            depth -= 1
    return deepest


def _json_int(digits: str) -> int | str:
    # A 5,000-digit number would raise in int(); kept as text, its row is refused.
    return int(digits) if len(digits) <= MAX_NUMBER_DIGITS + 1 else digits


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        raise CatalogueFileInvalid(f"tệp quá lớn (tối đa {mb} MB)", FileProblem.TOO_LARGE,
                                   limit=MAX_FILE_BYTES, size=size)


def check_rows(n: int) -> None:
    if n > MAX_ROWS:
        raise CatalogueFileInvalid(f"quá nhiều dòng (tối đa {MAX_ROWS})",
                                   FileProblem.TOO_MANY_ROWS, limit=MAX_ROWS, rows=n)


def read_catalogue_bytes(path: Path) -> bytes:
    """The file's bytes, never more than ``MAX_FILE_BYTES`` (+1 to tell it is too large)."""
    try:
        if not path.exists():
            raise CatalogueFileInvalid("không tìm thấy tệp", FileProblem.NOT_FOUND)
        if not path.is_file():
            raise CatalogueFileInvalid("đây là thư mục, không phải tệp", FileProblem.NOT_A_FILE)
        check_size(path.stat().st_size)
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:  # permission, device gone, name too long, …
        raise CatalogueFileInvalid("không mở được tệp (quyền truy cập hoặc ổ đĩa)",
                                   FileProblem.UNREADABLE, errno=exc.errno) from exc
    check_size(len(data))
    return data


def load_json(data: bytes) -> Any:
    """The JSON document in ``data``, within the limits; a 5,000-digit number stays text."""
    check_size(len(data))
    text = decode_text(data)
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise CatalogueFileInvalid(f"JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp)",
                                   FileProblem.TOO_DEEP, limit=MAX_JSON_DEPTH)
    try:
        return json.loads(text, parse_int=_json_int)
    except ValueError as exc:  # JSONDecodeError is a ValueError
        where = f"dòng {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else "tệp"
        raise CatalogueFileInvalid(f"tệp JSON không hợp lệ ({where})", FileProblem.SYNTAX,
                                   line=getattr(exc, "lineno", 0)) from None
    except RecursionError:  # a backstop: the depth check above should catch it first
        raise CatalogueFileInvalid("JSON lồng nhau quá sâu", FileProblem.TOO_DEEP,
                                   limit=MAX_JSON_DEPTH) from None

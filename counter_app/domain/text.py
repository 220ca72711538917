"""Text normalisation and validation for everything typed, scanned or imported."""

from __future__ import annotations

import re
import unicodedata

from counter_app.domain.errors import EmailInvalid, PhoneInvalid, TextInvalid, TextProblem

__all__ = [
    "EmailInvalid",
    "PhoneInvalid",
    "TextInvalid",
    "TextProblem",
    "clean_email",
    "clean_phone",
    "clean_text",
    "fold",
    "nfc",
    "title_case_name",
]

# Cc = control, Cf = invisible format chars (BOM, zero-width space, bidi marks pasted from
# web pages), Cs = lone surrogates from badly decoded bytes: none of them print.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_WHITESPACE_RUN = re.compile(r"\s+")
# Capital/small eth look exactly like Đ/đ and legacy TCVN3/VNI converters emit them.
_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_REPLACEMENT = "\ufffd"
_SEPARATORS = re.compile(r"[\s.\-()]")


def _printable_char(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES


def nfc(s: str) -> str:
    """Return `s` in NFC, stripped, whitespace runs collapsed, invisible/control chars removed."""
    # Whitespace controls (tab, CR, LF) become spaces before the others are dropped.
    kept = "".join(ch for ch in s if _printable_char(ch))
    composed = unicodedata.normalize("NFC", kept)
    return _WHITESPACE_RUN.sub(" ", composed).strip()


def fold(s: str) -> str:
    """Return a search key: lowercase, no diacritics, đ→d ("Nguyễn Văn A" → "nguyen van a")."""
    # Lowercase first: lower() can itself add combining marks (e.g. "İ" → "i̇").
    decomposed = unicodedata.normalize("NFD", nfc(s).lower().translate(_D_MAP))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


def _problem(value: str) -> TextProblem | None:
    for ch in value:
        if ch == _REPLACEMENT:
            return TextProblem.REPLACEMENT_CHAR
        category = unicodedata.category(ch)
        if category == "Cs":
            return TextProblem.INVALID
        if category == "Cc" and not ch.isspace():
            return TextProblem.CONTROL_CHAR
    return None


def clean_text(value: str, *, field: str, max_len: int, required: bool) -> str:
    """Return `value` normalised with `nfc`, or raise `TextInvalid` naming `field`."""
    # Reject garbage rather than silently drop it: a NUL or U+FFFD means a broken scan/import
    # the user should redo, while invisible format characters are harmless and dropped.
    problem = _problem(value)
    if problem is not None:
        raise TextInvalid(field=field, problem=problem, max_len=max_len)
    text = nfc(value)
    if required and not text:
        raise TextInvalid(field=field, problem=TextProblem.MISSING, max_len=max_len)
    if len(text) > max_len:
        raise TextInvalid(field=field, problem=TextProblem.TOO_LONG, max_len=max_len)
    return text


def clean_phone(value: str) -> str:
    """Return a Vietnamese phone number as bare digits starting with 0, or "" if empty."""
    text = nfc(value)
    if not text:
        return ""
    digits = _SEPARATORS.sub("", text)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    # isascii: str.isdigit() also accepts e.g. Arabic-Indic or superscript digits.
    if not (digits.isascii() and digits.isdigit()):
        raise PhoneInvalid(value)
    mobile = len(digits) == 10 and digits[0] == "0" and digits[1] != "0"
    landline = len(digits) == 11 and digits.startswith("02")
    if not (mobile or landline):
        raise PhoneInvalid(value)
    return digits


_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")
_EMAIL_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def clean_email(value: str) -> str:
    """Return the e-mail with its domain lowercased, "" if empty; raise `EmailInvalid`."""
    text = nfc(value)
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at or len(text) > 254 or not _EMAIL_LOCAL.match(local):
        raise EmailInvalid(value)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise EmailInvalid(value)
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_LABEL.match(label) for label in labels):
        raise EmailInvalid(value)
    if labels[-1].isdigit():
        raise EmailInvalid(value)
    return f"{local}@{domain.lower()}"


def _capitalize_part(part: str) -> str:
    return part[:1].upper() + part[1:].lower()


def _capitalize_word(word: str) -> str:
    # Ethnic-minority names such as "H'Hen Niê" capitalise after the apostrophe too.
    for sep in ("'", "-"):
        if sep in word:
            return sep.join(_capitalize_word(p) for p in word.split(sep))
    return _capitalize_part(word)


def title_case_name(s: str) -> str:
    """Return a person's name with each word capitalised ("NGUYỄN VĂN A" → "Nguyễn Văn A")."""
    return " ".join(_capitalize_word(w) for w in nfc(s).split(" ") if w)

"""Amounts of money in Vietnamese words, as receipts print them ('Hai mươi tám nghìn đồng')."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")
BILLION = 1_000_000_000


def _below_thousand(n: int, *, full: bool) -> list[str]:
    """Return the words of 0 < n < 1000; full reads the hundreds even when zero ('không trăm')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def number_words(n: int) -> str:
    """Return a non-negative integer in Vietnamese words, lower case ('một trăm linh năm')."""
    if n < 0:
        raise ValueError("amounts are never negative")
    if n == 0:
        return DIGITS[0]
    return " ".join(_words(n, full=False))


def _words(n: int, *, full: bool) -> list[str]:
    """Return the words of 0 < n; above a billion the part before 'tỷ' is read recursively."""
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        return [*_words(high, full=full), "tỷ", *(_words(low, full=True) if low else [])]
    words: list[str] = []
    for index in (2, 1, 0):  # triệu, nghìn, units
        group = n // 1000**index % 1000
        if group:
            words += _below_thousand(group, full=full or bool(words))
            words += [SCALES[index]] if index else []
    return words


def amount_words(dong: int) -> str:
    """Return 'Mười tám nghìn đồng' for 18000: capitalised, with the currency."""
    text = f"{number_words(dong)} đồng"
    return text[:1].upper() + text[1:]

"""Cells written to CSV/XLSX exports, neutralised against formula injection.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a tab or
carriage return, whatever follows) as a formula: a name typed at the counter as
``=HYPERLINK(...)`` would become a live link in the office's statistics. Every CSV/XLSX writer
of the app passes its rows through ``safe_row``: such a text gets a leading apostrophe, the
usual "this is text" mark; numbers, dates and empty cells are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from counter_app.domain.catalogue import FORMULA_PREFIXES

__all__ = ["FORMULA_TRIGGERS", "safe_cell", "safe_row", "safe_rows"]

FORMULA_TRIGGERS = (*FORMULA_PREFIXES, "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as it may be written to a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    """One row of cells, neutralised."""
    return [safe_cell(v) for v in row]


def safe_rows(rows: Iterable[Iterable[object]]) -> list[list[object]]:
    """A table, neutralised."""
    return [safe_row(r) for r in rows]

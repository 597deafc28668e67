"""Writing CSV files: the one function every download and export goes through.

The files go to Excel and Google Sheets, which run a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula: a candidate named ``=HYPERLINK("http://…")``
would become a live link in the ops team's spreadsheet. Such text cells (and column names) get a
leading ``'``, as OWASP recommends, which the spreadsheet shows as text and does not display.
Numbers are left as numbers: a negative margin is written ``-0.043``, not as text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tfc_dash.core.catalogue import column_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def header_label(name: Any) -> str:
    """A column's header in a CSV: its catalogue label (what the page shows; people paste the
    files into Sheets), or the name itself when the catalogue has no such column."""
    try:
        return column_label(str(name))
    except KeyError:
        return str(name)


def csv_text(frame: pd.DataFrame, labels: bool = True) -> str:
    """``frame`` as CSV text (header row first, no index), formula cells neutralized.

    The headers are the columns' catalogue labels; ``labels=False`` keeps the names as they are
    (the spreadsheet template, whose headers are the contract's column names).
    """
    safe = frame.rename(
        columns=lambda name: neutralize(header_label(name) if labels else str(name))
    )
    for position, dtype in enumerate(safe.dtypes):
        if not (
            pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
        ):
            column = safe.iloc[:, position].map(neutralize, na_action="ignore")
            # pandas takes a Series here (by position, so repeated headers are fine); the stubs
            # list only scalars, arrays and lists.
            safe.isetitem(position, column)  # type: ignore[arg-type]
    return safe.to_csv(index=False)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`csv_text` as UTF-8 bytes, for a download button or a file."""
    return csv_text(frame).encode("utf-8")

"""Reading a tab's cells into typed records, by the contract (:mod:`tfc_dash.ingest.contract`).

Cells arrive either typed, from the Sheets API under ``UNFORMATTED_VALUE`` (numbers, booleans,
dates as serial numbers, text), or as text, from a CSV file or a cell formatted as plain text.
Every reader here takes both. A cell that cannot be read raises :class:`CellError` with the reason;
the caller turns it into a quarantined row, never a crash.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tfc_dash.figures.filters import STATE_NAMES
from tfc_dash.ingest.contract import CHOICE_ALIASES, Column, Kind, Tab, header_map, normalize_header

# Google Sheets counts days from 30 Dec 1899 (as Lotus 1-2-3 did, leap-year bug included).
SHEETS_EPOCH = date(1899, 12, 30)
# Serial numbers we accept as dates: 1 Jan 1950 to 31 Dec 2099. Outside that, a number in a date
# column is far more likely a typo than a date.
SERIAL_MIN, SERIAL_MAX = 18264, 73415
MAX_SHOWN = 200  # characters of a bad value kept for the report

STATE_BY_NAME = {normalize_header(name): code for code, name in STATE_NAMES.items()}
_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_WORDS = frozenset({"true", "yes", "y", "x", "1", "✓", "✔"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "-"})


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is the reason, for ops."""


class ContractError(Exception):
    """The spreadsheet breaks the contract as a whole (a missing tab or required column).

    The sync stops before writing anything; the message says what is missing and where.
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the sheet, at one cell: the row is left out of the store."""

    tab: str
    row: int  # the sheet's row number (the header is row 1 in a well-formed tab)
    column: str | None  # the header as written in the sheet
    cell: str | None  # A1 notation: "C5"
    value: str | None
    reason: str


@dataclass
class ParsedRow:
    row: int
    record: dict[str, Any]


@dataclass
class ParsedTab:
    tab: Tab
    title: str
    sheet_id: int | None
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # column name -> header as written
    letters: dict[str, str] = field(default_factory=dict)  # column name -> column letter
    # Keys of rows left out for a bad cell: their previous version stays in the store rather
    # than being marked removed, since the row is still in the sheet.
    held_keys: set[tuple[Any, ...]] = field(default_factory=set)
    data_rows: int = 0  # non-blank rows below the header, good or bad

    def cell(self, row: int, name: str) -> str | None:
        """The A1 address of ``name`` on sheet row ``row``, for problems found after parsing."""
        letter = self.letters.get(name)
        return f"{letter}{row}" if letter else None

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def shown(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\x00", "\\x00")  # PostgreSQL text cannot hold a NUL
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- one cell ---------------------------------------------------------------------------------
def as_text(value: Any) -> str | None:
    """Text as written; a number that arrives typed loses no zeros it never had (``12.0`` -> 12)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("is not a finite number")
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    if "\x00" in text:  # from a CSV file, say; PostgreSQL cannot store it
        raise CellError("contains a NUL character (\\x00)")
    return text or None


def as_number(value: Any, percent_scale: float = 0.01) -> float:
    """A number from a typed cell or from text like ``$1,234.50``, ``12%`` or ``-3``.

    ``percent_scale`` is what ``1%`` is worth: 0.01 for shares, 1 for 0-100 scores.
    """
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], percent_scale
        negative = text.startswith("(") and text.endswith(")")  # accounting style: (1,234)
        if negative:
            text = text[1:-1]
        text = text.replace("$", "", 1) if text.startswith(("$", "-$", "+$")) else text
        text = text.replace("-$", "-").replace("+$", "+")
        if not text or not _NUMBER_RE.match(text) or not any(ch.isdigit() for ch in text):
            raise CellError("is not a number")
        number = float(text.replace(",", "")) * scale
        if negative:
            number = -number
    if not math.isfinite(number):
        raise CellError("is not a finite number")
    return number


def as_date(value: Any) -> date:
    """A date from a Sheets serial number, ISO ``2018-09-14`` or US ``9/14/2018``."""
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a date")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return _from_serial(float(value))
    text = str(value).strip()
    match = _ISO_DATE_RE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE_RE.match(text)
        if match:
            month, day, year = (int(g) for g in match.groups())
        else:
            try:
                return _from_serial(float(text))  # a serial number written as text
            except ValueError:
                raise CellError("is not a date (use YYYY-MM-DD or M/D/YYYY)") from None
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError("is not a real day of the calendar") from None


def _from_serial(serial: float) -> date:
    if not math.isfinite(serial) or not SERIAL_MIN <= serial < SERIAL_MAX + 1:
        raise CellError("is a number, not a date between 1950 and 2099")
    return SHEETS_EPOCH + timedelta(days=math.floor(serial))


def as_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("is not TRUE/FALSE (use TRUE, FALSE, yes, no or x)")


def as_state(value: Any) -> str:
    text = as_text(value) or ""
    code = text.upper()
    if code in STATE_NAMES:
        return code
    by_name = STATE_BY_NAME.get(normalize_header(text))
    if by_name:
        return by_name
    raise CellError("is not a USPS state code (like VA)")


def as_choice(value: Any, choices: Sequence[str]) -> str:
    word = normalize_header(as_text(value) or "")
    word = CHOICE_ALIASES.get(word, word) if word not in choices else word
    if word in choices:
        return word
    raise CellError(f"is not one of: {', '.join(choices)}")


def parse_cell(value: Any, column: Column) -> Any:
    """The typed value of one cell for ``column``; None when the cell is blank.

    Raises CellError when the cell cannot be read, or is blank and required.
    """
    if is_blank(value):
        if column.required:
            raise CellError("is required")
        return None
    kind = column.kind
    if kind in (Kind.ID, Kind.TEXT):
        return as_text(value)
    if kind is Kind.EMAIL:
        text = as_text(value) or ""
        if not _EMAIL_RE.match(text):
            raise CellError("is not an email address")
        return text
    if kind is Kind.STATE:
        return as_state(value)
    if kind is Kind.CHOICE:
        return as_choice(value, column.choices)
    if kind is Kind.DATE:
        return as_date(value)
    if kind is Kind.BOOLEAN:
        return as_boolean(value)
    number = as_number(value, 1.0 if kind is Kind.SCORE else 0.01)
    if kind is Kind.INTEGER:
        if not number.is_integer():
            raise CellError("is not a whole number")
        number = int(number)
    if column.minimum is not None and number < column.minimum:
        raise CellError(f"is below {column.minimum:g}")
    if column.maximum is not None and number > column.maximum:
        if kind is Kind.FRACTION:
            raise CellError("is not a share between 0 and 1 (write 52% or 0.52)")
        raise CellError(f"is above {column.maximum:g}")
    return number


# --- one tab ----------------------------------------------------------------------------------
def parse_tab(
    tab: Tab,
    values: Sequence[Sequence[Any]],
    title: str | None = None,
    sheet_id: int | None = None,
) -> ParsedTab:
    """Typed records from a tab's rows (the header first, as the API or a CSV gives them).

    Blank rows and padding are skipped; a row with a cell that cannot be read is left out and
    reported, one problem per bad cell. Raises ContractError when a required column is missing.
    """
    title = title or tab.name
    parsed = ParsedTab(tab=tab, title=title, sheet_id=sheet_id)
    header_index = next((i for i, row in enumerate(values) if any(map(_filled, row))), None)
    if header_index is None:
        raise ContractError(
            f"The {title} tab is empty: it needs a header row with "
            f"{', '.join(tab.required_columns)}."
        )
    header_row = values[header_index]
    known = header_map(tab)
    positions: dict[str, int] = {}
    for index, raw in enumerate(header_row):
        if is_blank(raw):
            continue
        name = known.get(normalize_header(raw))
        if name is None:
            continue  # ops may keep extra columns (notes, formulas): they are not ours to read
        if name in positions:
            first = column_letter(positions[name])
            parsed.problems.append(
                Problem(
                    title,
                    header_index + 1,
                    str(raw),
                    f"{column_letter(index)}{header_index + 1}",
                    shown(raw),
                    f"duplicate column for {name} (column {first} is used; this one is ignored)",
                )
            )
            continue
        positions[name] = index
        parsed.headers[name] = str(raw).strip()
    missing = [c for c in tab.required_columns if c not in positions]
    if missing:
        raise ContractError(
            f"The {title} tab has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''} (headers found in row {header_index + 1}: "
            f"{', '.join(str(h) for h in header_row if not is_blank(h)) or 'none'})."
        )
    columns = [(tab.column(name), index) for name, index in positions.items()]
    absent = [c.name for c in tab.columns if c.name not in positions]
    letters = parsed.letters = {name: column_letter(index) for name, index in positions.items()}
    for offset, row in enumerate(values[header_index + 1 :]):
        if not any(map(_filled, row)):
            continue
        parsed.data_rows += 1
        number = header_index + offset + 2
        record: dict[str, Any] = dict.fromkeys(absent)
        bad = False
        for column, index in columns:
            value = row[index] if index < len(row) else None
            try:
                record[column.name] = parse_cell(value, column)
            except CellError as exc:
                bad = True
                parsed.problems.append(
                    Problem(
                        title,
                        number,
                        parsed.headers[column.name],
                        f"{letters[column.name]}{number}",
                        shown(value),
                        f"{parsed.headers[column.name]} {exc}",
                    )
                )
        if not bad:
            parsed.rows.append(ParsedRow(number, record))
        elif all(k in record for k in tab.key):
            parsed.held_keys.add(tuple(record.get(k) for k in tab.key))
    return parsed


def _filled(value: Any) -> bool:
    return not is_blank(value)

"""Cell values as researchers type them into yearbook-style tables, turned into numbers.

:func:`parse_cell` accepts

- plain numbers (``1234.5``, ``-3``, ``1e3``) and numeric spreadsheet cells;
- thousands separators (``1,234.5``; groups of exactly three digits);
- full-width digits and signs (``１２３．４``, ``－５``) and the minus sign ``−``;
- one trailing footnote mark: circled or parenthesised numbers (``①``, ``⑵``), superscripts
  (``¹``), ``*``, ``**``, ``†``, ``‡``, ``§``, ``#``, or a bracketed number (``[1]``);
- a trailing percent sign: the value is kept in percent units (``12.5%`` -> ``12.5``);
- the missing-value markers ``—``, ``——``, ``-``, ``--``, ``–``, ``…``, ``...``, ``..``, ``/``,
  ``NA``, ``N/A``, ``n.a.``, ``NaN``, ``null`` and the empty cell, read as missing.

Each conversion that is not a plain number comes back with a note for the audit table. Anything
else (letters after a number, ``inf``, ``#DIV/0!``, dates, booleans, ``(123)``) is refused with a
:class:`~spatialpanel.errors.DataError` naming the cell.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

from spatialpanel.errors import DataError

__all__ = ["ExcelPercent", "Location", "ParsedCell", "parse_cell", "parse_year", "year_or_none"]

_MISSING_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "–", "...", "......", "..", "/", "na", "n/a", "n.a.", "nan", "null"}
)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# circled, parenthesised, superscript and subscript numbers, which NFKC turns into digits
_MARK_CHARS = (
    r"[\u2460-\u24ff\u2776-\u2793\u00b9\u00b2\u00b3\u2070-\u2089\u3251-\u325f\u32b1-\u32bf]"
)
# one trailing footnote mark, looked for before NFKC (which would turn "①" into "1")
_FOOTNOTE = re.compile(
    rf"(?:{_MARK_CHARS}|\*{{1,3}}|[†‡§#]|"
    r"\[\d{1,2}\]|［\d{1,2}］)\s*$"
)
_MARKS = re.compile(_MARK_CHARS)
_YEAR = re.compile(r"((?:19|20)\d\d)(?:\.0+)?\s*(?:年度|年)?")
_ACCEPTED = (
    "Accepted: plain numbers (1234.5), thousands separators (1,234.5), full-width digits, one "
    "trailing footnote mark (①, *, †, [1]), a trailing percent sign, and the missing-value "
    "markers — - … / NA or an empty cell. Correct the cell in the file."
)


@dataclass(frozen=True)
class Location:
    """Where a cell was read: file, sheet, row and column, and the row's region and year."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    letter: str | None = None
    region: object = None
    year: object = None
    in_memory: bool = False
    observations: bool = False  # a Stata, SPSS or Parquet file: rows are observations 1, 2, ...

    def describe(self) -> str:
        """``"file 'x.csv', sheet 'S', row 5, column 'gdp' (C), region '北京', year 2015"``."""
        named = not self.in_memory or self.observations
        parts = [f"file {self.file!r}" if named else "the DataFrame"]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            if self.observations:
                parts.append(f"observation {self.row}")
            else:
                parts.append(f"row position {self.row}" if self.in_memory else f"row {self.row}")
        if self.column is not None:
            letter = f" ({self.letter})" if self.letter else ""
            parts.append(f"column {self.column!r}{letter}")
        elif self.letter is not None:
            parts.append(f"column {self.letter}")
        if self.region is not None:
            parts.append(f"region {self.region!r}")
        if self.year is not None:
            parts.append(f"year {self.year}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ExcelPercent:
    """A numeric Excel cell shown with a percent format: stored 0.125, displayed 12.5%."""

    value: float

    def __str__(self) -> str:
        return f"{self.value!r} (Excel percent format)"


@dataclass(frozen=True)
class ParsedCell:
    """A cell's number (NaN when missing), a note when the conversion was not plain, and whether
    the cell carried a percent sign."""

    value: float
    note: str | None = None
    percent: bool = False
    missing_marker: bool = False


def _is_missing_number(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def parse_cell(value: object, *, where: Location | Callable[[], Location]) -> ParsedCell:
    """Turn one cell into a float (see the module docstring for what is accepted).

    Parameters
    ----------
    value
        The cell as read: text from a CSV file, or a number, text or empty cell from Excel.
    where
        The cell's location, named in the error message (or a function returning it, called
        only when needed).

    Raises
    ------
    DataError
        If the cell is not a number, a number with an accepted decoration, or a missing marker.
    """
    if _is_missing_number(value):
        return ParsedCell(math.nan)
    if type(value) is float and math.isfinite(value):
        return ParsedCell(value)  # the common case, first
    if not isinstance(where, Location):
        where = where()
    if isinstance(value, ExcelPercent):
        return _excel_percent(value, where)
    if isinstance(value, bool) or not isinstance(value, Real | str):
        raise DataError(
            f"{where.describe()}: the cell holds {value!r} ({type(value).__name__}), not a "
            f"number. {_ACCEPTED}"
        )
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            raise DataError(f"{where.describe()}: the cell holds {number}, not a finite number.")
        return ParsedCell(number)
    return _parse_text(value, where)


def _excel_percent(cell: ExcelPercent, where: Location) -> ParsedCell:
    """Percent units, as the cell is displayed (and as a CSV export writes it): 0.125 -> 12.5.

    The shift is done in decimal, so that 0.1234 gives 12.34 exactly as typed, not
    12.340000000000002.
    """
    if not math.isfinite(cell.value):
        raise DataError(f"{where.describe()}: the cell holds {cell.value}, not a finite number.")
    number = float(Decimal(repr(float(cell.value))).scaleb(2))
    note = (
        f"Excel percent format: stored {cell.value!r} read as {number!r}; value kept in percent "
        "units"
    )
    return ParsedCell(number, note, percent=True)


def _parse_text(raw: str, where: Location) -> ParsedCell:
    text = raw.strip()
    notes: list[str] = []
    mark = _FOOTNOTE.search(text)
    if mark is not None and mark.start() > 0:
        notes.append(f"footnote mark {mark.group(0).strip()!r} removed")
        text = text[: mark.start()].rstrip()
    if _MARKS.search(text):  # NFKC would read "①" as "1": a mark must follow a number
        raise DataError(f"{where.describe()}: the cell text {raw!r} is not a number. {_ACCEPTED}")
    normal = unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace("\u00a0", " ")
    normal = normal.strip()
    if normal.casefold() in _MISSING_MARKERS:
        if normal == "" and not notes:
            return ParsedCell(math.nan)
        return ParsedCell(
            math.nan, f"missing-value marker {raw.strip()!r} read as missing", missing_marker=True
        )
    if normal != text:
        notes.append("full-width characters or minus sign normalised")
    percent = normal.endswith("%")
    if percent:
        normal = normal[:-1].rstrip()
        notes.append("percent sign removed; value kept in percent units")
    if _THOUSANDS.fullmatch(normal):
        normal = normal.replace(",", "")
        notes.append("thousands separators removed")
    if not _NUMBER.fullmatch(normal):
        raise DataError(f"{where.describe()}: the cell text {raw!r} is not a number. {_ACCEPTED}")
    number = float(normal)
    if not math.isfinite(number):
        raise DataError(f"{where.describe()}: the cell text {raw!r} overflows a float.")
    return ParsedCell(number, "; ".join(notes) or None, percent=percent)


def year_or_none(value: object) -> int | None:
    """The year a header, sheet name or time cell names (``2014``, ``"2014年"``), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer() and 1900 <= number <= 2099:
            return int(number)
        return None
    if not isinstance(value, str):
        return None
    match = _YEAR.fullmatch(unicodedata.normalize("NFKC", value).strip())
    return int(match.group(1)) if match else None


def parse_year(value: object, *, where: Location) -> int:
    """The year in a time cell; a :class:`~spatialpanel.errors.DataError` naming the cell if it
    holds no year."""
    year = year_or_none(value)
    if year is None:
        raise DataError(
            f"{where.describe()}: the time cell {value!r} is not a year between 1900 and 2099. "
            "Write the year as a number (2015) or as 2015年."
        )
    return year

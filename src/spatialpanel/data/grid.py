"""What every layout shares: records, cell tests, locations, header aliases and the table body.

A sheet (or a CSV file, or a DataFrame) is a grid of cells. The layout readers
(:mod:`spatialpanel.data.layouts`, :mod:`spatialpanel.data.tidy`) find its header, then walk its
body with :func:`body_rows`, which skips empty rows and notes rows below the table (audited) and
refuses notes between data rows, stray cells to the right and rows without a region.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import Location
from spatialpanel.data.names import normalize_label
from spatialpanel.errors import DataError

__all__ = [
    "ENTITY_ALIASES",
    "TIME_ALIASES",
    "Ctx",
    "Record",
    "SheetTable",
    "blank",
    "body_rows",
    "is_note",
    "letter",
    "split_unit",
    "text",
]

ENTITY_ALIASES = frozenset(
    {
        "province",
        "provinces",
        "region",
        "regions",
        "entity",
        "id",
        "code",
        "province_code",
        "province_name",
        "province_zh",
        "province_en",
        "name",
        "name_zh",
        "name_en",
        "region_name",
        "省份",
        "省",
        "省区",
        "省市",
        "省区市",
        "地区",
        "地区名称",
        "省份名称",
        "省级行政区",
        "代码",
        "地区代码",
        "省份代码",
        "行政区划代码",
    }
)
TIME_ALIASES = frozenset({"year", "years", "time", "period", "年份", "年", "年度", "时间"})
_NOTE_PREFIXES = ("注", "附注", "说明", "备注", "资料来源", "数据来源", "来源", "note", "source")
_NOTE_SYMBOLS = ("*", "※")
# "gdp(亿元)", "城镇化率（%）" (NFKC makes the full-width brackets plain), "人均GDP (元)"
_UNIT = re.compile(r"(?P<name>.*?\S)\s*\((?P<unit>[^()]*[^()\s\d][^()]*)\)")


@dataclass(frozen=True)
class Record:
    """One cell of the panel as read: raw region label, year, variable name, raw cell value."""

    entity: object
    time: object
    variable: str
    value: object
    where: Location


@dataclass
class SheetTable:
    """What one sheet yields: its records, the layout found and the units read from its header."""

    records: list[Record]
    layout: str
    units: dict[str, str] = field(default_factory=dict)
    variables: list[str] = field(default_factory=list)  # every variable, read or skipped
    # (region label, label in a second region column, where): checked to name the same region
    pairs: list[tuple[object, object, Location]] = field(default_factory=list)
    # a long table's body column by column (spatialpanel.data.fastlong.LongColumns), or None
    columns: Any = None


def blank(cell: object) -> bool:
    """True for an empty cell: None, NaN or only spaces."""
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def text(cell: object) -> str:
    """A cell's normalised text ("" when blank)."""
    return "" if blank(cell) else normalize_label(cell)


def split_unit(label: str) -> tuple[str, str]:
    """``("gdp", "亿元")`` for the header ``"gdp(亿元)"``; ``(label, "")`` without a unit.

    The unit is the text in a closing pair of brackets (half- or full-width), unless it is only
    digits (``x(1)`` is a serial number, not a unit).
    """
    match = _UNIT.fullmatch(normalize_label(label)) if label else None
    if match is None:
        return label, ""
    return match.group("name"), match.group("unit").strip()


def is_note(row: Sequence[object]) -> str | None:
    """The note's text if the row is clearly a note (one text cell with a note prefix)."""
    found: object = None
    for cell in row:
        if not blank(cell):
            if found is not None:
                return None  # two filled cells: a data row (stops early on most rows)
            found = cell
    if not isinstance(found, str):
        return None
    normal = normalize_label(found)
    if normal.casefold().startswith(_NOTE_PREFIXES) or normal.startswith(_NOTE_SYMBOLS):
        return found.strip()
    return None


def letter(col: int) -> str:
    """Excel's column letter of a 0-based column: 0 -> A, 27 -> AB."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


@dataclass(frozen=True)
class Ctx:
    """The sheet being read: file, sheet name, and whether it is a DataFrame (no letters)."""

    file: str
    sheet: str | None
    in_memory: bool
    letters: bool
    observations: bool = False

    def line(self, index: int) -> int:
        """The row number shown for the grid row ``index``: the spreadsheet row (1-based), the
        observation (1-based, the header being row 0) or the DataFrame position (0-based)."""
        if self.observations:
            return index
        return index - 1 if self.in_memory else index + 1

    def at(
        self, row: int | None = None, col: int | None = None, label: str | None = None
    ) -> Location:
        """The location of a row, a column or a cell."""
        shown = letter(col) if (col is not None and self.letters) else None
        return Location(
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=label,
            letter=shown,
            in_memory=self.in_memory,
            observations=self.observations,
        )


def body_rows(
    grid: list[list[object]],
    first_data: int,
    *,
    width: int,
    ent_col: int,
    ctx: Ctx,
    log: AuditLog,
) -> Iterator[tuple[int, list[object]]]:
    """The table's data rows as (row number shown to the user, cells).

    Empty rows are skipped; notes rows below the last data row are skipped and audited.

    Raises
    ------
    DataError
        For a note between data rows, a value beyond the last headed column, or a row with values
        but no region.
    """
    rows = grid[first_data:]
    empty = [all(blank(c) for c in row) for row in rows]
    notes = [None if b else is_note(row) for row, b in zip(rows, empty, strict=True)]
    last = max((i for i in range(len(rows)) if not empty[i] and notes[i] is None), default=-1)
    for i, row in enumerate(rows):
        line = ctx.line(first_data + i)
        if empty[i]:
            continue
        note = notes[i]
        if note is not None:
            if i > last:
                log.add(
                    "ignore",
                    old=note,
                    detail=f"notes row below the table: {ctx.at(line).describe()}",
                )
                continue
            raise DataError(
                f"{ctx.at(line).describe()}: the row looks like a note ({note[:40]!r}) but data "
                "rows follow it. Notes are ignored only below the table: move it there."
            )
        extra = [c for c in range(width, len(row)) if not blank(row[c])]
        if extra:
            raise DataError(
                f"{ctx.at(line, extra[0]).describe()}: the row has a value ({row[extra[0]]!r}) "
                "beyond the last headed column. Give the column a header or delete the value."
            )
        if blank(row[ent_col] if ent_col < len(row) else None):
            raise DataError(
                f"{ctx.at(line).describe()}: the row has values but no region. Fill in the region "
                "or delete the row."
            )
        yield line, row

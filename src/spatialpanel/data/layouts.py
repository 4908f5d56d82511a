"""Table layouts: one sheet (a grid of cells) turned into records (region, year, variable, cell).

Recognised layouts (see ``docs/preparing-data.md``):

``long``
    A region column, a time column and one column per variable.
``wide``
    A region column and one column per year, the sheet (or file) holding one variable; or column
    blocks ``gdp_2014``, ``gdp 2015``, ``gdp2016年`` holding several variables; or a yearbook
    two-row header, the variable on the first row (merged across its years) and the year on the
    second (or the other way round).
``year-sheet``
    A sheet named by a year (``2014``, ``2014年``) holding a cross-section: a region column and one
    column per variable.
``tidy``
    A region column, a time column, a variable-name column and a value column (one row per
    region, year and variable); see :mod:`spatialpanel.data.tidy`.

Above the header, title rows are ignored; below the table, rows that are clearly notes (a
single cell starting with 注, 说明, 资料来源, 数据来源, Note, Source, ``*``) are ignored. Both are
listed in the audit. A second header row holding units (亿元, %) gives the variables' units; so
does a unit in brackets at the end of a header (``gdp(亿元)``, ``城镇化率（%）``), which is taken
off the variable's name (audited).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import ExcelPercent, Location, year_or_none
from spatialpanel.data.fastlong import ColumnarGrid, long_table
from spatialpanel.data.grid import (
    ENTITY_ALIASES,
    TIME_ALIASES,
    Ctx,
    Record,
    SheetTable,
    body_rows,
    is_note,
    split_unit,
)
from spatialpanel.data.grid import blank as _blank
from spatialpanel.data.grid import letter as _letter
from spatialpanel.data.grid import text as _text
from spatialpanel.data.names import normalize_label
from spatialpanel.data.tidy import find_tidy, read_tidy
from spatialpanel.errors import DataError, did_you_mean

__all__ = ["ENTITY_ALIASES", "TIME_ALIASES", "NoTableError", "Record", "SheetTable", "parse_grid"]

Layout = Literal["auto", "long", "wide", "tidy"]

_BLOCK = re.compile(r"(?P<var>.*?[^\s_\-.:/])[\s_\-.:/]*(?P<year>(?:19|20)\d\d)\s*(?:年度|年)?")
_HEADER_SCAN = 20


class NoTableError(DataError):
    """No header row with a region column was found in a sheet."""


def _key(text: str) -> str:
    return text.casefold()


def _find_header(
    grid: list[list[object]], entity: str, ctx: Ctx
) -> tuple[int, list[int], list[int]]:
    wanted = _key(normalize_label(entity))
    scan = 1 if ctx.in_memory else _HEADER_SCAN  # a DataFrame's header is its columns
    for r, row in enumerate(grid[:scan]):
        labels = [_key(_text(c)) for c in row]
        exact = [c for c, lab in enumerate(labels) if lab == wanted]
        alias = [c for c, lab in enumerate(labels) if lab in ENTITY_ALIASES]
        years = sum(1 for c in row if isinstance(c, str | int | float) and year_or_none(c))
        if exact or alias or years >= 2:
            return r, exact, alias
    if ctx.in_memory:
        columns = [_text(c) for c in grid[0]] if grid else []
        what = f"file {ctx.file!r}" if ctx.observations else "the DataFrame"
        raise NoTableError(
            f"{what} has no region column {entity!r} (or 省份, 地区, province, region, "
            f"code) and no year columns; its columns are {columns}."
            + did_you_mean(entity, columns)
            + " Pass entity='<your region column>'."
        )
    shown = [" | ".join(_text(c) for c in row if not _blank(c)) for row in grid[:3]]
    raise NoTableError(
        f"{ctx.at().describe()}: no header row with the region column {entity!r} (or 省份, 地区, "
        f"province, region, code) or with year columns was found in the first {scan} "
        f"row(s); the first rows read {shown}. Pass entity='<your region column>' or add a "
        "header."
    )


def _looks_like_data(cell: object) -> bool:
    if isinstance(cell, ExcelPercent):
        return True
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return year_or_none(cell) is None
    text = _text(cell).replace(",", "").rstrip("%")
    try:
        float(text)
    except ValueError:
        return False
    return year_or_none(text) is None


def _is_subheader(row: Sequence[object], ent_col: int) -> bool:
    cells = [(c, v) for c, v in enumerate(row) if c != ent_col and not _blank(v)]
    if not cells or (ent_col < len(row) and not _blank(row[ent_col])):
        return False
    return not any(_looks_like_data(v) for _, v in cells)


def _repeats_years(row: Sequence[object]) -> bool:
    """True when a year appears twice in the row: the variables must be on the row above."""
    years = [year_or_none(c) for c in row if not _blank(c)]
    found = [y for y in years if y is not None]
    return len(found) != len(set(found))


def _is_toprow(row: Sequence[object], ent_col: int) -> bool:
    return any(not _blank(v) for c, v in enumerate(row) if c >= 1 and c != ent_col)


def parse_grid(
    grid: list[list[object]],
    *,
    file: str,
    sheet: str | None,
    entity: str,
    time: str,
    layout: Layout,
    wide_name: str,
    sheet_year: int | None,
    variables: Sequence[str] | None,
    log: AuditLog,
    in_memory: bool = False,
    observations: bool = False,
) -> SheetTable:
    """Read one sheet's grid of cells into records (see the module docstring for the layouts).

    Raises
    ------
    NoTableError
        If no header row is found.
    DataError
        For duplicated headers, values without a header or region, notes above data, a layout
        that contradicts ``layout``, or a bad year cell.
    """
    ctx = Ctx(
        file=file,
        sheet=sheet,
        in_memory=in_memory,
        letters=not in_memory,
        observations=observations,
    )
    columnar = grid if isinstance(grid, ColumnarGrid) else None  # only its first rows here
    mark = len(log.rows)

    def cell_by_cell() -> SheetTable:
        del log.rows[mark:]
        assert columnar is not None
        return parse_grid(
            columnar.materialize(),
            file=file,
            sheet=sheet,
            entity=entity,
            time=time,
            layout=layout,
            wide_name=wide_name,
            sheet_year=sheet_year,
            variables=variables,
            log=log,
            in_memory=in_memory,
            observations=observations,
        )

    grid = [list(row) for row in grid]
    h, exact, alias = _find_header(grid, entity, ctx)
    ent_hits = exact or alias
    header = grid[h]
    ent_col = ent_hits[0] if ent_hits else 0
    others = [c for c in dict.fromkeys(exact + alias) if c != ent_col]
    if not exact and alias:
        log.add(
            "header",
            old=_text(header[ent_col]),
            detail=f"column {_text(header[ent_col])!r} read as the region column (no column "
            f"named {entity!r}): {ctx.at(h + 1, ent_col).describe()}",
        )
    if not ent_hits and not _blank(header[0]) and year_or_none(header[0]) is None:
        raise NoTableError(
            f"{ctx.at(h + 1).describe()}: the header row has year columns but no region column "
            f"{entity!r}; its first cell is {_text(header[0])!r}. Pass entity={_text(header[0])!r} "
            "or name the region column."
        )
    if not ent_hits and year_or_none(header[0]) is not None:
        raise NoTableError(
            f"{ctx.at(h + 1).describe()}: the header row starts with a year, so no column holds "
            "the regions. Put the regions in the first column."
        )
    top: int | None = None
    if h > 0 and _repeats_years(header) and _is_toprow(grid[h - 1], ent_col):
        top, sub = h - 1, h
    elif not ctx.in_memory and h + 1 < len(grid) and _is_subheader(grid[h + 1], ent_col):
        top, sub = h, h + 1
    first_data = (sub + 1) if top is not None else h + 1
    for r in range(top if top is not None else h):
        if any(not _blank(c) for c in grid[r]):
            text = " ".join(_text(c) for c in grid[r] if not _blank(c))
            log.add(
                "ignore", old=text, detail=f"title row above the table: {ctx.at(r + 1).describe()}"
            )
    width = max(len(grid[r]) for r in range(top if top is not None else h, first_data))
    labels: list[tuple[str, str]] = []
    carry = ""
    for c in range(width):
        if top is None:
            labels.append((_text(header[c]) if c < len(header) else "", ""))
            continue
        up = _text(grid[top][c]) if c < len(grid[top]) else ""
        down = _text(grid[sub][c]) if c < len(grid[sub]) else ""
        if up:
            carry = up
        elif down and c > ent_col:
            up = carry  # merged cell spanning the years (or units) below it
        labels.append((up, down))
    for c in others:
        log.add(
            "ignore",
            old=_text(header[c]),
            detail=f"second region column {_text(header[c])!r} not read as data; each row's "
            f"label is checked against column {_text(header[ent_col])!r}: "
            f"{ctx.at(h + 1, c).describe()}",
        )
    time_col = _time_column(labels, ent_col, set(others), time)
    tidy = None
    if layout in ("auto", "tidy"):
        tidy = find_tidy(
            labels,
            ent_col=ent_col,
            time_col=time_col,
            skip=set(others),
            strict=layout == "tidy",
            where=ctx.at(h + 1),
        )
    if columnar is not None and (tidy is not None or top is not None or others):
        return cell_by_cell()
    if tidy is not None:
        sheet_table = read_tidy(
            grid, tidy, first_data=first_data, width=width, variables=variables, ctx=ctx, log=log
        )
    else:
        table = _columns(
            labels,
            ent_col,
            set(others),
            time_col,
            time,
            wide_name,
            sheet_year,
            layout,
            ctx,
            h + 1,
            grid,
            first_data,
        )
        stated: dict[str, tuple[int, str, str]] = {}
        for c, (old, name, unit) in sorted(table.stripped.items()):
            stated.setdefault(old, (c, name, unit))
        for old, (c, name, unit) in stated.items():  # once per header, merged or not
            log.add(
                "header",
                variable=name,
                old=old,
                new=name,
                detail=f"unit {unit!r} read from the header {old!r}; the variable is named "
                f"{name!r}: {ctx.at(h + 1, c).describe()}",
            )
        if columnar is None:
            sheet_table = _records(grid, table, ent_col, first_data, width, variables, ctx, log)
        else:
            keep = _kept(table, variables, ctx, log)
            fast = long_table(columnar, table, keep, labels, ent_col, first_data, width, ctx, log)
            if fast is None:
                return cell_by_cell()
            sheet_table = fast
    if time_col is not None and _key(labels[time_col][0]) != _key(normalize_label(time)):
        log.add(
            "header",
            old=labels[time_col][0],
            detail=f"column {labels[time_col][0]!r} read as the time column (no column "
            f"named {time!r}): {ctx.at(h + 1, time_col).describe()}",
        )
    for i, row in enumerate(grid[first_data:]):
        if _blank(row[ent_col] if ent_col < len(row) else None) or is_note(row) is not None:
            continue
        line = ctx.line(first_data + i)
        for c in others:
            other = row[c] if c < len(row) else None
            where = ctx.at(line, c, _text(header[c]))
            sheet_table.pairs.append((row[ent_col], other, where))
    return sheet_table


@dataclass
class _Columns:
    layout: str
    time_col: int | None
    sheet_year: int | None
    cells: dict[int, tuple[str, int | None]]  # column -> (variable, year or None)
    units: dict[str, str]
    names: dict[int, str]  # column -> label shown in messages
    stripped: dict[int, tuple[str, str, str]]  # column -> (header, variable, unit in brackets)


def _time_column(
    labels: list[tuple[str, str]], ent_col: int, skip: set[int], time: str
) -> int | None:
    """The time column: the one headed ``time``, else one with a usual header (年份, year)."""
    for key in (_key(normalize_label(time)), *TIME_ALIASES):
        hits = [c for c, (up, down) in enumerate(labels) if not down and _key(up) == key]
        if hits and hits[0] != ent_col and hits[0] not in skip:
            return hits[0]
    return None


def _columns(
    labels: list[tuple[str, str]],
    ent_col: int,
    skip: set[int],
    time_col: int | None,
    time: str,
    wide_name: str,
    sheet_year: int | None,
    layout: Layout,
    ctx: Ctx,
    header_row: int,
    grid: list[list[object]],
    first_data: int,
) -> _Columns:
    plain: dict[int, tuple[str, str]] = {}  # variable columns: (name, unit)
    dated: dict[int, tuple[str, int]] = {}
    names: dict[int, str] = {}
    stripped: dict[int, tuple[str, str, str]] = {}

    def strip(c: int, label: str) -> str:
        name, unit = split_unit(label)
        if unit:
            stripped[c] = (label, name, unit)
        return name

    for c, (up, down) in enumerate(labels):
        if c in (ent_col, time_col) or c in skip:
            continue
        shown = f"{up} / {down}" if up and down else (up or down)
        names[c] = shown
        if not up and not down:
            if any(c < len(row) and not _blank(row[c]) for row in grid[first_data:]):
                raise DataError(
                    f"{ctx.at(header_row, c).describe()}: the column has values but no header. "
                    "Give it a header or delete it."
                )
            continue
        y_up, y_down = year_or_none(up), year_or_none(down)
        block = _BLOCK.fullmatch(up) if not down else None
        if y_down is not None and not (up and y_up is not None):
            dated[c] = (strip(c, up or wide_name), y_down)
        elif y_up is not None and down:
            dated[c] = (strip(c, down), y_up)
        elif y_up is not None:
            dated[c] = (strip(c, wide_name), y_up)
        elif block is not None:
            dated[c] = (strip(c, block.group("var").strip()), int(block.group("year")))
        else:
            name = strip(c, up or down)
            plain[c] = (name, (down if up else "") or stripped.get(c, ("", "", ""))[2])
    kind: str
    if time_col is not None or (sheet_year is not None and not dated):
        kind = "long" if time_col is not None else "year-sheet"
        if layout == "wide" and kind == "long":
            raise DataError(
                f"{ctx.at(header_row).describe()}: layout='wide' was asked for but the sheet has "
                "a time column. Use layout='long'."
            )
        cells: dict[int, tuple[str, int | None]] = {c: (nm, None) for c, (nm, _) in plain.items()}
        cells.update({c: (labels[c][0] or labels[c][1], None) for c in dated})
        units = {name: unit for name, unit in plain.values() if unit}
    elif dated:
        kind = "wide"
        if layout == "long":
            raise DataError(
                f"{ctx.at(header_row).describe()}: layout='long' was asked for but no time column "
                f"{time!r} was found (the headers are years). Use layout='wide' or add the column."
            )
        if plain:
            c = min(plain)
            raise DataError(
                f"{ctx.at(header_row, c, names[c]).describe()}: in a wide table every column other "
                "than the region column must be a year (2014, 2014年) or a variable-year block "
                "(gdp_2014). Delete the column or move it to its own sheet."
            )
        cells = {c: (name, year) for c, (name, year) in dated.items()}
        units = {}
        for c, (_, name, unit) in sorted(stripped.items()):
            if units.setdefault(name, unit) != unit:
                raise DataError(
                    f"{ctx.at(header_row, c, names[c]).describe()}: variable {name!r} has the "
                    f"unit {units[name]!r} in one header and {unit!r} in another. Use one unit "
                    "for all its years."
                )
    else:
        raise DataError(
            f"{ctx.at(header_row).describe()}: no time column {time!r} (or year, 年份) and no year "
            f"columns were found; the headers are {[names[c] for c in sorted(names)]}."
            + did_you_mean(time, [names[c] for c in sorted(names)])
            + " Pass time='<your year column>', or name the year columns 2014, 2015, ..."
        )
    seen: dict[tuple[str, int | None], int] = {}
    for c, spec in cells.items():
        if spec in seen:
            raise DataError(
                f"{ctx.at(header_row).describe()}: duplicated header {names[c]!r} in columns "
                f"{_letter(seen[spec])} and {_letter(c)}. Rename or delete one of them."
            )
        seen[spec] = c
    return _Columns(
        layout=kind,
        time_col=time_col,
        sheet_year=sheet_year,
        cells=cells,
        units=units,
        names=names,
        stripped=stripped,
    )


def _kept(
    table: _Columns, variables: Sequence[str] | None, ctx: Ctx, log: AuditLog
) -> dict[int, tuple[str, int | None]]:
    """The variable columns to read (audit rows for the others)."""
    wanted = set(variables) if variables is not None else None
    keep = {c: spec for c, spec in table.cells.items() if wanted is None or spec[0] in wanted}
    for c in sorted(set(table.cells) - set(keep)):
        log.add(
            "ignore",
            variable=table.cells[c][0],
            detail=f"column not among variables=: {ctx.at(None, c, table.names[c]).describe()}",
        )
    return keep


def _records(
    grid: list[list[object]],
    table: _Columns,
    ent_col: int,
    first_data: int,
    width: int,
    variables: Sequence[str] | None,
    ctx: Ctx,
    log: AuditLog,
) -> SheetTable:
    keep = _kept(table, variables, ctx, log)
    places = {c: ctx.at(None, c, table.names[c]) for c in keep}
    records: list[Record] = []
    for line, row in body_rows(grid, first_data, width=width, ent_col=ent_col, ctx=ctx, log=log):
        region = row[ent_col]
        year = table.time_col
        for c, (variable, col_year) in keep.items():
            if col_year is not None:
                t: object = col_year
            elif year is not None:
                t = row[year] if year < len(row) else None
            else:
                t = table.sheet_year
            base = places[c]
            where = Location(
                base.file,
                base.sheet,
                line,
                base.column,
                base.letter,
                in_memory=base.in_memory,
                observations=base.observations,
            )
            records.append(
                Record(
                    entity=region,
                    time=t,
                    variable=variable,
                    value=row[c] if c < len(row) else None,
                    where=where,
                )
            )
    every = list(dict.fromkeys(spec[0] for _, spec in sorted(table.cells.items())))
    return SheetTable(
        records=records, layout=table.layout, units=dict(table.units), variables=every
    )

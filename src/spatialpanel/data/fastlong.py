"""Large long tables column by column: the same checks, audit and panel as the cell-by-cell path.

A long table (one row per region and year) of a large CSV, Stata, SPSS or Parquet file, or of a
large DataFrame, is read here column-wise (issue 15 item 9: 120,000 regions x 10 years took 2 min
31 s and 5.56 GB cell by cell). The header is found by the ordinary layout code on the first rows
(:class:`ColumnarGrid`); the body stays in columns. Plain numbers (``1234.5``, ``-3``, ``1e3``
with optional spaces or tabs around) are converted in bulk; every other cell goes through
:func:`~spatialpanel.data.cells.parse_cell` one by one, in the file's row order, so its audit row
and its error are those of the cell-by-cell path. Region labels and years are resolved once per
distinct value, in order of first appearance, with the same functions.

Whenever the table is anything but a clean rectangle (a second region column, a two-row header,
rows of different lengths, notes or blank regions between data rows, duplicate region-years, an
unbalanced panel, years outside the study), the column path gives up and the cell-by-cell path
reads the table from the start, so that every message is the one it gives. The test suite checks
that both paths give the same panel and audit (``tests/test_data_fastlong.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import Location, parse_cell, parse_year, year_or_none
from spatialpanel.data.grid import Ctx, Record, is_note
from spatialpanel.data.names import is_national_total, normalize_label, region_label, resolve_region
from spatialpanel.data.validate import check_bounds, normalize_bounds

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.readers import PanelData

__all__ = [
    "FAST_CELLS",
    "ColumnarGrid",
    "GiveUpError",
    "LongColumns",
    "assemble_long",
    "long_columns",
    "to_records",
]

FAST_CELLS = 200_000  # tables with fewer cells take the cell-by-cell path
_PLAIN = r"^[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*$"
_PLAIN_PY = re.compile(_PLAIN.replace("^", "").replace("$", ""), re.ASCII)
# every character Python's str.strip() removes: a cell made only of these is blank
_BLANK = r"^[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\p{Z}]*$"


class GiveUpError(Exception):
    """The column path does not handle this table: read it cell by cell."""


class ColumnarGrid(list[list[object]]):
    """The first rows of a table as lists (for the header search), the body on demand.

    ``body(first)`` returns the rows from grid row ``first`` on as a list of columns (pandas
    Series or pyarrow string arrays; None if they cannot be read as a rectangle);
    ``materialize()`` returns the whole grid as lists for the cell-by-cell path.
    """

    def __init__(
        self,
        head: list[list[object]],
        *,
        body: Callable[[int], list[Any] | None],
        materialize: Callable[[], list[list[object]]],
    ) -> None:
        super().__init__(head)
        self.body = body
        self.materialize = materialize


@dataclass
class Column:
    """One body column: blank cells, bulk-converted values, and the cells to parse one by one."""

    blank: np.ndarray
    values: np.ndarray
    odd: np.ndarray  # positions of non-blank cells that are not plain numbers
    raw: Callable[[int], object]
    pylist: Callable[[np.ndarray], list[object]] | None = None  # the raw cells of rows

    def cells(self, rows: np.ndarray) -> list[object]:
        """The cells of ``rows`` as the cell-by-cell path's grid holds them."""
        if self.pylist is not None:
            return self.pylist(rows)
        return [self.raw(int(i)) for i in rows]


@dataclass
class LongColumns:
    """The body of a long table, column-wise (rows are the data rows, in file order)."""

    lines: np.ndarray
    entity: list[object]
    time: list[object]
    variables: list[str]
    columns: list[Column]
    places: list[Location]  # per variable: file, sheet, column and letter
    notes: list[tuple[int, str]] = field(default_factory=list)


def _strings(arr: Any) -> Column:
    """A column of a text file's cells (a pyarrow string array); blank cells read as None, as
    the grid of a CSV file holds them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    nulls = arr.is_null().to_numpy(zero_copy_only=False)
    matched = pc.fill_null(pc.match_substring_regex(arr, _BLANK), True)
    blank = nulls | matched.to_numpy(zero_copy_only=False)
    plain_arr = pc.fill_null(pc.match_substring_regex(arr, _PLAIN), False)
    plain = plain_arr.to_numpy(zero_copy_only=False).copy()
    values = np.full(n, np.nan)
    where = np.flatnonzero(plain)
    trimmed = pc.utf8_trim(arr.filter(plain_arr), characters=" \t")
    try:  # Arrow's parser rounds correctly, as float() does (checked in the tests)
        numbers = pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # e.g. 1e999, which float() reads as inf
        numbers = np.array([float(t) for t in trimmed.to_pylist()])
    values[where] = numbers
    bad = ~np.isfinite(values[where])  # 1e999: parse_cell names it
    plain[where[bad]] = False
    values[where[bad]] = np.nan
    odd = np.flatnonzero(~blank & ~plain)

    def raw(i: int) -> object:
        return arr[i].as_py()

    def pylist(rows: np.ndarray) -> list[object]:
        cells: list[object] = arr.take(pa.array(rows)).to_pylist()
        for k in np.flatnonzero(blank[rows]).tolist():
            cells[k] = None
        return cells

    return Column(blank, values, odd, raw, pylist)


def _column(col: Any) -> Column:
    """Classify one column's cells (see :class:`Column`)."""
    import pyarrow as pa

    if isinstance(col, pa.Array | pa.ChunkedArray):
        if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
            raise GiveUpError
        return _strings(col)
    series = cast(pd.Series, col)
    n = len(series)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise GiveUpError
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        values = series.to_numpy(dtype=float)
        blank = np.isnan(values)
        odd = np.flatnonzero(~blank & ~np.isfinite(values))
        raw_values = series.to_numpy()

        def pylist(rows: np.ndarray) -> list[object]:
            return list(raw_values[rows].tolist())  # NaN stays NaN, as in the grid of rows

        return Column(blank, values, odd, lambda i: raw_values[i].item(), pylist)
    if isinstance(dtype, pd.StringDtype):
        series = series.astype(object)  # missing cells as the grid of rows holds them
        dtype = series.dtype
    if not pd.api.types.is_object_dtype(dtype):
        raise GiveUpError
    cells = series.to_numpy()
    blank = np.zeros(n, dtype=bool)
    values = np.full(n, np.nan)
    odd_list: list[int] = []
    for i, v in enumerate(cells):
        if v is None or (type(v) is float and v != v):
            blank[i] = True
        elif type(v) is float and np.isfinite(v):
            values[i] = v
        elif type(v) is str and _PLAIN_PY.fullmatch(v) and np.isfinite(float(v)):
            values[i] = float(v)
        elif type(v) is str and not v.strip():
            blank[i] = True
        else:
            odd_list.append(i)
    return Column(blank, values, np.array(odd_list, dtype=np.int64), lambda i: cells[i])


def long_columns(
    grid: ColumnarGrid,
    *,
    ent_col: int,
    time_col: int,
    keep: Mapping[int, str],
    unlabelled: Sequence[int],
    first_data: int,
    width: int,
    places: Mapping[int, Location],
    ctx: Ctx,
) -> LongColumns:
    """The body of a long table in columns; :class:`GiveUpError` if it is not a clean rectangle.

    ``keep`` maps the variable columns read to their names; ``unlabelled`` lists the columns
    without a header, which must be empty."""
    body = grid.body(first_data)
    if body is None or len(body) <= max(ent_col, time_col, *keep, *unlabelled, 0):
        raise GiveUpError
    classified = {c: _column(col) for c, col in enumerate(body)}
    n = len(classified[ent_col].blank)
    for c in [*range(width, len(body)), *unlabelled]:
        if not classified[c].blank.all():
            raise GiveUpError  # a value beyond the headed columns: the cell-by-cell message
    filled = np.zeros(n, dtype=np.int64)
    for c in range(min(width, len(body))):
        filled += ~classified[c].blank
    region_blank = classified[ent_col].blank
    note_rows: dict[int, str] = {}
    for i in np.flatnonzero(filled == 1):
        row = [None if classified[c].blank[i] else classified[c].raw(int(i)) for c in range(width)]
        note = is_note(row)
        if note is not None:
            note_rows[int(i)] = note
    data = filled > 0
    data[list(note_rows)] = False
    last = int(np.flatnonzero(data)[-1]) if data.any() else -1
    if any(i < last for i in note_rows) or (data & region_blank).any():
        raise GiveUpError  # a note between data rows, or a row without a region: refused there
    rows = np.flatnonzero(data)
    lines = ctx.line(first_data) + rows.astype(np.int64)
    ent, tim = classified[ent_col], classified[time_col]
    columns = []
    for c in keep:
        col = classified[c]
        odd_rows = np.searchsorted(rows, col.odd[np.isin(col.odd, rows)])
        columns.append(
            Column(
                col.blank[rows],
                col.values[rows],
                odd_rows,
                _pick(col, rows),
            )
        )
    notes = [(ctx.line(first_data + i), text) for i, text in sorted(note_rows.items())]
    return LongColumns(
        lines=lines,
        entity=ent.cells(rows),
        time=tim.cells(rows),
        variables=list(keep.values()),
        columns=columns,
        places=[places[c] for c in keep],
        notes=notes,
    )


def to_records(cols: LongColumns) -> list[Record]:
    """The records the cell-by-cell path makes of the same rows (row by row, then column)."""
    records = []
    for i, line in enumerate(cols.lines):
        for name, col, base in zip(cols.variables, cols.columns, cols.places, strict=True):
            value = None if col.blank[i] else col.raw(i)
            where = Location(
                base.file,
                base.sheet,
                int(line),
                base.column,
                base.letter,
                in_memory=base.in_memory,
                observations=base.observations,
            )
            records.append(Record(cols.entity[i], cols.time[i], name, value, where))
    return records


def _row(base: Location, line: int) -> Location:
    return Location(
        base.file, base.sheet, line, in_memory=base.in_memory, observations=base.observations
    )


def assemble_long(
    cols: LongColumns,
    *,
    study_years: list[int] | None,
    entity_kind: str,
    totals: str,
    extra_years: str,
    bounds: Any,
    nonnegative: Any,
    log: AuditLog,
    years_step: Callable[..., list[Record]],
    sort_key: Callable[[Hashable], Any],
    generic_id: Callable[[object], Hashable],
    finish: Callable[[pd.DataFrame, Mapping[Any, Record]], PanelData],
) -> PanelData:
    """The panel of one long table (see the module docstring); :class:`GiveUpError` to go cell by
    cell. The steps and their audit rows come in the order of
    :func:`~spatialpanel.data.assemble.assemble`."""
    base = cols.places[0]
    n = len(cols.lines)
    keep = np.ones(n, dtype=bool)
    ent_codes, n_entities = _factorize(cols.entity)
    if entity_kind == "china" and totals == "drop":
        first_any = _first_rows(ent_codes, keep)
        total = np.array([is_national_total(cols.entity[int(f)]) for f in first_any], dtype=bool)
        dropped = total[ent_codes] if len(total) else np.zeros(n, dtype=bool)
        for d in np.flatnonzero(dropped).tolist():
            log.add(
                "drop",
                time=year_or_none(cols.time[d]),
                old=cols.entity[d],
                detail=f"national total row {cols.entity[d]!r} dropped (a national total, not a "
                f"province): {_row(base, int(cols.lines[d])).describe()}",
            )
        keep &= ~dropped
        if not keep.any():
            raise GiveUpError
    # years, resolved once per distinct cell, in order of first appearance
    time_codes, n_times = _factorize(cols.time)
    years_u = np.zeros(n_times, dtype=np.int64)
    first_seen = _first_rows(time_codes, keep)
    for k in range(n_times):
        if first_seen[k] < 0:
            continue
        f = int(first_seen[k])
        value = cols.time[f]
        if isinstance(value, int) and not isinstance(value, bool):
            years_u[k] = value
            continue
        at = replace(_row(base, int(cols.lines[f])), region=cols.entity[f])
        years_u[k] = parse_year(value, where=at)
    years = years_u[time_codes]
    if study_years is not None:
        outside = keep & ~np.isin(years, study_years)
        if outside.any():
            if extra_years == "error":
                raise GiveUpError
            sub = _subset(cols, np.flatnonzero(outside))
            years_step(to_records(sub), study_years, extra_years, log)
            keep &= ~outside
            if not keep.any():
                raise GiveUpError
    # regions, once per distinct label, in order of first appearance
    ids_u: list[Hashable] = [None] * n_entities
    first_ent = _first_rows(ent_codes, keep)
    for k in range(n_entities):
        if first_ent[k] < 0:
            continue
        label = cols.entity[int(first_ent[k])]
        if entity_kind != "china":
            ids_u[k] = generic_id(label)
            continue
        code = resolve_region(
            label, where=_row(base, int(cols.lines[int(first_ent[k])])).describe()
        )
        ids_u[k] = code
        if normalize_label(label) != str(code):
            log.add(
                "region",
                entity=code,
                old=label,
                new=code,
                detail=f"region label {label!r} read as {region_label(code)}",
            )
    used = [ids_u[k] for k in range(len(ids_u)) if first_ent[k] >= 0]
    if entity_kind != "china" and len({type(g) for g in used}) > 1:
        raise GiveUpError
    rows = np.flatnonzero(keep)
    ids = pd.Index([ids_u[k] for k in ent_codes[rows]], dtype=object)
    key = pd.MultiIndex.from_arrays([ids, years[rows]])
    if key.has_duplicates:
        raise GiveUpError
    # cells: plain numbers in bulk, the others one by one in row order, then column
    values = {
        name: col.values[rows].copy()
        for name, col in zip(cols.variables, cols.columns, strict=True)
    }
    position = np.full(n, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    odd = sorted((int(i), v) for v, col in enumerate(cols.columns) for i in col.odd if keep[int(i)])
    for i, v in odd:
        name, col, place = cols.variables[v], cols.columns[v], cols.places[v]
        raw = col.raw(i)
        year = int(years[i])
        entity = ids_u[ent_codes[i]]

        def cell_at(i: int = i, place: Location = place, year: int = year) -> Location:
            return replace(place, row=int(cols.lines[i]), region=cols.entity[i], year=year)

        parsed = parse_cell(raw, where=cell_at)
        values[name][position[i]] = parsed.value
        if parsed.note is not None:
            log.add(
                "missing" if parsed.missing_marker else "convert",
                entity=entity,
                time=year,
                variable=name,
                old=raw,
                new=parsed.value,
                detail=f"{parsed.note}: {cell_at().describe()}",
            )
    entities = sorted(set(used), key=sort_key)
    span = study_years or list(range(int(years[rows].min()), int(years[rows].max()) + 1))
    full = pd.MultiIndex.from_product([pd.Index(entities), pd.Index(span)])
    if len(key) != len(full) or not key.isin(full).all():
        raise GiveUpError  # unbalanced, or a year missing: the cell-by-cell message
    frame = pd.DataFrame(values, index=key).reindex(full).astype(float)
    frame.index = full  # the level types of the cell-by-cell path (str, not object)
    places = _Places(cols, rows, key, years)
    limits = normalize_bounds(bounds, nonnegative, columns=cols.variables)
    if limits:

        def where_cell(e: Hashable, t: Hashable, col: str) -> str:
            r = places[(e, cast(int, t), col)]
            return replace(r.where, region=r.entity, year=r.time).describe()

        check_bounds(frame, limits, where=where_cell)
    return finish(frame, places)


def _factorize(values: list[object]) -> tuple[np.ndarray, int]:
    """Codes of the distinct values, told apart by type as well (``2014`` and ``"2014"``, and
    ``1`` and ``1.0``, are distinct cells, as in the cell-by-cell path's caches)."""
    if all(type(v) is str for v in values):
        codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    else:
        keys = pd.Series([(type(v).__name__, v) for v in values], dtype=object)
        codes, uniques = pd.factorize(keys, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _pick(col: Column, rows: np.ndarray) -> Callable[[int], object]:
    """The raw cell of the column at position ``i`` of ``rows``."""

    def raw(i: int) -> object:
        return col.raw(int(rows[i]))

    return raw


def _first_rows(codes: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """For each distinct value (code), the first kept row holding it (-1 if none)."""
    size = int(codes.max()) + 1 if len(codes) else 0
    first = np.full(size, -1, dtype=np.int64)
    idx = np.flatnonzero(keep)
    found, where = np.unique(codes[idx], return_index=True)
    first[found] = idx[where]
    return first


def _subset(cols: LongColumns, rows: np.ndarray) -> LongColumns:
    return LongColumns(
        lines=cols.lines[rows],
        entity=[cols.entity[i] for i in rows],
        time=[cols.time[i] for i in rows],
        variables=cols.variables,
        columns=[
            Column(
                c.blank[rows],
                c.values[rows],
                np.array([], dtype=int),
                _pick(c, rows),
            )
            for c in cols.columns
        ],
        places=cols.places,
    )


class _Places(Mapping[Any, Record]):
    """(entity, year, variable) -> the Record of that cell, built on demand (for messages)."""

    def __init__(
        self, cols: LongColumns, rows: np.ndarray, key: pd.MultiIndex, years: np.ndarray
    ) -> None:
        self._cols, self._rows, self._key = cols, rows, key
        self._years = years
        self._index = pd.Series(np.arange(len(rows)), index=key)

    def __getitem__(self, item: Any) -> Record:
        entity, year, variable = item
        pos = int(self._index.loc[(entity, year)])
        i = int(self._rows[pos])
        v = self._cols.variables.index(variable)
        col, base = self._cols.columns[v], self._cols.places[v]
        where = replace(base, row=int(self._cols.lines[i]))
        value = None if col.blank[i] else col.raw(i)
        return Record(self._cols.entity[i], int(self._years[i]), variable, value, where)

    def __iter__(self) -> Iterator[Any]:
        for e, t in self._key:
            for v in self._cols.variables:
                yield (e, t, v)

    def __len__(self) -> int:
        return len(self._key) * len(self._cols.variables)

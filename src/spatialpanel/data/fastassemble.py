"""The panel of one long table read column-wise (:mod:`spatialpanel.data.fastlong`).

The steps, their audit rows and their order are those of
:func:`~spatialpanel.data.assemble.assemble`: national totals dropped, years parsed and checked
against the study, region labels resolved, duplicates, cells, balance, bounds. Each label and each
time cell is resolved once per distinct value (told apart by type, as the cell-by-cell caches
do), in order of first appearance, by the same functions, so that the audit rows and the first
error are the same. Where the cell-by-cell path would refuse the table with a message built from
many cells (duplicates, an unbalanced panel, years outside the study, mixed id types),
:class:`~spatialpanel.data.fastlong.GiveUpError` hands the table back to it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import Location, parse_cell, parse_year, year_or_none
from spatialpanel.data.fastlong import Column, GiveUpError, LongColumns, _pick, to_records
from spatialpanel.data.grid import Record
from spatialpanel.data.names import is_national_total, normalize_label, region_label, resolve_region
from spatialpanel.data.validate import check_bounds, normalize_bounds

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.readers import PanelData

__all__ = ["assemble_long"]


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
    """The panel of one long table (see the module docstring);
    :class:`~spatialpanel.data.fastlong.GiveUpError` to go cell by
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

"""From records (raw region, year, variable, cell) to the validated panel frame.

Here the boundary checks of the data layer run, in this order: years (parsed, inside the
study), regions (resolved to codes), duplicate region-years, cell values (parsed), balance (every
region has every year of every variable), bounds. Each conversion goes to the audit log.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Literal, cast

import pandas as pd

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import Location, parse_cell, parse_year, year_or_none
from spatialpanel.data.fastassemble import assemble_long
from spatialpanel.data.fastlong import GiveUpError, to_records
from spatialpanel.data.layouts import Record, SheetTable
from spatialpanel.data.names import (
    is_national_total,
    normalize_label,
    region_label,
    resolve_region,
)
from spatialpanel.data.validate import (
    Bounds,
    check_bounds,
    describe_region,
    format_cells,
    normalize_bounds,
)
from spatialpanel.errors import DataError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.readers import PanelData, SourceInfo
    from spatialpanel.data.regions import RegionSet

__all__ = ["assemble"]

Key = tuple[Hashable, int, str]


def assemble(
    tables: Sequence[SheetTable],
    *,
    file: str,
    in_memory: bool,
    entity: str,
    time: str,
    variables: Sequence[str] | None,
    study_years: list[int] | None,
    entity_kind: Literal["china", "generic"],
    units: Mapping[str, str] | None,
    bounds: Bounds | None,
    nonnegative: Iterable[str],
    extra_years: str,
    totals: str = "drop",
    log: AuditLog,
    source: SourceInfo,
    make: type[PanelData],
    regions: RegionSet | None = None,
) -> PanelData:
    """Check the records of all sheets and build the
    :class:`~spatialpanel.data.readers.PanelData`."""
    where0 = Location(file=file, in_memory=in_memory).describe()
    every = list(dict.fromkeys(v for t in tables for v in t.variables))
    if variables is not None:
        lost = [v for v in variables if v not in every]
        if lost:
            raise DataError(
                f"{where0}: the variables {lost} asked for in variables= are not in the file; "
                f"it has {every}." + _hint(str(lost[0]), every)
            )
    rows = sum(
        len(t.records) + (len(t.columns.lines) if t.columns is not None else 0) for t in tables
    )
    if not rows:
        raise DataError(f"{where0}: the table has a header but no data rows. Add the data.")

    def finish(frame: pd.DataFrame, places: Mapping[Key, Record]) -> PanelData:
        unit_map: dict[str, str] = {}
        for table in tables:
            unit_map.update(table.units)
        _check_percent_units(unit_map, places, log)
        for row in log.rows:
            if row[0] == "convert" and "percent" in str(row[6]) and row[3] not in unit_map:
                unit_map[str(row[3])] = "%"
        unit_map.update(units or {})
        frame.index = frame.index.set_names([entity, time])
        return make(
            frame=frame,
            audit=log.frame(),
            source=source,
            units=unit_map,
            entity_kind=entity_kind,
        )

    # the column path resolves labels as provinces or generic ids, not through a region set
    if len(tables) == 1 and tables[0].columns is not None and regions is None:
        mark = len(log.rows)
        try:
            return assemble_long(
                tables[0].columns,
                study_years=study_years,
                entity_kind=entity_kind,
                totals=totals,
                extra_years=extra_years,
                bounds=bounds,
                nonnegative=nonnegative,
                log=log,
                years_step=_years,
                sort_key=_sort_key,
                generic_id=_generic_id,
                finish=finish,
            )
        except GiveUpError:
            del log.rows[mark:]  # the cell-by-cell path below says what is wrong
    records = [
        r for t in tables for r in (t.records if t.columns is None else to_records(t.columns))
    ]
    found = list(dict.fromkeys(r.variable for r in records))
    pairs = [pair for t in tables for pair in t.pairs]
    if entity_kind == "china" and totals == "drop":
        records, pairs = _drop_totals(records, pairs, log)
        if not records:
            raise DataError(
                f"{where0}: the table holds only national-total rows (全国, 100000); add the "
                "provinces' rows."
            )
    records = _years(records, study_years, extra_years, log)
    ids = _entities(records, entity_kind, log, regions)
    if entity_kind == "china":
        _check_pairs(pairs)
    cells, places = _cells(records, ids, log)
    entities = sorted(set(ids.values()), key=_sort_key)
    years = study_years or list(range(min(k[1] for k in cells), max(k[1] for k in cells) + 1))
    _check_balance(cells, entities, years, found, where0)
    index = pd.MultiIndex.from_tuples(
        list(itertools.product(entities, years)), names=[entity, time]
    )
    frame = pd.DataFrame(
        {v: [cells[(e, t, v)] for e, t in index] for v in found}, index=index, dtype=float
    )
    limits = normalize_bounds(bounds, nonnegative, columns=found)
    if limits:

        def where(e: Hashable, t: Hashable, col: str) -> str:
            return _full(places[(e, cast(int, t), col)]).describe()

        check_bounds(frame, limits, where=where)
    return finish(frame, places)


def _hint(name: str, options: list[str]) -> str:
    same = [o for o in options if o.casefold() == name.casefold()]
    return f" Did you mean '{same[0]}'?" if same else did_you_mean(name, options)


def _sort_key(value: Hashable) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def _years(
    records: list[Record], study: list[int] | None, extra: str, log: AuditLog
) -> list[Record]:
    parsed: list[Record] = []
    cache: dict[tuple[type, object], int] = {}
    for r in records:
        if isinstance(r.time, int) and not isinstance(r.time, bool):
            year = r.time
        else:
            key = (type(r.time), r.time)
            if key not in cache:
                where = replace(_row_only(r.where), region=r.entity)
                cache[key] = parse_year(r.time, where=where)
            year = cache[key]
        parsed.append(Record(r.entity, year, r.variable, r.value, r.where))
    if study is None:
        return parsed
    allowed = set(study)
    outside = [r for r in parsed if r.time not in allowed]
    if not outside:
        return parsed
    if extra == "error":
        rows = sorted({(r.where.sheet or "", r.where.row or 0, r.time) for r in outside})
        shown = ", ".join(
            f"{'sheet ' + repr(s) + ' ' if s else ''}row {n} ({y})" for s, n, y in rows[:10]
        )
        raise DataError(
            f"{_full(outside[0]).describe()}: year {outside[0].time} is outside the study's years "
            f"{study[0]}-{study[-1]}; {len(rows)} row(s) or column(s) are outside: {shown}. "
            "Delete them, widen years=, or pass extra_years='drop'."
        )
    dropped = sorted({(r.where.sheet or "", r.where.row or 0, r.time) for r in outside})
    for s, n, y in dropped:
        log.add(
            "drop",
            time=y,
            detail=f"year outside the study: sheet {s!r} row {n}"
            if s
            else f"year outside the study: row {n}",
        )
    return [r for r in parsed if r.time in allowed]


def _drop_totals(
    records: list[Record], pairs: list[tuple[object, object, Location]], log: AuditLog
) -> tuple[list[Record], list[tuple[object, object, Location]]]:
    """Drop national-total rows (全国, 合计, Total, 100000), one audit row per file row.

    A row whose second region column disagrees (``100000`` beside ``北京``) is kept in the
    pairs, so that :func:`_check_pairs` refuses it.
    """
    kept: list[Record] = []
    seen: set[tuple[str | None, int | None, object]] = set()
    for r in records:
        if not is_national_total(r.entity):
            kept.append(r)
            continue
        row = _row_only(r.where)
        key = (row.sheet, row.row, r.time if row.row is None else None)
        if key in seen:
            continue
        seen.add(key)
        log.add(
            "drop",
            time=year_or_none(r.time),
            old=r.entity,
            detail=f"national total row {r.entity!r} dropped (a national total, not a "
            f"province): {row.describe()}",
        )
    disagree = [p for p in pairs if not (is_national_total(p[0]) and _total_or_blank(p[1]))]
    return kept, disagree


def _total_or_blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (is_national_total(value))
    )


def _entities(
    records: list[Record], kind: str, log: AuditLog, regions: RegionSet | None = None
) -> dict[int, Hashable]:
    """Record position -> entity id; region labels mapped, each mapping audited once."""
    if regions is not None:
        return _set_entities(records, regions, log)
    cache: dict[tuple[type, object], Hashable] = {}
    ids: dict[int, Hashable] = {}
    generic = [] if kind == "china" else [_generic_id(r.entity) for r in records]
    if generic and len({type(g) for g in generic}) > 1:
        raise DataError(
            f"{records[0].where.describe()}: the region ids mix numbers and text; with "
            "entity_kind='generic' make them all numbers or all text."
        )
    for i, r in enumerate(records):
        if kind != "china":
            ids[i] = generic[i]
            continue
        key = (type(r.entity), r.entity)
        if key not in cache:
            code = resolve_region(r.entity, where=_row_only(r.where).describe())
            cache[key] = code
            if normalize_label(r.entity) != str(code):
                log.add(
                    "region",
                    entity=code,
                    old=r.entity,
                    new=code,
                    detail=f"region label {r.entity!r} read as {region_label(code)}",
                )
        ids[i] = cache[key]
    return ids


def _set_entities(records: list[Record], regions: RegionSet, log: AuditLog) -> dict[int, Hashable]:
    """Region labels resolved against a region set's spellings, each mapping audited once."""
    cache: dict[tuple[type, object], Hashable] = {}
    ids: dict[int, Hashable] = {}
    for i, r in enumerate(records):
        key = (type(r.entity), r.entity)
        if key not in cache:
            ident = regions.resolve(r.entity, where=_row_only(r.where).describe())
            cache[key] = ident
            if normalize_label(r.entity) != str(ident):
                log.add(
                    "region",
                    entity=ident,
                    old=r.entity,
                    new=ident,
                    detail=f"region label {r.entity!r} read as {regions.describe(ident)}",
                )
        ids[i] = cache[key]
    return ids


def _check_pairs(pairs: list[tuple[object, object, Location]]) -> None:
    """Each row's two region labels (e.g. code and name columns) must name the same province."""
    cache: dict[tuple[type, object], int] = {}
    for label, other, where in pairs:
        if other is None or (isinstance(other, str) and not other.strip()):
            continue
        codes = []
        for value in (label, other):
            key = (type(value), value)
            if key not in cache:
                total = is_national_total(value)
                cache[key] = 0 if total else resolve_region(value, where=where.describe())
            codes.append(cache[key])
        if codes[0] != codes[1]:
            raise DataError(
                f"{where.describe()}: the row's region columns disagree: {label!r} is "
                f"{_label(codes[0])} but {other!r} is {_label(codes[1])}. Correct one of them."
            )


def _label(code: int) -> str:
    return "the national total" if code == 0 else region_label(code)


def _full(record: Record) -> Location:
    """The record's location with its region label and year."""
    return replace(record.where, region=record.entity, year=record.time)


def _row_only(where: Location, *, r: bool = False) -> Location:
    """The location without column and year (and region unless ``r``): a whole row."""
    return replace(where, column=None, letter=None, year=None, region=where.region if r else None)


def _generic_id(value: object) -> Hashable:
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, Real) and math.isfinite(float(value)) and float(value).is_integer():
        return int(float(value))
    text = normalize_label(value)
    stripped = text.lstrip("-")
    if stripped.isdigit() and str(int(text)) == text:
        return int(text)
    return text


_PERCENT_UNITS = frozenset({"%", "percent", "pct", "百分比"})


def _check_percent_units(
    unit_map: Mapping[str, str], places: Mapping[Key, Record], log: AuditLog
) -> None:
    """A cell written with a percent sign (or an Excel percent format) in a column whose stated
    unit is not a percent (``gdp(亿元)`` holding ``12%``) contradicts the file: refused."""
    for row in log.rows:
        step, entity, year, variable, old, _, detail = row
        unit = unit_map.get(str(variable))
        if step != "convert" or "percent" not in str(detail) or unit is None:
            continue
        if normalize_label(unit).casefold() in _PERCENT_UNITS:
            continue
        record = places[(entity, cast(int, year), str(variable))]
        shown = repr(old) if isinstance(old, str) else str(old)
        raise DataError(
            f"{_full(record).describe()}: the cell {shown} is a percentage but the file states "
            f"the unit of {variable!r} as {unit!r}. Correct the cell or the unit."
        )


def _cells(
    records: list[Record], ids: dict[int, Hashable], log: AuditLog
) -> tuple[dict[Key, float], dict[Key, Record]]:
    cells: dict[Key, float] = {}
    places: dict[Key, Record] = {}
    for i, r in enumerate(records):
        key = (ids[i], cast(int, r.time), r.variable)  # years are parsed by _years
        if key in places:
            first = places[key]
            raise DataError(
                f"region {describe_region(key[0])}, year {key[1]}, variable {key[2]!r} appears "
                f"twice: at {_row_only(_full(first), r=True).describe()} and at "
                f"{_row_only(_full(r), r=True).describe()}. Keep one row per "
                "region and year (check for two spellings of the same region)."
            )
        parsed = parse_cell(r.value, where=partial(_full, r))
        places[key] = r
        cells[key] = parsed.value
        if parsed.note is not None:
            log.add(
                "missing" if parsed.missing_marker else "convert",
                entity=key[0],
                time=key[1],
                variable=key[2],
                old=r.value,
                new=parsed.value,
                detail=f"{parsed.note}: {_full(r).describe()}",
            )
    return cells, places


def _check_balance(
    cells: Mapping[Key, float],
    entities: list[Hashable],
    years: list[int],
    variables: list[str],
    where: str,
) -> None:
    have = {(e, t) for e, t, _ in cells}
    seen_years = {t for _, t in have}
    absent = [t for t in years if t not in seen_years]
    if absent:
        raise DataError(
            f"{where}: no region has data for the year(s) {absent}, inside the panel's years "
            f"{years[0]}-{years[-1]}; the file has {sorted(seen_years)}. Add those years or "
            "set years= to the years the file covers."
        )
    rows = [(e, t) for e, t in itertools.product(entities, years) if (e, t) not in have]
    if rows:
        raise DataError(
            f"{where}: the panel is unbalanced: {len(rows)} region-year(s) have no row: "
            f"{format_cells(rows)}. Add the missing rows (leave the value cells empty when the "
            "data are missing: they are then filled and audited), or restrict years=."
        )
    for v in variables:
        gaps = [(e, t) for e, t in itertools.product(entities, years) if (e, t, v) not in cells]
        if gaps:
            raise DataError(
                f"{where}: variable {v!r} has no cell for {len(gaps)} region-year(s): "
                f"{format_cells(gaps)}. Add the regions or years to its sheet or columns."
            )

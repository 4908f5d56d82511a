"""The tidy ("variable/value") layout: one row per region, year and variable.

As exported by EPS, CNKI and data packages (e.g. ``code, province_zh, year, variable, item_zh,
value, unit``)::

    地区    年份   指标      数值
    北京    2014   gdp      21330.8
    北京    2014   urban    86.35

The table has a region column, a time column, one column naming the variable (headed
``variable``, ``indicator``, ``series``, ``item``, 变量, 指标, 指标名称 ...) and one holding the
value (``value``, 数值, 值 ...). An optional unit column (``unit``, 单位) gives each variable's
unit, which must be the same on all its rows. Any other column (a label such as ``item_zh``) is
not read as data: it is audited, and it must hold one value per variable, so that no series hides
behind a variable name it shares with another. With ``layout="auto"`` the layout is recognised
when the header has exactly one name column and one value column besides the region and time
columns.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import Location
from spatialpanel.data.grid import Ctx, Record, SheetTable, blank, body_rows, split_unit, text
from spatialpanel.errors import DataError

__all__ = ["NAME_ALIASES", "UNIT_ALIASES", "VALUE_ALIASES", "TidySpec", "find_tidy", "read_tidy"]

NAME_ALIASES = frozenset(
    {
        "variable",
        "variables",
        "var",
        "varname",
        "variable_name",
        "indicator",
        "indicator_name",
        "series",
        "item",
        "measure",
        "变量",
        "变量名",
        "变量名称",
        "指标",
        "指标名称",
        "统计指标",
        "项目",
    }
)
VALUE_ALIASES = frozenset({"value", "values", "val", "数值", "值", "指标值", "数据", "取值"})
UNIT_ALIASES = frozenset({"unit", "units", "单位", "计量单位"})


@dataclass(frozen=True)
class TidySpec:
    """The columns of a tidy table (0-based), with their headers."""

    ent_col: int
    time_col: int
    name_col: int
    value_col: int
    unit_col: int | None
    extra: tuple[int, ...]  # label columns, not read
    headers: tuple[str, ...]


def find_tidy(
    labels: list[tuple[str, str]],
    *,
    ent_col: int,
    time_col: int | None,
    skip: set[int],
    strict: bool,
    where: Location,
) -> TidySpec | None:
    """The tidy columns of a header row, or None when it is not a tidy table.

    ``labels`` holds (header, second header row) per column. With ``strict`` (``layout="tidy"``)
    a header that is not tidy is refused with a :class:`~spatialpanel.errors.DataError` saying what
    is lacking.
    """
    one_row = all(not down for _, down in labels)
    free = [c for c in range(len(labels)) if c not in (ent_col, time_col) and c not in skip]
    heads = [labels[c][0] for c in range(len(labels))]

    def hits(aliases: frozenset[str]) -> list[int]:
        return [c for c in free if heads[c].casefold() in aliases]

    names, values, units = hits(NAME_ALIASES), hits(VALUE_ALIASES), hits(UNIT_ALIASES)
    if one_row and time_col is not None and len(names) == 1 and len(values) == 1:
        unit = units[0] if len(units) == 1 else None
        used = {names[0], values[0], unit}
        return TidySpec(
            ent_col=ent_col,
            time_col=time_col,
            name_col=names[0],
            value_col=values[0],
            unit_col=unit,
            extra=tuple(c for c in free if c not in used and heads[c]),
            headers=tuple(heads),
        )
    if not strict:
        return None
    lacking = []
    if not one_row:
        lacking.append("a single header row (the file has two)")
    if time_col is None:
        lacking.append("a time column (year, 年份)")
    for what, found, example in (
        ("variable-name", names, "variable, indicator, 指标"),
        ("value", values, "value, 数值"),
    ):
        if len(found) != 1:
            shown = [heads[c] for c in found]
            lacking.append(
                f"exactly one {what} column ({example}); found {len(found)} {shown}".rstrip()
            )
    raise DataError(
        f"{where.describe()}: layout='tidy' was asked for but the header lacks "
        f"{'; '.join(lacking)}. The headers are {[h for h in heads if h]}. Rename the columns, "
        "or use layout='long' or 'wide'."
    )


def read_tidy(
    grid: list[list[object]],
    spec: TidySpec,
    *,
    first_data: int,
    width: int,
    variables: Sequence[str] | None,
    ctx: Ctx,
    log: AuditLog,
) -> SheetTable:
    """The records of a tidy table, one per data row.

    Raises
    ------
    DataError
        For a row without a variable name, a variable with two units, or a label column that
        holds two values for one variable.
    """
    heads = spec.headers
    log.add(
        "header",
        detail=f"tidy table: variable names in column {heads[spec.name_col]!r} "
        f"({ctx.at(None, spec.name_col).letter or spec.name_col}), values in column "
        f"{heads[spec.value_col]!r}: {ctx.at().describe()}",
    )
    for c in spec.extra:
        place = ctx.at(None, c, heads[c]).describe()
        log.add(
            "ignore",
            old=heads[c],
            detail=f"column {heads[c]!r} not read as data (a label of the variables in a tidy "
            f"table; checked to hold one value per variable): {place}",
        )
    wanted = set(variables) if variables is not None else None
    units: dict[str, tuple[str, int]] = {}
    labels: dict[tuple[int, str], tuple[str, int]] = {}
    seen: list[str] = []
    skipped: set[str] = set()
    records: list[Record] = []
    base = ctx.at(None, spec.value_col, heads[spec.value_col])
    for line, row in body_rows(
        grid, first_data, width=width, ent_col=spec.ent_col, ctx=ctx, log=log
    ):

        def cell(c: int | None, row: list[object] = row) -> object:
            return row[c] if c is not None and c < len(row) else None

        if blank(cell(spec.name_col)):
            raise DataError(
                f"{ctx.at(line, spec.name_col, heads[spec.name_col]).describe()}: the row has no "
                "variable name. Fill it in or delete the row."
            )
        variable, unit = split_unit(text(cell(spec.name_col)))
        stated = text(cell(spec.unit_col))
        if unit and stated and unit != stated:
            raise DataError(
                f"{ctx.at(line, spec.unit_col, heads[spec.unit_col or 0]).describe()}: the "
                f"variable {text(cell(spec.name_col))!r} names the unit {unit!r} but the unit "
                f"column says {stated!r}. Correct one of them."
            )
        _same(units, variable, stated or unit, line, "unit", ctx, spec.unit_col, heads)
        for c in spec.extra:
            _same(labels, (c, variable), text(cell(c)), line, heads[c], ctx, c, heads)
        if variable not in seen:
            seen.append(variable)
        if wanted is not None and variable not in wanted:
            skipped.add(variable)
            continue
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
                entity=cell(spec.ent_col),
                time=cell(spec.time_col),
                variable=variable,
                value=cell(spec.value_col),
                where=where,
            )
        )
    for variable in (v for v in seen if v in skipped):
        log.add("ignore", variable=variable, detail=f"variable not among variables=: {ctx.file!r}")
    found = {v: u for v, (u, _) in units.items() if u and v not in skipped}
    for variable, unit in found.items():
        log.add(
            "header",
            variable=variable,
            new=unit,
            detail=f"unit {unit!r} of variable {variable!r} read from the tidy table",
        )
    return SheetTable(records=records, layout="tidy", units=found, variables=seen)


def _same(
    seen: dict[Any, tuple[str, int]],
    key: Hashable,
    value: str,
    line: int,
    what: str,
    ctx: Ctx,
    col: int | None,
    heads: tuple[str, ...],
) -> None:
    """Refuse a second, different value of a per-variable column (unit or label)."""
    first = seen.setdefault(key, (value, line))
    fix = (
        "convert the values to one unit, or give the series distinct variable names."
        if what == "unit"
        else "give the series distinct variable names, or delete the column."
    )
    if first[0] != value:
        variable = key[1] if isinstance(key, tuple) else key
        raise DataError(
            f"{ctx.at(line, col, heads[col] if col is not None else None).describe()}: variable "
            f"{variable!r} has {what} {value!r} here but {first[0]!r} at row {first[1]}. In a "
            f"tidy table the variable column must name each series by itself (one unit and one "
            f"label per variable): {fix}"
        )

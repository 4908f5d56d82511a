"""Reading a region-by-year panel from a file or a DataFrame, validated at the boundary.

:func:`read_panel` is the one door through which data enters a study. It decodes the file
(UTF-8 with or without BOM, GBK, GB18030, UTF-16), finds the table in each sheet (long, wide,
years as sheets, yearbook two-row headers; see :mod:`spatialpanel.data.layouts`), maps region
names to GB/T 2260 codes (:mod:`spatialpanel.data.names`), turns cell texts into numbers
(:mod:`spatialpanel.data.cells`) and checks the panel: no duplicate region-years, balanced, years
within the study, values within their bounds. Every change it makes is a row of the audit table;
every refusal is a :class:`~spatialpanel.errors.DataError` that names the file, sheet, row,
column, region and year and says what to change. :func:`write_panel` writes a panel back in the
long layout (CSV or Excel), which :func:`read_panel` reads unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from spatialpanel.data.assemble import assemble
from spatialpanel.data.audit import AuditLog
from spatialpanel.data.cells import year_or_none
from spatialpanel.data.columnar import COLUMNAR_SUFFIXES, read_columnar
from spatialpanel.data.fill import FillMethod, fill_missing
from spatialpanel.data.layouts import Layout, NoTableError, SheetTable, parse_grid
from spatialpanel.data.sources import csv_grid, decode, frame_grid
from spatialpanel.data.spreadsheets import (
    EXCEL_SUFFIXES,
    Sheet,
    read_workbook,
    unsaved_formulas_error,
)
from spatialpanel.data.validate import Bounds
from spatialpanel.data.writers import write_panel
from spatialpanel.errors import ConfigError, DataError, check_option, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.regions import RegionSet

__all__ = ["EntityKind", "PanelData", "SourceInfo", "read_panel", "write_panel"]

EntityKind = Literal["china", "generic"]
_CSV = (".csv", ".txt", ".tsv")
_EXCEL = EXCEL_SUFFIXES
_COLUMNAR = tuple(COLUMNAR_SUFFIXES)
FileType = Literal["csv", "excel", "opendocument", "stata", "spss", "parquet", "dataframe"]


@dataclass(frozen=True)
class SourceInfo:
    """Where a panel came from: the file, its bytes' SHA-256, the encoding and layout found.

    For a DataFrame, ``path`` is None and ``sha256`` hashes its content (values, index and
    column names, via :func:`pandas.util.hash_pandas_object`).
    """

    path: str | None
    sha256: str | None
    file_type: FileType
    encoding: str | None
    layout: str
    sheets: tuple[str, ...] = ()


@dataclass(frozen=True)
class PanelData:
    """A validated panel as read by :func:`read_panel`.

    Attributes
    ----------
    frame
        Float columns, one per variable, with an (entity, time) MultiIndex named after the
        ``entity`` and ``time`` arguments; entity is the int GB/T 2260 province code (e.g. 110000)
        for China data, the id as given for generic data; time is the int year. Sorted by
        entity, then time. Missing cells are NaN (see :meth:`filled`).
    audit
        The audit table (:data:`~spatialpanel.data.audit.AUDIT_COLUMNS`).
    source
        The file, its hash, the encoding and layout detected.
    units
        Variable -> unit, where the file states one (second header row, percent signs) or the
        caller gave one in ``units=``.
    entity_kind
        ``"china"`` or ``"generic"``.
    labels
        Variable -> label stated in the file (Stata and SPSS variable labels), for display;
        empty for other files. The variables keep their names; see :meth:`label`.
    """

    frame: pd.DataFrame
    audit: pd.DataFrame
    source: SourceInfo
    units: Mapping[str, str] = field(default_factory=dict)
    entity_kind: EntityKind = "china"
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, variable: str) -> str:
        """The variable's label from the file, or its name when the file gives none."""
        return str(self.labels.get(variable, variable))

    def filled(
        self,
        *,
        method: FillMethod = "linear",
        bounds: Bounds | None = None,
        nonnegative: Iterable[str] = (),
    ) -> PanelData:
        """A new PanelData with missing cells filled by
        :func:`~spatialpanel.data.fill.fill_missing`, the fills
        appended to the audit table."""
        frame, fills = fill_missing(
            self.frame, method=method, bounds=bounds, nonnegative=nonnegative
        )
        audit = pd.concat([self.audit, fills], ignore_index=True) if len(fills) else self.audit
        return PanelData(
            frame=frame,
            audit=audit,
            source=self.source,
            units=dict(self.units),
            entity_kind=self.entity_kind,
            labels=dict(self.labels),
        )


def read_panel(
    source: str | Path | pd.DataFrame,
    *,
    entity: str = "province",
    time: str = "year",
    variables: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    layout: Layout = "auto",
    sheet: str | None = None,
    encoding: str = "auto",
    entity_kind: EntityKind = "china",
    units: Mapping[str, str] | None = None,
    bounds: Bounds | None = None,
    nonnegative: Iterable[str] = (),
    extra_years: Literal["error", "drop"] = "error",
    totals: Literal["drop", "error"] = "drop",
    regions: RegionSet | None = None,
) -> PanelData:
    """Read and validate a region-by-year panel.

    Parameters
    ----------
    source
        A CSV (``.csv``, ``.txt``, ``.tsv``) or Excel (``.xlsx``, ``.xlsm``) file, or a DataFrame
        in the long layout (columns ``entity``, ``time`` and the variables, or an (entity, time)
        MultiIndex). Not modified.
    entity, time
        Header of the region column and of the time column. When not found, the usual headers
        (省份, 地区, province, region, code; 年份, 年, year) are accepted, noted in the audit.
    variables
        Variables to read (others are skipped, noted in the audit); all by default. For a wide
        file holding one variable, a single name here names it (default: the sheet name, or the
        file name for a CSV file).
    years
        The study's years: ``(first, last)`` inclusive, or a list of more than two years. Rows
        outside them are an error (or dropped, with ``extra_years="drop"``). Default: the years
        in the file, which must then be consecutive.
    layout
        ``"auto"`` (default) detects the layout per sheet; ``"long"``, ``"wide"`` or ``"tidy"``
        insist. Tidy (variable/value) tables have a region column, a time column, a column
        naming the variable (``variable``, ``indicator``, 指标) and one holding its value
        (``value``, 数值), optionally a ``unit`` column; ``"auto"`` recognises them when there
        is exactly one such name column and one such value column.
    sheet
        Excel sheet to read. Default: all sheets named by a year (years as sheets) if any, else
        every sheet holding a table.
    encoding
        ``"auto"`` (UTF-8 with or without BOM, UTF-16 with BOM, GBK, GB18030), or a Python codec
        name (``"gbk"``, ``"utf-16"``) for CSV files.
    entity_kind
        ``"china"``: regions are China's provinces, given by code or name, stored as int codes.
        ``"generic"``: ids are kept as given (integers when every id is an integer).
    units
        Variable -> unit, recorded with the panel (overrides units found in the file).
    bounds, nonnegative
        Admissible ranges ``{"urbanization_rate": (0, 100)}`` and columns that cannot be negative;
        a value outside is an error naming the file, column, region and year.
    extra_years
        ``"error"`` (default) or ``"drop"`` rows with years outside ``years``.
    totals
        ``"drop"`` (default): national-total rows (全国, 合计, 全国合计, National, Total, code
        100000 or 000000), common at the top of yearbook tables, are dropped, one audit row
        (step ``"drop"``) each. ``"error"``: they are refused. Applies to China data only.
    regions
        A region set (:func:`spatialpanel.data.regions.read_regions`, or the bundled
        ``region_set("china_cities")``): every region label is resolved against its spellings
        (ids, codes, names, aliases; with the same audit and did-you-mean errors as province
        names) and stored as the set's id. Use with ``entity_kind="generic"``.

    Returns
    -------
    PanelData
        The validated frame (missing cells still NaN), its audit table and source information.

    Raises
    ------
    DataError
        For every problem with the file or its content (see ``docs/preparing-data.md``).
    ConfigError
        For bad options (unknown layout, entity_kind or encoding, bounds naming no column).
    """
    _check_options(layout=layout, entity_kind=entity_kind, extra_years=extra_years, totals=totals)
    study_years = _study_years(years)
    log = AuditLog()
    parse = partial(
        parse_grid, entity=entity, time=time, layout=layout, variables=variables, log=log
    )
    labels: Mapping[str, str] = {}
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise ConfigError("sheet= applies to Excel files only; remove it for a DataFrame.")
        grid = frame_grid(source, entity=entity, time=time)
        label = "<DataFrame>"
        wide = _wide_name(variables, "value")
        tables = [
            parse(grid, file=label, sheet=None, wide_name=wide, sheet_year=None, in_memory=True)
        ]
        digest = hashlib.sha256(
            pd.util.hash_pandas_object(source, index=True).to_numpy().tobytes()
            + repr([str(c) for c in source.columns]).encode("utf-8")
        ).hexdigest()
        info = SourceInfo(None, digest, "dataframe", None, tables[0].layout)
    else:
        path = Path(source)
        data = _read_bytes(path)
        digest = hashlib.sha256(data).hexdigest()
        label = str(path)
        suffix = path.suffix.lower()
        if suffix in _CSV + _COLUMNAR and sheet is not None:
            raise ConfigError(
                f"sheet={sheet!r} applies to spreadsheet files ({', '.join(_EXCEL)}) only; "
                f"{label!r} has no sheets. Remove sheet=."
            )
        if suffix in _CSV:
            text, used = decode(data, encoding=encoding, file=label)
            grid = csv_grid(text, file=label, tab=suffix == ".tsv", encoded=data, encoding=used)
            del text  # a large file's columns are read from its bytes
            name = _wide_name(variables, path.stem)
            tables = [parse(grid, file=label, sheet=None, wide_name=name, sheet_year=None)]
            info = SourceInfo(label, digest, "csv", used, tables[0].layout)
        elif suffix in _COLUMNAR:
            del data  # the typed readers read the file themselves
            typed = read_columnar(path, file=label, entity=entity, log=log)
            grid = frame_grid(typed.frame, entity=entity, time=time)
            name = _wide_name(variables, path.stem)
            tables = [
                parse(
                    grid,
                    file=label,
                    sheet=None,
                    wide_name=name,
                    sheet_year=None,
                    in_memory=True,
                    observations=True,
                )
            ]
            labels = typed.labels
            info = SourceInfo(label, digest, typed.kind, None, tables[0].layout)  # type: ignore[arg-type]
        else:
            tables, sheets = _read_spreadsheet(data, label, suffix, sheet, variables, log, parse)
            layouts = sorted({t.layout for t in tables})
            kind: FileType = "opendocument" if suffix == ".ods" else "excel"
            info = SourceInfo(label, digest, kind, None, "+".join(layouts), tuple(sheets))
    panel = assemble(
        tables,
        file=label,
        in_memory=isinstance(source, pd.DataFrame),
        entity=entity,
        time=time,
        variables=variables,
        study_years=study_years,
        entity_kind=entity_kind,
        units=units,
        bounds=bounds,
        nonnegative=nonnegative,
        extra_years=extra_years,
        totals=totals,
        log=log,
        source=info,
        make=PanelData,
        regions=regions,
    )
    if labels:
        kept = {v: labels[v] for v in panel.frame.columns if v in labels}
        panel = dataclasses.replace(panel, labels=kept)
    return panel


def _check_options(*, layout: str, entity_kind: str, extra_years: str, totals: str) -> None:
    for name, value, options in (
        ("layout", layout, ("auto", "long", "wide", "tidy")),
        ("entity_kind", entity_kind, ("china", "generic")),
        ("extra_years", extra_years, ("error", "drop")),
        ("totals", totals, ("drop", "error")),
    ):
        check_option(name, value, options)


def _study_years(years: Sequence[int] | None) -> list[int] | None:
    if years is None:
        return None
    try:
        values = [int(y) for y in years]
    except (TypeError, ValueError):
        raise ConfigError(
            f"years={years!r} must be (first, last) or a list of integer years."
        ) from None
    if len(values) == 2:
        first, last = values
        if first > last:
            raise ConfigError(f"years={tuple(values)} has first > last; swap them.")
        return list(range(first, last + 1))
    if not values or len(set(values)) != len(values):
        raise ConfigError(f"years={years!r} must be (first, last) or distinct years.")
    return sorted(values)


def _wide_name(variables: Sequence[str] | None, default: str) -> str:
    if variables is not None and len(variables) == 1:
        return str(variables[0])
    return default


def _read_bytes(path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix not in _CSV + _EXCEL + _COLUMNAR:
        raise DataError(
            f"file {str(path)!r} has the extension {suffix or '(none)'!r}; spatialpanel reads CSV "
            f"({', '.join(_CSV)}), spreadsheets ({', '.join(_EXCEL)}), Stata (.dta), SPSS (.sav) "
            "and Parquet (.parquet) files. Save the data in one of these formats."
        )
    if not path.is_file():
        hint = ""
        if path.parent.is_dir():
            hint = did_you_mean(path.name, sorted(p.name for p in path.parent.iterdir()))
        raise DataError(f"data file {str(path)!r} was not found.{hint} Check the path.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"data file {str(path)!r} could not be read: {exc}.") from exc


def _read_spreadsheet(
    data: bytes,
    file: str,
    suffix: str,
    sheet: str | None,
    variables: Sequence[str] | None,
    log: AuditLog,
    parse: Callable[..., SheetTable],
) -> tuple[list[SheetTable], list[str]]:
    """The tables of a workbook's sheets: the sheet named by ``sheet``, else the visible sheets
    named by a year if any, else every visible sheet holding a table. Hidden sheets are read only
    when named (audited either way); formula cells without a saved value are refused."""
    book: dict[str, Sheet] = read_workbook(data, file=file, suffix=suffix)
    names = list(book)
    grids = {n: s.grid for n, s in book.items()}
    if sheet is not None:
        if sheet not in grids:
            raise DataError(
                f"file {file!r} has no sheet {sheet!r}; its sheets are {names}."
                + did_you_mean(sheet, names)
                + " Pass one of them as sheet=."
            )
        if book[sheet].hidden:
            log.add(
                "header",
                detail=f"sheet {sheet!r} of {file!r} is hidden in the workbook; read because "
                f"sheet={sheet!r} names it",
            )
        chosen = [(sheet, year_or_none(sheet) if _is_year_sheet(sheet) else None)]
    else:
        shown = [n for n in names if not book[n].hidden]
        for n in names:
            if book[n].hidden and _has_content(grids[n]):
                log.add(
                    "ignore",
                    detail=f"sheet {n!r} of {file!r}: hidden in the workbook, not read (name it "
                    "with sheet= to read it)",
                )
        dated = [(n, year_or_none(n)) for n in shown if _is_year_sheet(n)]
        chosen = dated or [(n, None) for n in shown]
        for n in shown:
            if dated and n not in dict(dated) and _has_content(grids[n]):
                log.add("ignore", detail=f"sheet {n!r} of {file!r}: not named by a year")
        if not chosen:
            raise DataError(
                f"file {file!r} has only hidden sheets {names}. Name the one holding the data "
                "with sheet= (the study's [data] sheet)."
            )
    for name, _ in chosen:
        if book[name].unsaved:
            raise unsaved_formulas_error(file, name, book[name].unsaved)
    tables: list[SheetTable] = []
    used: list[str] = []
    skipped: list[NoTableError] = []
    for name, year in chosen:
        grid = grids[name]
        if not _has_content(grid):
            if sheet is not None or len(chosen) == 1:
                raise DataError(f"sheet {name!r} of file {file!r} is empty.")
            log.add("ignore", detail=f"sheet {name!r} of {file!r}: empty")
            continue
        wide = _wide_name(variables, name)
        try:
            tables.append(parse(grid, file=file, sheet=name, wide_name=wide, sheet_year=year))
        except NoTableError as exc:
            if sheet is not None or len(chosen) == 1:
                raise
            skipped.append(exc)
            log.add("ignore", detail=f"sheet {name!r} of {file!r}: no table found ({exc})")
            continue
        used.append(name)
    if not tables:
        if skipped:
            raise skipped[0]
        raise DataError(f"file {file!r} has no sheet with data.")
    return tables, used


def _is_year_sheet(name: str) -> bool:
    return year_or_none(name) is not None


def _has_content(grid: list[list[object]]) -> bool:
    return any(
        not (c is None or (isinstance(c, str) and not c.strip())) for row in grid for c in row
    )

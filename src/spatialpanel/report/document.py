"""The report as a document model: what the writers (HTML, Word, LaTeX, Markdown) receive.

This module is the contract between the two halves of the report:

* **localisation** (which language, labels instead of identifiers, messages rendered from a
  catalogue) turns a saved results folder into :class:`ReportDocument` objects, one per language;
* **typesetting** (number formats, journal-style regression tables, page geometry, column widths,
  captions) writes a :class:`ReportDocument` to a file format.

Writers never translate or look anything up: every string they receive is final reader text in
the document's language. Localisation never formats a number: numeric cells stay numbers and
reach the writers through :class:`TableBody`, which the typesetting half formats (one formatter
for every format) — with the exception of cells that are text by nature (names, verdicts,
quadrant labels), which arrive as localised strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = [
    "ReportDocument",
    "ReportFigure",
    "ReportSection",
    "ReportTable",
    "TableKind",
]

TableKind = Literal["data", "regression"]


@dataclass(frozen=True)
class ReportTable:
    """One table as the reader sees it, in one language.

    Attributes
    ----------
    key
        The table's identifier (file stem of ``tables/KEY.csv``, sheet name); never shown.
    number
        The table's number in the report ("Table 7").
    title
        The caption text without the "Table N." prefix (writers add the prefix, a Word caption
        field, a LaTeX ``\\caption``).
    notes
        Table notes, each a finished sentence.
    frame
        The table body. Index and column labels are reader text (labels, not identifiers); cells
        are numbers (formatted by the writers) or reader text.
    kind
        ``"data"`` for an ordinary table; ``"regression"`` for a journal-style model table whose
        frame follows the layout of :mod:`spatialpanel.report` regression tables (one column per
        model, coefficient and standard error rows, statistics rows at the foot).
    p_columns
        Labels (as in ``frame.columns``) of the columns holding p-values (printed as ``< 0.001``
        or with three decimals).
    count_columns
        Labels of the columns holding counts (printed as integers).
    probability_columns
        Labels of the columns holding probabilities (clipped to [0, 1] for printing).
    long
        True when the table is too long for the paper formats; writers then print a pointer to
        the workbook instead of the body.
    """

    key: str
    number: int
    title: str
    notes: tuple[str, ...]
    frame: pd.DataFrame
    kind: TableKind = "data"
    p_columns: tuple[object, ...] = ()
    count_columns: tuple[object, ...] = ()
    probability_columns: tuple[object, ...] = ()
    long: bool = False


@dataclass(frozen=True)
class ReportFigure:
    """One figure: its number, caption, notes and the image files (relative to the results)."""

    key: str
    number: int
    title: str
    notes: tuple[str, ...]
    png: str | None
    svg: str | None = None


@dataclass(frozen=True)
class ReportSection:
    """A section of the report (one study stage): heading, sentences, tables, figures."""

    name: str
    title: str
    sentences: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[ReportFigure, ...] = ()


@dataclass(frozen=True)
class ReportDocument:
    """The whole report in one language."""

    lang: str
    title: str
    sections: tuple[ReportSection, ...]
    banner: str | None = None  # e.g. the synthetic-data or real-data statement
    conventions: tuple[tuple[str, str], ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # fixed words: "Table", "Notes", ...

"""The report as a document model: what the writers (HTML, Word, LaTeX, Markdown) receive.

This module is the contract between the two halves of the report:

* **localisation** (which language, labels instead of identifiers, messages rendered from a
  catalogue) turns a saved results folder into :class:`ReportDocument` objects, one per language;
* **typesetting** (number formats, journal-style regression tables, page geometry, column widths,
  captions) writes a :class:`ReportDocument` to a file format.

Writers never translate or look anything up: every string they receive is final reader text in
the document's language. Localisation never formats a number: numeric cells stay numbers and
reach the writers in :attr:`ReportTable.frame`, which the typesetting half formats (one formatter
for every format, :mod:`spatialpanel.report.formatting`) — with the exception of cells that are
text by nature (names, verdicts, quadrant labels), which arrive as localised strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = [
    "REGRESSION_ROLES",
    "WRITER_LABELS",
    "Beneath",
    "ReportDocument",
    "ReportFigure",
    "ReportSection",
    "ReportTable",
    "TableKind",
]

TableKind = Literal["data", "regression"]
#: What a regression table prints in parentheses beneath each coefficient.
Beneath = Literal["se", "z"]

#: Row roles of a regression table (the first level of its row index; never printed):
#: ``coef`` a parameter (estimate with stars, and its se or z beneath), ``count`` an integer
#: statistic (N, T, observations), ``stat`` a real statistic (R², log-likelihood, AIC, σ²),
#: ``text`` a setting printed as given (fixed effects, bias correction).
REGRESSION_ROLES: tuple[str, ...] = ("coef", "count", "stat", "text")

#: Keys of :attr:`ReportDocument.labels` that the writers use (fixed words and short patterns
#: whose ``{name}`` placeholders the writers fill with numbers and file names only):
#:
#: ``table`` ("Table"), ``figure`` ("Figure"), ``caption_sep`` (between the number and the title:
#: ``". "`` in English, ``" "`` in Chinese), ``notes`` ("Notes"), ``provenance`` and
#: ``conventions`` (headings of the settings section), ``appendix`` (heading of the appendix of
#: long tables), ``in_appendix`` (the caption's tail for a table printed in the appendix, e.g.
#: ``"printed in the appendix"``), ``in_workbook`` (``"{rows} rows: see tables.xlsx, sheet
#: {sheet}, or {csv}"``), ``too_wide`` (``"{columns} columns: see tables.xlsx, sheet {sheet},
#: or {csv}"``, for a table too wide for a landscape page), ``stars_se`` / ``stars_z`` (the
#: legend of regression tables, e.g. ``"Standard errors in parentheses; *** p < 0.01, ** p <
#: 0.05, * p < 0.1."``).
WRITER_LABELS: tuple[str, ...] = (
    "table",
    "caption_sep",
    "figure",
    "notes",
    "provenance",
    "conventions",
    "appendix",
    "in_appendix",
    "in_workbook",
    "too_wide",
    "stars_se",
    "stars_z",
)


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
        ``"data"`` for an ordinary table; ``"regression"`` for a journal-style model table (one
        column per model, the coefficient with stars and its standard error or z in parentheses
        beneath, statistics rows at the foot, a stars legend), whose frame has this layout:

        * rows: a two-level index ``(role, row)``; ``role`` is one of :data:`REGRESSION_ROLES`
          (never printed), ``row`` the reader's label ("Urban-rural integration",
          "W × Urban-rural integration", "ρ", "Observations", "Fixed effects");
        * columns: a MultiIndex whose last level is the statistic (``"estimate"``, ``"se"``,
          ``"z"``, ``"p"``; other statistics are ignored; never printed) and whose upper levels
          are the printed column headers (model names, possibly two levels such as
          ("Short run", "Direct"));
        * ``coef`` rows use the estimate, the p-value (stars) and the se or z (see ``beneath``)
          of each column; other rows only the ``"estimate"`` cell, which holds a number (or, for
          ``text`` rows, reader text). Missing cells are NaN and print blank.

        :func:`spatialpanel.report.regression.report_frame` builds this frame from the numeric
        payload the stages save (``docs/tables.md`` documents both).
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
    beneath
        Regression tables: ``"se"`` (standard errors) or ``"z"`` (z statistics) in parentheses
        beneath each coefficient.
    lang
        The document's language: its thousands separator and decimal mark (Babel) print the
        numbers of the tables formatted by magnitude (the descriptive statistics).
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
    beneath: Beneath = "se"
    lang: str = "en"


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
    """A section of the report (one study stage): heading, sentences, tables, figures.

    ``number`` is the section's number (headings and the contents list use it); ``sources``
    gives, for each sentence, the table cells it rests on (``"table_key:row:column"``, shown on
    hover in HTML, not printed).
    """

    name: str
    title: str
    sentences: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[ReportFigure, ...] = ()
    number: int = 0
    sources: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ReportDocument:
    """The whole report in one language.

    ``labels`` holds the fixed words of the report in its language ("Table", "Notes", ...) and a
    few patterns with ``str.format`` placeholders: ``table_caption`` (``{number}``, ``{title}``:
    "Table 3. …" / "表 3 …"), ``figure_caption`` (the same), ``section_heading`` (``{number}``,
    ``{title}``), ``rows`` (``{n}``), ``too_long`` (``{n}``, ``{sheet}``, ``{key}``),
    ``note`` (``{notes}``: "Notes: …" / "注：…"), ``term`` (``{term}``, ``{text}``: a bold
    heading before its text). :data:`spatialpanel.report.localise.UI_KEYS` lists them all;
    they include every key the writers use (:data:`WRITER_LABELS`).
    """

    lang: str
    title: str
    sections: tuple[ReportSection, ...]
    banner: str | None = None  # e.g. the synthetic-data or real-data statement
    conventions: tuple[tuple[str, str], ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # fixed words: see WRITER_LABELS
    reference: str = ""  # the paper the study reproduces
    settings: tuple[tuple[str, str], ...] = ()  # every stage's settings (identifiers allowed)
    notices: tuple[str, ...] = ()  # e.g. "no CJK font installed"
    synthetic: bool = False

    def label(self, key: str) -> str:
        """The fixed word ``key`` (one of :data:`WRITER_LABELS`), or a clear error."""
        try:
            return self.labels[key]
        except KeyError:
            from spatialpanel.errors import ConfigError

            raise ConfigError(
                f"the {self.lang!r} report has no label {key!r}; localisation must give every "
                f"key of WRITER_LABELS: {', '.join(WRITER_LABELS)}."
            ) from None

    def tables(self) -> list[ReportTable]:
        """Every table of the document, in order."""
        return [t for s in self.sections for t in s.tables]

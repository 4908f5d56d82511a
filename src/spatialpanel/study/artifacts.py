"""What a pipeline stage hands over: tables, figures and generated sentences.

Every stage of the study returns a :class:`StageOutput`. The pipeline writes its tables (CSV, one
Excel workbook), its figures (PNG and SVG) and a JSON description of everything (``stages.json``) to
the results folder, so the report can be rebuilt from disk without refitting.

Reader text — stage titles, table titles and notes, figure captions and notes, sentences — is a
:class:`~spatialpanel.text.message.Message` (or a plain string, shown as it is in every language):
the report renders it in the language it is asked for (see :mod:`spatialpanel.text`). A table cell
may hold a message too (a verdict, a formula with numbers); the CSV keeps its English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from spatialpanel.text import Text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

__all__ = ["FigureArtifact", "Sentence", "StageOutput", "TableArtifact"]


@dataclass(frozen=True)
class TableArtifact:
    """One table of the study.

    Attributes
    ----------
    key
        File stem and sheet name (letters, digits, ``_``; at most 31 characters for Excel).
    title
        Caption (a message), e.g. "Global Moran's I of {label} ({w} weights)".
    frame
        The table itself. Numbers stay numbers; formatting happens in the report. Identifiers
        (variables, weights, dimensions) stay identifiers; the report shows their labels.
    notes
        Table notes (conventions, "synthetic data"). A regression table's stars legend is
        added by the report.
    paper
        The number of the table in the paper the study reproduces (the report says "paper's
        Table 4"), or ``None``.
    kind
        ``"data"``, or ``"regression"`` for a model table whose frame is the numeric payload
        of ``spatialpanel.report.regression`` (printed journal-style: coefficients with
        stars, standard errors or z beneath, N, T, fixed effects, R², log-likelihood, AIC).
    """

    key: str
    title: Text
    frame: pd.DataFrame
    notes: tuple[Text, ...] = ()
    paper: int | None = None
    kind: Literal["data", "regression"] = "data"


@dataclass(frozen=True)
class FigureArtifact:
    """One figure: a matplotlib figure that the pipeline saves and closes."""

    key: str
    title: Text
    figure: MplFigure
    notes: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Sentence:
    """An interpretation sentence generated from numbers, with the table cells it rests on."""

    text: Text
    sources: tuple[str, ...] = ()  # e.g. ("table7_sdm:uri:coef",)


@dataclass(frozen=True)
class StageOutput:
    """Everything one stage produced."""

    name: str
    title: Text
    tables: tuple[TableArtifact, ...] = ()
    figures: tuple[FigureArtifact, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

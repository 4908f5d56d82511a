"""What a pipeline stage hands over: tables, figures and generated sentences.

Every stage of the study returns a :class:`StageOutput`. The pipeline writes its tables (CSV, one
Excel workbook), its figures (PNG and SVG) and a JSON description of everything (``stages.json``) to
the results folder, so the report can be rebuilt from disk without refitting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

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
        Caption, e.g. ``"Table 3. Global Moran's I of common prosperity (nested W)"``.
    frame
        The table itself. Numbers stay numbers; formatting happens in the report.
    notes
        Table notes (conventions, "synthetic data"). A regression table's stars legend is
        added by the report.
    kind
        ``"data"``, or ``"regression"`` for a model table whose frame is the numeric payload
        of :mod:`spatialpanel.report.regression` (printed journal-style: coefficients with
        stars, standard errors or z beneath, N, T, fixed effects, R², log-likelihood, AIC).
    """

    key: str
    title: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    kind: Literal["data", "regression"] = "data"


@dataclass(frozen=True)
class FigureArtifact:
    """One figure: a matplotlib figure that the pipeline saves and closes."""

    key: str
    title: str
    figure: MplFigure
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    """An interpretation sentence generated from numbers, with the table cells it rests on."""

    text: str
    sources: tuple[str, ...] = ()  # e.g. ("table7_sdm:uri:coef",)


@dataclass(frozen=True)
class StageOutput:
    """Everything one stage produced."""

    name: str
    title: str
    tables: tuple[TableArtifact, ...] = ()
    figures: tuple[FigureArtifact, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

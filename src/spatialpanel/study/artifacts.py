"""What a pipeline stage hands over: tables, figures and generated sentences.

Every stage of the study returns a :class:`StageOutput`. The pipeline writes its tables (CSV, one
Excel workbook), its figures (their data as ``figures/data/KEY.json``, drawn as PNG, and SVG/PDF
when asked) and a JSON description of everything (``stages.json``) to the results folder, so the
report can be rebuilt from disk, in any language, without refitting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

    from spatialpanel.report.figspec import FigureSpec
    from spatialpanel.text import Labels, Text

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
        Table notes (conventions, significance codes, "synthetic data").
    """

    key: str
    title: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureArtifact:
    """One figure as data: its specification, drawn in the report's language when it is saved.

    Attributes
    ----------
    key
        File stem (``figures/KEY.png``, ``figures/data/KEY.json``).
    title
        Caption.
    spec
        What to draw: drawer, data, texts (:class:`~spatialpanel.report.figspec.FigureSpec`).
    notes
        Figure notes under the caption.
    """

    key: str
    title: str
    spec: FigureSpec
    notes: tuple[Text, ...] = ()

    def draw(self, lang: str = "en", labels: Labels | None = None) -> MplFigure:
        """The figure drawn in ``lang`` (a new matplotlib figure, not registered with pyplot)."""
        from spatialpanel.report.drawers import draw

        return draw(self.spec, lang, labels)


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

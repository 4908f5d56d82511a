"""The state that flows through the study pipeline, stage after stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from spatialpanel.errors import DataError
from spatialpanel.text import Labels, Message, msg

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.regions import RegionSet
    from spatialpanel.study.config import StudyConfig
    from spatialpanel.weights.core import SpatialWeights

__all__ = ["MARK_NOTES", "StudyContext"]

#: The note every table and figure of a study on a bundled dataset carries, by the dataset's mark.
MARK_NOTES: dict[str, Message] = {
    "synthetic": msg("Synthetic data."),
    "real-reduced": msg("Real data, reduced indicator system."),
}


@dataclass
class StudyContext:
    """What earlier stages hand to later ones.

    Attributes
    ----------
    config
        The validated study configuration.
    panel
        The validated (and filled) raw data: a DataFrame with an (entity, time) MultiIndex where
        entity is the GB/T 2260 province code (int) for China studies, time the year (int).
    audit
        Every fill, conversion, drop or shift made to the data, one row each (columns: ``step``,
        ``entity``, ``time``, ``variable``, ``old``, ``new``, ``detail``).
    synthetic
        True when the data is the bundled synthetic demonstration panel.
    variable_years
        Raw variables used in some years only (``[indices.NAME] years``, ``[model] years``) ->
        (first, last); :meth:`variable` returns those years only.
    data_mark
        What the bundled dataset's metadata says the data are: ``"synthetic"``,
        ``"real-reduced"`` (real statistics, a reduced indicator system) or None (the user's
        data). ``synthetic=True`` implies ``"synthetic"``.
    scores
        Composite index name -> DataFrame with (entity, time) MultiIndex; column ``score`` is the
        index, further columns are the dimension sub-indices.
    weights
        Name from the study's ``[weights.NAME]`` sections -> SpatialWeights in panel entity order.
    results
        Free-form results that later stages read (e.g. ``"sdm"`` -> the fitted results object).
    labels
        The study's labels (variables, indices, dimensions, weights), for the stages' messages.
    regions
        The study's region set (``[geography]``, or China's provinces); ``None`` for generic ids
        without boundaries.
    """

    config: StudyConfig
    panel: pd.DataFrame
    audit: pd.DataFrame
    synthetic: bool
    seed: int
    lang: str = "en"
    scores: dict[str, pd.DataFrame] = field(default_factory=dict)
    weights: dict[str, SpatialWeights] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    labels: Labels = field(default_factory=Labels)
    regions: RegionSet | None = None
    data_mark: str | None = None
    variable_years: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.synthetic and self.data_mark is None:
            self.data_mark = "synthetic"
        self.synthetic = self.synthetic or self.data_mark == "synthetic"

    @property
    def mark_notes(self) -> tuple[Message, ...]:
        """The data's mark as a table or figure note (empty for the user's own data)."""
        return (MARK_NOTES[self.data_mark],) if self.data_mark in MARK_NOTES else ()

    def variable(self, name: str) -> pd.Series:
        """A raw panel column (over the years it is used in), a composite index score or a
        ``[model] formula`` term, by name."""
        if name in self.scores:
            return self.scores[name]["score"].rename(name)
        if name not in self.panel.columns and self.config.section("model").get("formula"):
            return self.analysis_frame()[name]
        column = self.panel[name]
        if name in self.variable_years:
            first, last = self.variable_years[name]
            times = column.index.get_level_values(1)
            column = column[(times >= first) & (times <= last)]
        return column

    def analysis_frame(self) -> pd.DataFrame:
        """The panel's raw columns plus one column per composite index score, and one per term
        of the ``[model] formula`` that is not a plain column (``log(gdp)``, ``uri:gov``).

        An index computed on fewer years than the panel's (``[indices.NAME] years``) is NaN in
        the other years.
        """
        frame = self.panel.copy()
        for name, sc in self.scores.items():
            frame[name] = sc["score"].reindex(frame.index)
        formula = self.config.section("model").get("formula")
        if formula:
            from spatialpanel.models.formula import formula_design

            design = formula_design(str(formula).partition("|")[0], frame)
            for col in design.frame.columns:
                if col not in frame.columns:
                    frame[col] = design.frame[col]
        return frame

    def model_frame(self, columns: list[str]) -> pd.DataFrame:
        """The model's variables over the model's years (``[model] years``, default all).

        Raises
        ------
        DataError
            If a variable is missing in a year of the model, naming the variable, the years and
            the fix (``[model] years`` within the years the variable covers).
        """
        frame = self.analysis_frame()[columns]
        years = self.config.section("model").get("years")
        times = frame.index.get_level_values(1)
        if years:
            frame = frame[(times >= years[0]) & (times <= years[1])]
            times = frame.index.get_level_values(1)
        for col in columns:
            gap = sorted({int(t) for t in times[frame[col].isna().to_numpy()]})
            if gap:
                have = sorted({int(t) for t in times[frame[col].notna().to_numpy()]})
                span = f"{have[0]}–{have[-1]}" if have else "no year"
                raise DataError(
                    f"the model variable {col!r} is missing in {gap} (it covers {span}). Set "
                    f"[model] years = [first, last] within the years every model variable "
                    "covers, e.g. the [indices.NAME] years of an index."
                )
        return frame

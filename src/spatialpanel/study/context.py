"""The state that flows through the study pipeline, stage after stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.study.config import StudyConfig
    from spatialpanel.weights.core import SpatialWeights

__all__ = ["StudyContext"]


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
    scores
        Composite index name -> DataFrame with (entity, time) MultiIndex; column ``score`` is the
        index, further columns are the dimension sub-indices.
    weights
        Name from the study's ``[weights.NAME]`` sections -> SpatialWeights in panel entity order.
    results
        Free-form results that later stages read (e.g. ``"sdm"`` -> the fitted results object).
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

    def variable(self, name: str) -> pd.Series:
        """A raw panel column, a composite index score or a ``[model] formula`` term, by name."""
        if name in self.scores:
            return self.scores[name]["score"].rename(name)
        if name not in self.panel.columns and self.config.section("model").get("formula"):
            return self.analysis_frame()[name]
        return self.panel[name]

    def analysis_frame(self) -> pd.DataFrame:
        """The panel's raw columns plus one column per composite index score, and one per term
        of the ``[model] formula`` that is not a plain column (``log(gdp)``, ``uri:gov``)."""
        frame = self.panel.copy()
        for name, sc in self.scores.items():
            frame[name] = sc["score"]
        formula = self.config.section("model").get("formula")
        if formula:
            from spatialpanel.models.formula import formula_design

            design = formula_design(str(formula).partition("|")[0], frame)
            for col in design.frame.columns:
                if col not in frame.columns:
                    frame[col] = design.frame[col]
        return frame

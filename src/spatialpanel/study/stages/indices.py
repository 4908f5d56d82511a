"""Indices stage: build every ``[indices.NAME]`` composite index of the study.

For each index it stores ``ctx.scores[NAME]`` (score and dimension sub-indices) and
``ctx.results["indices"][NAME]`` (the :class:`~spatialpanel.indices.composite.IndexResult`), and
emits three tables: the indicator system with its weights (the paper's Tables 1 and 2 with a
weight column), the province-by-year index table (the paper's appendix table) and the dimension
sub-indices, with sentences generated from the weights.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.indices.composite import IndexResult, composite_index
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext

__all__ = ["entity_names", "run"]

_METHOD_WORDS = {
    "entropy": "entropy-method",
    "critic": "CRITIC",
    "cv": "coefficient-of-variation",
    "equal": "equal",
    "topsis": "entropy",
}


def entity_names(entities: pd.Index | list[Hashable], *, lang: str = "en") -> dict[Hashable, str]:
    """Display names of the entities: province names for GB/T 2260 codes, else the entity."""
    from spatialpanel.data.china import provinces

    column = "name_zh" if lang == "zh" else "name_en"
    by_code: dict[Any, str] = {c: str(n) for c, n in provinces()[column].to_dict().items()}
    out: dict[Hashable, str] = {}
    for e in entities:
        out[e] = by_code.get(e, str(e)) if isinstance(e, int | np.integer) else str(e)
    return out


def run(ctx: StudyContext) -> StageOutput:
    """Compute the study's composite indices; see the module docstring."""
    sections: dict[str, Any] = ctx.config.section("indices")
    store: dict[str, IndexResult] = ctx.results.setdefault("indices", {})
    tables: list[TableArtifact] = []
    sentences: list[Sentence] = []
    settings: dict[str, Any] = {}
    for name, body in sections.items():
        result = composite_index(
            ctx.panel,
            indicators=body["indicators"],
            method=body.get("method", "entropy"),
            variant=body.get("variant", "panel"),
            shift=body.get("shift", 1e-4),
            normalisation=body.get("normalisation", "minmax"),
        )
        ctx.scores[name] = result.scores
        store[name] = result
        label = str(body.get("label") or name)
        notes = result.notes + (("Synthetic data.",) if ctx.synthetic else ())
        system = system_table(result)
        key_sys, key_scores, key_dims = f"{name}_system", f"{name}_scores", f"{name}_dimensions"
        tables.append(
            TableArtifact(
                key_sys[:31],
                f"Indicator system of {label} with {_METHOD_WORDS[result.method]} weights",
                system,
                notes,
            )
        )
        tables.append(
            TableArtifact(
                key_scores[:31],
                f"{label} index by province and year",
                score_table(result.scores["score"], lang=ctx.lang),
                notes,
            )
        )
        tables.append(
            TableArtifact(
                key_dims[:31],
                f"{label}: dimension sub-indices by province and year",
                dimension_table(result, lang=ctx.lang),
                notes,
            )
        )
        sentences.extend(_sentences(label, result, system, key_sys[:31]))
        settings[name] = {
            "method": result.method,
            "variant": result.variant,
            "shift": result.shift,
            "normalisation": result.normalisation,
            "dimension_scale": result.dimension_scale,
            "score_convention": "sum of w_j z_j on unshifted standardised values",
        }
    return StageOutput(
        name="indices",
        title="Composite indices",
        tables=tuple(tables),
        sentences=tuple(sentences),
        settings=settings,
    )


def system_table(result: IndexResult) -> pd.DataFrame:
    """Dimension, indicator, direction, weight and dimension weight, one row per indicator.

    In the per-year variant ``weight`` and ``dimension_weight`` are the means over the years and
    the weights of each year follow as ``weight_YEAR`` columns.
    """
    cols = result.system.columns
    frame = pd.DataFrame(
        {
            "dimension": [result.system[c].dimension for c in cols],
            "indicator": cols,
            "direction": [result.system[c].direction for c in cols],
        }
    )
    if result.variant == "panel":
        w = result.weights.reindex(cols)
        frame["weight"] = w["weight"].to_numpy()
        for extra in ("entropy", "divergence"):
            if extra in w.columns:
                frame[extra] = w[extra].to_numpy()
        dim_w = result.dimension_weights
    else:
        wide = result.weights["weight"].unstack(0).reindex(cols)
        frame["weight"] = wide.mean(axis=1).to_numpy()
        for year in wide.columns:
            frame[f"weight_{year}"] = wide[year].to_numpy()
        dim_w = result.dimension_weights.groupby(level=1).mean()
    frame["dimension_weight"] = frame["dimension"].map(dim_w).to_numpy()
    return frame.set_index(["dimension", "indicator"])


def score_table(score: pd.Series, *, lang: str = "en") -> pd.DataFrame:
    """Provinces (by name) in rows, years in columns."""
    wide = score.unstack(level=1)
    wide = wide.reindex(sorted(wide.columns), axis=1)
    names = entity_names(wide.index, lang=lang)
    wide.index = pd.Index([names[e] for e in wide.index], name="province")
    wide.columns = [str(c) for c in wide.columns]
    return wide


def dimension_table(result: IndexResult, *, lang: str = "en") -> pd.DataFrame:
    """Score and dimension sub-indices, one row per province and year."""
    frame = result.scores.copy()
    names = entity_names(frame.index.get_level_values(0).unique(), lang=lang)
    entities = frame.index.get_level_values(0)
    frame.index = pd.MultiIndex.from_arrays(
        [[names[e] for e in entities], frame.index.get_level_values(1)],
        names=["province", "year"],
    )
    return frame


def _sentences(
    label: str,
    result: IndexResult,
    system: pd.DataFrame,
    key_sys: str,
) -> list[Sentence]:
    w = system["weight"]
    top: tuple[str, str] = w.idxmax()  # type: ignore[assignment]
    low: tuple[str, str] = w.idxmin()  # type: ignore[assignment]
    dims = system.groupby(level="dimension", sort=False)["dimension_weight"].first()
    dim_top = str(dims.idxmax())
    text = (
        f"In the {label} index ({len(w)} indicators, {len(dims)} dimensions), the largest "
        f"{'mean ' if result.variant == 'year' else ''}weight goes to {top[1]} "
        f"({w[top]:.4f}) and the smallest to {low[1]} ({w[low]:.4f}); the dimension "
        f"{dim_top} carries {dims[dim_top]:.4f} of the total weight."
    )
    out = [
        Sentence(
            text,
            (
                f"{key_sys}:{top[0]}|{top[1]}:weight",
                f"{key_sys}:{low[0]}|{low[1]}:weight",
                f"{key_sys}:{dim_top}:dimension_weight",
            ),
        )
    ]
    return out

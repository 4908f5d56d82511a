"""Robustness stage: SAR | SEM | SDM side by side, and the study's model under every weight matrix.

Reads the ``[model]`` section (``y``, ``core``, ``controls``, ``weights``, ``kind``, ``effects``,
``bias_correction``, ``alpha``) and every matrix the weights stage built. Fits, all with the
configured effects and bias correction:

* the SAR, the SEM and the SDM under the configured matrix (the comparison table), and
* the configured model under each matrix (the robustness table).

The study's own fit (``ctx.results["sdm"]``, left by the model stage) is reused where the
specification is the same. Sentences say which model has the lowest AIC and whether the spatial
parameter keeps its sign and significance across matrices; each cites the numeric cells of the
``*_spatial`` tables.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd

from spatialpanel.report.comparison import spatial_parameters
from spatialpanel.report.regression import regression_frame
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages.model import model_weights_name

__all__ = ["aic_sentence", "robustness_sentence", "run"]

_SYMBOL = {"rho": "ρ", "lambda": "λ"}


def aic_sentence(table: pd.DataFrame, *, key: str) -> Sentence | None:
    """Which fit of a regression payload (:func:`regression_frame`) has the lowest AIC."""
    models = list(dict.fromkeys(str(c[0]) for c in table.columns))

    def value(row: str, model: str) -> float:
        cell: Any = table.loc[("stat", row), (model, "coef")]
        return float(cell)

    try:
        aic = {c: value("aic", c) for c in models}
        ll = {c: value("loglik", c) for c in models}
    except (KeyError, TypeError, ValueError):
        return None
    best = min(aic, key=lambda c: aic[c])
    listing = ", ".join(f"{c} {aic[c]:.2f}" for c in aic)
    return Sentence(
        f"Among {', '.join(aic)} the {best} has the lowest AIC ({listing}) and a log-likelihood "
        f"of {ll[best]:.4f}.",
        (*(f"{key}:stat|aic:{c}|coef" for c in aic), f"{key}:stat|loglik:{best}|coef"),
    )


def robustness_sentence(
    spatial: pd.DataFrame, *, key: str, model: str, reference: Hashable, alpha: float
) -> Sentence | None:
    """Whether the spatial parameter keeps its sign and significance across the fits.

    ``spatial`` is a :func:`spatial_parameters` table (one row per weight matrix); ``reference``
    is the study's matrix, whose sign and significance the others are compared with.
    """
    rows = spatial[spatial["parameter"] != ""].dropna(subset=["estimate", "p"])
    if rows.empty or str(reference) not in {str(i) for i in rows.index}:
        return None
    symbol = _SYMBOL.get(str(rows["parameter"].iloc[0]), str(rows["parameter"].iloc[0]))
    est = {str(n): float(v) for n, v in rows["estimate"].items()}
    p = {str(n): float(v) for n, v in rows["p"].items()}
    ref = str(reference)
    ref_pos, ref_sig = est[ref] > 0, p[ref] < alpha
    other_sign = [n for n in est if (est[n] > 0) != ref_pos]
    other_sig = [n for n in est if (p[n] < alpha) != ref_sig]
    level = f"{100 * alpha:g}%"
    sign_word = "positive" if ref_pos else "negative"
    sig_word = f"significant at {level}" if ref_sig else f"not significant at {level}"
    n = len(est)
    if not other_sign and not other_sig:
        verdict = f"keeps its sign ({sign_word}) and its significance ({sig_word})"
    else:
        parts = []
        if other_sign:
            parts.append(f"changes sign under {', '.join(other_sign)}")
        if other_sig:
            parts.append(f"changes significance under {', '.join(other_sig)}")
        verdict = f"is {sign_word} and {sig_word} with the study's {ref} weights, but " + (
            " and ".join(parts)
        )
    lo, hi = min(est, key=lambda k: est[k]), max(est, key=lambda k: est[k])
    text = (
        f"Across {n} weight matrices, {symbol} of the {model.upper()} {verdict}; it ranges from "
        f"{est[lo]:.3f} ({lo}) to {est[hi]:.3f} ({hi})."
    )
    sources = tuple(f"{key}:{k}:{c}" for k in est for c in ("estimate", "p"))
    return Sentence(text, sources)


def _fit(ctx: StudyContext, *, w_name: str, kind: str, cfg: dict[str, Any]) -> Any:
    from spatialpanel.models.model import SpatialPanelModel

    y, core = str(cfg["y"]), str(cfg["core"])
    x = [core, *[str(c) for c in cfg.get("controls", [])]]
    effects = str(cfg.get("effects", "twoway"))
    bias = str(cfg.get("bias_correction", "none"))
    own = ctx.results.get("sdm")
    if (
        own is not None
        and w_name == str(cfg["weights"])
        and str(own.spec.model) == kind
        and str(own.spec.effects) == effects
        and str(own.bias_correction) == bias
    ):
        return own
    frame = ctx.model_frame([y, *x])
    model_cls: Any = SpatialPanelModel
    return model_cls(frame, y=y, x=x, w=ctx.weights[w_name], model=kind, effects=effects).fit(
        bias_correction=bias
    )


def run(ctx: StudyContext) -> StageOutput:
    """Fit the comparison and robustness models and build their tables and sentences."""
    cfg: dict[str, Any] = dict(ctx.config.section("model"))
    wname = model_weights_name(ctx, cfg)
    kind = str(cfg.get("kind", "sdm"))
    effects = str(cfg.get("effects", "twoway"))
    bias = str(cfg.get("bias_correction", "none"))
    alpha = float(cfg.get("alpha", 0.05))
    synthetic = ctx.mark_notes
    setup = f"{effects} effects, bias correction: {bias}, information-matrix standard errors."

    order = ["sar", "sem", "sdm", "sdem", "slx"]
    kinds = sorted({"sar", "sem", "sdm", kind}, key=lambda k: order.index(k) if k in order else 9)
    by_model = {k.upper(): _fit(ctx, w_name=wname, kind=k, cfg=cfg) for k in kinds}
    names = [wname, *[n for n in ctx.weights if n != wname]]
    by_w = {n: _fit(ctx, w_name=n, kind=kind, cfg=cfg) for n in names}

    models_table = regression_frame(by_model)
    robust_table = regression_frame(by_w)
    robust_spatial = spatial_parameters(by_w)
    tables = (
        TableArtifact(
            "compare_models",
            f"Spatial models compared ({wname} weights)",
            models_table,
            (setup, "AIC = −2 logL + 2k.", *synthetic),
            kind="regression",
        ),
        TableArtifact(
            "compare_models_spatial",
            f"Spatial parameters of the compared models ({wname} weights)",
            spatial_parameters(by_model),
            ("p: two-sided standard normal.", *synthetic),
        ),
        TableArtifact(
            "robustness_weights",
            f"Robustness: the {kind.upper()} under each weight matrix",
            robust_table,
            (setup, f"First column: the study's matrix ({wname}).", *synthetic),
            kind="regression",
        ),
        TableArtifact(
            "robustness_spatial",
            f"Robustness: the spatial parameter of the {kind.upper()} under each weight matrix",
            robust_spatial,
            ("p: two-sided standard normal.", *synthetic),
        ),
    )
    sentences = [
        s
        for s in (
            aic_sentence(models_table, key="compare_models"),
            robustness_sentence(
                robust_spatial, key="robustness_spatial", model=kind, reference=wname, alpha=alpha
            ),
        )
        if s is not None
    ]
    return StageOutput(
        name="robustness",
        title="Model comparison and robustness to the weight matrix",
        tables=tables,
        sentences=tuple(sentences),
        settings={
            "models": [k.upper() for k in kinds],
            "weights": names,
            "kind": kind,
            "effects": effects,
            "bias_correction": bias,
            "alpha": alpha,
        },
    )

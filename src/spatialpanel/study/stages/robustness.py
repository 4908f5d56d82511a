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
from spatialpanel.study.stages.model import effects_term, model_term, model_weights_name
from spatialpanel.text import Label, Message, Param, Text, TextList, msg, numbers, pmsg

__all__ = ["aic_sentence", "robustness_sentence", "run"]

_SYMBOL = {"rho": "ρ", "lambda": "λ"}


def aic_sentence(table: pd.DataFrame, *, key: str, weights: bool = False) -> Sentence | None:
    """Which fit of a regression payload (:func:`regression_frame`) has the lowest AIC (and its
    log-likelihood).

    ``weights``: the fits are weight matrices (their labels are shown), else models.
    """
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

    def name(c: str) -> Param:
        return Label("weights", c) if weights else c

    listing = TextList(
        tuple(msg("{name} {aic}", name=name(c), aic=numbers.fixed(aic[c], 2)) for c in aic),
        "series",
    )
    return Sentence(
        msg(
            "Among {models} the {best} has the lowest AIC ({listing}) and a log-likelihood of "
            "{ll}.",
            models=TextList(tuple(Label("weights", c) if weights else model_term(c) for c in aic)),
            best=name(best),
            listing=listing,
            ll=numbers.fixed(ll[best], 4),
        ),
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
    level = numbers.level(alpha)
    sign_word = pmsg("sign", "positive") if ref_pos else pmsg("sign", "negative")
    sig_word = (
        msg("significant at {level}", level=level)
        if ref_sig
        else msg("not significant at {level}", level=level)
    )

    def matrices(names: list[str]) -> TextList:
        return TextList(tuple(Label("weights", n) for n in names))

    verdict: Message
    if not other_sign and not other_sig:
        verdict = msg(
            "keeps its sign ({sign}) and its significance ({sig})", sign=sign_word, sig=sig_word
        )
    else:
        common: dict[str, Any] = {"sign": sign_word, "sig": sig_word, "ref": Label("weights", ref)}
        if other_sign and other_sig:
            verdict = msg(
                "is {sign} and {sig} with the study's {ref} weights, but changes sign under "
                "{a} and changes significance under {b}",
                a=matrices(other_sign),
                b=matrices(other_sig),
                **common,
            )
        elif other_sign:
            verdict = msg(
                "is {sign} and {sig} with the study's {ref} weights, but changes sign under {a}",
                a=matrices(other_sign),
                **common,
            )
        else:
            verdict = msg(
                "is {sign} and {sig} with the study's {ref} weights, but changes significance "
                "under {b}",
                b=matrices(other_sig),
                **common,
            )
    lo, hi = min(est, key=lambda k: est[k]), max(est, key=lambda k: est[k])
    text = msg(
        "Across {n} weight matrices, {symbol} of the {model} {verdict}; it ranges from {lo} "
        "({wlo}) to {hi} ({whi}).",
        n=len(est),
        symbol=symbol,
        model=model.upper(),
        verdict=verdict,
        lo=numbers.fixed(est[lo], 3),
        wlo=Label("weights", lo),
        hi=numbers.fixed(est[hi], 3),
        whi=Label("weights", hi),
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
    synthetic: tuple[Text, ...] = ctx.mark_notes
    setup = msg(
        "{effects} effects, bias correction: {bias}, information-matrix standard errors.",
        effects=effects_term(effects),
        bias=pmsg("bias correction", bias),
    )

    order = ["sar", "sem", "sdm", "sdem", "slx"]
    kinds = sorted({"sar", "sem", "sdm", kind}, key=lambda k: order.index(k) if k in order else 9)
    by_model = {k.upper(): _fit(ctx, w_name=wname, kind=k, cfg=cfg) for k in kinds}
    names = [wname, *[n for n in ctx.weights if n != wname]]
    by_w = {n: _fit(ctx, w_name=n, kind=kind, cfg=cfg) for n in names}

    models_table = regression_frame(by_model)
    robust_table = regression_frame(by_w)
    robust_spatial = spatial_parameters(by_w)
    w = Label("weights", wname)
    p_note = msg("p: two-sided standard normal.")
    tables = (
        TableArtifact(
            "compare_models",
            msg("Spatial models compared ({w} weights)", w=w),
            models_table,
            (setup, msg("AIC = −2 logL + 2k."), *synthetic),
            kind="regression",
        ),
        TableArtifact(
            "compare_models_spatial",
            msg("Spatial parameters of the compared models ({w} weights)", w=w),
            spatial_parameters(by_model),
            (p_note, *synthetic),
        ),
        TableArtifact(
            "robustness_weights",
            msg("Robustness: the {model} under each weight matrix", model=model_term(kind)),
            robust_table,
            (setup, msg("First column: the study's matrix ({w}).", w=w), *synthetic),
            kind="regression",
        ),
        TableArtifact(
            "robustness_spatial",
            msg(
                "Robustness: the spatial parameter of the {model} under each weight matrix",
                model=model_term(kind),
            ),
            robust_spatial,
            (p_note, *synthetic),
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
        title=msg("Model comparison and robustness to the weight matrix"),
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

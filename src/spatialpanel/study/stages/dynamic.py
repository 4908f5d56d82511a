"""The dynamic stage: the dynamic spatial Durbin model and its short- and long-run effects.

Driven by the ``[dynamic]`` section of the study (the variables, weights, effects, α and the
number of simulation draws come from ``[model]``)::

    [dynamic]
    enabled = true
    lags = ["time", "spacetime"]      # y(t-1) and W·y(t-1)
    bias_correction = "lee-yu"        # lee-yu | none

Produces the dynamic SDM next to the static one (``dynamic_sdm``), the short- and long-run direct,
indirect and total effects with delta-method inference (``dynamic_effects_short``,
``dynamic_effects_long``) and by simulation (``dynamic_effects_simulation``, with the mean and
median of the draws beside the estimate at the estimates), the short- and long-run rows of the
hypotheses (``dynamic_hypotheses``) and sentences that state what the numbers say about "the
core variable raises y in the short and in the long run".
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import pandas as pd
from scipy import stats

from spatialpanel.errors import ConfigError, NumericalWarning, did_you_mean
from spatialpanel.report.regression import regression_frame
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages.model import fmt_p, model_weights_name

__all__ = ["run"]

_KINDS = ("direct", "indirect", "total")


def _num(value: Any) -> float:
    return float(value)


def _hypotheses(
    short: pd.DataFrame, long: pd.DataFrame, *, core: str, alpha: float
) -> pd.DataFrame:
    rows = []
    for horizon, table in (("short run", short), ("long run", long)):
        for kind in _KINDS:
            est = _num(table.loc[core, (kind, "estimate")])
            se = _num(table.loc[core, (kind, "se")])
            z = est / se if se > 0 else math.nan
            p = float(stats.norm.sf(z)) if se > 0 else math.nan
            verdict = "supported" if (est > 0 and p < alpha) else "not supported"
            key = f"{kind} ({horizon})"
            rows.append((key, f"{horizon} {kind} effect of {core} > 0", est, se, z, p, verdict))
    frame = pd.DataFrame(
        rows, columns=["hypothesis", "claim", "estimate", "se", "z", "p_one_sided", "verdict"]
    )
    return frame.set_index("hypothesis")


def _claim_sentence(hyp: pd.DataFrame, *, core: str, y: str, alpha: float) -> Sentence:
    s_ok = hyp.loc["total (short run)", "verdict"] == "supported"
    l_ok = hyp.loc["total (long run)", "verdict"] == "supported"
    s_est, l_est = (
        _num(hyp.loc["total (short run)", "estimate"]),
        _num(hyp.loc["total (long run)", "estimate"]),
    )
    s_p, l_p = (
        _num(hyp.loc["total (short run)", "p_one_sided"]),
        _num(hyp.loc["total (long run)", "p_one_sided"]),
    )
    if s_ok and l_ok:
        verdict = "both the short-run and the long-run total effects are positive and significant"
    elif s_ok:
        verdict = "only the short-run total effect is positive and significant"
    elif l_ok:
        verdict = "only the long-run total effect is positive and significant"
    else:
        verdict = "neither the short-run nor the long-run total effect is positive and significant"
    return Sentence(
        f"Does {core} raise {y} 'whether in the short-term impact or long-term effect'? In the "
        f"dynamic SDM the short-run total effect is {s_est:.3f} (one-sided {fmt_p(s_p)}) and the "
        f"long-run total effect {l_est:.3f} (one-sided {fmt_p(l_p)}): {verdict} at "
        f"α = {alpha:g}.",
        (
            f"dynamic_effects_short:{core}:total:estimate",
            f"dynamic_effects_long:{core}:total:estimate",
            "dynamic_hypotheses:total (short run):verdict",
            "dynamic_hypotheses:total (long run):verdict",
        ),
    )


def run(ctx: StudyContext) -> StageOutput:
    """Fit the dynamic SDM and build its tables and sentences (nothing when disabled)."""
    from spatialpanel.models.model import SpatialPanelModel

    dyn = ctx.config.section("dynamic")
    title = "Dynamic spatial Durbin model: short- and long-run effects"
    if not dyn.get("enabled", False):
        return StageOutput(name="dynamic", title=title, settings={"enabled": False})
    cfg = ctx.config.section("model")
    y, core = str(cfg["y"]), str(cfg["core"])
    x = [core, *[str(c) for c in cfg.get("controls", [])]]
    alpha = float(cfg.get("alpha", 0.05))
    draws = int(cfg.get("draws", 1000))
    effects = str(cfg.get("effects", "twoway"))
    kind = str(cfg.get("kind", "sdm"))
    kind = kind if kind in ("sar", "sdm") else "sdm"
    lags = [str(v) for v in dyn.get("lags", ["time", "spacetime"])]
    bias = str(dyn.get("bias_correction", "lee-yu"))
    if bias not in ("lee-yu", "none"):
        raise ConfigError(
            f"[dynamic] bias_correction = {bias!r} is not one of lee-yu, none."
            + did_you_mean(bias, ["lee-yu", "none"])
        )
    if effects not in ("entity", "time", "twoway"):
        raise ConfigError(
            f"[dynamic] needs fixed effects but [model] effects = {effects!r}; set [model] "
            "effects to 'entity', 'time' or 'twoway', or [dynamic] enabled = false."
        )
    wname = model_weights_name(ctx, cfg)
    w = ctx.weights[wname]
    frame = ctx.model_frame([y, *x])
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", NumericalWarning)
        model_cls: Any = SpatialPanelModel
        model = model_cls(
            frame, y=y, x=x, w=w, model=kind, effects=effects, dynamic=True, lags=lags
        )
        res: Any = model.fit(bias_correction=bias)
        raw: Any = res if bias == "none" else model.fit(bias_correction="none")
        short = res.impacts(method="delta", horizon="short")
        long = res.impacts(method="delta", horizon="long")
        sim_short = res.impacts(method="simulation", draws=draws, seed=ctx.seed, horizon="short")
        sim_long = res.impacts(method="simulation", draws=draws, seed=ctx.seed, horizon="long")
    for item in record:
        if issubclass(item.category, NumericalWarning):
            caught.append(str(item.message))
        else:  # pragma: no cover - re-issue anything that is not ours to handle
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    ctx.results["dynamic"] = res
    fits: dict[str, Any] = {}
    if "sdm" in ctx.results:
        fits["Static SDM"] = ctx.results["sdm"]
    label = "Dynamic SDM (Lee-Yu)" if bias == "lee-yu" else "Dynamic SDM"
    fits[label] = res
    if bias != "none":
        fits["Dynamic SDM (uncorrected)"] = raw
    sim = pd.concat({"short run": sim_short, "long run": sim_long}, names=["horizon"])
    hyp = _hypotheses(short, long, core=core, alpha=alpha)
    warn_notes = tuple(f"Warning: {m}" for m in caught)
    stab = res.stability.text() if res.stability is not None else ""
    bc_note = (
        "Lee-Yu bias correction (Yu, de Jong & Lee 2008; Lee & Yu 2010)"
        if bias == "lee-yu"
        else "no bias correction"
    )
    tables = (
        TableArtifact(
            "dynamic_sdm",
            f"Dynamic {kind.upper()} with {effects} effects, next to the static model",
            regression_frame(fits),
            (
                res.note,
                f"Dynamic model: {bc_note}; time effects removed by the orthonormal "
                "transformation (N − 1 cross-sections), individual effects by demeaning; "
                f"σ² = e'e/({res.n_effective}·{res.n_periods}).",
                "Dynamic standard errors: information matrix of the transformed likelihood "
                "plus the non-normality term (Yu, de Jong & Lee 2008).",
                f"Stability: {stab}.",
                *warn_notes,
            ),
            kind="regression",
        ),
        TableArtifact(
            "dynamic_effects_short",
            "Short-run direct, indirect and total effects",
            short,
            ("(I − ρW)⁻¹(β_k I + θ_k W); delta-method standard errors, full covariance.",),
            kind="regression",
        ),
        TableArtifact(
            "dynamic_effects_long",
            "Long-run direct, indirect and total effects",
            long,
            (
                "((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W); delta-method standard errors through "
                "the Jacobian of (β, θ, ρ, τ, η) ↦ (β, θ, ρ + η)/(1 − τ).",
            ),
            kind="regression",
        ),
        TableArtifact(
            "dynamic_effects_simulation",
            "Short- and long-run effects: simulation inference",
            sim,
            (
                f"{draws} draws from N(estimates, cov), seed {ctx.seed}; estimate at the "
                "estimates; se = standard deviation of the draws; 95% percentile interval; mean "
                "and median of the draws show the skew of the long-run distribution.",
                *warn_notes,
            ),
        ),
        TableArtifact(
            "dynamic_hypotheses",
            "Short- and long-run hypotheses",
            hyp,
            (f"One-sided tests (delta method) at α = {alpha:g}.",),
        ),
    )
    return StageOutput(
        name="dynamic",
        title=title,
        tables=tables,
        sentences=tuple(_sentences(res, raw, hyp, sim_long, core=core, y=y, alpha=alpha)),
        settings={
            "enabled": True,
            "y": y,
            "x": x,
            "weights": wname,
            "kind": kind,
            "effects": effects,
            "lags": list(res.lags),
            "bias_correction": bias,
            "draws": draws,
            "seed": ctx.seed,
            "dropped_period": res.dropped_period,
            "stable": bool(res.stability.stable) if res.stability is not None else None,
            "warnings": caught,
        },
    )


def _sentences(
    res: Any, raw: Any, hyp: pd.DataFrame, sim_long: pd.DataFrame, *, core: str, y: str,
    alpha: float,
) -> list[Sentence]:  # fmt: skip
    out: list[Sentence] = [Sentence(res.note, ())]
    label = "Dynamic SDM (Lee-Yu)" if res.bias_correction == "lee-yu" else "Dynamic SDM"
    parts = []
    for name, sym in ((f"{y}(t-1)", "τ"), (f"W*{y}(t-1)", "η"), ("rho", "ρ")):
        if name in res.params.index:
            parts.append(
                f"{sym} = {float(res.params[name]):.3f} (z = {float(res.zvalues[name]):.2f}, "
                f"{fmt_p(float(res.pvalues[name]))})"
            )
    srcs = tuple(
        f"dynamic_sdm:coef|{n}:{label}|coef" for n in res.params.index if n.endswith("(t-1)")
    )
    out.append(
        Sentence(
            "Dynamic SDM: " + ", ".join(parts) + ".", (*srcs, f"dynamic_sdm:coef|rho:{label}|coef")
        )
    )
    if res.bias_correction == "lee-yu":
        tname = f"{y}(t-1)"
        if tname in res.params.index:
            out.append(
                Sentence(
                    f"The Lee-Yu correction moves τ from {float(raw.params[tname]):.3f} "
                    f"(uncorrected QML) to {float(res.params[tname]):.3f} and ρ from "
                    f"{float(raw.params['rho']):.3f} to {float(res.params['rho']):.3f}.",
                    (
                        f"dynamic_sdm:coef|{tname}:Dynamic SDM (uncorrected)|coef",
                        f"dynamic_sdm:coef|{tname}:{label}|coef",
                    ),
                )
            )
    if res.stability is not None:
        out.append(Sentence(f"Stability at the estimates: {res.stability.text()}.", ()))
    for kind in ("direct", "indirect"):
        s_row, l_row = hyp.loc[f"{kind} (short run)"], hyp.loc[f"{kind} (long run)"]
        out.append(
            Sentence(
                f"The {kind} effect of {core} is {_num(s_row['estimate']):.3f} in the short run "
                f"(se {_num(s_row['se']):.3f}, one-sided {fmt_p(_num(s_row['p_one_sided']))}) "
                f"and {_num(l_row['estimate']):.3f} in the long run (se {_num(l_row['se']):.3f}, "
                f"one-sided {fmt_p(_num(l_row['p_one_sided']))}).",
                (
                    f"dynamic_effects_short:{core}:{kind}:estimate",
                    f"dynamic_effects_long:{core}:{kind}:estimate",
                ),
            )
        )
    out.append(_claim_sentence(hyp, core=core, y=y, alpha=alpha))
    est = _num(sim_long.loc[core, ("total", "estimate")])
    mean = _num(sim_long.loc[core, ("total", "mean")])
    med = _num(sim_long.loc[core, ("total", "median")])
    lo = _num(sim_long.loc[core, ("total", "ci_lower")])
    hi = _num(sim_long.loc[core, ("total", "ci_upper")])
    out.append(
        Sentence(
            f"The long-run total effect of {core} is {est:.3f} at the estimates; its simulated "
            f"draws have mean {mean:.3f} and median {med:.3f} (95% interval {lo:.3f} to "
            f"{hi:.3f}): report the value at the estimates, not the mean of the draws.",
            (
                f"dynamic_effects_simulation:long run:{core}:total:estimate",
                f"dynamic_effects_simulation:long run:{core}:total:mean",
            ),
        )
    )
    return out

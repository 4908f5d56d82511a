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

from spatialpanel.errors import ConfigError, NumericalWarning, did_you_mean
from spatialpanel.inference.distributions import norm_sf
from spatialpanel.report.regression import regression_frame
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages.model import (
    effects_term,
    fmt_p,
    model_term,
    model_weights_name,
)
from spatialpanel.text import Label, Message, Text, TextList, msg, numbers, pmsg

__all__ = ["run"]

_KINDS = ("direct", "indirect", "total")


def _sample_note(res: Any) -> Message:
    """Which period the time lag costs (the dynamic fit's sample)."""
    return msg(
        "The first period ({t}) is lost to the time lag: {p} periods, {n} observations.",
        t=str(res.dropped_period),
        p=int(res.n_periods),
        n=int(res.nobs),
    )


def _stability(check: Any) -> Message:
    """τ + ρ + η and the spectral radius at the estimates, with the verdict."""
    verdict = pmsg("stability", "stable") if check.stable else pmsg("stability", "NOT stable")
    return msg(
        "τ + ρ + η = {s}; spectral radius of (I - ρW)⁻¹(τI + ηW) = {r} ({verdict})",
        s=numbers.fixed(check.sum, 4),
        r=numbers.fixed(check.spectral_radius, 4),
        verdict=verdict,
    )


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
            p = float(norm_sf(z)) if se > 0 else math.nan
            verdict = "supported" if (est > 0 and p < alpha) else "not supported"
            key = f"{kind} ({horizon})"
            claim = msg(
                "{horizon} {kind} effect of {core} > 0",
                horizon=pmsg("horizon", horizon),
                kind=pmsg("effect", kind),
                core=Label("variable", core),
            )
            rows.append((key, claim, est, se, z, p, verdict))
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
        verdict = msg(
            "both the short-run and the long-run total effects are positive and significant"
        )
    elif s_ok:
        verdict = msg("only the short-run total effect is positive and significant")
    elif l_ok:
        verdict = msg("only the long-run total effect is positive and significant")
    else:
        verdict = msg(
            "neither the short-run nor the long-run total effect is positive and significant"
        )
    return Sentence(
        msg(
            "Does {core} raise {y} 'whether in the short-term impact or long-term effect'? In the "
            "dynamic SDM the short-run total effect is {a} (one-sided {pa}) and the long-run total "
            "effect {b} (one-sided {pb}): {verdict} at α = {alpha}.",
            core=Label("variable", core),
            y=Label("variable", y),
            a=numbers.fixed(s_est, 3),
            pa=fmt_p(s_p),
            b=numbers.fixed(l_est, 3),
            pb=fmt_p(l_p),
            verdict=verdict,
            alpha=f"{alpha:g}",
        ),
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
    title = msg("Dynamic spatial Durbin model: short- and long-run effects")
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
    caught_text: list[Text] = []
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
            text = getattr(item.message, "text", None)
            caught_text.append(text if isinstance(text, Message) else str(item.message))
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
    warn_notes = tuple(msg("Warning: {text}", text=m) for m in caught_text)
    bc_note = (
        msg("Lee-Yu bias correction (Yu, de Jong & Lee 2008; Lee & Yu 2010)")
        if bias == "lee-yu"
        else msg("no bias correction")
    )
    dyn_notes: list[Text] = [
        _sample_note(res),
        msg(
            "Dynamic model: {bc}; time effects removed by the orthonormal transformation (N − 1 "
            "cross-sections), individual effects by demeaning; σ² = e'e/({n}·{t}).",
            bc=bc_note,
            n=int(res.n_effective),
            t=int(res.n_periods),
        ),
        msg(
            "Dynamic standard errors: information matrix of the transformed likelihood plus the "
            "non-normality term (Yu, de Jong & Lee 2008)."
        ),
    ]
    if res.stability is not None:
        dyn_notes.append(msg("Stability: {check}.", check=_stability(res.stability)))
    tables = (
        TableArtifact(
            "dynamic_sdm",
            msg(
                "Dynamic {model} with {effects} effects, next to the static model",
                model=model_term(kind),
                effects=effects_term(effects),
            ),
            regression_frame(fits),
            (*dyn_notes, *warn_notes),
            kind="regression",
        ),
        TableArtifact(
            "dynamic_effects_short",
            msg("Short-run direct, indirect and total effects"),
            short,
            (msg("(I − ρW)⁻¹(β_k I + θ_k W); delta-method standard errors, full covariance."),),
            kind="regression",
        ),
        TableArtifact(
            "dynamic_effects_long",
            msg("Long-run direct, indirect and total effects"),
            long,
            (
                msg(
                    "((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W); delta-method standard errors through "
                    "the Jacobian of (β, θ, ρ, τ, η) ↦ (β, θ, ρ + η)/(1 − τ)."
                ),
            ),
            kind="regression",
        ),
        TableArtifact(
            "dynamic_effects_simulation",
            msg("Short- and long-run effects: simulation inference"),
            sim,
            (
                msg(
                    "{n} draws from N(estimates, cov), seed {seed}; estimate at the estimates; "
                    "se = standard deviation of the draws; 95% percentile interval; mean and "
                    "median of the draws show the skew of the long-run distribution.",
                    n=draws,
                    seed=ctx.seed,
                ),
                *warn_notes,
            ),
        ),
        TableArtifact(
            "dynamic_hypotheses",
            msg("Short- and long-run hypotheses"),
            hyp,
            (msg("One-sided tests (delta method) at α = {alpha}.", alpha=f"{alpha:g}"),),
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
    out: list[Sentence] = [Sentence(_sample_note(res), ())]
    label = "Dynamic SDM (Lee-Yu)" if res.bias_correction == "lee-yu" else "Dynamic SDM"
    parts: list[Message] = []
    for name, sym in ((f"{y}(t-1)", "τ"), (f"W*{y}(t-1)", "η"), ("rho", "ρ")):
        if name in res.params.index:
            parts.append(
                msg(
                    "{symbol} = {value} (z = {z}, {p})",
                    symbol=sym,
                    value=numbers.fixed(float(res.params[name]), 3),
                    z=numbers.fixed(float(res.zvalues[name]), 2),
                    p=fmt_p(float(res.pvalues[name])),
                )
            )
    srcs = tuple(
        f"dynamic_sdm:coef|{n}:{label}|coef" for n in res.params.index if n.endswith("(t-1)")
    )
    out.append(
        Sentence(
            msg("Dynamic SDM: {parts}.", parts=TextList(tuple(parts), "series")),
            (*srcs, f"dynamic_sdm:coef|rho:{label}|coef"),
        )
    )
    if res.bias_correction == "lee-yu":
        tname = f"{y}(t-1)"
        if tname in res.params.index:
            out.append(
                Sentence(
                    msg(
                        "The Lee-Yu correction moves τ from {a} (uncorrected QML) to {b} and ρ "
                        "from {c} to {d}.",
                        a=numbers.fixed(float(raw.params[tname]), 3),
                        b=numbers.fixed(float(res.params[tname]), 3),
                        c=numbers.fixed(float(raw.params["rho"]), 3),
                        d=numbers.fixed(float(res.params["rho"]), 3),
                    ),
                    (
                        f"dynamic_sdm:coef|{tname}:Dynamic SDM (uncorrected)|coef",
                        f"dynamic_sdm:coef|{tname}:{label}|coef",
                    ),
                )
            )
    if res.stability is not None:
        out.append(
            Sentence(
                msg("Stability at the estimates: {check}.", check=_stability(res.stability)), ()
            )
        )
    for kind in ("direct", "indirect"):
        s_row, l_row = hyp.loc[f"{kind} (short run)"], hyp.loc[f"{kind} (long run)"]
        out.append(
            Sentence(
                msg(
                    "The {kind} effect of {core} is {a} in the short run (se {sa}, one-sided "
                    "{pa}) and {b} in the long run (se {sb}, one-sided {pb}).",
                    kind=pmsg("effect", kind),
                    core=Label("variable", core),
                    a=numbers.fixed(_num(s_row["estimate"]), 3),
                    sa=numbers.fixed(_num(s_row["se"]), 3),
                    pa=fmt_p(_num(s_row["p_one_sided"])),
                    b=numbers.fixed(_num(l_row["estimate"]), 3),
                    sb=numbers.fixed(_num(l_row["se"]), 3),
                    pb=fmt_p(_num(l_row["p_one_sided"])),
                ),
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
            msg(
                "The long-run total effect of {core} is {est} at the estimates; its simulated "
                "draws have mean {m} and median {md} (95% interval {lo} to {hi}): report the "
                "value at the estimates, not the mean of the draws.",
                core=Label("variable", core),
                est=numbers.fixed(est, 3),
                m=numbers.fixed(mean, 3),
                md=numbers.fixed(med, 3),
                lo=numbers.fixed(lo, 3),
                hi=numbers.fixed(hi, 3),
            ),
            (
                f"dynamic_effects_simulation:long run:{core}:total:estimate",
                f"dynamic_effects_simulation:long run:{core}:total:mean",
            ),
        )
    )
    return out

"""The model stage: the selection battery, the study's spatial model, its effects and hypotheses.

Produces the paper's Table 4 (LM tests), Table 5 (LR tests of the effects), Table 6 (Wald and LR
tests of the SDM), Table 7 (the SDM: Main and W·x blocks and ρ), the direct/indirect/total
effects, the verdicts on the three hypotheses (H1: direct effect of the core variable > 0;
H2: ρ > 0; H3: indirect effect of the core variable > 0) and the battery's decisions. The fitted
model is left in ``ctx.results["sdm"]`` and the battery in ``ctx.results["selection"]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.inference.distributions import norm_sf
from spatialpanel.inference.hypotheses import TestResult
from spatialpanel.inference.selection import SelectionReport, select_model
from spatialpanel.report.regression import regression_frame
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Message, msg, numbers, pmsg

__all__ = [
    "effects_term",
    "fmt_p",
    "hypotheses_table",
    "model_term",
    "model_weights_name",
    "run",
]

_P_NOTE = msg("p-values: two-sided standard normal (coefficients, effects); upper-tail χ² (tests).")


def model_term(kind: str) -> Message:
    """The model's name as a term ("SDM"; in Chinese 空间杜宾模型（SDM）)."""
    return pmsg("model", kind.upper())


def effects_term(effects: str) -> Message:
    """The effects of a panel model as a term ("two-way", "entity", ...)."""
    return pmsg("effects", effects)


def _num(value: Any) -> float:
    """A table cell as a float (keeps mypy's pandas stubs quiet)."""
    return float(value)


def fmt_p(p: float) -> str:
    """``"p = 0.015"`` or ``"p < 0.001"`` (:func:`spatialpanel.text.numbers.p_value`)."""
    return numbers.p_value(p)


def model_weights_name(ctx: StudyContext, cfg: Mapping[str, Any]) -> str:
    """The ``[model] weights`` name, checked against the study's configured weights."""
    wname = str(cfg["weights"])
    if wname not in ctx.weights:
        raise ConfigError(
            f"[model] weights = {wname!r} is not a configured [weights.*] section; available: "
            f"{sorted(ctx.weights)}." + did_you_mean(wname, sorted(ctx.weights))
        )
    return wname


def _tests_frame(tests: list[TestResult]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "statistic": [t.statistic for t in tests],
            "df": [t.df for t in tests],
            "pvalue": [t.pvalue for t in tests],
            "null": [t.null for t in tests],
            "valid": [t.valid for t in tests],
            "note": [t.reason for t in tests],
        },
        index=pd.Index([t.name for t in tests], name="test"),
    )
    return frame


def _table4(rep: SelectionReport) -> pd.DataFrame:
    lm = rep.lm
    m = rep.moran
    rows = [("SEM", "Moran's I (residuals)", m.statistic, m.z, m.pvalue)]
    for model, test, key in (
        ("SEM", "LM error", "LM_error"),
        ("SEM", "Robust LM error", "robust_LM_error"),
        ("SAR", "LM lag", "LM_lag"),
        ("SAR", "Robust LM lag", "robust_LM_lag"),
    ):
        rows.append(
            (model, test, _num(lm.loc[key, "statistic"]), math.nan, _num(lm.loc[key, "pvalue"]))
        )
    frame = pd.DataFrame(rows, columns=["model", "test", "statistic", "z", "pvalue"])
    return frame.set_index(["model", "test"])


def hypotheses_table(res: Any, effects: pd.DataFrame, *, core: str, alpha: float) -> pd.DataFrame:
    """H1 (direct effect of ``core`` > 0), H2 (ρ > 0), H3 (indirect effect of ``core`` > 0).

    Evidence: estimate, se, z and the one-sided p-value ``P(Z > z)``; verdict "supported" when
    the estimate is positive and the one-sided p-value is below ``alpha``.
    """
    rows: list[tuple[Any, ...]] = []
    variable = Label("variable", core)
    for key, claim, kind in (
        ("H1", msg("direct effect of {core} > 0", core=variable), "direct"),
        ("H2", msg("spatial autoregressive coefficient ρ > 0"), "rho"),
        ("H3", msg("indirect (spillover) effect of {core} > 0", core=variable), "indirect"),
    ):
        if kind == "rho":
            if "rho" not in res.params.index:
                rows.append((key, claim, *([math.nan] * 4), "not applicable (no ρ in model)"))
                continue
            est, se = float(res.params["rho"]), float(res.std_errors["rho"])
        else:
            est = _num(effects.loc[core, (kind, "estimate")])
            se = _num(effects.loc[core, (kind, "se")])
        z = est / se if se > 0 else math.nan
        p = float(norm_sf(z)) if se > 0 else math.nan
        verdict = "supported" if (est > 0 and p < alpha) else "not supported"
        rows.append((key, claim, est, se, z, p, verdict))
    frame = pd.DataFrame(
        rows, columns=["hypothesis", "claim", "estimate", "se", "z", "p_one_sided", "verdict"]
    )
    return frame.set_index("hypothesis")


def _sign_words(est: float, p: float, alpha: float) -> Message:
    level = numbers.level(alpha)
    if p < alpha:
        if est > 0:
            return msg("positive and significant at {level}", level=level)
        return msg("negative and significant at {level}", level=level)
    if est > 0:
        return msg("positive but not significant at {level}", level=level)
    return msg("negative but not significant at {level}", level=level)


def _sentences(
    rep: SelectionReport, res: Any, hyp: pd.DataFrame, *, core: str, alpha: float
) -> list[Sentence]:
    out: list[Sentence] = []
    lm = rep.lm
    lag_s, lag_p = _num(lm.loc["LM_lag", "statistic"]), _num(lm.loc["LM_lag", "pvalue"])
    err_s, err_p = _num(lm.loc["LM_error", "statistic"]), _num(lm.loc["LM_error", "pvalue"])
    out.append(
        Sentence(
            msg(
                "LM tests on the OLS residuals ({effects} effects): LM-lag = {a} ({pa}), "
                "LM-error = {b} ({pb}); Moran's I of the residuals = {i} (z = {z}, one-sided "
                "{pi}).",
                effects=effects_term(str(rep.effects)),
                a=numbers.fixed(lag_s, 3),
                pa=fmt_p(lag_p),
                b=numbers.fixed(err_s, 3),
                pb=fmt_p(err_p),
                i=numbers.fixed(rep.moran.statistic, 3),
                z=numbers.fixed(rep.moran.z, 2),
                pi=fmt_p(rep.moran.pvalue),
            ),
            (
                "table4_lm:LM lag:statistic",
                "table4_lm:LM error:statistic",
                "table4_lm:Moran's I (residuals):statistic",
            ),
        )
    )
    w_sar, w_sem = rep.wald["sar"], rep.wald["sem"]
    out.append(
        Sentence(
            msg(
                "Wald tests: SDM vs SAR χ²({d1}) = {s1} ({p1}), SDM vs SEM χ²({d2}) = {s2} "
                "({p2}); the battery selects the {model}.",
                d1=int(w_sar.df),
                s1=numbers.fixed(w_sar.statistic, 2),
                p1=fmt_p(w_sar.pvalue),
                d2=int(w_sem.df),
                s2=numbers.fixed(w_sem.statistic, 2),
                p2=fmt_p(w_sem.pvalue),
                model=model_term(rep.model),
            ),
            (
                "table6_wald_lr:Wald SDM vs SAR:statistic",
                "table6_wald_lr:Wald SDM vs SEM:statistic",
            ),
        )
    )
    cfg_kind, cfg_eff = str(res.spec.model), str(res.spec.effects)
    agree = rep.model == cfg_kind and rep.recommended_effects == cfg_eff
    terms: dict[str, Any] = {
        "m1": model_term(rep.model),
        "e1": effects_term(str(rep.recommended_effects)),
        "m2": model_term(cfg_kind),
        "e2": effects_term(cfg_eff),
    }
    out.append(
        Sentence(
            msg(
                "The selection battery points to the {m1} with {e1} effects; the study estimates "
                "the {m2} with {e2} effects as configured (the same specification).",
                **terms,
            )
            if agree
            else msg(
                "The selection battery points to the {m1} with {e1} effects; the study estimates "
                "the {m2} with {e2} effects as configured (they differ: see the decisions).",
                **terms,
            ),
            ("decisions:LR entity effects:outcome", "decisions:LR time effects:outcome"),
        )
    )
    if rep.hausman is not None:
        h = rep.hausman
        pref = h.preferred
        text: Message
        if h.classic.valid:
            text = msg(
                "Hausman test: χ²({df}) = {s} ({p}).",
                df=int(h.classic.df),
                s=numbers.fixed(h.classic.statistic, 2),
                p=fmt_p(h.classic.pvalue),
            )
        else:
            text = msg(
                "The classic Hausman statistic is not a valid test here (V_FE − V_RE is not "
                "positive definite); the {name} test gives χ²({df}) = {s} ({p}).",
                name=pmsg("cell", str(pref.name)),
                df=int(pref.df),
                s=numbers.fixed(pref.statistic, 2),
                p=fmt_p(pref.pvalue),
            )
        out.append(Sentence(text, (f"decisions:{pref.name}:statistic",)))
    if "rho" in res.params.index:
        rho, zr, p2 = (
            float(res.params["rho"]),
            float(res.zvalues["rho"]),
            float(res.pvalues["rho"]),
        )
        out.append(
            Sentence(
                msg(
                    "ρ = {rho} (z = {z}, {p}): {verdict}.",
                    rho=numbers.fixed(rho, 3),
                    z=numbers.fixed(zr, 2),
                    p=fmt_p(p2),
                    verdict=_sign_words(rho, p2, alpha),
                ),
                (
                    "table7_sdm:coef|rho:Main|coef",
                    "table7_sdm:coef|rho:Main|z",
                    "table7_sdm:coef|rho:Main|p",
                ),
            )
        )
    for key, kind in (("H1", "direct"), ("H3", "indirect")):
        est, se = _num(hyp.loc[key, "estimate"]), _num(hyp.loc[key, "se"])
        p1 = _num(hyp.loc[key, "p_one_sided"])
        verdict = str(hyp.loc[key, "verdict"])
        params: dict[str, Any] = {
            "h": key,
            "core": Label("variable", core),
            "est": numbers.fixed(est, 3),
            "se": numbers.fixed(se, 3),
            "p": fmt_p(p1),
        }
        if kind == "direct":
            text = (
                msg(
                    "{h}, direct effect of {core} > 0: direct effect {est} (se {se}, one-sided "
                    "{p}): supported.",
                    **params,
                )
                if verdict == "supported"
                else msg(
                    "{h}, direct effect of {core} > 0: direct effect {est} (se {se}, one-sided "
                    "{p}): not supported.",
                    **params,
                )
            )
        else:
            text = (
                msg(
                    "{h}, indirect (spillover) effect of {core} > 0: indirect effect {est} (se "
                    "{se}, one-sided {p}): supported.",
                    **params,
                )
                if verdict == "supported"
                else msg(
                    "{h}, indirect (spillover) effect of {core} > 0: indirect effect {est} (se "
                    "{se}, one-sided {p}): not supported.",
                    **params,
                )
            )
        out.append(Sentence(text, (f"effects:{core}:{kind}|estimate", f"hypotheses:{key}:verdict")))
    return out


def _decisions(rep: SelectionReport) -> pd.DataFrame:
    """The battery's decisions; the outcome of an invalid classic Hausman test as a message.

    The other text cells (questions, rules, outcomes) are fixed phrases that the report looks up
    in the catalogue; this one carries the numbers of the eigenvalue check.
    """
    frame = rep.decisions_frame()
    h = rep.hausman
    if h is None or h.classic.valid:
        return frame
    values = sorted(float(v) for v in h.eigenvalues)
    n = len(values)
    rank = int(h.generalized.df) if h.generalized is not None and h.generalized.valid else 0
    outcome = msg(
        "not decided: V_FE − V_RE is not positive definite ({k} of {n} eigenvalues ≤ 0, "
        "smallest {v}); the classic statistic is not a χ² test (it can be negative). Use the "
        "generalised-inverse or the robust Mundlak-type test.",
        k=n - rank,
        n=n,
        v=f"{values[0]:.3g}",
    )
    outcomes: list[Any] = list(frame["outcome"])
    for i, (_step, test) in enumerate(frame.index):
        if test == "Hausman" and not bool(frame.iloc[i]["valid"]):
            outcomes[i] = outcome
    return frame.assign(outcome=pd.Series(outcomes, index=frame.index, dtype=object))


def run(ctx: StudyContext) -> StageOutput:
    """Run the battery, fit the study's model, and build Tables 4–7, effects and hypotheses."""
    from spatialpanel.models.model import SpatialPanelModel

    cfg = ctx.config.section("model")
    y, core = str(cfg["y"]), str(cfg["core"])
    x = [core, *[str(c) for c in cfg.get("controls", [])]]
    alpha = float(cfg.get("alpha", 0.05))
    draws = int(cfg.get("draws", 1000))
    kind = str(cfg.get("kind", "sdm"))
    effects = str(cfg.get("effects", "twoway"))
    bias = str(cfg.get("bias_correction", "none"))
    wname = model_weights_name(ctx, cfg)
    w = ctx.weights[wname]
    frame = ctx.model_frame([y, *x])
    lm_effects = effects if effects in ("pooled", "entity", "time", "twoway") else "pooled"
    rep = select_model(frame, y=y, x=x, w=w, effects=lm_effects, alpha=alpha)  # type: ignore[arg-type]
    model_cls: Any = SpatialPanelModel
    res = model_cls(frame, y=y, x=x, w=w, model=kind, effects=effects).fit(bias_correction=bias)
    ctx.results["sdm"] = res
    ctx.results["selection"] = rep
    eff = res.impacts(method="delta")
    eff_sim = res.impacts(method="simulation", draws=draws, seed=ctx.seed)
    hyp = hypotheses_table(res, eff, core=core, alpha=alpha)
    tests_note = msg("α = {alpha}; tests use fits without bias correction.", alpha=f"{alpha:g}")
    tables = (
        TableArtifact(
            "table4_lm",
            msg("LM tests on the OLS residuals"),
            _table4(rep),
            (
                msg(
                    "Elhorst's panel LM tests, {effects} fixed effects, σ² = e'e/NT; LM statistics "
                    "are χ²(1); Moran's I row: statistic I, z and one-sided p (exact moments under "
                    "normal errors).",
                    effects=effects_term(lm_effects),
                ),
            ),
            paper=4,
        ),
        TableArtifact(
            "table5_lr_effects",
            msg("LR tests of the fixed effects"),
            _tests_frame(
                [
                    rep.effects_lr["entity"],
                    rep.effects_lr["time"],
                    *rep.effects_lr_ols.values(),
                ]
            ),
            (
                msg(
                    "First two rows: {model} fits; last two: the non-spatial model (Elhorst 2014, "
                    "§3.6.2). df = number of restrictions (N − 1, T − 1); Elhorst prints N and T.",
                    model=model_term(rep.model),
                ),
                tests_note,
            ),
            paper=5,
        ),
        TableArtifact(
            "table6_wald_lr",
            msg("Wald and LR tests of the SDM"),
            _tests_frame([rep.wald["sem"], rep.wald["sar"], rep.lr["sem"], rep.lr["sar"]]),
            (msg("Wald SDM vs SEM by the delta method (θ + ρβ = 0)."), tests_note),
            paper=6,
        ),
        TableArtifact(
            "table7_sdm",
            msg(
                "{model} with {effects} effects",
                model=model_term(kind),
                effects=effects_term(effects),
            ),
            regression_frame({kind.upper(): res}, equations=True),
            (
                msg(
                    "bias correction: {bias}; information-matrix standard errors.",
                    bias=pmsg("bias correction", bias),
                ),
                _P_NOTE,
            ),
            paper=7,
            kind="regression",
        ),
        TableArtifact(
            "effects",
            msg("Direct, indirect and total effects"),
            eff,
            (
                msg(
                    "LeSage & Pace averages of (I − ρW)⁻¹(β_k I + θ_k W); delta-method standard "
                    "errors with the full covariance."
                ),
            ),
            kind="regression",
        ),
        TableArtifact(
            "effects_simulation",
            msg("Effects: simulation inference"),
            eff_sim,
            (
                msg(
                    "{n} draws from N(estimates, cov), seed {seed}; estimate at the estimates, "
                    "se = standard deviation of the draws, 95% percentile interval.",
                    n=draws,
                    seed=ctx.seed,
                ),
            ),
        ),
        TableArtifact(
            "hypotheses",
            msg("Hypotheses"),
            hyp,
            (msg("One-sided tests at α = {alpha}.", alpha=f"{alpha:g}"),),
        ),
        TableArtifact(
            "decisions",
            msg("Model-selection battery"),
            _decisions(rep),
            (msg("Order: LM → SDM → Wald/LR → Hausman → LR of the effects."),),
        ),
    )
    return StageOutput(
        name="model",
        title=msg("Model selection and the spatial Durbin model"),
        tables=tables,
        sentences=tuple(_sentences(rep, res, hyp, core=core, alpha=alpha)),
        settings={
            "y": y,
            "x": x,
            "weights": wname,
            "kind": kind,
            "effects": effects,
            "bias_correction": bias,
            "alpha": alpha,
            "draws": draws,
            "seed": ctx.seed,
            "selected_model": rep.model,
            "recommended_effects": rep.recommended_effects,
        },
    )

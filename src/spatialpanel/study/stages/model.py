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
from scipy import stats

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.inference.hypotheses import TestResult
from spatialpanel.inference.selection import SelectionReport, select_model
from spatialpanel.report.regression import regression_frame
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext

__all__ = ["fmt_p", "hypotheses_table", "model_weights_name", "run"]

_P_NOTE = "p-values: two-sided standard normal (coefficients, effects); upper-tail χ² (tests)."


def _num(value: Any) -> float:
    """A table cell as a float (keeps mypy's pandas stubs quiet)."""
    return float(value)


def fmt_p(p: float) -> str:
    """``"p = 0.015"`` or ``"p < 0.001"``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


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


def _label_notes(ctx: StudyContext, names: list[str]) -> tuple[str, ...]:
    """``"uri: Urban-rural integration"`` for the composite indices among ``names``."""
    indices = ctx.config.section("indices")
    pairs = [f"{n}: {indices[n]['label']}" for n in names if indices.get(n, {}).get("label")]
    return ("; ".join(pairs) + ".",) if pairs else ()


def hypotheses_table(res: Any, effects: pd.DataFrame, *, core: str, alpha: float) -> pd.DataFrame:
    """H1 (direct effect of ``core`` > 0), H2 (ρ > 0), H3 (indirect effect of ``core`` > 0).

    Evidence: estimate, se, z and the one-sided p-value ``P(Z > z)``; verdict "supported" when
    the estimate is positive and the one-sided p-value is below ``alpha``.
    """
    rows = []
    for key, claim, kind in (
        ("H1", f"direct effect of {core} > 0", "direct"),
        ("H2", "spatial autoregressive coefficient ρ > 0", "rho"),
        ("H3", f"indirect (spillover) effect of {core} > 0", "indirect"),
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
        p = float(stats.norm.sf(z)) if se > 0 else math.nan
        verdict = "supported" if (est > 0 and p < alpha) else "not supported"
        rows.append((key, claim, est, se, z, p, verdict))
    frame = pd.DataFrame(
        rows, columns=["hypothesis", "claim", "estimate", "se", "z", "p_one_sided", "verdict"]
    )
    return frame.set_index("hypothesis")


def _sign_words(est: float, p: float, alpha: float) -> str:
    sign = "positive" if est > 0 else "negative"
    level = f"{100 * alpha:g}%"
    sig = f"significant at {level}" if p < alpha else f"not significant at {level}"
    return f"{sign} and {sig}" if p < alpha else f"{sign} but {sig}"


def _sentences(
    rep: SelectionReport, res: Any, hyp: pd.DataFrame, *, core: str, alpha: float
) -> list[Sentence]:
    out: list[Sentence] = []
    lm = rep.lm
    lag_s, lag_p = _num(lm.loc["LM_lag", "statistic"]), _num(lm.loc["LM_lag", "pvalue"])
    err_s, err_p = _num(lm.loc["LM_error", "statistic"]), _num(lm.loc["LM_error", "pvalue"])
    out.append(
        Sentence(
            f"LM tests on the OLS residuals ({rep.effects} effects): LM-lag = {lag_s:.3f} "
            f"({fmt_p(lag_p)}), LM-error = {err_s:.3f} ({fmt_p(err_p)}); Moran's I of the "
            f"residuals = {rep.moran.statistic:.3f} (z = {rep.moran.z:.2f}, one-sided "
            f"{fmt_p(rep.moran.pvalue)}).",
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
            f"Wald tests: SDM vs SAR χ²({w_sar.df}) = {w_sar.statistic:.2f} "
            f"({fmt_p(w_sar.pvalue)}), SDM vs SEM χ²({w_sem.df}) = {w_sem.statistic:.2f} "
            f"({fmt_p(w_sem.pvalue)}); the battery selects the {rep.model.upper()}.",
            (
                "table6_wald_lr:Wald SDM vs SAR:statistic",
                "table6_wald_lr:Wald SDM vs SEM:statistic",
            ),
        )
    )
    cfg_kind, cfg_eff = str(res.spec.model), str(res.spec.effects)
    agree = rep.model == cfg_kind and rep.recommended_effects == cfg_eff
    out.append(
        Sentence(
            f"The selection battery points to the {rep.model.upper()} with "
            f"{rep.recommended_effects} effects; the study estimates the {cfg_kind.upper()} with "
            f"{cfg_eff} effects as configured"
            + (" (the same specification)." if agree else " (they differ: see the decisions)."),
            ("decisions:LR entity effects:outcome", "decisions:LR time effects:outcome"),
        )
    )
    if rep.hausman is not None:
        h = rep.hausman
        pref = h.preferred
        if h.classic.valid:
            text = (
                f"Hausman test: χ²({h.classic.df}) = {h.classic.statistic:.2f} "
                f"({fmt_p(h.classic.pvalue)})."
            )
        else:
            text = (
                "The classic Hausman statistic is not a valid test here (V_FE − V_RE is not "
                f"positive definite); the {pref.name} test gives χ²({pref.df}) = "
                f"{pref.statistic:.2f} ({fmt_p(pref.pvalue)})."
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
                f"ρ = {rho:.3f} (z = {zr:.2f}, {fmt_p(p2)}): {_sign_words(rho, p2, alpha)}.",
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
        out.append(
            Sentence(
                f"{key}, {hyp.loc[key, 'claim']!s}: {kind} effect {est:.3f} (se {se:.3f}, "
                f"one-sided {fmt_p(p1)}): {hyp.loc[key, 'verdict']!s}.",
                (f"effects:{core}:{kind}|estimate", f"hypotheses:{key}:verdict"),
            )
        )
    return out


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
    tests_note = f"α = {alpha:g}; tests use fits without bias correction."
    tables = (
        TableArtifact(
            "table4_lm",
            "Table 4. LM tests on the OLS residuals",
            _table4(rep),
            (
                f"Elhorst's panel LM tests, {lm_effects} fixed effects, σ² = e'e/NT; "
                "LM statistics are χ²(1); Moran's I row: statistic I, z and one-sided p (exact "
                "moments under normal errors).",
            ),
        ),
        TableArtifact(
            "table5_lr_effects",
            "Table 5. LR tests of the fixed effects",
            _tests_frame(
                [
                    rep.effects_lr["entity"],
                    rep.effects_lr["time"],
                    *rep.effects_lr_ols.values(),
                ]
            ),
            (
                f"First two rows: {rep.model.upper()} fits; last two: the non-spatial model "
                "(Elhorst 2014, §3.6.2). df = number of restrictions (N − 1, T − 1); Elhorst "
                "prints N and T.",
                tests_note,
            ),
        ),
        TableArtifact(
            "table6_wald_lr",
            "Table 6. Wald and LR tests of the SDM",
            _tests_frame([rep.wald["sem"], rep.wald["sar"], rep.lr["sem"], rep.lr["sar"]]),
            ("Wald SDM vs SEM by the delta method (θ + ρβ = 0).", tests_note),
        ),
        TableArtifact(
            "table7_sdm",
            f"Table 7. {kind.upper()} with {effects} effects",
            regression_frame({kind.upper(): res}, equations=True),
            (
                f"bias correction: {bias}; information-matrix standard errors.",
                _P_NOTE,
                *_label_notes(ctx, [y, *x]),
            ),
            kind="regression",
        ),
        TableArtifact(
            "effects",
            "Direct, indirect and total effects",
            eff,
            (
                "LeSage & Pace averages of (I − ρW)⁻¹(β_k I + θ_k W); delta-method "
                "standard errors with the full covariance.",
            ),
            kind="regression",
        ),
        TableArtifact(
            "effects_simulation",
            "Effects: simulation inference",
            eff_sim,
            (
                f"{draws} draws from N(estimates, cov), seed {ctx.seed}; estimate at the "
                "estimates, se = standard deviation of the draws, 95% percentile "
                "interval.",
            ),
        ),
        TableArtifact("hypotheses", "Hypotheses", hyp, (f"One-sided tests at α = {alpha:g}.",)),
        TableArtifact(
            "decisions",
            "Model-selection battery",
            rep.decisions_frame(),
            ("Order: LM → SDM → Wald/LR → Hausman → LR of the effects.",),
        ),
    )
    return StageOutput(
        name="model",
        title="Model selection and the spatial Durbin model",
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

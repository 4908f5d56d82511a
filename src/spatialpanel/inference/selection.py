"""The model-selection battery (Elhorst 2010, 2014), run in order with every decision recorded.

1. LM tests (and robust LM) on the OLS residuals with the study's fixed effects;
2. the SDM is estimated;
3. Wald and LR tests of the SDM against the SAR (θ = 0) and the SEM (θ + ρβ = 0);
4. Hausman test, fixed against random effects (robust alternatives when the classic one is
   invalid);
5. LR tests of the joint significance of the entity and the time effects.

Each step records a :class:`Decision`: the statistic, its p-value, the threshold α, the rule
applied and the outcome. All tests use fits without bias correction (likelihoods are comparable
and the covariance is the information-matrix one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from spatialpanel._display import FrameDisplay
from spatialpanel.errors import ConfigError, EstimationError
from spatialpanel.inference.hausman import HausmanResult, hausman
from spatialpanel.inference.hypotheses import (
    TestResult,
    effects_lr_tests,
    sdm_lr_tests,
    sdm_wald_tests,
)
from spatialpanel.inference.lm import (
    LMEffects,
    ResidualMoran,
    lm_tests,
    ols_fit,
    residual_moran,
)
from spatialpanel.weights.core import SpatialWeights

__all__ = ["Decision", "SelectionReport", "select_model"]


@dataclass(frozen=True)
class Decision:
    """One step of the battery: what was tested, the evidence, the rule and the outcome."""

    step: int
    question: str
    test: str
    statistic: float
    df: int
    pvalue: float
    alpha: float
    rule: str
    outcome: str
    valid: bool = True


@dataclass(frozen=True, eq=False)
class SelectionReport(FrameDisplay):
    """Everything the battery computed; ``decisions`` in the order they were taken."""

    alpha: float
    effects: str
    lm: pd.DataFrame
    moran: ResidualMoran
    wald: dict[str, TestResult]
    lr: dict[str, TestResult]
    hausman: HausmanResult | None
    effects_lr: dict[str, TestResult]
    decisions: tuple[Decision, ...]
    model: str
    recommended_effects: str
    fits: dict[str, Any] = field(default_factory=dict)
    effects_lr_ols: dict[str, TestResult] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The battery's decisions (:meth:`decisions_frame`)."""
        return self.decisions_frame()

    def decisions_frame(self) -> pd.DataFrame:
        """The decisions as a table (one row per test)."""
        rows = [d.__dict__ for d in self.decisions]
        return pd.DataFrame(rows).set_index(["step", "test"])


def _decide(
    step: int, question: str, res: TestResult, alpha: float, rule: str, reject: str, keep: str
) -> Decision:
    if not res.valid:
        outcome = f"not decided: {res.reason}"
    else:
        outcome = reject if res.pvalue < alpha else keep
    return Decision(
        step, question, res.name, res.statistic, res.df, res.pvalue, alpha, rule, outcome, res.valid
    )


def _fit(
    data: pd.DataFrame, y: str, x: Sequence[str], w: SpatialWeights, model: str, effects: str
) -> Any:
    from spatialpanel.models.model import SpatialPanelModel

    model_: Any = SpatialPanelModel
    return model_(data, y=y, x=list(x), w=w, model=model, effects=effects).fit(
        bias_correction="none"
    )


def _time_demeaned(data: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    out = data.copy()
    for c in cols:
        out[c] = out[c] - out.groupby(level=1)[c].transform("mean")
    return out


def select_model(
    data: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    w: SpatialWeights,
    effects: LMEffects = "twoway",
    alpha: float = 0.05,
) -> SelectionReport:
    """Run the selection battery on ``data`` (see the module docstring for the order).

    Parameters
    ----------
    data, y, x, w
        The panel, the dependent variable, the regressors and the weights.
    effects
        Fixed effects of the LM tests and of the SDM/SAR/SEM fits (``"twoway"`` by default).
    alpha
        Significance level of every decision.

    Notes
    -----
    Hausman: with time effects, both the entity-FE and the random-effects fits use the
    time-demeaned data (Elhorst's convention for random entity effects with time effects).
    """
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha={alpha!r}; use a significance level between 0 and 1.")
    x = list(x)
    dec: list[Decision] = []
    # 1. LM tests
    lm = lm_tests(data, y=y, x=x, w=w, effects=effects)
    moran = residual_moran(data, y=y, x=x, w=w, effects=effects)
    flags = {}
    for name in lm.index:
        row = lm.loc[name]
        res = TestResult.chi2(name, float(row["statistic"]), 1, null="no spatial dependence")
        flags[name] = res.rejects(alpha)
        dec.append(
            _decide(
                1,
                "Is there spatial dependence in the OLS residuals?",
                res,
                alpha,
                "reject H0 if p < α",
                "spatial dependence",
                "no evidence",
            )
        )
    # 2-3. SDM against SAR and SEM
    fits = {k: _fit(data, y, x, w, k, effects) for k in ("sdm", "sar", "sem")}
    wald = sdm_wald_tests(fits["sdm"])
    lr = sdm_lr_tests(fits["sdm"], sar=fits["sar"], sem=fits["sem"])
    for key, target in (("sar", "SAR"), ("sem", "SEM")):
        for res in (wald[key], lr[key]):
            dec.append(
                _decide(
                    3,
                    f"Does the SDM reduce to the {target}?",
                    res,
                    alpha,
                    "reject H0 if p < α",
                    f"keep the SDM (not the {target})",
                    f"the {target} is not rejected",
                )
            )
    rej_sar = wald["sar"].rejects(alpha) and lr["sar"].rejects(alpha)
    rej_sem = wald["sem"].rejects(alpha) and lr["sem"].rejects(alpha)
    lag_robust, err_robust = flags["robust_LM_lag"], flags["robust_LM_error"]
    if rej_sar and rej_sem:
        model = "sdm"
    elif not rej_sar and lag_robust and not err_robust:
        model = "sar"
    elif not rej_sem and err_robust and not lag_robust:
        model = "sem"
    else:
        model = "sdm"
    # 4. Hausman
    haus: HausmanResult | None = None
    if model in ("sdm", "sar"):
        hdata = _time_demeaned(data, [y, *x]) if effects in ("time", "twoway") else data
        try:
            fe_h = _fit(hdata, y, x, w, model, "entity")
            re_h = _fit(hdata, y, x, w, model, "random")
            haus = hausman(fe_h, re_h, data=hdata)
            fits["hausman_fe"], fits["hausman_re"] = fe_h, re_h
        except EstimationError as exc:
            dec.append(
                Decision(
                    4,
                    "Fixed or random effects?",
                    "Hausman",
                    float("nan"),
                    0,
                    float("nan"),
                    alpha,
                    "reject H0 if p < α",
                    f"not decided: {exc}",
                    False,
                )
            )
    if haus is not None:
        for hres in (haus.classic, haus.generalized, haus.mundlak):
            if hres is not None:
                dec.append(
                    _decide(
                        4,
                        "Fixed or random effects?",
                        hres,
                        alpha,
                        "reject H0 if p < α",
                        "fixed effects",
                        "random effects",
                    )
                )
    # 5. LR tests of the effects
    ll = {e: _fit(data, y, x, w, model, e) for e in ("entity", "time", "twoway")}
    fits.update({f"{model}_{e}": f for e, f in ll.items()})
    n_ent, n_per = ll["twoway"].n_entities, ll["twoway"].n_periods
    elr = effects_lr_tests(
        ll["twoway"].loglik,
        entity=ll["entity"].loglik,
        time=ll["time"].loglik,
        n_entities=n_ent,
        n_periods=n_per,
    )
    for key in ("entity", "time"):
        dec.append(
            _decide(
                5,
                f"Are the {key} effects jointly significant?",
                elr[key],
                alpha,
                "reject H0 if p < α",
                f"keep the {key} effects",
                f"drop the {key} effects",
            )
        )
    ent, tim = elr["entity"].rejects(alpha), elr["time"].rejects(alpha)
    fixed = {(True, True): "twoway", (True, False): "entity", (False, True): "time"}.get(
        (ent, tim), "pooled"
    )
    recommended = fixed
    if haus is not None and haus.preferred.valid and not haus.preferred.rejects(alpha):
        recommended = "random"
    # the same LR tests on the non-spatial model (Elhorst 2014, §3.6.2), for reference
    ols = {e: ols_fit(data, y=y, x=x, w=w, effects=e).loglik for e in ("entity", "time", "twoway")}
    elr_ols = effects_lr_tests(
        ols["twoway"], entity=ols["entity"], time=ols["time"], n_entities=n_ent, n_periods=n_per
    )
    elr_ols = {k: replace(v, name=f"{v.name} (non-spatial OLS)") for k, v in elr_ols.items()}
    return SelectionReport(
        alpha,
        effects,
        lm,
        moran,
        wald,
        lr,
        haus,
        elr,
        tuple(dec),
        model,
        recommended,
        fits,
        elr_ols,
    )

"""σ and β convergence of a panel variable.

σ convergence: the cross-sectional dispersion (standard deviation or coefficient of variation, of
levels or of logs) year by year, nationally and per region group; it converges when the dispersion
falls.

β convergence: the growth of ``y`` regressed on its (log) initial level. With growth measured as the
**annualised** log growth over ``T`` years, ``g_i = ln(y_iT / y_i0) / T = a + β ln y_i0 + e_i``,
the neoclassical solution ``g_i = a − (1 − e^(−θT))/T · ln y_i0`` gives the speed of convergence
``θ = −ln(1 + βT) / T`` and the half-life ``ln 2 / θ``. With the **total** log growth
``ln(y_iT / y_i0)`` as the dependent variable, ``θ = −ln(1 + β) / T``. The panel version regresses
the one-year log growth on last year's log level with fixed effects (``T = 1``), so
``θ = −ln(1 + β)``. Using ``θ = −β`` (or ``−ln(1 + β)`` with annualised growth) is a common slip:
it is only right to first order.

Standard errors are the conventional OLS ones, ``σ² = e'e / (n − k)`` with ``k`` counting the
absorbed fixed effects in the panel version (as an LSDV regression with dummies would).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.disparity._common import (
    align_controls,
    balanced_wide,
    check_panel,
    group_order,
    resolve_groups,
)
from spatialpanel.errors import ConfigError, DataError, EstimationError, check_option, did_you_mean
from spatialpanel.inference.distributions import t_sf

__all__ = [
    "BetaConvergence",
    "SigmaConvergence",
    "beta_convergence",
    "panel_beta_convergence",
    "sigma_convergence",
]

Growth = Literal["annualised", "total"]
Effects = Literal["entity", "twoway", "none"]
_EFFECTS: tuple[str, ...] = ("entity", "twoway", "none")


# ---------------------------------------------------------------------------- sigma
@dataclass(frozen=True)
class SigmaConvergence:
    """Dispersion per year: column ``"all"`` and one column per group.

    Attributes
    ----------
    table
        Year x scope dispersion.
    measure, log, ddof
        The settings used.
    """

    table: pd.DataFrame
    measure: str
    log: bool
    ddof: int

    @property
    def change(self) -> pd.Series:
        """Last year minus first year, per scope (negative: σ convergence)."""
        return self.table.iloc[-1] - self.table.iloc[0]

    @property
    def trend(self) -> pd.Series:
        """OLS slope of the dispersion on the year, per scope."""
        years = np.asarray(self.table.index, dtype=float)
        return pd.Series(
            {c: float(np.polyfit(years, self.table[c].to_numpy(), 1)[0]) for c in self.table},
            name="trend",
        )


def sigma_convergence(
    values: pd.Series,
    *,
    measure: Literal["sd", "cv"] = "sd",
    log: bool = False,
    ddof: int = 1,
    groups: pd.Series | Mapping[Hashable, Hashable] | str | None = None,
) -> SigmaConvergence:
    """σ convergence: the cross-sectional dispersion of ``values`` in every year.

    Parameters
    ----------
    values
        Series with an (entity, time) MultiIndex.
    measure
        ``"sd"`` (standard deviation, default) or ``"cv"`` (standard deviation / mean).
    log
        Take natural logs first (values must be positive). The CV of logs is refused.
    ddof
        Delta degrees of freedom of the standard deviation: 1 (sample, default; R ``sd``, Excel
        ``STDEV.S``) or 0 (population).
    groups
        ``None`` or a division name / Series / mapping region -> group for per-group columns.

    Returns
    -------
    SigmaConvergence
    """
    if measure not in ("sd", "cv"):
        raise ConfigError(
            f"measure={measure!r} is not known; use 'sd' or 'cv'."
            + did_you_mean(str(measure), ["sd", "cv"])
        )
    if ddof not in (0, 1):
        raise ConfigError(f"ddof={ddof!r}: use 1 (sample) or 0 (population).")
    if log and measure == "cv":
        raise ConfigError(
            "measure='cv' with log=True is not meaningful (the mean of logs can be zero or "
            "negative); use measure='sd' with log=True, or measure='cv' on levels."
        )
    panel = check_panel(values)
    if log:
        if (panel <= 0).any():
            where = panel.index[(panel <= 0).to_numpy()].tolist()[:5]
            raise DataError(f"log=True needs positive values; (entity, time) {where} are not.")
        panel = np.log(panel)
    entities = pd.Index(panel.index.get_level_values(0).unique())
    scopes: dict[Hashable, set[Hashable]] = {"all": set(entities)}
    if groups is not None:
        labels = resolve_groups(groups, entities)
        for g in group_order(labels):
            scopes[g] = set(labels.index[labels == g])
    rows: dict[Any, dict[Hashable, float]] = {}
    for year in sorted(panel.index.get_level_values(1).unique()):
        cross = panel.xs(year, level=1)
        row = {}
        for scope, members in scopes.items():
            x = cross[cross.index.isin(members)].to_numpy()
            sd = float(np.std(x, ddof=ddof)) if len(x) > ddof else float("nan")
            row[scope] = sd / float(np.mean(x)) if measure == "cv" else sd
        rows[year] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "year"
    return SigmaConvergence(table=table, measure=measure, log=log, ddof=ddof)


# ---------------------------------------------------------------------------- beta
@dataclass(frozen=True)
class BetaConvergence:
    """A β-convergence regression.

    Attributes
    ----------
    kind
        ``"cross-section"`` or ``"panel"``.
    params, std_errors
        Coefficients and conventional standard errors; ``"beta"`` is the coefficient of the
        initial (lagged) log level, ``"const"`` the intercept (cross-section and pooled panel).
    r2
        R² (the within R² for fixed-effects panels).
    nobs, df_resid
        Observations and residual degrees of freedom.
    span
        Years over which growth is measured (``T``); 1 for the panel version.
    growth
        ``"annualised"`` or ``"total"``.
    effects
        ``"none"`` for the cross-section; ``"entity"``, ``"twoway"`` or ``"none"`` for panels.
    conditional
        Whether control variables were included.
    """

    kind: str
    params: pd.Series
    std_errors: pd.Series
    r2: float
    nobs: int
    df_resid: int
    span: float
    growth: str
    effects: str
    conditional: bool

    @property
    def beta(self) -> float:
        """The convergence coefficient (negative: β convergence)."""
        return float(self.params["beta"])

    @property
    def tstats(self) -> pd.Series:
        """t statistics."""
        return self.params / self.std_errors

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the t distribution with ``df_resid`` degrees of freedom."""
        return pd.Series(2 * t_sf(np.abs(self.tstats), self.df_resid), index=self.params.index)

    @property
    def speed(self) -> float:
        """Speed of convergence θ (NaN when β ≥ 0 or 1 + β·T ≤ 0)."""
        scale = self.span if self.growth == "annualised" else 1.0
        inner = 1.0 + self.beta * scale
        if self.beta >= 0 or inner <= 0:
            return float("nan")
        return float(-np.log(inner) / self.span)

    @property
    def half_life(self) -> float:
        """Years to close half the gap to the steady state, ln 2 / θ."""
        return float(np.log(2.0) / self.speed)

    def summary(self) -> dict[str, float]:
        """One flat row for tables."""
        return {
            "beta": self.beta,
            "se": float(self.std_errors["beta"]),
            "t": float(self.tstats["beta"]),
            "p": float(self.pvalues["beta"]),
            "r2": self.r2,
            "n": float(self.nobs),
            "speed": self.speed,
            "half_life": self.half_life,
        }


def _ols(
    y: NDArray[np.float64], x: NDArray[np.float64], *, absorbed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, int]:
    """OLS coefficients, conventional standard errors, R² (about the mean of y), df_resid."""
    n, k = x.shape
    df = n - k - absorbed
    if df <= 0:
        raise EstimationError(
            f"not enough observations: {n} for {k + absorbed} parameters. Use fewer controls."
        )
    if np.linalg.matrix_rank(x) < k:
        raise EstimationError(
            "the regressors are collinear (a control is constant or duplicates another); drop it."
        )
    coef: NDArray[np.float64] = np.asarray(np.linalg.lstsq(x, y, rcond=None)[0], dtype=np.float64)
    resid = y - x @ coef
    s2 = float(resid @ resid) / df
    cov = s2 * np.linalg.inv(x.T @ x)
    se: NDArray[np.float64] = np.sqrt(np.diag(cov)).astype(np.float64)
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    return coef, se, r2, int(df)


def _positive_logs(wide: pd.DataFrame, name: str) -> pd.DataFrame:
    if (wide <= 0).any().any():
        bad = wide.stack()
        where = bad.index[(bad <= 0).to_numpy()].tolist()[:5]
        raise DataError(
            f"{name} must be positive for log growth; (entity, time) {where} are not. Shift or "
            "rescale the variable first."
        )
    return pd.DataFrame(np.log(wide.to_numpy()), index=wide.index, columns=wide.columns)


def beta_convergence(
    values: pd.Series,
    *,
    start: Hashable | None = None,
    end: Hashable | None = None,
    controls: pd.DataFrame | None = None,
    growth: Growth = "annualised",
) -> BetaConvergence:
    """Cross-section β convergence between two years.

    Parameters
    ----------
    values
        Series with an (entity, time) MultiIndex; must be positive.
    start, end
        First and last year (default: the panel's first and last).
    controls
        Optional controls for conditional β convergence: a DataFrame indexed by entity, or by
        (entity, time), in which case the ``start`` year's values are used.
    growth
        ``"annualised"`` (default): ``ln(y_end / y_start) / T``; ``"total"``:
        ``ln(y_end / y_start)``. The speed formula follows (see the module docstring).

    Returns
    -------
    BetaConvergence
    """
    if growth not in ("annualised", "total"):
        raise ConfigError(f"growth={growth!r} is not known; use 'annualised' or 'total'.")
    panel = check_panel(values)
    wide = balanced_wide(panel)
    years = list(wide.columns)
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    for label, yr in (("start", start), ("end", end)):
        if yr not in years:
            raise ConfigError(
                f"{label}={yr!r} is not a year of the panel ({years[0]}–{years[-1]})."
            )
    span = float(end) - float(start)  # type: ignore[arg-type]
    if span <= 0:
        raise ConfigError(f"end={end!r} must come after start={start!r}.")
    logs = _positive_logs(wide[[start, end]], "values")
    g = (logs[end] - logs[start]).to_numpy()
    if growth == "annualised":
        g = g / span
    cols = {"const": np.ones(len(g)), "beta": logs[start].to_numpy()}
    if controls is not None:
        ctrl = controls
        if isinstance(ctrl.index, pd.MultiIndex):
            ctrl = pd.DataFrame(ctrl.xs(start, level=1))
        missing = [e for e in wide.index if e not in ctrl.index]
        if missing:
            raise DataError(f"controls has no row for regions {missing[:10]} (year {start}).")
        ctrl = ctrl.reindex(wide.index).astype(float)
        if not np.all(np.isfinite(ctrl.to_numpy())):
            raise DataError("controls has missing or infinite values; fill them first.")
        for c in ctrl.columns:
            cols[str(c)] = ctrl[c].to_numpy()
    x = np.column_stack(list(cols.values()))
    coef, se, r2, df = _ols(g, x)
    return BetaConvergence(
        kind="cross-section",
        params=pd.Series(coef, index=list(cols)),
        std_errors=pd.Series(se, index=list(cols)),
        r2=r2,
        nobs=len(g),
        df_resid=df,
        span=span,
        growth=growth,
        effects="none",
        conditional=controls is not None,
    )


def _demean(
    a: NDArray[np.float64], entity: NDArray[np.int_], time: NDArray[np.int_], effects: str
) -> NDArray[np.float64]:
    """Remove entity (and time) means; alternating projections for unbalanced two-way."""
    out = a.copy()
    if effects == "none":
        return out
    for _ in range(1000 if effects == "twoway" else 1):
        prev = out.copy()
        for ids in (entity,) if effects == "entity" else (entity, time):
            counts = np.bincount(ids)
            for j in range(out.shape[1]):
                out[:, j] -= (np.bincount(ids, weights=out[:, j]) / counts)[ids]
        if effects == "entity" or np.max(np.abs(out - prev)) < 1e-14:
            break
    return out


def panel_beta_convergence(
    values: pd.Series,
    *,
    effects: Effects = "entity",
    controls: pd.DataFrame | None = None,
) -> BetaConvergence:
    """Panel β convergence: one-year log growth on last year's log level, with fixed effects.

    ``ln(y_it / y_i,t−1) = β ln y_i,t−1 + γ'x_it + μ_i (+ λ_t) + e_it``; the speed is
    ``θ = −ln(1 + β)`` per year.

    Parameters
    ----------
    values
        Balanced panel Series with an (entity, time) MultiIndex; must be positive.
    effects
        ``"entity"`` (default: region fixed effects), ``"twoway"`` (region and year) or ``"none"``
        (pooled OLS with an intercept).
    controls
        Optional controls (conditional convergence): DataFrame with the same (entity, time)
        MultiIndex; the values of the growth year ``t`` are used.

    Returns
    -------
    BetaConvergence
    """
    check_option("effects", effects, _EFFECTS)
    wide = balanced_wide(check_panel(values))
    logs = _positive_logs(wide, "values")
    years = list(wide.columns)
    n, t = logs.shape
    if t < 3:
        raise DataError(f"panel β convergence needs at least 3 years; the panel has {t}.")
    lagged = logs.to_numpy()[:, :-1].ravel()
    growth = (logs.to_numpy()[:, 1:] - logs.to_numpy()[:, :-1]).ravel()
    entity = np.repeat(np.arange(n), t - 1)
    time = np.tile(np.arange(t - 1), n)
    cols: dict[str, NDArray[np.float64]] = {"beta": lagged}
    if controls is not None:
        idx = pd.MultiIndex.from_product([wide.index, years[1:]])
        ctrl = align_controls(controls, idx)
        for c in ctrl.columns:
            cols[str(c)] = ctrl[c].to_numpy()
    x = np.column_stack(list(cols.values()))
    names = list(cols)
    if effects == "none":
        x = np.column_stack([np.ones(len(growth)), x])
        names = ["const", *names]
        absorbed = 0
    else:
        absorbed = n if effects == "entity" else n + (t - 1) - 1
    yd = _demean(growth[:, None], entity, time, effects)[:, 0]
    xd = _demean(x, entity, time, effects)
    coef, se, r2, df = _ols(yd, xd, absorbed=absorbed)
    return BetaConvergence(
        kind="panel",
        params=pd.Series(coef, index=names),
        std_errors=pd.Series(se, index=names),
        r2=r2,
        nobs=len(growth),
        df_resid=df,
        span=1.0,
        growth="annualised",
        effects=effects,
        conditional=controls is not None,
    )

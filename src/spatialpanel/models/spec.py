"""The specification of a static spatial panel model: which spatial parameter, which W·x lags.

The model kind is data, not a class: ``ModelSpec.spatial`` says whether the model has a spatial lag
of y (ρ: ``"sar"``, ``"sdm"``), a spatial error (λ: ``"sem"``, ``"sdem"``) or none (``"slx"``), and
``ModelSpec.durbin`` lists the regressors that enter as W·x.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spatialpanel.errors import ConfigError, DataError, WeightsError, did_you_mean

__all__ = [
    "BiasCorrection",
    "EffectsKind",
    "LagConvention",
    "ModelKind",
    "ModelSpec",
    "check_consecutive_periods",
    "check_degrees_of_freedom",
    "regressors",
    "require_weights",
]

ModelKind = Literal["sar", "sem", "sdm", "sdem", "slx"]
EffectsKind = Literal["pooled", "entity", "time", "twoway", "random"]
BiasCorrection = Literal["none", "elhorst", "transformation"]
LagConvention = Literal["raw", "demeaned"]

MODELS: tuple[str, ...] = ("sar", "sem", "sdm", "sdem", "slx")
EFFECTS: tuple[str, ...] = ("pooled", "entity", "time", "twoway", "random")
BIAS_CORRECTIONS: tuple[str, ...] = ("none", "elhorst", "transformation")
LAG_CONVENTIONS: tuple[str, ...] = ("raw", "demeaned")


@dataclass(frozen=True)
class ModelSpec:
    """What was estimated.

    Attributes
    ----------
    model
        ``"sar"``, ``"sem"``, ``"sdm"``, ``"sdem"`` or ``"slx"``.
    effects
        ``"pooled"``, ``"entity"``, ``"time"``, ``"twoway"`` or ``"random"``.
    y
        Name of the dependent variable.
    x
        Names of the regressors (in order).
    durbin
        Names of the regressors that also enter as W·x (empty for SAR and SEM).
    bias_correction
        ``"none"``, ``"elhorst"`` or ``"transformation"``.
    lag_convention
        ``"raw"`` (W applied to the raw variables, then the within transformation: ``Q·(Wy)``,
        the exact ML of Elhorst and of Lee & Yu; default) or ``"demeaned"`` (``W·(Qy)``, R splm's
        convention, for comparison only).
    logdet
        The log-determinant method requested.
    """

    model: str
    effects: str
    y: str
    x: tuple[str, ...]
    durbin: tuple[str, ...]
    bias_correction: str = "none"
    lag_convention: str = "raw"
    logdet: str = "auto"

    @property
    def spatial(self) -> Literal["lag", "error"] | None:
        """``"lag"`` (ρ on Wy), ``"error"`` (λ on Wu) or ``None`` (SLX)."""
        if self.model in ("sar", "sdm"):
            return "lag"
        if self.model in ("sem", "sdem"):
            return "error"
        return None

    @property
    def spatial_name(self) -> str | None:
        """Name of the spatial parameter in ``params``: ``"rho"``, ``"lambda"`` or ``None``."""
        return {"lag": "rho", "error": "lambda", None: None}[self.spatial]

    @property
    def has_constant(self) -> bool:
        """Pooled and random-effects models carry an intercept ``"const"``."""
        return self.effects in ("pooled", "random")

    @property
    def coef_names(self) -> tuple[str, ...]:
        """Names of the regression coefficients: const (if any), x, then W*x."""
        const = ("const",) if self.has_constant else ()
        return (*const, *self.x, *(f"W*{d}" for d in self.durbin))

    @property
    def param_names(self) -> tuple[str, ...]:
        """Names of ``params``: the coefficients and then ρ or λ."""
        sp = self.spatial_name
        return (*self.coef_names, *((sp,) if sp else ()))

    def replace(self, **changes: str) -> ModelSpec:
        """A copy with some fields changed."""
        from dataclasses import replace

        return replace(self, **changes)  # type: ignore[arg-type]


def require_weights(w: object) -> None:
    """Refuse anything but a :class:`~spatialpanel.weights.core.SpatialWeights` as ``w``."""
    from spatialpanel.weights.core import SpatialWeights

    if not isinstance(w, SpatialWeights):
        raise WeightsError(
            f"w must be a spatialpanel SpatialWeights; got {type(w).__name__}. Build it with "
            "SpatialWeights.from_array(matrix, ids=ids)."
        )


def regressors(
    *, y: str, x: str | Sequence[str], durbin: Sequence[str] | None, model: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The validated regressor names and W·x names of a ``model`` (``durbin=None``: all of x
    for SDM/SDEM/SLX, none for SAR/SEM)."""
    xs = (str(x),) if isinstance(x, str) else tuple(str(v) for v in x)
    if not xs and model not in ("sar", "sem"):
        raise ConfigError(f"x is empty; model={model!r} needs at least one regressor.")
    if len(set(xs)) != len(xs) or y in xs:
        raise ConfigError(f"x={list(xs)} repeats a name or contains y={y!r}; list each once.")
    if model in ("sar", "sem"):
        if durbin:
            raise ConfigError(
                f"durbin={list(durbin)} is given but model={model!r} has no W·x terms; use "
                "model='sdm' or 'sdem', or drop durbin."
            )
        return xs, ()
    dur = xs if durbin is None else tuple(str(d) for d in durbin)
    for d in dur:
        if d not in xs:
            raise ConfigError(
                f"durbin contains {d!r}, which is not in x={list(xs)}." + did_you_mean(d, xs)
            )
    if model == "slx" and not dur:
        raise ConfigError("model='slx' needs at least one W·x term; durbin is empty.")
    return xs, dur


def check_degrees_of_freedom(
    spec: ModelSpec, *, n: int, t: int, n_lags: int = 0, argument: str = "data"
) -> None:
    """Refuse a panel too small for the model: the observations must exceed the fixed effects
    absorbed plus the estimated coefficients and the spatial parameter (else σ² has no degrees
    of freedom and the likelihood is degenerate). ``n_lags``: the time lags of a dynamic model
    (which also lose the first period)."""
    dynamic = n_lags > 0
    periods = t - 1 if dynamic else t
    if periods < (2 if spec.effects in ("entity", "twoway") else 1):
        return  # the estimators name this case themselves ("needs at least two periods")
    nobs = n * periods
    absorbed = {"entity": n, "time": periods, "twoway": n + periods - 1}.get(spec.effects, 0)
    k = len(spec.coef_names) + n_lags + (1 if spec.spatial else 0)
    if nobs - absorbed - k < 1:
        raise ConfigError(
            f"{argument} has N = {n} regions × T = {periods} periods = {nobs} observations, but "
            f"model={spec.model!r} with effects={spec.effects!r} uses {absorbed} fixed effects and "
            f"{k} parameters, which leaves {nobs - absorbed - k} degrees of freedom. Use more "
            "periods or regions, fewer regressors (x, durbin), or fewer fixed effects."
        )


def check_consecutive_periods(periods: Sequence[object], *, argument: str = "data") -> None:
    """A dynamic model lags y by one period: refuse period labels whose spacing cannot be
    checked (text that is not a number) or is uneven (a missing year), naming the gap."""
    import numpy as np
    import pandas as pd

    idx = pd.Index(list(periods))
    if len(idx) < 2:
        return
    if isinstance(idx, pd.PeriodIndex) or all(isinstance(p, pd.Period) for p in idx):
        steps = np.diff([p.ordinal for p in idx])
    elif isinstance(idx, pd.DatetimeIndex):
        if pd.infer_freq(idx) is None and len(idx) >= 3:
            raise DataError(
                f"dynamic=True lags y by one period, but the dates of {argument} are not evenly "
                f"spaced ({[str(v.date()) for v in idx[:8]]}); fill the missing periods "
                "(spatialpanel.fill_missing) or use integer years."
            )
        return
    else:
        num = pd.to_numeric(pd.Series(list(idx)), errors="coerce")
        if num.isna().any():
            raise DataError(
                f"dynamic=True lags y by one period, but the time labels of {argument} "
                f"({list(idx[:5])} …) are text whose order and spacing cannot be checked; use "
                "integer years or dates."
            )
        steps = np.diff(num.to_numpy(dtype=float))
    if len(steps) and not np.allclose(steps, steps[0]):
        j = int(np.argmax(~np.isclose(steps, steps[0])))
        before, after = (v.item() if isinstance(v, np.generic) else v for v in idx[j : j + 2])
        raise DataError(
            f"dynamic=True lags y by one period, but the periods of {argument} are not evenly "
            f"spaced: {before!r} is followed by {after!r} (step {steps[j]:g}, elsewhere "
            f"{steps[0]:g}). The lag would reach across the gap; fill the missing period "
            "(spatialpanel.fill_missing) or drop the earlier years."
        )

"""The specification of a static spatial panel model: which spatial parameter, which W·x lags.

The model kind is data, not a class: ``ModelSpec.spatial`` says whether the model has a spatial lag
of y (ρ: ``"sar"``, ``"sdm"``), a spatial error (λ: ``"sem"``, ``"sdem"``) or none (``"slx"``), and
``ModelSpec.durbin`` lists the regressors that enter as W·x.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BiasCorrection",
    "EffectsKind",
    "LagConvention",
    "ModelKind",
    "ModelSpec",
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

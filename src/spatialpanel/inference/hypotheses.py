"""Test statistics as small objects: Wald (linear and non-linear), likelihood-ratio tests.

Every test returns a :class:`TestResult`. A test that cannot be computed validly (a covariance
that is not positive definite, a restricted fit with a higher likelihood than the unrestricted
one) returns the *invalid* variant, which carries the reason instead of a number: a negative
χ² statistic is never reported as a test result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel._display import FrameDisplay
from spatialpanel.errors import ConfigError
from spatialpanel.inference._protocols import Fitted
from spatialpanel.inference.distributions import chi2_sf

__all__ = [
    "TestResult",
    "effects_lr_tests",
    "lr_test",
    "sdm_lr_tests",
    "sdm_wald_tests",
    "wald_nonlinear",
    "wald_test",
]


@dataclass(frozen=True)
class TestResult(FrameDisplay):
    """One hypothesis test.

    Attributes
    ----------
    name
        Short label, e.g. ``"Wald SDM vs SAR"``.
    statistic
        The test statistic (χ² unless ``null`` says otherwise); NaN when ``valid`` is False.
    df
        Degrees of freedom (0 when not applicable).
    pvalue
        Upper-tail p-value; NaN when ``valid`` is False.
    null
        The null hypothesis in words, e.g. ``"θ = 0 (SDM reduces to SAR)"``.
    valid
        False when no valid statistic could be computed; ``reason`` says why.
    reason
        Why the test is invalid, or a note on how a valid statistic was obtained.
    """

    __test__ = False  # not a pytest class

    def to_frame(self) -> pd.DataFrame:
        """One row (indexed by the test's name): statistic, df, pvalue, null, valid, reason."""
        return pd.DataFrame(
            {
                "statistic": [self.statistic],
                "df": [self.df],
                "pvalue": [self.pvalue],
                "null": [self.null],
                "valid": [self.valid],
                "reason": [self.reason],
            },
            index=pd.Index([self.name], name="test"),
        )

    name: str
    statistic: float
    df: int
    pvalue: float
    null: str
    valid: bool = True
    reason: str = ""

    @classmethod
    def chi2(
        cls, name: str, statistic: float, df: int, *, null: str, reason: str = ""
    ) -> TestResult:
        """A χ²(df) test; a negative or non-finite statistic gives the invalid variant."""
        if not math.isfinite(statistic) or statistic < 0:
            return cls.invalid(
                name,
                df=df,
                null=null,
                reason=(reason + " " if reason else "")
                + "the statistic is negative or not finite, so it is not a χ² test result.",
            )
        return cls(
            name, float(statistic), int(df), float(chi2_sf(statistic, df)), null, True, reason
        )

    @classmethod
    def invalid(cls, name: str, *, null: str, reason: str, df: int = 0) -> TestResult:
        """A test that could not be computed validly; ``reason`` says why."""
        return cls(name, math.nan, int(df), math.nan, null, False, reason)

    def rejects(self, alpha: float = 0.05) -> bool:
        """True when the test is valid and its p-value is below ``alpha``."""
        return bool(self.valid and self.pvalue < alpha)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for tables and JSON)."""
        return {
            "name": self.name,
            "statistic": self.statistic,
            "df": self.df,
            "pvalue": self.pvalue,
            "null": self.null,
            "valid": self.valid,
            "reason": self.reason,
        }


def _sym_inv(mat: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Inverse of a symmetric positive-definite matrix, or None when it is not PD."""
    sym = (mat + mat.T) / 2.0
    vals = np.linalg.eigvalsh(sym)
    if vals.size == 0 or vals.min() <= 1e-12 * max(abs(vals).max(), 1e-300):
        return None
    return np.asarray(np.linalg.inv(sym), dtype=np.float64)


def wald_test(
    params: pd.Series,
    cov: pd.DataFrame,
    names: Sequence[str],
    *,
    name: str = "Wald",
    null: str | None = None,
) -> TestResult:
    """Wald test of ``params[names] = 0`` with covariance ``cov``; df = ``len(names)``."""
    names = list(names)
    missing = [n for n in names if n not in params.index or n not in cov.index]
    if missing:
        raise ConfigError(
            f"names {missing} are not among the parameters {list(params.index)}; pass names of "
            "estimated parameters."
        )
    null = null or f"{', '.join(names)} = 0"
    g = params[names].to_numpy(dtype=float)
    v = cov.loc[names, names].to_numpy(dtype=float)
    inv = _sym_inv(v)
    if inv is None:
        return TestResult.invalid(
            name,
            null=null,
            df=len(names),
            reason="the covariance of the tested parameters is not positive definite.",
        )
    return TestResult.chi2(name, float(g @ inv @ g), len(names), null=null)


def _num_jacobian(
    func: Callable[[pd.Series], NDArray[np.float64]], params: pd.Series
) -> NDArray[np.float64]:
    base = np.atleast_1d(func(params))
    jac = np.empty((base.size, params.size))
    for j in range(params.size):
        h = 1e-6 * max(1.0, abs(float(params.iloc[j])))
        up, dn = params.copy(), params.copy()
        up.iloc[j] += h
        dn.iloc[j] -= h
        jac[:, j] = (np.atleast_1d(func(up)) - np.atleast_1d(func(dn))) / (2 * h)
    return jac


def wald_nonlinear(
    params: pd.Series,
    cov: pd.DataFrame,
    func: Callable[[pd.Series], NDArray[np.float64]],
    *,
    jacobian: Callable[[pd.Series], NDArray[np.float64]] | None = None,
    name: str = "Wald",
    null: str = "g(θ) = 0",
) -> TestResult:
    """Wald test of the restrictions ``func(params) = 0`` by the delta method.

    ``W = g' (G V G')⁻¹ g`` with ``G`` the Jacobian of ``func`` (analytic when ``jacobian`` is
    given, central differences otherwise); df = number of restrictions.
    """
    p = params.astype(float)
    v = cov.loc[p.index, p.index].to_numpy(dtype=float)
    g = np.atleast_1d(np.asarray(func(p), dtype=float))
    jac = np.atleast_2d(jacobian(p)) if jacobian is not None else _num_jacobian(func, p)
    inv = _sym_inv(jac @ v @ jac.T)
    if inv is None:
        return TestResult.invalid(
            name,
            null=null,
            df=g.size,
            reason="the delta-method covariance G V G' is not positive definite.",
        )
    return TestResult.chi2(name, float(g @ inv @ g), g.size, null=null)


def lr_test(
    unrestricted: float,
    restricted: float,
    df: int,
    *,
    name: str = "LR",
    null: str = "the restrictions hold",
    tol: float = 1e-6,
) -> TestResult:
    """Likelihood-ratio test ``2·(logL_u − logL_r)`` against χ²(df).

    A restricted log-likelihood above the unrestricted one (beyond ``tol``, relative) means the
    fits are not nested or one did not converge: the invalid variant is returned.
    """
    stat = 2.0 * (float(unrestricted) - float(restricted))
    if -tol * max(1.0, abs(unrestricted)) < stat < 0:
        stat = 0.0
    if stat < 0:
        return TestResult.invalid(
            name,
            df=df,
            null=null,
            reason="the restricted model has the higher log-likelihood (not nested, or a fit "
            "did not converge); refit both models.",
        )
    return TestResult.chi2(name, stat, df, null=null)


# ------------------------------------------------------------------ SDM restrictions
def _sdm_parts(res: Fitted) -> tuple[list[str], list[str], str]:
    names = list(res.params.index)
    durbin = [n[2:] for n in names if n.startswith("W*")]
    if not durbin or "rho" not in names:
        raise ConfigError(
            "the SDM restriction tests need a spatial Durbin fit (params with 'W*x' terms and "
            f"'rho'); got params {names}. Fit with model='sdm'."
        )
    return durbin, [f"W*{d}" for d in durbin], "rho"


def sdm_wald_tests(res: Fitted) -> dict[str, TestResult]:
    """Wald tests of an SDM fit: ``"sar"`` (θ = 0) and ``"sem"`` (θ + ρβ = 0, delta method).

    Both use ``res.cov`` (the information-matrix covariance incl. the ρ–β block); df = number of
    W·x terms.
    """
    durbin, wnames, rho = _sdm_parts(res)
    sar = wald_test(
        res.params,
        res.cov,
        wnames,
        name="Wald SDM vs SAR",
        null="θ = 0 (the SDM reduces to the SAR)",
    )
    sub = res.params[[*durbin, *wnames, rho]].astype(float)
    k = len(durbin)

    def g(p: pd.Series) -> NDArray[np.float64]:
        return np.asarray(p.iloc[k : 2 * k].to_numpy() + p.iloc[-1] * p.iloc[:k].to_numpy())

    def jac(p: pd.Series) -> NDArray[np.float64]:
        b = p.iloc[:k].to_numpy()
        r = float(p.iloc[-1])
        return np.hstack([r * np.eye(k), np.eye(k), b.reshape(-1, 1)])

    sem = wald_nonlinear(
        sub,
        res.cov,
        g,
        jacobian=jac,
        name="Wald SDM vs SEM",
        null="θ + ρβ = 0 (the SDM reduces to the SEM)",
    )
    return {"sar": sar, "sem": sem}


def sdm_lr_tests(sdm: Fitted, *, sar: Fitted, sem: Fitted) -> dict[str, TestResult]:
    """LR tests of an SDM fit against SAR and SEM fits on the same data and effects."""
    durbin, _, _ = _sdm_parts(sdm)
    k = len(durbin)
    return {
        "sar": lr_test(
            sdm.loglik,
            sar.loglik,
            k,
            name="LR SDM vs SAR",
            null="θ = 0 (the SDM reduces to the SAR)",
        ),
        "sem": lr_test(
            sdm.loglik,
            sem.loglik,
            k,
            name="LR SDM vs SEM",
            null="θ + ρβ = 0 (the SDM reduces to the SEM)",
        ),
    }


def effects_lr_tests(
    twoway: float,
    *,
    entity: float,
    time: float,
    n_entities: int,
    n_periods: int,
    df_convention: str = "restrictions",
) -> dict[str, TestResult]:
    """LR tests of the joint significance of entity effects and of time effects.

    Parameters
    ----------
    twoway, entity, time
        Log-likelihoods of the two-way, entity-only and time-only fits (same model otherwise).
    n_entities, n_periods
        N and T.
    df_convention
        ``"restrictions"`` (default): the number of restrictions, N − 1 for the entity effects
        (two-way vs time-only) and T − 1 for the time effects (two-way vs entity-only);
        ``"elhorst"``: N and T, as printed in Elhorst (2014, §3.6.2). The statistic is the same.
    """
    if df_convention not in ("restrictions", "elhorst"):
        raise ConfigError(
            f"df_convention={df_convention!r}; use 'restrictions' (N−1, T−1) or 'elhorst' (N, T)."
        )
    extra = 0 if df_convention == "restrictions" else 1
    return {
        "entity": lr_test(
            twoway,
            time,
            n_entities - 1 + extra,
            name="LR entity effects",
            null="no entity (region) fixed effects",
        ),
        "time": lr_test(
            twoway,
            entity,
            n_periods - 1 + extra,
            name="LR time effects",
            null="no time (period) fixed effects",
        ),
    }

"""Hausman test of fixed versus random effects for a spatial panel model, and robust alternatives.

The classic statistic ``H = d'(V_FE − V_RE)⁻¹d`` (``d = b_FE − b_RE`` over the common slope
coefficients and the spatial parameter; df = their number) is a χ² test only when
``V_FE − V_RE`` is positive definite. When it is not, :func:`hausman` says so, returns the
classic test as *invalid* (never a negative statistic), and reports

- a generalised-inverse statistic over the directions where ``V_FE − V_RE`` is positive, with
  df = that rank. The directions are those of the generalised eigenproblem
  ``(V_FE − V_RE)v = μ V_FE v`` (μ ≤ 1: the variance that random effects save, as a share of the
  fixed-effects variance in that direction), and the statistic is ``Σ_{μ>0} (v'd)²/μ`` with
  ``v'V_FE v = 1``. Unlike the ordinary eigenvectors of ``V_FE − V_RE`` (whose Moore–Penrose
  inverse changes when a regressor is rescaled), these directions move with any non-singular
  reparametrisation ``b → Ab``, so the statistic, the rank and the positive-definiteness check
  do not depend on the units of the variables (docs/conventions.md, "Hausman"); and
- a robust Mundlak-type test (:func:`mundlak_test`) when the data are given: pooled OLS of the
  spatially filtered ``y − ρ̂Wy`` on the regressors (and W·x) plus their entity means, with
  entity-clustered (CR1) covariance; the Wald test that the means' coefficients are zero is the
  regression form of the Hausman test that is valid without assuming RE efficiency
  (Mundlak 1978; Wooldridge 2010, §10.7.3). It conditions on the fixed-effects ρ̂.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel._display import FrameDisplay
from spatialpanel.errors import ConfigError, EstimationError
from spatialpanel.inference._panel import panel_arrays
from spatialpanel.inference._protocols import Fitted
from spatialpanel.inference.hypotheses import TestResult, wald_test
from spatialpanel.linalg.within import demean, spatial_lag

__all__ = ["HausmanResult", "hausman", "mundlak_test"]

_NULL = "random effects are consistent (no correlation between effects and regressors)"


@dataclass(frozen=True)
class HausmanResult(FrameDisplay):
    """The Hausman comparison and, when it is not valid, its alternatives.

    Attributes
    ----------
    classic
        ``d'(V_FE − V_RE)⁻¹d``; invalid (with the reason) when ``V_FE − V_RE`` is not PD.
    generalized
        Generalised-inverse statistic over the positive eigen-directions (df = their number),
        computed only when ``classic`` is invalid.
    mundlak
        Robust Mundlak-type test (only when data were passed).
    names
        The compared parameters.
    eigenvalues
        Generalised eigenvalues μ of ``V_FE − V_RE`` relative to ``V_FE`` (``(V_FE − V_RE)v =
        μ V_FE v``; scale free, at most 1): all positive exactly when ``V_FE − V_RE`` is positive
        definite.
    """

    classic: TestResult
    generalized: TestResult | None
    mundlak: TestResult | None
    names: tuple[str, ...]
    eigenvalues: tuple[float, ...]

    @property
    def positive_definite(self) -> bool:
        """Whether ``V_FE − V_RE`` is positive definite."""
        return self.classic.valid

    def to_frame(self) -> pd.DataFrame:
        """The classic, generalised-inverse and Mundlak tests, one row each (those computed),
        with ``preferred`` marking the one to report."""
        tests = [t for t in (self.classic, self.generalized, self.mundlak) if t is not None]
        frame = pd.concat([t.to_frame() for t in tests])
        frame["preferred"] = [t is self.preferred for t in tests]
        return frame

    @property
    def preferred(self) -> TestResult:
        """The test to report: classic if valid, else Mundlak, else the generalised inverse."""
        if self.classic.valid:
            return self.classic
        if self.mundlak is not None and self.mundlak.valid:
            return self.mundlak
        return self.generalized if self.generalized is not None else self.classic


def _compared(fe: Fitted, re: Fitted) -> list[str]:
    skip = {"const", "intercept", "phi", "theta", "sigma2"}
    return [n for n in fe.params.index if n in re.params.index and n not in skip]


def hausman(
    fe: Fitted,
    re: Fitted,
    *,
    data: pd.DataFrame | None = None,
    tol: float = 1e-10,
) -> HausmanResult:
    """Hausman test of fixed (``fe``) against random (``re``) effects for the same spatial model.

    Parameters
    ----------
    fe, re
        Fits of the same model kind with fixed and with random effects.
    data
        The panel the fits used; when given and the classic test is invalid, the robust
        Mundlak-type test is computed from it.
    tol
        Generalised eigenvalues μ (see ``HausmanResult.eigenvalues``) at or below ``tol``
        count as non-positive; μ is relative to ``V_FE``, so the threshold is unit free.

    Raises
    ------
    ConfigError
        When the fits share no parameter.
    EstimationError
        When ``V_FE`` of the compared parameters is not positive definite (a degenerate fit).
    """
    names = _compared(fe, re)
    if not names:
        raise ConfigError(
            f"fe and re share no parameters ({list(fe.params.index)} vs "
            f"{list(re.params.index)}); fit the same model with effects='entity'/'twoway' and "
            "effects='random'."
        )
    d = (fe.params[names] - re.params[names]).to_numpy(dtype=float)
    diff = (fe.cov.loc[names, names] - re.cov.loc[names, names]).to_numpy(dtype=float)
    diff = (diff + diff.T) / 2.0
    vals, vecs = _relative_eigen(diff, fe.cov.loc[names, names].to_numpy(dtype=float), names)
    positive = vals > tol
    df = len(names)
    if positive.all():
        stat = float(d @ np.linalg.solve(diff, d))
        classic = TestResult.chi2("Hausman", stat, df, null=_NULL)
        return HausmanResult(classic, None, None, tuple(names), tuple(map(float, vals)))
    rank = int(positive.sum())
    classic = TestResult.invalid(
        "Hausman",
        df=df,
        null=_NULL,
        reason=(
            f"V_FE − V_RE is not positive definite ({df - rank} of {df} eigenvalues ≤ 0, "
            f"smallest {vals.min():.3g}); the classic statistic is not a χ² test (it can be "
            "negative). Use the generalised-inverse or the robust Mundlak-type test."
        ),
    )
    generalized: TestResult
    if rank == 0:
        generalized = TestResult.invalid(
            "Hausman (generalised inverse)",
            null=_NULL,
            reason="V_FE − V_RE has no positive eigenvalue; nothing to test.",
        )
    else:
        proj = vecs[:, positive].T @ d
        stat = float(np.sum(proj**2 / vals[positive]))
        generalized = TestResult.chi2(
            "Hausman (generalised inverse)",
            stat,
            rank,
            null=_NULL,
            reason=f"generalised inverse over the {rank} directions in which V_FE − V_RE is "
            f"positive (eigen-directions relative to V_FE, invariant to the units of the "
            f"variables; df = rank = {rank}).",
        )
    mundlak = mundlak_test(fe, data) if data is not None else None
    return HausmanResult(classic, generalized, mundlak, tuple(names), tuple(map(float, vals)))


def _relative_eigen(
    diff: NDArray[np.float64], v_fe: NDArray[np.float64], names: list[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Generalised eigenvalues μ (ascending) and V_FE-orthonormal vectors of ``diff v = μ V_FE v``.

    By Sylvester's law of inertia ``diff`` has as many positive, zero and negative eigenvalues
    as there are positive, zero and negative μ, so the positive-definiteness verdict is that of
    ``diff`` itself, free of the variables' units.
    """
    from scipy.linalg import LinAlgError, eigh

    v_fe = (v_fe + v_fe.T) / 2.0
    try:
        vals, vecs = eigh(diff, v_fe)
    except LinAlgError:
        raise EstimationError(
            f"the fixed-effects covariance of {names} is not positive definite, so the Hausman "
            "test has no reference variance; check the fixed-effects fit (collinear "
            "regressors, a spatial parameter on its boundary)."
        ) from None
    return np.asarray(vals, dtype=float), np.asarray(vecs, dtype=float)


def _cluster_cov(
    z: NDArray[np.float64], u: NDArray[np.float64], groups: NDArray[np.int64]
) -> NDArray[np.float64]:
    """CR1 entity-clustered covariance of OLS coefficients."""
    n, k = z.shape
    bread = np.linalg.inv(z.T @ z)
    g = int(groups.max()) + 1
    scores = np.zeros((g, k))
    np.add.at(scores, groups, z * u[:, None])
    meat = scores.T @ scores
    factor = g / (g - 1) * (n - 1) / (n - k)
    return np.asarray(factor * bread @ meat @ bread, dtype=np.float64)


def _mundlak_fit(fe: Fitted, data: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, list[str]]:
    """Coefficients and CR1 covariance of the Mundlak regression, and the regressor names."""
    spec = fe.spec
    x = list(spec.x)
    durbin = [n[2:] for n in fe.params.index if str(n).startswith("W*")]
    panel = panel_arrays(data, y=spec.y, x=x, w=fe.w)
    mat = fe.w.sparse  # W·v by sparse products: no dense N x N matrix
    t, n = panel.y.shape
    regs = [panel.x[:, :, j] for j in range(len(x))]
    names = list(x)
    for dname in durbin:
        regs.append(spatial_lag(mat, panel.x[:, :, x.index(dname)]))
        names.append(f"W*{dname}")
    y = panel.y
    if "rho" in fe.params.index:
        y = y - float(fe.params["rho"]) * spatial_lag(mat, y)
    elif "lambda" in fe.params.index:
        lam = float(fe.params["lambda"])
        y = y - lam * spatial_lag(mat, y)
        regs = [r - lam * spatial_lag(mat, r) for r in regs]
    z = np.stack(regs, axis=2)  # (T, N, k)
    means = np.broadcast_to(z.mean(axis=0, keepdims=True), z.shape)
    full = np.concatenate([z, means], axis=2)
    if spec.effects in ("time", "twoway"):
        y = demean(y, "time")
        full = demean(full, "time")
        design = full.reshape(t * n, -1)
    else:
        design = np.column_stack([np.ones(t * n), full.reshape(t * n, -1)])
    yv = y.reshape(-1)
    coef = np.linalg.lstsq(design, yv, rcond=None)[0]
    u = yv - design @ coef
    groups = np.tile(np.arange(n), t)
    cov = _cluster_cov(design, u, groups)
    labels = [
        *(["const"] if design.shape[1] > 2 * len(names) else []),
        *names,
        *(f"mean({nm})" for nm in names),
    ]
    params = pd.Series(coef, index=labels)
    covf = pd.DataFrame(cov, index=labels, columns=labels)
    return params, covf, names


def mundlak_test(fe: Fitted, data: pd.DataFrame) -> TestResult:
    """Robust Mundlak-type test of random against fixed entity effects for a spatial model.

    Pooled OLS of the spatially filtered dependent variable (``y − ρ̂Wy`` for lag models; both
    sides filtered by ``I − λ̂W`` for error models) on an intercept, the regressors, their W·x
    terms and the entity means of all of these, with time effects removed by demeaning when
    ``fe`` has them; Wald test (entity-clustered CR1 covariance) that the coefficients of the
    means are zero, df = number of means. The coefficients of the regressors equal the
    fixed-effects estimates given ρ̂.
    """
    params, covf, names = _mundlak_fit(fe, data)
    res = wald_test(
        params, covf, [f"mean({nm})" for nm in names], name="Mundlak (robust)", null=_NULL
    )
    note = (
        f"Wald test of the {len(names)} entity-mean coefficients, entity-clustered (CR1) "
        "covariance, conditional on the fixed-effects spatial parameter."
    )
    return TestResult(
        res.name,
        res.statistic,
        res.df,
        res.pvalue,
        res.null,
        res.valid,
        (res.reason + " " + note).strip(),
    )

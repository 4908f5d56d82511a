"""The nearest positive-definite matrix (Higham 2002), with the defaults of R ``Matrix::nearPD``.

Higham, N. J. (2002), "Computing the nearest correlation matrix — a problem from finance", IMA
Journal of Numerical Analysis 22, 329–343: alternating projections between the symmetric matrices
whose eigenvalues exceed a threshold and (optionally) those with a given diagonal, with Dykstra's
correction so that the iteration converges to the nearest point of the intersection.

The variant here follows the options and defaults of R ``Matrix::nearPD`` (Matrix 1.5-3), so that
results of R code that calls it (e.g. SDPDmod's bias correction of the dynamic spatial panel) can
be reproduced:

1. the symmetric part of ``a`` is used;
2. repeat: ``R = Y - ΔS`` (Dykstra), eigendecomposition ``R = QΛQ'``; keep the eigenpairs with
   ``λ > eig_tol · λ_max`` (the threshold is *relative to the largest eigenvalue*) and set
   ``X = Q₊Λ₊Q₊'``, ``ΔS = X - R``; with ``corr`` the diagonal is set to 1, with ``keep_diag`` to
   that of ``a``; stop when ``‖Y - X‖/‖Y‖ ≤ conv_tol`` (infinity norm, the maximum absolute row
   sum, by default) or after ``maxit`` iterations;
3. ``do2eigen``: eigenvalues of X below ``posd_tol · |λ_max|`` are raised to that value and the
   rows and columns rescaled so that the diagonal is ``max(posd_tol · |λ_max|, diag X)`` of the
   matrix before that step.

Because both thresholds are relative to the largest eigenvalue, the result is not equivariant to a
rescaling of the rows and columns of ``a``: a genuine, well-determined eigenvalue that is small
compared with the largest one (as in an information matrix whose parameters are measured in very
different units) is replaced by a much smaller one. This module knows nothing of pandas or names.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spatialpanel.errors import ConfigError, DataError, EstimationError, NumericalWarning

__all__ = ["ConvNorm", "near_pd"]

ConvNorm = Literal["inf", "fro"]


def _norm(a: NDArray[np.float64], kind: ConvNorm) -> float:
    if kind == "inf":
        return float(np.max(np.sum(np.abs(a), axis=1)))
    return float(np.sqrt(np.sum(a * a)))


def _positive_part(r: NDArray[np.float64], eig_tol: float) -> NDArray[np.float64]:
    """``Q₊Λ₊Q₊'`` over the eigenpairs of the symmetric ``r`` with ``λ > eig_tol · λ_max``."""
    vals, vecs = np.linalg.eigh(r)
    keep = vals > eig_tol * vals[-1]
    if not np.any(keep):
        raise EstimationError(
            "near_pd: the matrix seems negative semi-definite (no eigenvalue above eig_tol times "
            "the largest); there is no positive-definite matrix near it to use."
        )
    q = vecs[:, keep]
    return np.asarray((q * vals[keep]) @ q.T, dtype=float)


def near_pd(
    a: ArrayLike,
    *,
    eig_tol: float = 1e-6,
    conv_tol: float = 1e-7,
    posd_tol: float = 1e-8,
    maxit: int = 100,
    corr: bool = False,
    keep_diag: bool = False,
    do2eigen: bool = True,
    dykstra: bool = True,
    conv_norm: ConvNorm = "inf",
) -> NDArray[np.float64]:
    """The nearest positive-definite matrix to ``a`` (Higham 2002), as R ``Matrix::nearPD``.

    Parameters
    ----------
    a
        A square matrix (its symmetric part is used). Not modified.
    eig_tol
        Eigenvalues at or below ``eig_tol`` times the largest are dropped in each projection
        (R ``eig.tol``).
    conv_tol
        Convergence tolerance on ``‖Y - X‖/‖Y‖`` between iterations (R ``conv.tol``).
    posd_tol
        Final floor of the eigenvalues, relative to the largest (R ``posd.tol``; with
        ``do2eigen``).
    maxit
        Maximum number of iterations (R ``maxit``); a :class:`~spatialpanel.errors.NumericalWarning`
        when reached.
    corr
        Project onto correlation matrices (unit diagonal) as well (R ``corr``).
    keep_diag
        Keep the diagonal of ``a`` (R ``keepDiag``).
    do2eigen
        Apply the final eigenvalue floor (R ``do2eigen``).
    dykstra
        Use Dykstra's correction (R ``doDykstra``).
    conv_norm
        ``"inf"`` (maximum absolute row sum, R's default ``"I"``) or ``"fro"`` (Frobenius).

    Returns
    -------
    numpy.ndarray
        The positive-definite matrix (R ``nearPD(a)$mat``), a new array.

    Raises
    ------
    DataError
        If ``a`` is not a finite square matrix.
    ConfigError
        If a tolerance is negative, ``maxit`` < 1 or ``conv_norm`` is not known.
    EstimationError
        If no eigenvalue exceeds ``eig_tol`` times the largest (negative semi-definite input).
    """
    x0 = np.array(a, dtype=float, copy=True)
    if x0.ndim != 2 or x0.shape[0] != x0.shape[1] or x0.shape[0] == 0:
        raise DataError(f"near_pd: a must be a non-empty square matrix; got shape {x0.shape}.")
    if not np.all(np.isfinite(x0)):
        raise DataError("near_pd: a has missing or infinite entries; pass a finite matrix.")
    for name, value in (("eig_tol", eig_tol), ("conv_tol", conv_tol), ("posd_tol", posd_tol)):
        if not value >= 0:
            raise ConfigError(f"near_pd: {name}={value!r} must be a non-negative number.")
    if maxit < 1:
        raise ConfigError(f"near_pd: maxit={maxit!r} must be at least 1.")
    if conv_norm not in ("inf", "fro"):
        raise ConfigError(f"near_pd: conv_norm={conv_norm!r} is not known; use 'inf' or 'fro'.")
    x = 0.5 * (x0 + x0.T)
    diag0 = np.diag(x).copy()
    ds = np.zeros_like(x)
    converged = False
    for _ in range(maxit):
        y = x
        r = y - ds if dykstra else y
        x = _positive_part(r, eig_tol)
        if dykstra:
            ds = x - r
        if corr:
            np.fill_diagonal(x, 1.0)
        elif keep_diag:
            np.fill_diagonal(x, diag0)
        if _norm(y - x, conv_norm) / _norm(y, conv_norm) <= conv_tol:
            converged = True
            break
    if not converged:
        warnings.warn(
            f"near_pd did not converge in {maxit} iterations (conv_tol={conv_tol:g}); the result "
            "is the last iterate. Raise maxit or conv_tol.",
            NumericalWarning,
            stacklevel=2,
        )
    if do2eigen:
        vals, vecs = np.linalg.eigh(x)
        eps = posd_tol * abs(float(vals[-1]))
        if vals[0] < eps:
            before = np.diag(x).copy()
            x = (vecs * np.maximum(vals, eps)) @ vecs.T
            scale = np.sqrt(np.maximum(eps, before) / np.diag(x))
            x = scale[:, None] * x * scale[None, :]
        if corr:
            np.fill_diagonal(x, 1.0)
        elif keep_diag:
            np.fill_diagonal(x, diag0)
    return np.asarray(x, dtype=float)

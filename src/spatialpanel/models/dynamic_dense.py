"""The dynamic spatial panel for small N: the exact reference path with the Helmert basis.

Time effects are removed by F_N' (the N x (N-1) Helmert basis of ι⊥) and W is replaced by the
dense W_f = F_N'WF_N; the information matrix and the Lee-Yu bias are computed with dense matrices
in that (N-1)-dimensional space, exactly as written in Yu, de Jong & Lee (2008) and Lee & Yu
(2010). Above :data:`spatialpanel.models.dynamic.DENSE_LIMIT` the same quantities come from
:mod:`spatialpanel.models.dynamic_sparse` (tested equal to 1e-8 with exact traces). Also the
transformed space object shared by both paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spatialpanel.linalg.within import Effects, demean

__all__ = ["Space", "bias_vector", "eig_without_unit", "helmert_basis", "information_dense"]


def helmert_basis(n: int) -> NDArray[np.float64]:
    """The N x (N-1) Helmert basis F_N: orthonormal columns, all orthogonal to ι.

    Column k (k = 1..N-1) is ``(1, …, 1, -k, 0, …, 0)/√(k(k+1))`` with k ones.
    """
    f = np.zeros((n, n - 1))
    for k in range(1, n):
        f[:k, k - 1] = 1.0
        f[k, k - 1] = -float(k)
        f[:, k - 1] /= np.sqrt(k * (k + 1.0))
    return f


def _transform(a: NDArray[np.float64], f: NDArray[np.float64] | None, entity: bool) -> NDArray:
    """(T', N[, k]) → flattened (T'·n, k) in the transformed space: F_N' per period (if ``f``),
    then demeaning over time (if ``entity``)."""
    out = demean(a, "entity") if entity else np.array(a, dtype=float, copy=True)
    if f is not None:
        out = np.einsum("ni,tn...->ti...", f, out)
    return out.reshape(out.shape[0] * out.shape[1], -1)


def bias_vector(
    *, wf: NDArray[np.float64], rho: float, tau: float, eta: float, sigma2: float,
    pos_tau: int | None, pos_eta: int | None, k: int,
) -> NDArray[np.float64]:  # fmt: skip
    """The leading bias b̂ (length k + 2: coefficients, ρ, σ²) of YDL (2008), in the
    transformed n-dimensional space (``wf`` = W or F'WF)."""
    n = wf.shape[0]
    eye = np.eye(n)
    s_inv = np.linalg.inv(eye - rho * wf)
    g = wf @ s_inv
    a = s_inv @ (tau * eye + eta * wf)
    m = np.linalg.solve(eye - a, s_inv)  # (I - A)⁻¹S⁻¹
    b = np.zeros(k + 2)
    if pos_tau is not None:
        b[pos_tau] = np.trace(m) / n
    if pos_eta is not None:
        b[pos_eta] = np.trace(wf @ m) / n
    gm = g @ m
    b[k] = (tau * np.trace(gm) + eta * np.trace(g @ wf @ m) + np.trace(g)) / n
    b[k + 1] = 1.0 / (2.0 * sigma2)
    return b


def information_dense(
    *, z: NDArray[np.float64], coef: NDArray[np.float64], rho: float, sigma2: float,
    wf: NDArray[np.float64], t_eff: int,
) -> NDArray[np.float64]:  # fmt: skip
    """The information matrix of the transformed likelihood for (coef, ρ, σ²), dense.

    In the n-dimensional space of ``wf`` (W or F'WF), ``z`` the transformed design
    ``(T'·n, k)``::

        I_ββ = Z'Z/σ²        I_βρ = Σ_t Z_t'G Z_tβ/σ²        G = W_f(I - ρW_f)⁻¹
        I_ρρ = T'[tr(G²) + tr(G'G)] + Σ_t‖GZ_tβ‖²/σ²
        I_ρσ² = T' tr(G)/σ²  I_σ²σ² = nT'/(2σ⁴)
    """
    n = wf.shape[0]
    k = z.shape[1]
    g = wf @ np.linalg.inv(np.eye(n) - rho * wf)
    zb = (z @ coef).reshape(t_eff, n)
    gzb = zb @ g.T
    out = np.zeros((k + 2, k + 2))
    out[:k, :k] = z.T @ z / sigma2
    out[:k, k] = out[k, :k] = z.T @ gzb.ravel() / sigma2
    out[k, k] = (
        t_eff * (float(np.sum(g * g.T)) + float(np.sum(g * g))) + float(np.sum(gzb**2)) / sigma2
    )
    out[k, k + 1] = out[k + 1, k] = t_eff * float(np.trace(g)) / sigma2
    out[k + 1, k + 1] = n * t_eff / (2.0 * sigma2**2)
    return out


@dataclass(frozen=True, eq=False)
class Space:
    """The transformed space: the Helmert basis with dense W_f (``f``/``wf`` set, small N) or the
    N regions with the cross-sectional demeaning and sparse W (large N)."""

    n: int
    f: NDArray[np.float64] | None
    wf: NDArray[np.float64] | None
    entity_fx: bool
    time_fx: bool

    @property
    def dense(self) -> bool:
        return self.wf is not None

    def transform(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        """(T', N[, k]) → (T'·rows, k) in this space."""
        if self.dense:
            return _transform(a, self.f, self.entity_fx)
        eff: Effects = ("twoway" if self.time_fx else "entity") if self.entity_fx else "time"
        out = demean(a, eff)
        return out.reshape(out.shape[0] * out.shape[1], -1)

    def to_regions(self, e2: NDArray[np.float64]) -> NDArray[np.float64]:
        """(T', rows) → (T', N): Q_N = F F' (the cross-sectional demeaning), basis-free."""
        return e2 @ self.f.T if self.f is not None else e2


def eig_without_unit(eig: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """The eigenvalues of W_f: those of W without one unit eigenvalue."""
    return np.delete(eig, int(np.argmin(np.abs(eig - 1.0))))

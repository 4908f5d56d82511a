"""The spectrum of W that the effects need: traces and sums of ``(I − ρW)⁻¹`` for many ρ.

With the eigendecomposition ``W = V Λ V⁻¹`` (computed once), ``tr((I − ρW)⁻¹) = Σ 1/(1 − ρλ_i)``,
``tr(W(I − ρW)⁻¹) = Σ λ_i/(1 − ρλ_i)``, ``1'(I − ρW)⁻¹1 = Σ c_i/(1 − ρλ_i)`` and
``1'(I − ρW)⁻¹W1 = Σ c_i λ_i/(1 − ρλ_i)`` with ``c_i = (1'V)_i (V⁻¹1)_i`` (LeSage & Pace 2009,
ch. 4), in complex arithmetic with the real part kept; a dense-inverse fallback when ``V`` is
ill-conditioned. Used by :mod:`spatialpanel.inference.effects`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

__all__ = ["WeightsSpectrum"]

_COND_LIMIT = 1e8


@dataclass(frozen=True, eq=False)
class WeightsSpectrum:
    """The traces and sums of ``(I − ρW)⁻¹`` that the effects need, for many ρ at once.

    Build with :meth:`of`; :meth:`terms` returns ``(t0, t1, s0, s1)`` and their derivatives in ρ
    for an array of ρ values, where ``t0 = tr(A)``, ``t1 = tr(AW)``, ``s0 = 1'A1``,
    ``s1 = 1'AW1`` and ``A = (I − ρW)⁻¹``.
    """

    w: NDArray[np.float64]
    eigvals: NDArray[np.complex128] | None
    weights_c: NDArray[np.complex128] | None  # c_i = (1'V)_i (V^-1 1)_i

    @classmethod
    def of(cls, w: NDArray[np.float64] | sps.sparray | sps.spmatrix) -> WeightsSpectrum:
        """One eigendecomposition of ``w`` (dense fallback when ``V`` is ill-conditioned).

        When W has unit row sums and is similar to a symmetric matrix through a diagonal
        scaling (a row-standardised symmetric matrix), only its eigenvalues are computed, by the
        real symmetric solver: then ``1'f(W)1 = N f(1)`` for every f, so ``c`` is ``N`` on the
        Perron eigenvalue 1 and zero elsewhere.
        """
        from spatialpanel.linalg.logdet import symmetric_scale

        mat = sps.csr_array(w, dtype=float)
        dense = np.asarray(mat.toarray(), dtype=float)
        n = dense.shape[0]
        ones = np.ones(n)
        rows = np.asarray(mat.sum(axis=1)).ravel()
        if n > 1 and np.all(mat.data >= 0) and np.allclose(rows, 1.0, rtol=0.0, atol=1e-12):
            d = symmetric_scale(mat)
            if d is not None:
                sd = np.sqrt(d)
                sym = (sd[:, None] * dense) / sd[None, :]
                vals_s = np.linalg.eigvalsh(0.5 * (sym + sym.T))
                c_s = np.zeros(n)
                c_s[int(np.argmax(vals_s))] = float(n)
                return cls(dense, vals_s.astype(complex), c_s.astype(complex))
        if np.allclose(dense, dense.T):
            vals_r, vec_r = np.linalg.eigh(dense)
            c = (vec_r.T @ ones) ** 2
            return cls(dense, vals_r.astype(complex), c.astype(complex))
        vals, vec = np.linalg.eig(dense)
        if not np.isfinite(vec).all() or np.linalg.cond(vec) > _COND_LIMIT:
            return cls(dense, None, None)
        c = (ones @ vec) * np.linalg.solve(vec, ones.astype(complex))
        return cls(dense, vals, c)

    @property
    def n(self) -> int:
        """Number of regions."""
        return int(self.w.shape[0])

    @property
    def stable_interval(self) -> tuple[float, float]:
        """``(1/λ_min, 1/λ_max)`` over the real eigenvalues: where ``I − ρW`` is invertible
        along the segment from 0 (``−inf``/``inf`` when there is no negative/positive one)."""
        vals = self.eigvals if self.eigvals is not None else np.linalg.eigvals(self.w)
        real = np.real(vals[np.abs(np.imag(vals)) < 1e-10])
        pos, neg = real[real > 1e-12], real[real < -1e-12]
        lo = 1.0 / neg.min() if neg.size else -np.inf
        hi = 1.0 / pos.max() if pos.size else np.inf
        return float(lo), float(hi)

    def terms(self, rho: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Values ``(D, 4)`` of (t0, t1, s0, s1) and their ρ-derivatives ``(D, 4)``."""
        rho = np.atleast_1d(np.asarray(rho, dtype=float))
        if not rho.any():  # no spatial multiplier (SLX, SEM, SDEM): exact, no eigenvalues
            w, w1 = self.w, self.w.sum(axis=1)
            one = np.array([self.n, np.trace(w), self.n, w1.sum()])
            done = np.array([np.trace(w), np.sum(w * w.T), w1.sum(), (w @ w1).sum()])
            return np.tile(one, (rho.size, 1)), np.tile(done, (rho.size, 1))
        if self.eigvals is None or self.weights_c is None:
            return self._dense_terms(rho)
        lam = self.eigvals[None, :]
        c = self.weights_c[None, :]
        f = 1.0 / (1.0 - rho[:, None] * lam)
        df = lam * f * f
        val = np.stack([f.sum(1), (lam * f).sum(1), (c * f).sum(1), (c * lam * f).sum(1)], axis=1)
        der = np.stack(
            [df.sum(1), (lam * df).sum(1), (c * df).sum(1), (c * lam * df).sum(1)], axis=1
        )
        return np.real(val), np.real(der)

    def _dense_terms(
        self, rho: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        w = self.w
        eye = np.eye(self.n)
        one = np.ones(self.n)
        w1 = w @ one
        val = np.empty((rho.size, 4))
        der = np.empty((rho.size, 4))
        for i, r in enumerate(rho):
            a = np.linalg.inv(eye - r * w)
            aw = a @ w
            awa = aw @ a  # dA/dρ = A W A
            val[i] = [np.trace(a), np.trace(aw), one @ a @ one, one @ a @ w1]
            der[i] = [np.trace(awa), np.trace(awa @ w), one @ awa @ one, one @ awa @ w1]
        return val, der

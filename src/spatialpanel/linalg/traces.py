"""Traces and sums of ``A = (I − ρW)⁻¹`` for large N, without any dense N x N matrix.

The effects of a spatial lag model need, for each ρ, ``t0 = tr A``, ``t1 = tr(AW)``,
``s0 = 1'A1``, ``s1 = 1'AW1`` and their derivatives in ρ. For large N they come from the power
series ``A = Σ_j ρ^j W^j`` (LeSage & Pace 2009, §4.3; convergent for ``|ρ| r < 1``, r the spectral
radius of W):

- ``τ_j = tr(W^j)``: exact for j = 0, 1, 2 (``N``, ``Σ W_ii``, ``Σ W_ij W_ji``); for j ≥ 3
  Hutchinson estimates ``z'W^j z`` averaged over ``probes`` seeded Rademacher vectors z. Every
  probe gives a complete estimate of t0 and t1, so the spread across probes gives a standard
  error, reported with the numbers (:attr:`SeriesTraces.stderr`).
- ``σ_j = 1'W^j 1``: exact (repeated products with the vector of ones), so s0 and s1 carry no
  sampling error.

The series is truncated at the first order ``J`` whose tail bound
``N Σ_{j>J} j (|ρ| r)^{j-1}`` is below ``1e-10 · N`` (that bounds the derivative's tail too; the
bound uses ``|tr W^j| ≤ N r^j``). This module knows nothing of pandas or names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.linalg.probes import RademacherProbes

__all__ = ["SeriesTraces", "series_order"]

_TAIL_TOL = 1e-10
_MAX_ORDER = 5000


def series_order(rho_abs: float, radius: float) -> int:
    """Smallest order J with ``Σ_{j>J} j q^{j-1} ≤ 1e-10`` for ``q = |ρ| r < 1``."""
    q = rho_abs * radius
    if q <= 0:
        return 3
    j = 3
    # Σ_{j>J} j q^{j-1} = q^J (J + 1 - J q) / (1 - q)^2
    while q**j * (j + 1 - j * q) / (1.0 - q) ** 2 > _TAIL_TOL and j < _MAX_ORDER:
        j += 1
    return j


@dataclass(eq=False)
class SeriesTraces:
    """Power-series traces of ``(I − ρW)⁻¹`` with Hutchinson moments (see the module docstring).

    Build with :meth:`of`; :meth:`terms` has the interface of
    :meth:`spatialpanel.linalg.spectrum.WeightsSpectrum.terms`. The moments are computed to the
    order the requested ρ need, the probes 8 at a time (:mod:`spatialpanel.linalg.probes`: the
    probes are held as bits, the work arrays are N x 8), so memory is O(N) whatever the number
    of probes; a higher order later recomputes the moments of every block.
    """

    w: sps.csr_array
    radius: float
    probes: int
    seed: int
    _z: RademacherProbes = field(repr=False)
    _u: NDArray[np.float64] = field(repr=False)  # W^j 1
    _q: list[NDArray[np.float64]] = field(repr=False)  # per-probe z'W^j z, j = 0..order
    _s: list[float] = field(repr=False)  # 1'W^j 1

    @classmethod
    def of(
        cls, w: sps.sparray | sps.spmatrix, *, radius: float, probes: int = 100, seed: int = 0
    ) -> SeriesTraces:
        """Prepare the series for ``w`` (spectral radius ``radius``) with seeded probes."""
        mat = sps.csr_array(w, dtype=float)
        n = mat.shape[0]
        z = RademacherProbes(n, probes, seed)
        ones = np.ones(n)
        tr1 = float(mat.diagonal().sum())
        tr2 = float(mat.multiply(mat.T).sum())
        w1 = mat @ ones
        q = [np.full(probes, float(n)), np.full(probes, tr1), np.full(probes, tr2)]
        s = [float(n), float(w1.sum()), float((mat @ w1).sum())]
        return cls(mat, float(radius), probes, seed, z, mat @ w1, q, s)

    @property
    def n(self) -> int:
        """Number of regions."""
        return int(self.w.shape[0])

    @property
    def stable_interval(self) -> tuple[float, float]:
        """``(−1/r, 1/r)``: where the series converges (inside the stationarity interval)."""
        return -1.0 / self.radius, 1.0 / self.radius

    @property
    def order(self) -> int:
        """Highest power of W computed so far."""
        return len(self._q) - 1

    def _extend(self, order: int) -> None:
        if self.order >= order:
            return
        # moments j = 3..order of every probe, block by block (z'W^j z needs W^j z), by the
        # fused kernel of linalg.series (two blocks at a time)
        from spatialpanel.linalg.series import series_blocks

        moments = np.empty((order - 2, self.probes))
        none = np.zeros(order)
        for j0, _, _, _, mom in series_blocks(self.w, self._z.blocks(), none, none, moments=True):
            moments[:, j0 : j0 + mom.shape[1]] = mom[2:order]
        self._q = self._q[:3] + list(moments)
        while len(self._s) < order + 1:
            self._u = self.w @ self._u
            self._s.append(float(self._u.sum()))

    def per_probe(self, rho: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
        """Per-probe ``(t0, t1, dt0, dt1)`` ``(D, probes)`` and exact ``(s0, s1, ds0, ds1)``
        ``(D,)`` for an array of ρ with ``|ρ| r < 1``."""
        rho = np.atleast_1d(np.asarray(rho, dtype=float))
        jmax = series_order(float(np.max(np.abs(rho))), self.radius)
        self._extend(jmax + 1)
        q = np.array(self._q[: jmax + 2])  # (J+2, probes)
        s = np.array(self._s[: jmax + 2])
        j = np.arange(jmax + 1)
        pw = rho[:, None] ** j[None, :]  # (D, J+1)
        dpw = np.zeros_like(pw)
        dpw[:, 1:] = j[None, 1:] * rho[:, None] ** (j[None, 1:] - 1)
        t0 = pw @ q[:-1]
        t1 = pw @ q[1:]
        dt0 = dpw @ q[:-1]
        dt1 = dpw @ q[1:]
        s0, s1 = pw @ s[:-1], pw @ s[1:]
        ds0, ds1 = dpw @ s[:-1], dpw @ s[1:]
        return t0, t1, dt0, dt1, s0, s1, ds0, ds1

    def terms(self, rho: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Values ``(D, 4)`` of (t0, t1, s0, s1) and their ρ-derivatives ``(D, 4)``."""
        t0, t1, dt0, dt1, s0, s1, ds0, ds1 = self.per_probe(rho)
        val = np.stack([t0.mean(1), t1.mean(1), s0, s1], axis=1)
        der = np.stack([dt0.mean(1), dt1.mean(1), ds0, ds1], axis=1)
        return val, der

    def stderr(self, rho: float) -> tuple[float, float]:
        """Monte Carlo standard errors of ``t0`` and ``t1`` at ``rho`` (spread across probes)."""
        t0, t1, *_ = self.per_probe(np.array([rho]))
        m = self.probes
        return float(t0[0].std(ddof=1) / np.sqrt(m)), float(t1[0].std(ddof=1) / np.sqrt(m))

"""Analytic information matrices of the fixed-effects (and pooled) spatial panel likelihoods.

Parameter order: the regression coefficients, then ρ or λ (if any), then σ². Elhorst (2014,
Spatial Econometrics, ch. 3; his ``sar_panel_FE`` / ``sem_panel_FE``), with G = W(I - δW)⁻¹ and
Z* the transformed regressors:

lag (SAR/SDM)::

    I_ββ = Z*'Z*/σ²          I_βρ = Σ_t Z*_t' G Z*_t β / σ²          I_βσ = 0
    I_ρρ = T_e [tr(GG) + tr(G'G)] + Σ_t ‖G Z*_t β‖²/σ²
    I_ρσ = T_e tr(G)/σ²      I_σσ = n_e/(2σ⁴)

error (SEM/SDEM)::

    I_ββ = Z_f'Z_f/σ² (Z_f = Q(I - λW)Z)     I_βλ = 0
    I_λλ = T_e [tr(GG) + tr(G'G)]            I_λσ = T_e tr(G)/σ²      I_σσ = n_e/(2σ⁴)

For the direct approach n_e = NT and T_e = T (Elhorst uses NT also with entity and two-way
effects). For the Lee & Yu transformation approach n_e, T_e are the transformed dimensions and,
when time effects are removed, G is replaced by F'GF (F an orthonormal basis of ι⊥), whose traces
are tr(G) - 1/(1-δ), tr(G²) - 1/(1-δ)² and tr(G'G) - ‖G'ι‖²/N for a row-standardised W.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.errors import NumericalWarning

__all__ = [
    "DENSE_LIMIT",
    "GOperator",
    "covariance_from_information",
    "information_matrix",
    "trace_method",
]

DENSE_LIMIT = 3000
"""Up to this N the traces are exact; above, G is applied through a sparse LU factorisation and
its traces are estimated."""
_PROBES = 200


def trace_method(w: sps.sparray | sps.spmatrix) -> str:
    """How :class:`GOperator` obtains ``tr G``, ``tr G²``, ``tr G'G`` for this W (as printed)."""
    from spatialpanel.linalg.logdet import symmetric_scale

    return _method(int(w.shape[0]), symmetric_scale(w) is not None)


def _method(n: int, symmetric_like: bool) -> str:
    if n > DENSE_LIMIT:
        return f"stochastic (Hutchinson, {_PROBES} Rademacher probes, seed 0)"
    return "exact (selected inversion)" if symmetric_like else "exact (dense inverse)"


class GOperator:
    """``G = W(I - δW)⁻¹`` (= ``(I - δW)⁻¹W``) and the traces the information matrix needs.

    For N ≤ ``DENSE_LIMIT`` the traces are exact: by selected inversion of two sparse
    symmetric positive-definite matrices (:class:`spatialpanel.linalg.selinv.ExactTraces`) when
    W is similar to a symmetric matrix through a diagonal scaling (row-standardised symmetric
    weights), else from the dense G. Products with G use a sparse LU factorisation of
    ``I - δW`` (except on the dense path). Above ``DENSE_LIMIT``, ``tr G``, ``tr G²``,
    ``tr G'G`` are Hutchinson estimates with 200 seeded Rademacher probes (seed 0).
    ``method`` says which was used.
    """

    def __init__(self, w: sps.csr_array, delta: float) -> None:
        from spatialpanel.linalg.factor import Factorizer
        from spatialpanel.linalg.logdet import symmetric_scale

        n = int(w.shape[0])
        self.n = n
        self.delta = float(delta)
        self._w = sps.csr_array(w)
        self._dense: NDArray[np.float64] | None = None
        self._memo: list[tuple[tuple[tuple[int, ...], bytes], NDArray[np.float64]]] = []
        scale = symmetric_scale(self._w)
        self._scale = scale if n <= DENSE_LIMIT else None
        self.method = _method(n, scale is not None)
        if n <= DENSE_LIMIT and scale is None:
            wd = self._w.toarray()
            self._dense = np.asarray(np.linalg.solve(np.eye(n) - delta * wd, wd), dtype=float)
        else:
            # the factorisation at δ: at ρ̂ the likelihood search's last one is reused
            self._lu = Factorizer.of(self._w, scale).factor(self.delta)

    @classmethod
    def at(cls, w: sps.csr_array, delta: float) -> GOperator:
        """The operator at (W, δ), reused while the same pair is asked for again (the fit's
        information matrix and its fitted values share one factorisation; one is kept)."""
        from spatialpanel.linalg.digest import fingerprint

        key = (fingerprint(sps.csr_array(w)), float(delta))
        if _LAST and _LAST[0][0] == key:
            return _LAST[0][1]
        op = cls(w, delta)
        _LAST[:] = [(key, op)]
        return op

    def solve(self, rhs: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(I - δW)⁻¹ rhs`` for an ``(N,)`` or ``(N, m)`` array.

        The last right-hand side and its solution are kept: the information matrix's
        ``G Z*β`` and the fitted values ``(I - δW)⁻¹ Z*β`` solve the same system.
        """
        if self._dense is not None:
            # (I - δW)⁻¹ = I + δG
            return np.asarray(rhs + self.delta * (self._dense @ rhs), dtype=float)
        import hashlib

        b = np.ascontiguousarray(rhs, dtype=float)
        key = (b.shape, hashlib.blake2b(b.tobytes(), digest_size=20).digest())
        if self._memo and self._memo[0][0] == key:
            return self._memo[0][1].copy()
        out = self._lu.solve(b)
        self._memo[:] = [(key, out)]
        return out.copy()

    def apply(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """``G v`` for an ``(N,)`` or ``(N, m)`` array."""
        if self._dense is not None:
            return np.asarray(self._dense @ v, dtype=float)
        return np.asarray(self._w @ self.solve(np.asarray(v, dtype=float)), dtype=float)

    def apply_t(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """``G' v``."""
        if self._dense is not None:
            return np.asarray(self._dense.T @ v, dtype=float)
        return self._lu.solve(self._w.T @ v, trans=True)

    def traces(self) -> tuple[float, float, float]:
        """``(tr G, tr G², tr G'G)``."""
        if self._scale is not None:
            from spatialpanel.linalg.selinv import ExactTraces

            exact = ExactTraces.at(self._w, self.delta, self._scale)
            if exact is not None:
                return exact.tr_g, exact.tr_gg, exact.tr_gtg
            # not positive definite at this δ (outside the stationarity interval): dense
            wd = self._w.toarray()
            self._dense = np.asarray(
                np.linalg.solve(np.eye(self.n) - self.delta * wd, wd), dtype=float
            )
        if self._dense is not None:
            g = self._dense
            return float(np.trace(g)), float(np.sum(g * g.T)), float(np.sum(g * g))
        # the probes of default_rng(0).choice([-1, 1], size=(N, 200)), 8 at a time: memory
        # N x 8 work arrays and 25 bytes of packed signs per region instead of three N x 200
        # blocks, and SuperLU's solves are ~10x faster in small blocks (linalg.probes)
        from spatialpanel.linalg.probes import RademacherProbes

        terms = _series_terms(self._w, self.delta)
        sums = np.zeros(3)
        blocks = RademacherProbes(self.n, _PROBES, 0).blocks()
        if terms is None:
            for _, z in blocks:
                gz = self.apply(z)
                ggz = self.apply(gz)
                sums += [float(np.sum(z * gz)), float(np.sum(z * ggz)), float(np.sum(gz * gz))]
        else:
            # the series by the fused kernel (linalg.series), the same numbers as
            # _series_products, two blocks at a time
            from spatialpanel.linalg.series import series_blocks

            d = self.delta
            coef_g = np.array([d ** (k - 1) for k in range(1, terms + 1)])
            coef_gg = np.array([0.0] + [(k - 1) * d ** (k - 2) for k in range(2, terms + 1)])
            for _, z, gz, ggz, _ in series_blocks(self._w, blocks, coef_g, coef_gg):
                sums += [float(np.sum(z * gz)), float(np.sum(z * ggz)), float(np.sum(gz * gz))]
        return float(sums[0]) / _PROBES, float(sums[1]) / _PROBES, float(sums[2]) / _PROBES


_SERIES_TOL = 1e-14
_SERIES_MAX = 150


def _series_terms(w: sps.csr_array, delta: float) -> int | None:
    """Terms J of the power series of ``G = Σ_k δ^(k-1) W^k`` and ``G² = Σ_k (k-1) δ^(k-2) W^k``
    (k ≤ J) for a non-negative row-stochastic W (spectral radius 1), or None (use the LU).

    The same probes z give the same estimates z'Gz, z'G²z, ‖Gz‖² as the products through the
    sparse LU, up to the truncation: with ``q = |δ|`` the tail of both series is below
    ``Σ_(k>J) k q^(k-2) ≤ 1e-14`` times ``|z|²`` (|W^k z| ≤ |z|∞ for a row-stochastic W). At
    ρ = 0.4 that is J ≈ 45 sparse products with N x 8 blocks, cheaper than two triangular solves
    with the LU factor at large N (whose solves are bound by memory: N = 1,000,000 ...).
    Above ``_SERIES_MAX`` terms (|δ| close to 1) the LU is used.
    """
    q = abs(float(delta))
    if q >= 1.0 or not np.all(w.data >= 0):
        return None
    rows = np.asarray(w.sum(axis=1)).ravel()
    if not np.allclose(rows, 1.0, rtol=0.0, atol=1e-12):
        return None
    j = 2
    # Σ_{k>J} k q^(k-2) = q^(J-1) (J + 1 - J q) / (1 - q)² (the derivative series of Σ q^k)
    while q ** (j - 1) * (j + 1 - j * q) / (1.0 - q) ** 2 > _SERIES_TOL:
        j += 1
        if j > _SERIES_MAX:
            return None
    return j


def _series_products(
    w: sps.csr_array, delta: float, z: NDArray[np.float64], terms: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(G z, G² z)`` by the power series (see :func:`_series_terms`)."""
    v = w @ z  # W^1 z
    gz = v.copy()
    ggz = np.zeros_like(v)
    for k in range(2, terms + 1):
        v = w @ v  # W^k z
        gz += delta ** (k - 1) * v
        ggz += (k - 1) * delta ** (k - 2) * v
    return gz, ggz


_LAST: list[tuple[tuple[bytes, float], GOperator]] = []


def information_matrix(
    *,
    kind: str | None,
    z: NDArray[np.float64],
    coef: NDArray[np.float64],
    delta: float | None,
    sigma2: float,
    w: sps.csr_array,
    n_periods: int,
    n_eff: int,
    t_eff: int,
    time_adjust: bool,
    wz: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """The information matrix for (coef, [δ], σ²); see the module docstring.

    ``z`` (and ``wz`` for error models) are the transformed regressors, flattened time-major
    ``(T·N, k)``; ``kind`` is ``"lag"``, ``"error"`` or ``None``.
    """
    k = z.shape[1]
    n = w.shape[0]
    if kind is None:
        out = np.zeros((k + 1, k + 1))
        out[:k, :k] = z.T @ z / sigma2
        out[k, k] = n_eff / (2.0 * sigma2**2)
        return out
    assert delta is not None
    g = GOperator.at(w, delta)
    tr_g, tr_gg, tr_gtg = g.traces()
    if time_adjust:
        inv = 1.0 / (1.0 - delta)
        col = g.apply_t(np.ones(n))  # G'ι
        tr_g -= inv
        tr_gg -= inv * inv
        tr_gtg -= float(col @ col) / n
    out = np.zeros((k + 2, k + 2))
    out[k, k] = t_eff * (tr_gg + tr_gtg)
    out[k, k + 1] = out[k + 1, k] = t_eff * tr_g / sigma2
    out[k + 1, k + 1] = n_eff / (2.0 * sigma2**2)
    if kind == "lag":
        out[:k, :k] = z.T @ z / sigma2
        zb = (z @ coef).reshape(n_periods, n)  # (T, N)
        gzb = g.apply(zb.T).T  # row t: G @ zb_t
        zt = z.reshape(n_periods, n, k)
        cross = np.einsum("tik,ti->k", zt, gzb)
        quad = float(np.sum(gzb * gzb))
        if time_adjust:
            quad -= float(np.sum(gzb.sum(axis=1) ** 2)) / n
        out[:k, k] = out[k, :k] = cross / sigma2
        out[k, k] += quad / sigma2
    else:
        assert wz is not None
        zf = z - delta * wz
        out[:k, :k] = zf.T @ zf / sigma2
    return out


def covariance_from_information(
    info: NDArray[np.float64], names: tuple[str, ...]
) -> NDArray[np.float64]:
    """Invert an information matrix; if it is not positive definite, warn and use the nearest
    positive-definite matrix (eigenvalues clipped to 1e-10 of the largest)."""
    sym = 0.5 * (info + info.T)
    try:
        chol = np.linalg.cholesky(sym)
        inv_chol = np.linalg.inv(chol)
        return np.asarray(inv_chol.T @ inv_chol, dtype=float)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(sym)
        floor = 1e-10 * float(np.max(np.abs(vals)))
        bad = vals < floor
        warnings.warn(
            f"the information matrix of ({', '.join(names)}) is not positive definite "
            f"({int(bad.sum())} eigenvalue(s) ≤ {floor:.3g}); they were raised to {floor:.3g} "
            "before inverting, so the standard errors are unreliable (look for collinear "
            "regressors or a spatial parameter on its boundary).",
            NumericalWarning,
            stacklevel=3,
        )
        vals = np.where(bad, floor, vals)
        return np.asarray((vecs / vals) @ vecs.T, dtype=float)

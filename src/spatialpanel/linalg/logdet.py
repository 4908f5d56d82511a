"""Log-determinants ``ln|I - ρW|`` and the stationarity interval of a spatial weights matrix.

Four methods, chosen with ``method=``:

``"eigen"``
    Exact, from the eigenvalues of ``W`` (computed once): ``Σ ln(1 - ρ ω_i)``. When ``W`` is
    symmetric, or similar to a symmetric matrix through a diagonal scaling (a row-standardised
    symmetric binary matrix ``W = D⁻¹A`` is similar to ``D^{-1/2} A D^{-1/2}``), the real symmetric
    eigensolver is used (faster and exactly real).
``"lu"``
    Exact, from a sparse LU factorisation of ``I - ρW`` at every ρ (large N); with a
    minimum-degree ordering of ``A' + A`` and diagonal pivots when W is similar to a symmetric
    matrix (see :func:`sparse_lu`), else SuperLU's default COLAMD ordering.
``"chebyshev"``
    Pace & LeSage (2004) Chebyshev approximation of ``ln(1 - ρx)`` on [-1, 1] of order ``order``,
    with exact traces ``tr T_j(W)`` for N ≤ 1000 and seeded Hutchinson estimates above. Requires
    the eigenvalues of ``W`` in [-1, 1] (true for row-standardised ``W``).
``"mc"``
    Barry & Pace (1999) Monte Carlo: ``-N Σ_k ρ^k/k · mean_p(x_p'W^k x_p / x_p'x_p)`` with
    ``probes`` seeded Gaussian vectors and ``order`` terms (the first two moments, ``tr W`` and
    ``tr W²``, exactly).

``"auto"`` is ``"eigen"`` for N ≤ 1000 and ``"lu"`` above.

The stationarity interval is ``(1/ω_min, 1/ω_max)`` with ω the real eigenvalues of ``W``
(complex ones are ignored, the usual convention); for the two approximations it is further
limited to ``|ρ| < 1/r`` (r the spectral radius), where they converge. Above N = 1,000 a
non-negative W is first bounded by its known range ``(-1/r, 1/r)`` (r = 1 for a row-stochastic
W, else its Perron root, a dominant eigenvalue found cheaply), and ω_min, whose ARPACK search
dominated the cost of large fits, is searched only when the estimate approaches -1/r
(:class:`LogDet`). This module knows nothing
of pandas or names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, WeightsError, did_you_mean

if TYPE_CHECKING:
    from spatialpanel.linalg.factor import Factorizer

__all__ = ["LogDet", "LogDetMethod", "eigenvalues", "logdet", "sparse_lu", "symmetric_scale"]

LogDetMethod = Literal["auto", "eigen", "lu", "chebyshev", "mc"]
_METHODS: tuple[str, ...] = ("auto", "eigen", "lu", "chebyshev", "mc")
_EIGEN_LIMIT = 1000
LAZY_BOUNDS = True
"""Above ``_EIGEN_LIMIT``, bound the search by the known range ``(-1/r, 1/r)`` of a non-negative W
(r = ω_max, no search for a row-stochastic W) and search ω_min only when needed (see
:class:`LogDet`). False restores the eager ARPACK search of both ends (for comparisons)."""
DERIVATIVE_LIMIT = 3000
"""Largest N for which the ``"lu"`` method gives the exact derivative (selected inversion)."""


def _symmetric_scale(mat: sps.csr_array) -> NDArray[np.float64] | None:
    """Return ``d > 0`` with ``D^{1/2} W D^{-1/2}`` symmetric (``d = 1`` if W is symmetric) or None.

    Such a ``d`` exists iff ``d_i W_ij = d_j W_ji`` for all pairs (e.g. any row-standardised
    symmetric matrix ``W = R⁻¹A``, with ``d`` the raw row sums). It is found by propagating
    ``d_j = d_i W_ij / W_ji`` along a breadth-first spanning tree of each connected component and
    then verified on every link.
    """
    from scipy.sparse.csgraph import breadth_first_order, connected_components

    n = mat.shape[0]
    diff = mat - mat.T
    if diff.nnz == 0 or float(np.max(np.abs(diff.data))) < 1e-13:
        return np.ones(n)
    pattern = sps.csr_array((mat != 0).astype(float))
    if (pattern - pattern.T).nnz != 0:
        return None
    # fast path (vectorised): a row-standardised binary matrix has W_ij = 1/d_i on every link
    rowmax = np.asarray(abs(mat).max(axis=1).todense()).ravel()
    if np.all(rowmax > 0):
        cand = 1.0 / rowmax
        if _is_scaled_symmetric(mat, cand):
            return cand
    d = np.ones(n)
    _, labels = connected_components(pattern, directed=False)
    wt = sps.csr_array(mat.T)
    for comp in np.unique(labels):
        root = int(np.flatnonzero(labels == comp)[0])
        order, pred = breadth_first_order(pattern, root, directed=False, return_predecessors=True)
        for node in order[1:]:
            par = int(pred[node])
            d[node] = d[par] * float(mat[par, node]) / float(wt[par, node])
    return d if _is_scaled_symmetric(mat, d) else None


def _is_scaled_symmetric(mat: sps.csr_array, d: NDArray[np.float64]) -> bool:
    """Whether ``D^{1/2} W D^{-1/2}`` is symmetric (to 1e-12 of its largest entry)."""
    sd = np.sqrt(d)
    s = sps.csr_array(sps.diags_array(sd) @ mat @ sps.diags_array(1.0 / sd))
    diff = s - s.T
    scale = float(np.max(np.abs(s.data))) if s.nnz else 1.0
    return bool(diff.nnz == 0 or float(np.max(np.abs(diff.data))) < 1e-12 * scale)


def sparse_lu(a: sps.sparray, *, symmetric_like: bool) -> spla.SuperLU:
    """Sparse LU of ``a`` (N x N) with a fill-reducing ordering.

    When ``a = I - ρW`` with W similar to a symmetric matrix through a diagonal scaling,
    ``a`` is a diagonal similarity transform of the symmetric ``I - ρS``, positive definite
    inside the stationarity interval: then the minimum-degree ordering of ``A' + A`` with
    diagonal pivots (SuperLU's symmetric mode) is used, which roughly halves the fill of the
    default column ordering on planar graphs. Otherwise SuperLU's default (COLAMD, partial
    pivoting). Both are exact factorisations; they differ only in rounding.
    """
    csc = sps.csc_array(a)
    if symmetric_like:
        return spla.splu(
            csc,
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
    return spla.splu(csc)


def symmetric_scale(w: sps.sparray | sps.spmatrix) -> NDArray[np.float64] | None:
    """``d > 0`` with ``D^{1/2} W D^{-1/2}`` symmetric, or None (see the module docstring)."""
    return _symmetric_scale(sps.csr_array(w, dtype=float))


def eigenvalues(w: sps.sparray | sps.spmatrix | NDArray[np.float64]) -> NDArray[np.complex128]:
    """All eigenvalues of ``W`` (dense solver), real-symmetric fast path when W is similar to a
    symmetric matrix through a diagonal scaling. Returned as complex (imaginary part 0 then)."""
    mat = sps.csr_array(w, dtype=float)
    d = _symmetric_scale(mat)
    if d is not None:
        sd = np.sqrt(d)
        s = (sd[:, None] * mat.toarray()) / sd[None, :]
        s = 0.5 * (s + s.T)
        return np.linalg.eigvalsh(s).astype(complex)
    return np.linalg.eigvals(mat.toarray()).astype(complex)


def _real_extremes(vals: NDArray[np.complex128]) -> tuple[float, float]:
    real = vals.real[np.abs(vals.imag) < 1e-10 * max(1.0, float(np.max(np.abs(vals))))]
    return float(np.min(real)), float(np.max(real))


def _arpack_options(n: int) -> dict[str, object]:
    # a seeded start vector: ARPACK's default is random, which made the bounds (and through
    # the Brent search, ρ̂ at the 1e-8 level) differ between runs
    v0 = np.random.default_rng(0).standard_normal(n)
    return {"return_eigenvectors": False, "maxiter": 20000, "tol": 1e-8, "v0": v0}


def _symmetrised(mat: sps.csr_array, d: NDArray[np.float64]) -> sps.csr_array:
    sd = np.sqrt(d)
    s = sps.csr_array(sps.diags_array(sd) @ mat @ sps.diags_array(1.0 / sd))
    return sps.csr_array(0.5 * (s + s.T))


def _is_stochastic(mat: sps.csr_array) -> bool:
    """Non-negative with unit row sums: largest eigenvalue and spectral radius 1 (Perron)."""
    rows = np.asarray(mat.sum(axis=1)).ravel()
    return bool(np.all(mat.data >= 0) and np.allclose(rows, 1.0, rtol=0.0, atol=1e-12))


def _smallest_real(mat: sps.csr_array, d: NDArray[np.float64] | None) -> float:
    """The most negative real eigenvalue of W by ARPACK (the expensive search at large N)."""
    opts = _arpack_options(mat.shape[0])
    if d is not None:
        return float(spla.eigsh(_symmetrised(mat, d), k=1, which="SA", **opts)[0])
    return float(spla.eigs(mat, k=1, which="SR", **opts)[0].real)


def _perron(mat: sps.csr_array, d: NDArray[np.float64] | None) -> float | None:
    """The largest eigenvalue of a non-negative W, which is its spectral radius
    (Perron–Frobenius), without any search for a row-stochastic W (1) and by ARPACK's
    ``"LA"`` (a dominant eigenvalue, found in few iterations) when W is similar to a symmetric
    matrix; None for other W (negative weights, or neither property)."""
    if not np.all(mat.data >= 0):
        return None
    if _is_stochastic(mat):
        return 1.0
    if d is None:
        return None
    return float(
        spla.eigsh(_symmetrised(mat, d), k=1, which="LA", **_arpack_options(mat.shape[0]))[0]
    )


def _sparse_extremes(
    mat: sps.csr_array, d: NDArray[np.float64] | None
) -> tuple[float, float, float]:
    """Most negative and largest real eigenvalues and the spectral radius, by ARPACK (large N).

    A non-negative W with unit row sums has largest eigenvalue and spectral radius 1 (Perron);
    when W is similar to a symmetric matrix the symmetric solver is used for the smallest one.
    """
    stochastic = _is_stochastic(mat)
    opts = _arpack_options(mat.shape[0])
    lo = _smallest_real(mat, d)
    if d is not None:
        s = _symmetrised(mat, d)
        hi = 1.0 if stochastic else float(spla.eigsh(s, k=1, which="LA", **opts)[0])
        return lo, hi, max(abs(lo), abs(hi))
    if stochastic:
        return lo, 1.0, 1.0
    hi = float(spla.eigs(mat, k=1, which="LR", **opts)[0].real)
    radius = float(np.abs(spla.eigs(mat, k=1, which="LM", **opts)[0]))
    return lo, hi, radius


@dataclass(frozen=True, eq=False)
class LogDet:
    """Callable ``ρ ↦ ln|I - ρW|`` with its stationarity interval.

    Build it with :func:`logdet`. ``bounds`` is the open interval searched for ρ: the
    stationarity interval ``(1/ω_min, 1/ω_max)``, or, when ``lazy``, its known part
    ``(-1/r, 1/r)`` (r = ω_max, the spectral radius of a non-negative W; 1/ω_min ≤ -1/r because
    ``|ω_min| ≤ r``): no eigenvalue search for a row-stochastic W. The left end is searched by
    :meth:`stationarity_interval` only when the estimate needs it (the engine's rule, see
    :func:`spatialpanel.models.engine.concentrated_max`). ``method`` is the method actually used
    (``"auto"`` resolved).
    """

    method: str
    n: int
    bounds: tuple[float, float]
    _w: sps.csr_array = field(repr=False)
    _eig: NDArray[np.complex128] | None = field(default=None, repr=False)
    _coef: NDArray[np.float64] | None = field(default=None, repr=False)
    _seed: int = 0
    _symlike: bool = False
    _cache: dict[float, float] = field(default_factory=dict, repr=False)
    _scale: NDArray[np.float64] | None = field(default=None, repr=False)
    _dcache: dict[float, float | None] = field(default_factory=dict, repr=False)
    _sym: list[sps.csr_array] = field(default_factory=list, repr=False)
    lazy: bool = False
    _full: list[tuple[float, float]] = field(default_factory=list, repr=False)
    radius: float = float("nan")
    _fac: list[Factorizer] = field(default_factory=list, repr=False)
    _moments: list[NDArray[np.float64]] = field(default_factory=list, repr=False)

    @property
    def factorizer(self) -> Factorizer:
        """The sparse factorisations of ``I - ρW`` (``"lu"`` method; symbolic analysis once)."""
        if not self._fac:
            from spatialpanel.linalg.factor import Factorizer

            self._fac.append(Factorizer.of(self._w, self._scale if self._symlike else None))
        return self._fac[0]

    @property
    def symmetric_like(self) -> bool:
        """Whether W is similar to a symmetric matrix (real eigenvalues, ``|ω| ≤ radius``)."""
        return self._symlike

    def moments(self) -> NDArray[np.float64]:
        """``tr W^j`` for j = 1..4, exact (sparse products; ``tr W⁴ = ‖S²‖²_F`` with the
        symmetric ``S = D^{1/2} W D^{-1/2}`` when W is similar to a symmetric matrix)."""
        if not self._moments:
            w = self._w
            if self._symlike and self._scale is not None:
                sd = np.sqrt(self._scale)
                s = sps.csr_array(sps.diags_array(sd) @ w @ sps.diags_array(1.0 / sd))
                s = sps.csr_array(0.5 * (s + s.T))
                s2 = sps.csr_array(s @ s)
                tr3 = float(s2.multiply(s).sum())
                tr4 = float(np.sum(s2.data * s2.data))
            else:
                w2 = sps.csr_array(w @ w)
                tr3 = float(w2.multiply(w.T).sum())
                tr4 = float(w2.multiply(w2.T).sum())
            tr1 = float(w.diagonal().sum())
            self._moments.append(np.array([tr1, self.trace_w2, tr3, tr4]))
        return self._moments[0]

    def stationarity_interval(self) -> tuple[float, float]:
        """The exact interval ``(1/ω_min, 1/ω_max)``; with ``lazy`` bounds the smallest
        eigenvalue is searched (ARPACK) on the first call, else this is ``bounds``."""
        if not self.lazy:
            return self.bounds
        if not self._full:
            lo = _smallest_real(self._w, self._scale if self._symlike else None)
            left = 1.0 / lo if lo < 0 else self.bounds[0]
            self._full.append((min(float(left), self.bounds[0]), self.bounds[1]))
        return self._full[0]

    @property
    def interval(self) -> tuple[float, float]:
        """The interval searched: ``bounds``, or the full stationarity interval once it has
        been computed (what the results report as ``spatial_bounds``)."""
        return self._full[0] if self._full else self.bounds

    def extension(self) -> Callable[[], tuple[float, float]] | None:
        """For a search on ``bounds``: the function giving the full stationarity interval
        when the estimate comes near the left end (None when the bounds are already exact)."""
        return self.stationarity_interval if self.lazy else None

    @property
    def trace_w2(self) -> float:
        """``tr(W²) = Σ_ij W_ij W_ji`` (= Σ ω², exact)."""
        return float(self._w.multiply(self._w.T).sum())

    @property
    def increasing_left(self) -> bool:
        """Whether ``ln|I - ρW|`` is increasing left of 0 for certain: real eigenvalues (W
        similar to a symmetric matrix: the function is concave) and ``tr W ≤ 0`` (its slope at
        0 is ``-tr W``)."""
        return self._symlike and float(self._w.diagonal().sum()) <= 0.0

    def upper_bound(self, rho: float) -> float:
        """An upper bound of ``ln|I - ρW|`` from the values already computed (``inf`` if none).

        Only for the exact ``"lu"`` method with W similar to a symmetric matrix, where the
        eigenvalues are real and ``ρ ↦ ln|I - ρW|`` is concave (second derivative
        ``-Σ ω²/(1 - ρω)²``): a concave function lies below every secant line outside the
        secant's interval, so the secants of the neighbouring pairs of computed points bound it.
        Lets the engine skip exact factorisations at grid points that cannot beat the optimum
        (the answer is unchanged). A margin of 1e-9 (relative) covers rounding.
        """
        if self.method != "lu" or not self._symlike or len(self._cache) < 2:
            return np.inf
        xs = np.array(sorted(self._cache))
        ys = np.array([self._cache[x] for x in xs])
        i = int(np.searchsorted(xs, rho))
        if i < xs.size and xs[i] == rho:
            return float(ys[i])
        bound = np.inf
        for j0 in (i - 2, i):  # the pair left of rho, the pair right of rho
            if j0 >= 0 and j0 + 1 < xs.size:
                x0, x1, y0, y1 = xs[j0], xs[j0 + 1], ys[j0], ys[j0 + 1]
                bound = min(bound, y0 + (y1 - y0) / (x1 - x0) * (rho - x0))
        return float(bound + 1e-9 * max(1.0, abs(bound))) if np.isfinite(bound) else np.inf

    def derivative(self, rho: float) -> float | None:
        """``d ln|I - ρW| / dρ = -tr(W(I - ρW)⁻¹)``, exact, or None where it is not available.

        ``"eigen"``: ``-Σ ω/(1 - ρω)``. ``"lu"`` with N ≤ ``DERIVATIVE_LIMIT`` and W similar to a
        symmetric matrix (``S = D^{1/2} W D^{-1/2}``): ``-tr(S B⁻¹)`` with ``B = I - ρS``
        (``W(I - ρW)⁻¹`` is similar to ``S B⁻¹``), from the entries of ``B⁻¹`` on the pattern
        of its sparse Cholesky factor (selected inversion, :mod:`spatialpanel.linalg.selinv`;
        exact to rounding, the cost of a few factorisations). None for the approximations, for
        other W and above the limit (the selected inverse is held in an N x N work array), and
        where the selected inversion declines (ρ near the stationarity bound).
        """
        if self.method == "eigen" and self._eig is not None:
            return float(np.sum(-self._eig / (1.0 - rho * self._eig)).real)
        if self.method != "lu" or self._scale is None or self.n > DERIVATIVE_LIMIT:
            return None
        rho = float(rho)
        if rho == 0.0:
            return -float(self._w.diagonal().sum())
        if rho not in self._dcache:
            from spatialpanel.linalg.selinv import selected_inverse

            if not self._sym:
                sd = np.sqrt(self._scale)
                s = sps.csr_array(sps.diags_array(sd) @ self._w @ sps.diags_array(1.0 / sd))
                self._sym.append(sps.csr_array(0.5 * (s + s.T)))
            s = self._sym[0]
            z = selected_inverse(sps.eye_array(self.n, format="csr") - rho * s)
            try:
                self._dcache[rho] = None if z is None else -z.inner(s)
            except ValueError:  # an entry of S outside the factor's pattern (cancellation)
                self._dcache[rho] = None
        return self._dcache[rho]

    def __call__(self, rho: float) -> float:
        """``ln|I - ρW|`` at ``rho`` (must lie inside ``bounds``)."""
        if self.method == "eigen":
            assert self._eig is not None
            if np.all(self._eig.imag == 0):
                return float(np.sum(np.log1p(-rho * self._eig.real)))
            return float(np.sum(np.log(1.0 - rho * self._eig)).real)
        if self.method == "lu":
            rho = float(rho)
            if rho not in self._cache:
                self._cache[rho] = self.factorizer.logdet(rho)
            return self._cache[rho]
        if self.method == "chebyshev":
            assert self._coef is not None
            return _chebyshev_value(rho, self._coef)
        assert self._coef is not None  # mc: self._coef holds mean x'W^k x / x'x, k = 1..order
        k = np.arange(1, self._coef.size + 1)
        return float(-self.n * np.sum(rho**k / k * self._coef))


def _chebyshev_traces(mat: sps.csr_array, order: int, seed: int) -> NDArray[np.float64]:
    """``tr T_j(W)`` for j = 0..order (exact for N ≤ 1000, Hutchinson with 100 probes above,
    8 probes at a time: :mod:`spatialpanel.linalg.probes`)."""
    n = mat.shape[0]
    traces = np.zeros(order + 1)
    traces[0] = n
    if n <= _EIGEN_LIMIT:
        blocks: Iterator[tuple[int, NDArray[np.float64]]] = iter([(0, np.eye(n))])
        scale = 1.0
    else:
        from spatialpanel.linalg.probes import RademacherProbes

        blocks = RademacherProbes(n, 100, seed).blocks()
        scale = 1.0 / 100
    for _, probe in blocks:
        t_prev = probe
        t_cur = mat @ probe
        traces[1] += scale * float(np.sum(probe * t_cur))
        for j in range(2, order + 1):
            t_next = 2.0 * (mat @ t_cur) - t_prev
            traces[j] += scale * float(np.sum(probe * t_next))
            t_prev, t_cur = t_cur, t_next
    return traces


def _chebyshev_value(rho: float, traces: NDArray[np.float64]) -> float:
    order = traces.size - 1
    m = order + 1
    nodes = np.cos(np.pi * (np.arange(1, m + 1) - 0.5) / m)
    f = np.log1p(-rho * nodes)
    j = np.arange(m)
    c = (2.0 / m) * np.cos(np.pi * np.outer(j, np.arange(1, m + 1) - 0.5) / m) @ f
    c[0] *= 0.5
    return float(np.dot(c, traces))


def _mc_moments(mat: sps.csr_array, order: int, probes: int, seed: int) -> NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((mat.shape[0], probes))
    xx = np.sum(x * x, axis=0)
    out = np.empty(order)
    v = x
    for k in range(order):
        v = mat @ v
        out[k] = float(np.mean(np.sum(x * v, axis=0) / xx))
    # the first two moments exactly (as LeSage's implementation): tr(W)/N and tr(W²)/N
    n = mat.shape[0]
    out[0] = float(mat.diagonal().sum()) / n
    if order > 1:
        out[1] = float(mat.multiply(mat.T).sum()) / n
    return out


def logdet(
    w: sps.sparray | sps.spmatrix | NDArray[np.float64],
    *,
    method: LogDetMethod = "auto",
    order: int | None = None,
    probes: int = 50,
    seed: int = 0,
) -> LogDet:
    """Prepare ``ρ ↦ ln|I - ρW|`` for repeated evaluation.

    Parameters
    ----------
    w
        The N x N spatial weights (sparse or dense).
    method
        ``"auto"`` (eigen for N ≤ 1000, else LU), ``"eigen"``, ``"lu"``, ``"chebyshev"``, ``"mc"``.
    order
        Chebyshev order (default 20) or number of Monte Carlo series terms (default 50).
    probes
        Number of random vectors for the Monte Carlo method.
    seed
        Seed of the random probes (Monte Carlo; Chebyshev traces for N > 1000).

    Returns
    -------
    LogDet
        Callable with ``.bounds`` (stationarity interval) and ``.method``.
    """
    if method not in _METHODS:
        raise ConfigError(
            f"logdet method={method!r} is not known; use one of {_METHODS}."
            + did_you_mean(str(method), _METHODS)
        )
    mat = sps.csr_array(w, dtype=float)
    n = int(mat.shape[0])
    resolved = ("eigen" if n <= _EIGEN_LIMIT else "lu") if method == "auto" else str(method)
    eig: NDArray[np.complex128] | None = None
    d: NDArray[np.float64] | None = None
    lazy = False
    if resolved == "eigen" or n <= _EIGEN_LIMIT:
        eig = eigenvalues(mat)
        lo, hi = _real_extremes(eig)
        if resolved == "lu":
            d = _symmetric_scale(mat)
    else:
        d = _symmetric_scale(mat)
        perron = _perron(mat, d) if LAZY_BOUNDS else None
        if perron is not None and perron > 0:
            # known part of the interval: (-1/r, 1/r) with r = ω_max the spectral radius
            # (Perron); the left end 1/ω_min ≤ -1/r is searched only when needed (LogDet.lazy)
            lo, hi, radius = -perron, perron, perron
            lazy = resolved == "lu"
        else:
            lo, hi, radius = _sparse_extremes(mat, d)
    symlike = d is not None
    if eig is not None:
        radius = float(np.max(np.abs(eig)))
    if radius <= 0:
        raise WeightsError(
            "W has no non-zero eigenvalue (are all weights zero?); a spatial parameter cannot be "
            "estimated. Check the weights matrix."
        )
    # without a negative (positive) real eigenvalue the interval is unbounded on that side: use
    # -1/r (1/r), r the spectral radius, where the Neumann series still converges
    bounds = (1.0 / lo if lo < 0 else -1.0 / radius, 1.0 / hi if hi > 0 else 1.0 / radius)
    if resolved in ("chebyshev", "mc"):
        # the series / the Chebyshev expansion on [-1, 1] need |ρ| < 1/r
        bounds = (max(bounds[0], -1.0 / radius), min(bounds[1], 1.0 / radius))
    coef: NDArray[np.float64] | None = None
    if resolved == "chebyshev":
        coef = _chebyshev_traces(mat, 20 if order is None else order, seed)
    elif resolved == "mc":
        coef = _mc_moments(mat, 50 if order is None else order, probes, seed)
    return LogDet(
        method=resolved,
        n=n,
        bounds=(float(bounds[0]), float(bounds[1])),
        _w=mat,
        _eig=eig if resolved == "eigen" else None,
        _coef=coef,
        _seed=seed,
        _symlike=symlike,
        _scale=d if resolved == "lu" else None,
        lazy=lazy,
        radius=float(radius),
    )

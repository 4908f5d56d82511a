"""Exact traces of ``G = W(I − δW)⁻¹`` and ``A = (I − δW)⁻¹`` without any O(N³) step.

The information matrix needs ``tr G``, ``tr G²`` and ``tr G'G`` at the estimate, and the
delta-method effects need ``tr A``, ``tr G`` and their derivatives ``tr(AWA) = tr(S B⁻²)``,
``tr G²`` there. For W similar to a symmetric matrix through a diagonal scaling
(``S = D^{1/2} W D^{-1/2}`` symmetric; every row-standardised symmetric contiguity matrix is),
with ``B = I − δS``, ``K = I − δW`` and ``M = K'K`` (sparse, symmetric positive definite inside
the stationarity interval), every one of them is a *linear* function of one inverse:

- ``tr A = tr(B B⁻²)``, ``tr G = tr(SB B⁻²)``, ``tr G² = tr(S² B⁻²)``, ``tr(AWA) = tr(S B⁻²)``
  (S and B commute);
- ``tr G'G = tr(W'W AA') = tr(W'W M⁻¹)`` (``AA' = (K'K)⁻¹``, for any W).

``tr(X Y⁻¹) = Σ_ij X_ij (Y⁻¹)_ij`` for symmetric ``Y`` only needs the entries of ``Y⁻¹`` on the
pattern of X, which lies inside the pattern of the sparse Cholesky factor of Y. Those entries
are computed by the Takahashi recursion (Takahashi, Fagan & Chen 1973; Erisman & Tinney 1975):
with ``PYP' = LDL'`` and ``Z = (PYP')⁻¹``, going from the last column to the first,

    Z_ij = −Σ_{k>j, L_kj≠0} L_kj Z_ik  (i > j, L_ij ≠ 0),   Z_jj = 1/D_j − Σ_{k>j} L_kj Z_kj.

Its cost is that of the factorisation (Σ_j c_j², c_j the column counts), not N³: at N = 3,000
on a planar graph it is a few hundredths of a second against several seconds for a dense
inverse or eigendecomposition. The factorisation is SuperLU's in symmetric mode (minimum-degree
ordering of ``Y' + Y``, diagonal pivots), checked to be symmetric (row and column permutations
equal, positive pivots) and to have the closed pattern of a Cholesky factor; the recursion runs
over supernodes (columns sharing their structure). ``Z`` is held in a dense N x N array of which
only the pattern is written (and checked on use), so this module is meant for N up to a few
thousand (``spatialpanel.models.information.DENSE_LIMIT``). Two small module-level caches (eight
entries each, keyed by digests of the arrays) keep the symbolic factorisation of a pattern and
the traces at a (W, δ), so that the fit, its standard errors and the effects at ρ̂ compute them
once; they hold no N x N array. It knows nothing of pandas or names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from spatialpanel.linalg.digest import fingerprint

__all__ = ["ExactTraces", "PointTerms", "SelectedInverse", "selected_inverse"]

_PIVOT_RATIO = 1e-8
"""Smallest/largest pivot below which :func:`selected_inverse` declines (dense path instead)."""


@dataclass(frozen=True, eq=False)
class SelectedInverse:
    """Entries of ``Y⁻¹`` on the pattern of the Cholesky factor of a sparse SPD ``Y``.

    Build with :func:`selected_inverse`; :meth:`inner` gives ``tr(X Y⁻¹)`` for a sparse X
    whose pattern lies in the factor's.
    """

    z: NDArray[np.float64]  # permuted order; only the entries on ``pattern`` are set
    pattern: sps.csr_array  # pattern of L + L' (permuted order), values 1
    position: NDArray[np.int64]  # position[i] = row of original index i in z

    def inner(self, x: sps.sparray | sps.spmatrix) -> float:
        """``tr(X Y⁻¹) = Σ_ij X_ij (Y⁻¹)_ij``; ``ValueError`` if X reaches outside the pattern."""
        coo = sps.coo_array(x)
        coo.sum_duplicates()
        pr, pc = self.position[coo.row], self.position[coo.col]
        hits = sps.coo_array((np.ones(pr.size), (pr, pc)), shape=self.pattern.shape)
        if sps.csr_array(hits).multiply(self.pattern).sum() != pr.size:
            raise ValueError("X has entries outside the pattern of the Cholesky factor")
        return float(np.dot(coo.data, self.z[pr, pc]))


def selected_inverse(y: sps.sparray | sps.spmatrix) -> SelectedInverse | None:
    """Selected inverse of a sparse symmetric positive-definite ``y`` (see the module docstring).

    Returns None when SuperLU's symmetric-mode factorisation is not an ``LDL'`` one (different
    row and column permutations, or a non-positive pivot): the caller then uses a dense path.
    """
    csc = sps.csc_array(y, dtype=float)
    csc.sort_indices()
    try:
        lu = spla.splu(
            csc,
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
    except RuntimeError:  # exactly singular
        return None
    if not np.array_equal(lu.perm_r, lu.perm_c):
        return None
    pivots = lu.U.diagonal()
    if not np.all(pivots > 0):
        return None
    # Y is (I − δS)² or (I − δW)'(I − δW): its condition is squared, and close to the
    # stationarity bound (|1 − δω| below ~1e-4) the recursion would lose digits; the smallest
    # pivot is a cheap sign of that (it is ≥ λ_min(Y) and small when Y is near-singular)
    if pivots.min() < _PIVOT_RATIO * pivots.max():
        return None
    # SuperLU: Pr Y Pc = LU, where original index i sits at row perm_c[i] (= perm_r[i])
    position = np.asarray(lu.perm_c, dtype=np.int64)
    sym = _symbolic(csc, position)
    data = sym.values_of(sps.csc_array(lu.L))
    if data is None:
        return None
    return SelectedInverse(_takahashi(sym, data, pivots), sym.pattern, position)


@dataclass(frozen=True, eq=False)
class _Symbolic:
    """The symbolic Cholesky factor of ``PYP'`` (sorted CSC, unit diagonal included), its
    fundamental supernodes and the symmetric pattern ``L + L'``; a function of the pattern of
    Y and of P only, so it is cached across δ and across the fit and the effects."""

    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]
    starts: list[int]
    pattern: sps.csr_array
    keys: NDArray[np.int64]  # col * n + row of every entry, increasing

    def values_of(self, low: sps.csc_array) -> NDArray[np.float64] | None:
        """The values of a numeric factor on this pattern (zeros where the factor has none);
        None if the factor has an entry outside it."""
        n = int(low.shape[0])
        coo = sps.coo_array(low)
        keys = coo.col.astype(np.int64) * n + coo.row
        pos = np.searchsorted(self.keys, keys)
        pos = np.minimum(pos, self.keys.size - 1)
        if not np.array_equal(self.keys[pos], keys):
            return None
        data = np.zeros(self.keys.size)
        data[pos] = coo.data
        return data


_SYMBOLIC: dict[bytes, _Symbolic] = {}
_CACHE_SIZE = 8


def _symbolic(y: sps.csc_array, position: NDArray[np.int64]) -> _Symbolic:
    """Symbolic factorisation of ``y`` (sorted CSC) in the order ``position``, cached.

    The structure of column j of the factor is that of column j of ``tril(PYP')`` joined with
    those of its children in the elimination tree (each child's structure below the child's
    parent, which is the smallest row below the child): built in increasing column order.
    """
    import hashlib

    n = int(y.shape[0])
    digest = hashlib.blake2b(digest_size=20)
    for arr in (y.indptr, y.indices, position):
        digest.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
    key = digest.digest()
    if key in _SYMBOLIC:
        return _SYMBOLIC[key]
    coo = sps.coo_array(y)
    r, c = position[coo.row], position[coo.col]
    low = r >= c
    start = sps.csc_array(
        (np.ones(int(low.sum())), (r[low], c[low])), shape=(n, n)
    )  # duplicates are summed: the pattern is what counts
    start.sort_indices()
    ip, ix = start.indptr, start.indices
    pending: list[list[NDArray[np.int64]]] = [[] for _ in range(n)]
    structs: list[NDArray[np.int64]] = []
    for j in range(n):
        own = ix[ip[j] : ip[j + 1]].astype(np.int64)
        rows = np.unique(np.concatenate([own, *pending[j]])) if pending[j] else own
        pending[j] = []
        structs.append(rows)
        if rows.size > 2:  # rows[0] == j, rows[1] the parent
            pending[int(rows[1])].append(rows[2:])
    counts = np.array([rr.size for rr in structs], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    indices = np.concatenate(structs)
    cols = np.repeat(np.arange(n, dtype=np.int64), counts)
    ones = sps.csr_array((np.ones(indices.size), (indices, cols)), shape=(n, n))
    pattern = sps.csr_array(((ones + ones.T) > 0).astype(float))
    out = _Symbolic(indptr, indices, _supernodes(indptr, indices), pattern, cols * n + indices)
    if len(_SYMBOLIC) >= _CACHE_SIZE:
        _SYMBOLIC.pop(next(iter(_SYMBOLIC)))
    _SYMBOLIC[key] = out
    return out


def _supernodes(indptr: NDArray[np.int64], indices: NDArray[np.int64]) -> list[int]:
    """First columns of the fundamental supernodes (consecutive columns j, j + 1 with
    struct(j) = {j} ∪ struct(j + 1)), plus n at the end."""
    n = indptr.size - 1
    count = np.diff(indptr)
    starts = [0]
    for j in range(1, n):
        lo, mid, hi = indptr[j - 1], indptr[j], indptr[j + 1]
        if count[j - 1] == count[j] + 1 and np.array_equal(indices[lo + 1 : mid], indices[mid:hi]):
            continue
        starts.append(j)
    starts.append(n)
    return starts


def _unit_lower_inverse(ell: NDArray[np.float64]) -> NDArray[np.float64]:
    """Inverse of a small unit lower-triangular matrix by forward substitution (row by row:
    small numpy products, no LAPACK call whose threading costs more than the work)."""
    m = ell.shape[0]
    inv = np.eye(m)
    for i in range(1, m):
        inv[i, :i] = -(ell[i, :i] @ inv[:i, :i])
    return inv


def _takahashi(
    sym: _Symbolic, data: NDArray[np.float64], pivots: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Entries of ``(LDL')⁻¹`` on the symbolic pattern of L (values ``data``), by supernodes.

    For a supernode J with rows R below it: ``Z_RJ = −Z_RR L_RJ L_JJ⁻¹`` and
    ``Z_JJ = L_JJ⁻ᵀ (D_J⁻¹ L_JJ⁻¹ − L_RJ' Z_RJ)`` (both from ``L'Z = D⁻¹L⁻¹``). ``Z_RR`` was
    computed before, because the symbolic pattern is closed under the elimination tree.
    """
    indptr, indices, starts = sym.indptr, sym.indices, sym.starts
    n = indptr.size - 1
    z = np.empty((n, n))
    for a in range(len(starts) - 2, -1, -1):
        f, e = starts[a], starts[a + 1]  # columns f .. e-1
        m = e - f
        rows = indices[indptr[e - 1] + 1 : indptr[e]]  # R: the structure below the supernode
        block = np.zeros((m + rows.size, m))  # [L_JJ; L_RJ]
        for c in range(m):
            block[c:, c] = data[indptr[f + c] : indptr[f + c + 1]]
        ljj, lrj = block[:m], block[m:]
        ljj_inv = _unit_lower_inverse(ljj)
        zjj = ljj_inv.T @ (ljj_inv / pivots[f:e, None])
        if rows.size:
            zrj = -(z[np.ix_(rows, rows)] @ lrj) @ ljj_inv
            zjj -= ljj_inv.T @ (lrj.T @ zrj)
            z[rows, f:e] = zrj
            z[f:e, rows] = zrj.T
        z[f:e, f:e] = 0.5 * (zjj + zjj.T)
    return z


@dataclass(frozen=True)
class ExactTraces:
    """Exact traces at one δ for W similar to a symmetric matrix (see the module docstring).

    ``tr_a = tr A``, ``tr_g = tr G``, ``tr_gg = tr G²``, ``tr_gtg = tr G'G``,
    ``tr_awa = tr(AWA)`` (= d tr A/dδ; d tr G/dδ = tr G²).
    """

    delta: float
    tr_a: float
    tr_g: float
    tr_gg: float
    tr_gtg: float
    tr_awa: float

    @classmethod
    def at(
        cls, w: sps.sparray | sps.spmatrix, delta: float, scale: NDArray[np.float64]
    ) -> ExactTraces | None:
        """The traces at ``delta``; ``scale`` is d with ``D^{1/2} W D^{-1/2}`` symmetric
        (:func:`spatialpanel.linalg.logdet.symmetric_scale`). None when a factorisation is not
        symmetric positive definite (δ outside the stationarity interval): use a dense path."""
        mat = sps.csr_array(w, dtype=float)
        key = (fingerprint(mat), float(delta))
        if key not in _TRACES:
            if len(_TRACES) >= _CACHE_SIZE:
                _TRACES.pop(next(iter(_TRACES)))
            _TRACES[key] = cls._compute(mat, float(delta), scale)
        return _TRACES[key]

    @classmethod
    def _compute(
        cls, mat: sps.csr_array, delta: float, scale: NDArray[np.float64]
    ) -> ExactTraces | None:
        n = int(mat.shape[0])
        sd = np.sqrt(np.asarray(scale, dtype=float))
        s = sps.csr_array(sps.diags_array(sd) @ mat @ sps.diags_array(1.0 / sd))
        s = sps.csr_array(0.5 * (s + s.T))
        if delta == 0.0:  # A = I, G = W
            tr_w = float(mat.diagonal().sum())
            tr_ww = float(mat.multiply(mat.T).sum())
            frob = float(np.sum(mat.data**2))
            return cls(0.0, float(n), tr_w, tr_ww, frob, tr_w)
        eye = sps.eye_array(n, format="csr")
        s2 = sps.csr_array(s @ s)
        # B² = I − 2δS + δ²S² and M = I − δ(W + W') + δ²W'W on the union of the patterns;
        # should an entry cancel to zero and leave the factor's pattern, inner() says so (None)
        zq = selected_inverse(_combine([(1.0, eye), (-2.0 * delta, s), (delta * delta, s2)]))
        if zq is None:
            return None
        wtw = sps.csr_array(mat.T @ mat)
        if _same(mat, s):
            zm: SelectedInverse | None = zq
        else:
            m = _combine([(1.0, eye), (-delta, mat), (-delta, mat.T), (delta * delta, wtw)])
            zm = selected_inverse(m)
        if zm is None:
            return None
        b = _combine([(1.0, eye), (-delta, s)])
        try:
            return cls(
                delta=float(delta),
                tr_a=zq.inner(b),
                tr_g=zq.inner(sps.csr_array(s @ b)),
                tr_gg=zq.inner(s2),
                tr_gtg=zm.inner(wtw),
                tr_awa=zq.inner(s),
            )
        except ValueError:
            return None


_TRACES: dict[tuple[bytes, float], ExactTraces | None] = {}


def _combine(terms: list[tuple[float, sps.sparray]]) -> sps.csc_array:
    """``Σ c_k X_k`` on the union of the patterns of the ``X_k``."""
    coos = [sps.coo_array(x) for _, x in terms]
    rows = np.concatenate([c.row for c in coos])
    cols = np.concatenate([c.col for c in coos])
    data = np.concatenate([c * x.data for (c, _), x in zip(terms, coos, strict=True)])
    out = sps.csc_array((data, (rows, cols)), shape=coos[0].shape)
    out.sum_duplicates()
    return out


def _same(a: sps.csr_array, b: sps.csr_array) -> bool:
    """Whether two sparse matrices are equal (W already symmetric: S = W, M = B²)."""
    diff = a - b
    return bool(diff.nnz == 0 or float(np.max(np.abs(diff.data))) == 0.0)


@dataclass(frozen=True, eq=False)
class PointTerms:
    """Exact ``(t0, t1, s0, s1)`` of ``A = (I − ρW)⁻¹`` and their ρ-derivatives at given ρ.

    The interface of :meth:`spatialpanel.linalg.spectrum.WeightsSpectrum.terms` for the few ρ
    that the delta method needs (each new ρ costs one :meth:`ExactTraces.at` and one sparse
    LU): ``t0 = tr A``, ``t1 = tr(AW)``, ``s0 = 1'A1``, ``s1 = 1'AW1``; derivatives
    ``tr(AWA)``, ``tr(AWAW)``, ``1'AWA1``, ``1'AWAW1``. W must be similar to a symmetric matrix
    (``scale`` from :func:`spatialpanel.linalg.logdet.symmetric_scale`).
    """

    w: sps.csr_array
    scale: NDArray[np.float64]
    _cache: dict[float, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def n(self) -> int:
        """Number of regions."""
        return int(self.w.shape[0])

    def terms(self, rho: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Values ``(D, 4)`` of (t0, t1, s0, s1) and their ρ-derivatives ``(D, 4)``."""
        rho = np.atleast_1d(np.asarray(rho, dtype=float))
        pairs = [self._at(float(r)) for r in rho]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def _at(self, rho: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if rho not in self._cache:
            from spatialpanel.linalg.logdet import sparse_lu

            tr = ExactTraces.at(self.w, rho, self.scale)
            if tr is None:  # near or beyond the stationarity bound: the dense spectrum
                from spatialpanel.linalg.spectrum import WeightsSpectrum

                vals, ders = WeightsSpectrum.of(self.w).terms(np.array([rho]))
                self._cache[rho] = (vals[0], ders[0])
                return self._cache[rho]
            k = sparse_lu(sps.eye_array(self.n) - rho * self.w, symmetric_like=True)
            ones = np.ones(self.n)
            w1 = self.w @ ones
            u = k.solve(ones)  # A1
            v = k.solve(ones, trans="T")  # A'1
            aw1 = k.solve(w1)  # AW1
            val = np.array([tr.tr_a, tr.tr_g, u.sum(), v @ w1])
            der = np.array([tr.tr_awa, tr.tr_gg, v @ (self.w @ u), v @ (self.w @ aw1)])
            self._cache[rho] = (val, der)
        return self._cache[rho]

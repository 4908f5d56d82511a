"""Random permutations for the permutation tests, generated and used in blocks (memory O(N)).

Each permutation is a Fisher–Yates shuffle driven by uniform draws of the year's generator:
for ``i = n − 1, …, 1`` the element at ``i`` is swapped with the one at ``⌊u_i (i + 1)⌋``,
``u_i ~ U[0, 1)`` from ``rng.random`` (uniform over ``0 … i`` up to 2⁻⁵³; bulk uniform draws are
several times cheaper than numpy's element-by-element bounded integers in
``Generator.permuted``). Permutations are produced ``block`` at a time, so a test with P
permutations of N values holds ``block × N`` numbers instead of ``P × N`` (999 × 100,000 × 8 B =
0.8 GB before). Up to ``_LOOP_LIMIT`` values the swaps are applied by a numpy loop over the
positions, vectorised across the block; above, by a small compiled kernel (numba, compiled on
first use and cached on disk), because a Python loop over N positions would dominate. Both
apply the same draws in the same order: the permutations are identical (tested).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

__all__ = ["BLOCK", "block_size", "conditional_counts", "permuted_blocks", "permuted_quadratic"]

BLOCK = 16
"""Permutations per block (at least: small region sets take more, see :func:`block_size`)."""
_BLOCK_VALUES = 1 << 16
"""Values per block below which the block grows (64k doubles = 512 kB)."""
THREADS = min(2, os.cpu_count() or 1)
"""Worker threads of the compiled global-Moran kernel (the results do not depend on it)."""
_LOOP_LIMIT = 2000
_KERNELS: dict[str, Callable[..., Any]] = {}


def block_size(n: int, permutations: int) -> int:
    """Permutations per block for ``n`` values: :data:`BLOCK`, or more when ``n`` is small (up to
    ``2**16`` values per block), so the loop over positions runs on long rows. The uniform draws
    are taken in the same order whatever the block (``rng.random`` fills row by row), so the
    permutations do not depend on it."""
    return max(BLOCK, min(int(permutations), _BLOCK_VALUES // max(int(n), 1)))


def _numpy_shuffle(buf: NDArray[np.float64], u: NDArray[np.float64]) -> None:
    """Apply the draws ``u`` (b, n − 1) to the rows of ``buf`` (b, n) in place."""
    b, n = buf.shape
    rows = np.arange(b)
    for s in range(n - 1):
        i = n - 1 - s
        j = (u[:, s] * (i + 1)).astype(np.intp)
        tmp = buf[rows, j]
        buf[rows, j] = buf[:, i]
        buf[:, i] = tmp


def _kernels() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The compiled shuffle and the fused shuffle + quadratic form (numba, cached on disk)."""
    if "shuffle" not in _KERNELS:
        import numba

        @numba.njit(cache=True, nogil=True)
        def shuffle(buf: NDArray[np.float64], u: NDArray[np.float64]) -> None:  # pragma: no cover
            b, n = buf.shape
            for r in range(b):
                for s in range(n - 1):
                    i = n - 1 - s
                    j = int(u[r, s] * (i + 1))
                    tmp = buf[r, j]
                    buf[r, j] = buf[r, i]
                    buf[r, i] = tmp

        @numba.njit(cache=True, nogil=True)
        def quadratic(
            x: NDArray[np.float64],
            u: NDArray[np.float64],
            indptr: NDArray[np.int64],
            indices: NDArray[np.int64],
            data: NDArray[np.float64],
        ) -> NDArray[np.float64]:  # pragma: no cover
            b, n1 = u.shape
            n = n1 + 1
            out = np.empty(b)
            buf = np.empty(n)
            for r in range(b):
                buf[:] = x
                for s in range(n1):
                    i = n - 1 - s
                    j = int(u[r, s] * (i + 1))
                    tmp = buf[j]
                    buf[j] = buf[i]
                    buf[i] = tmp
                acc = 0.0
                for i in range(n):
                    row = 0.0
                    for p in range(indptr[i], indptr[i + 1]):
                        row += data[p] * buf[indices[p]]
                    acc += buf[i] * row
                out[r] = acc
            return out

        _KERNELS.update(shuffle=shuffle, quadratic=quadratic)
    return _KERNELS["shuffle"], _KERNELS["quadratic"]


def permuted_quadratic(
    x: NDArray[np.float64],
    w: sps.csr_array,
    rng: np.random.Generator,
    permutations: int,
    *,
    compiled: bool | None = None,
) -> NDArray[np.float64]:
    """``x_π' W x_π`` for ``permutations`` random permutations π (those of
    :func:`permuted_blocks` with the same generator state), without holding them."""
    n = x.size
    use_kernel = n > _LOOP_LIMIT if compiled is None else compiled
    if not use_kernel:
        parts = []
        for perm in permuted_blocks(x, rng, permutations, compiled=False):
            lag = np.asarray(w @ np.ascontiguousarray(perm.T))
            parts.append(np.einsum("ij,ji->i", perm, lag))
        return np.concatenate(parts) if parts else np.empty(0)
    from concurrent.futures import Future, ThreadPoolExecutor

    quadratic = _kernels()[1]
    mat = sps.csr_array(w, dtype=float)
    args = (mat.indptr.astype(np.int64), mat.indices.astype(np.int64), mat.data)
    xf = np.asarray(x, dtype=float)
    out = np.empty(permutations)
    # the draws are made in order in this thread (the stream does not depend on the threads);
    # the compiled kernel releases the GIL, so blocks run on THREADS workers meanwhile
    pending: list[tuple[int, Future[NDArray[np.float64]]]] = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for j0 in range(0, permutations, BLOCK):
            u = rng.random((min(BLOCK, permutations - j0), n - 1))
            pending.append((j0, pool.submit(quadratic, xf, u, *args)))
            while len(pending) > THREADS:
                k0, fut = pending.pop(0)
                res = fut.result()
                out[k0 : k0 + res.size] = res
        for k0, fut in pending:
            res = fut.result()
            out[k0 : k0 + res.size] = res
    return out


def permuted_blocks(
    x: NDArray[np.float64],
    rng: np.random.Generator,
    permutations: int,
    *,
    block: int | None = None,
    compiled: bool | None = None,
) -> Iterator[NDArray[np.float64]]:
    """``permutations`` random permutations of ``x``, as ``(b, n)`` blocks of at most ``block``
    (default :func:`block_size`; the permutations are the same for every block size).

    ``compiled`` forces (True) or avoids (False) the compiled kernel; default: above
    ``_LOOP_LIMIT`` values.
    """
    n = x.size
    block = block_size(n, permutations) if block is None else int(block)
    use_kernel = n > _LOOP_LIMIT if compiled is None else compiled
    for j0 in range(0, permutations, block):
        b = min(block, permutations - j0)
        u = rng.random((b, n - 1))
        buf = np.tile(np.asarray(x, dtype=float), (b, 1))
        if use_kernel:
            _kernels()[0](buf, u)
        else:
            _numpy_shuffle(buf, u)
        yield buf


def _conditional_loop(
    z: NDArray[np.float64],
    indptr: NDArray[np.int64],
    data: NDArray[np.float64],
    observed: NDArray[np.float64],
    tol: NDArray[np.float64],
    ids: NDArray[np.int64],
    scaling: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Counts of simulated local statistics ≥ obs − tol and ≤ obs + tol (see
    :func:`conditional_counts`); plain loops, compiled by numba for large N."""
    n = z.size
    p_count, _ = ids.shape
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    for i in range(n):
        start = indptr[i]
        k = indptr[i + 1] - start
        if k == 0:
            continue
        lo = observed[i] - tol[i]
        hi = observed[i] + tol[i]
        for p in range(p_count):
            acc = 0.0
            for c in range(k):
                j = ids[p, c]
                if j >= i:
                    j += 1
                acc += z[j] * data[start + c]
            sim = scaling * z[i] * acc
            if sim >= lo:
                ge[i] += 1
            if sim <= hi:
                le[i] += 1
    return ge, le


def conditional_counts(
    z: NDArray[np.float64],
    w: sps.csr_array,
    observed: NDArray[np.float64],
    tol: NDArray[np.float64],
    ids: NDArray[np.intp],
    *,
    scaling: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each region i with k_i neighbours, how many of the conditional permutations give a
    local statistic ``scaling · z_i · Σ_k w_ik z_(others)[ids[p, k]]`` (``others``: the other
    regions in order, so position ``j`` is region ``j + (j ≥ i)``) at least ``observed_i −
    tol_i`` and at most ``observed_i + tol_i``. One pass over the permutations per region, no
    P x N array; compiled (numba) above ``_LOOP_LIMIT`` regions, else vectorised per region."""
    n = z.size
    if n > _LOOP_LIMIT:
        if "conditional" not in _KERNELS:
            import numba

            _KERNELS["conditional"] = numba.njit(cache=True, nogil=True)(_conditional_loop)
        ge, le = _KERNELS["conditional"](
            np.asarray(z, dtype=float),
            w.indptr.astype(np.int64),
            np.asarray(w.data, dtype=float),
            np.asarray(observed, dtype=float),
            np.asarray(tol, dtype=float),
            np.ascontiguousarray(ids, dtype=np.int64),
            float(scaling),
        )
        return np.asarray(ge), np.asarray(le)
    ge = np.zeros(n, dtype=np.int64)
    le = np.zeros(n, dtype=np.int64)
    for i in range(n):
        start, stop = w.indptr[i], w.indptr[i + 1]
        if stop == start:
            continue
        idx = ids[:, : stop - start]
        sims = scaling * z[i] * (z[idx + (idx >= i)] @ w.data[start:stop])
        ge[i] = np.count_nonzero(sims >= observed[i] - tol[i])
        le[i] = np.count_nonzero(sims <= observed[i] + tol[i])
    return ge, le

"""Power series of W applied to blocks of probes, fused and on two threads (large N).

The stochastic traces of the information matrix and of the effects apply ``W^k`` to blocks of
8 Rademacher probes for k up to a few dozen and combine the products: the information matrix
accumulates ``G z = Σ_k δ^(k-1) W^k z`` and ``G² z = Σ_k (k-1) δ^(k-2) W^k z``
(:mod:`spatialpanel.models.information`), the effects need the moments ``z'W^k z``
(:mod:`spatialpanel.linalg.traces`). With numpy each term is a sparse product and two or three
passes of vector arithmetic over N x 8 temporaries, bound by memory traffic (N = 1,000,000:
30 s of products and 30 s of arithmetic for the information matrix's 200 probes). The compiled
kernel here does one pass per term: the product ``W v`` row by row, in the order of scipy's
``csr_matvecs`` (so ``W^k z`` are the same numbers), and the accumulations in the same
operations as the numpy code (same results bit for bit, tested). Blocks run on two threads (the
kernel releases the GIL); results are combined in block order, so they do not depend on the
number of threads. Compiled by numba on first use and cached on disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

__all__ = ["THREADS", "series_blocks"]

THREADS = min(2, os.cpu_count() or 1)
"""Blocks processed at once."""
_KERNELS: dict[str, Callable[..., Any]] = {}


def _kernel() -> Callable[..., Any]:
    if "series" not in _KERNELS:
        import numba

        @numba.njit(cache=True, nogil=True)
        def series(  # pragma: no cover
            indptr: NDArray[np.int64],
            indices: NDArray[np.int64],
            data: NDArray[np.float64],
            z: NDArray[np.float64],
            coef_g: NDArray[np.float64],
            coef_gg: NDArray[np.float64],
            moments: bool,
        ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
            # z is (n, 8), C-ordered; the 8 columns are unrolled (8 accumulators per row)
            n = z.shape[0]
            terms = coef_g.size
            zf = z.ravel()
            v = zf.copy()
            nxt = np.empty_like(zf)
            gz = np.zeros_like(zf)
            ggz = np.zeros_like(zf)
            mom = np.zeros((terms, 8))
            for k in range(terms):
                a = coef_g[k]
                b = coef_gg[k]
                m0 = m1 = m2 = m3 = m4 = m5 = m6 = m7 = 0.0
                for i in range(n):
                    r0 = r1 = r2 = r3 = r4 = r5 = r6 = r7 = 0.0
                    for p in range(indptr[i], indptr[i + 1]):
                        w = data[p]
                        q = indices[p] * 8
                        r0 += w * v[q]
                        r1 += w * v[q + 1]
                        r2 += w * v[q + 2]
                        r3 += w * v[q + 3]
                        r4 += w * v[q + 4]
                        r5 += w * v[q + 5]
                        r6 += w * v[q + 6]
                        r7 += w * v[q + 7]
                    o = i * 8
                    nxt[o] = r0
                    nxt[o + 1] = r1
                    nxt[o + 2] = r2
                    nxt[o + 3] = r3
                    nxt[o + 4] = r4
                    nxt[o + 5] = r5
                    nxt[o + 6] = r6
                    nxt[o + 7] = r7
                    if a != 0.0:
                        for c in range(8):
                            gz[o + c] += a * nxt[o + c]
                    if b != 0.0:
                        for c in range(8):
                            ggz[o + c] += b * nxt[o + c]
                    if moments:
                        m0 += zf[o] * r0
                        m1 += zf[o + 1] * r1
                        m2 += zf[o + 2] * r2
                        m3 += zf[o + 3] * r3
                        m4 += zf[o + 4] * r4
                        m5 += zf[o + 5] * r5
                        m6 += zf[o + 6] * r6
                        m7 += zf[o + 7] * r7
                mom[k, 0] = m0
                mom[k, 1] = m1
                mom[k, 2] = m2
                mom[k, 3] = m3
                mom[k, 4] = m4
                mom[k, 5] = m5
                mom[k, 6] = m6
                mom[k, 7] = m7
                v, nxt = nxt, v
            return gz.reshape(n, 8), ggz.reshape(n, 8), mom

        _KERNELS["series"] = series
    return _KERNELS["series"]


def series_blocks(
    w: sps.csr_array,
    blocks: Iterable[tuple[int, NDArray[np.float64]]],
    coef_g: NDArray[np.float64],
    coef_gg: NDArray[np.float64],
    *,
    moments: bool = False,
) -> Iterator[
    tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]
]:
    """For each ``(j0, z)`` of ``blocks``: ``(j0, z, Σ_k a_k W^k z, Σ_k b_k W^k z, moments)``
    with ``a = coef_g``, ``b = coef_gg`` (k = 1, 2, … up to their length) and, with ``moments``,
    the ``(terms, m)`` array of ``z'W^k z`` per probe (else zeros); in block order."""
    from concurrent.futures import Future, ThreadPoolExecutor

    kernel = _kernel()
    mat = sps.csr_array(w, dtype=float)
    args = (mat.indptr.astype(np.int64), mat.indices.astype(np.int64), mat.data)
    cg = np.ascontiguousarray(coef_g, dtype=float)
    cgg = np.ascontiguousarray(coef_gg, dtype=float)
    pending: list[tuple[int, NDArray[np.float64], Future[Any]]] = []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for j0, z in blocks:
            m = z.shape[1]
            if m > 8:
                raise ValueError(f"blocks of at most 8 probes, got {m}")
            if m == 8:
                zc = np.ascontiguousarray(z, dtype=float)
            else:  # a last, narrower block is padded with zeros
                zc = np.zeros((z.shape[0], 8))
                zc[:, :m] = z
            pending.append((j0, z, pool.submit(kernel, *args, zc, cg, cgg, moments)))
            while len(pending) > THREADS:
                yield _result(*pending.pop(0))
        for item in pending:
            yield _result(*item)


def _result(
    j0: int, z: NDArray[np.float64], fut: Any
) -> tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    gz, ggz, mom = fut.result()
    m = z.shape[1]
    return j0, z, gz[:, :m], ggz[:, :m], mom[:, :m]

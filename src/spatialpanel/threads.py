"""The BLAS thread policy of the numerical core: one thread.

Estimation, effects and the spatial autocorrelation tests run their BLAS/LAPACK calls with one
thread (``threadpoolctl.threadpool_limits(1, user_api="blas")`` around each public entry point,
restored afterwards; the caller's own setting is untouched outside). Why:

- **Identical numbers everywhere.** Multi-threaded OpenBLAS splits reductions (dot products,
  matrix-vector products of long vectors) between threads, so the last bits depend on the
  number of threads; through a likelihood search that can move ρ̂ by ~1e-8 when only function
  values locate it. Dask workers run one BLAS thread each, so without this policy a fit on Dask
  differed from the same fit run serially (up to 2.3e-8 observed). With it, a fit gives the same
  bits serially, in a Dask worker, or under any ``OPENBLAS_NUM_THREADS`` (tested).
- **Speed on this kind of machine.** The engine's dense work is small products (N·T × k
  designs, k × k systems) and, up to N = 1,000-3,000, one eigenproblem or dense solve; the large
  work is sparse (SuperLU, sparse products), which is single-threaded anyway. On the 2-core
  machine the fits at N = 3,025 were 15-30 % faster with one BLAS thread, and the occasional 10x
  slow-downs under load (threads of a busy core waiting on each other) disappeared.

Parallelism belongs one level up: many fits at once (:func:`spatialpanel.parallel.run_many`
on Dask) or the compiled permutation kernels of Moran's I (two threads, whose results do not
depend on the number of threads).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

__all__ = ["BLAS_THREADS", "blas_policy", "single_blas"]

BLAS_THREADS = 1
"""BLAS threads inside the numerical core."""

P = ParamSpec("P")
R = TypeVar("R")
_INSIDE = threading.local()


@contextmanager
def blas_policy() -> Iterator[None]:
    """Run the enclosed code with ``BLAS_THREADS`` BLAS threads (threadpoolctl).

    Nested uses in the same thread cost nothing: only the outermost one asks threadpoolctl
    (which inspects the loaded libraries, ~10 ms a time) to set and later restore the limit.
    """
    if getattr(_INSIDE, "depth", 0):
        _INSIDE.depth += 1
        try:
            yield
        finally:
            _INSIDE.depth -= 1
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        _INSIDE.depth = 1
        try:
            yield
        finally:
            _INSIDE.depth = 0


def single_blas(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a public entry point with :func:`blas_policy`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with blas_policy():
            return func(*args, **kwargs)

    return wrapper

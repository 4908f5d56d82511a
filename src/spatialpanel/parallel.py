"""Many independent fits (robustness grids, Monte Carlo replications), serially or through Dask.

:func:`run_many` applies one function to a list of tasks. Each task receives its own seed, derived
from ``seed`` and the task's position only (``numpy.random.SeedSequence(seed).spawn``), so the
results are identical whether the tasks run serially, in local processes or on a Dask cluster,
and whatever order they finish in. On Dask every task also runs with the caller's sparse
factorisation backend (:data:`spatialpanel.linalg.factor.BACKEND`, ``"auto"`` resolved in the
caller): CHOLMOD and SuperLU agree to ~1e-15 only, and a worker process would otherwise choose
by itself (a setting made in the caller's process, or a worker without the optional CHOLMOD
binding, would change the last bits). The BLAS threads follow :mod:`spatialpanel.threads`.

Dask is optional (``pip install "spatialpanel[dask]"``): ``backend="serial"`` needs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import numpy as np

from spatialpanel.errors import ConfigError, did_you_mean

__all__ = ["Backend", "run_many", "task_seeds"]

Backend = Literal["serial", "dask"]
_BACKENDS = ("serial", "dask")
T = TypeVar("T")
R = TypeVar("R")


def task_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent 63-bit seeds spawned from ``seed`` (the same for every backend)."""
    children = np.random.SeedSequence(int(seed)).spawn(int(n))
    return [int(c.generate_state(2, dtype=np.uint32).view(np.uint64)[0] >> 1) for c in children]


def run_many(
    func: Callable[[T, int], R],
    tasks: Sequence[T],
    *,
    seed: int = 0,
    backend: Backend = "serial",
    scheduler: str | None = None,
    client: Any | None = None,
) -> list[R]:
    """Apply ``func(task, task_seed)`` to every task; results in the order of ``tasks``.

    Parameters
    ----------
    func
        A function of (task, seed) returning a picklable result (e.g. a small dict or a
        results object). It must take all its randomness from the seed it is given, and be
        importable by the workers (defined at module level, not in ``__main__`` or a lambda,
        when the workers are separate processes).
    tasks
        The tasks, e.g. ``(weights name, model kind)`` pairs or replication numbers.
    seed
        Master seed; task i gets ``task_seeds(seed, len(tasks))[i]``.
    backend
        ``"serial"`` (default) or ``"dask"``.
    scheduler
        With ``backend="dask"``: the address of a running Dask distributed scheduler (e.g.
        ``"tcp://10.0.0.5:8786"``); when omitted (and no ``client``), a local cluster of
        processes (one per core, one thread each) is started for the call and closed
        afterwards.
    client
        An existing ``dask.distributed.Client`` to use instead.

    Returns
    -------
    list
        ``func``'s results, in the order of ``tasks``.
    """
    if backend not in _BACKENDS:
        raise ConfigError(
            f"backend={backend!r} is not known; use one of {_BACKENDS}."
            + did_you_mean(str(backend), _BACKENDS)
        )
    items = list(tasks)
    seeds = task_seeds(seed, len(items))
    if backend == "serial":
        if scheduler is not None or client is not None:
            raise ConfigError("scheduler/client apply to backend='dask'; drop them or use it.")
        return [func(task, s) for task, s in zip(items, seeds, strict=True)]
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(
            'backend="dask" needs dask.distributed; install it with pip install '
            '"spatialpanel[dask]" or use backend="serial".'
        ) from exc
    if client is not None:
        return _gather(client, func, items, seeds)
    if scheduler is not None:
        with Client(scheduler) as own:
            return _gather(own, func, items, seeds)
    # one thread per worker process (the numerical core holds the GIL and runs one BLAS thread);
    # the dashboard on a free port, so that a busy 8787 is no error
    with (
        LocalCluster(processes=True, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as own,
    ):
        return _gather(own, func, items, seeds)


def _factor_backend() -> str:
    """This process's factorisation backend, ``"auto"`` resolved to what it picks here."""
    from spatialpanel.linalg import factor

    if factor.BACKEND != "auto":
        return str(factor.BACKEND)
    return "cholmod" if factor.cholmod_available() else "superlu"


@dataclass(frozen=True)
class _Pinned(Generic[T, R]):
    """``func`` run with the caller's factorisation backend (picklable for the workers)."""

    func: Callable[[T, int], R]
    backend: str

    def __call__(self, task: T, seed: int) -> R:
        from spatialpanel.linalg import factor

        before = factor.BACKEND
        factor.BACKEND = self.backend  # type: ignore[assignment]
        try:
            return self.func(task, seed)
        finally:
            factor.BACKEND = before


def _gather(client: Any, func: Callable[[T, int], R], items: list[T], seeds: list[int]) -> list[R]:
    pinned = _Pinned(func, _factor_backend())
    futures = client.map(pinned, items, seeds, pure=False)
    return list(client.gather(futures))

"""The Dask path of ``spatialpanel.parallel.run_many`` gives the serial results (same seeds).

Reference: the serial run of the same function in the same process (identity is the claim).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spatialpanel.errors import ConfigError
from spatialpanel.parallel import run_many, task_seeds


def _fit_task(task: tuple[str, str], seed: int) -> dict[str, float]:
    """One cell of a robustness grid: a generated panel, one W and one model."""
    from spatialpanel.models.model import SpatialPanelModel
    from spatialpanel.weights.core import SpatialWeights

    wname, model = task
    n, t = 49, 5
    side = 7
    a = np.zeros((n, n))
    for i in range(n):
        r, c = divmod(i, side)
        for dr, dc in ((0, 1), (1, 0)) + (((1, 1), (1, -1)) if wname == "queen" else ()):
            rr, cc = r + dr, c + dc
            if 0 <= rr < side and 0 <= cc < side:
                a[i, rr * side + cc] = a[rr * side + cc, i] = 1.0
    w = SpatialWeights.from_array(a)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n * t)
    y = 0.8 * x + rng.standard_normal(n * t)
    idx = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame({"y": y, "x": x}, index=idx)
    res = SpatialPanelModel(data, y="y", x=["x"], w=w, model=model).fit()  # type: ignore[arg-type]
    return {"x": float(res.params["x"]), "loglik": res.loglik, "se_x": float(res.std_errors["x"])}


TASKS = [(wn, m) for wn in ("rook", "queen") for m in ("sar", "sdm", "sem")]


def test_task_seeds_depend_only_on_seed_and_position() -> None:
    a, b = task_seeds(7, 5), task_seeds(7, 8)
    assert a == b[:5]
    assert len(set(b)) == 8
    assert task_seeds(8, 5) != a


def test_dask_local_cluster_matches_serial() -> None:
    distributed = pytest.importorskip("dask.distributed")
    serial = run_many(_fit_task, TASKS, seed=3)
    with (
        distributed.LocalCluster(processes=False, n_workers=2, threads_per_worker=1) as cluster,
        distributed.Client(cluster) as client,
    ):
        parallel = run_many(_fit_task, TASKS, seed=3, backend="dask", client=client)
    assert parallel == serial  # bit-identical


def _panel_fit(task: int, seed: int) -> list[float]:
    """A fit where multi-threaded BLAS changes the last bits (N·T = 12,000: long dot products):
    estimates, standard errors, log-likelihood and delta-method effects."""
    from tests.test_bounds_lazy import _panel

    data, ws = _panel(400, 30, 0.4, error=False, seed=seed % 1000)
    from spatialpanel.models.model import SpatialPanelModel

    res = SpatialPanelModel(data, y="y", x=["x1", "x2"], w=ws, model="sdm", effects="twoway").fit()
    eff = res.impacts(method="delta")
    return [*res.params, *res.std_errors, res.loglik, *eff.to_numpy().ravel()]


def test_fit_is_the_same_whatever_the_blas_threads() -> None:
    """The thread policy (spatialpanel.threads): one BLAS thread inside the fit, so a caller's
    two-thread setting gives the bits of a one-thread run (without the policy they differed
    by ~4e-12 here)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        two = _panel_fit(0, 11)
    with threadpool_limits(limits=1, user_api="blas"):
        one = _panel_fit(0, 11)
    assert two == one


def test_dask_worker_processes_match_serial() -> None:
    """A LocalCluster of worker processes (one BLAS thread each, as Dask sets them up) gives the
    serial results bit for bit, also for fits large enough for BLAS threading to matter; the
    caller's factorisation backend (SuperLU here, set in conftest.py) travels to the workers,
    which would otherwise pick CHOLMOD where cvxopt is installed."""
    distributed = pytest.importorskip("dask.distributed")
    tasks = [0, 1]
    serial = run_many(_panel_fit, tasks, seed=4)
    with (
        distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1) as cluster,
        distributed.Client(cluster) as client,
    ):
        parallel = run_many(_panel_fit, tasks, seed=4, backend="dask", client=client)
    assert parallel == serial


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="backend='dask'"):
        run_many(_fit_task, TASKS, backend="serial", scheduler="tcp://x:1")
    with pytest.raises(ConfigError, match="not known"):
        run_many(_fit_task, TASKS, backend="daks")  # type: ignore[arg-type]


def test_nested_blas_policies_keep_one_thread_and_restore_the_callers() -> None:
    """Only the outermost policy sets the limit; inside nested ones BLAS stays at one thread,
    and the caller's setting is back afterwards."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from spatialpanel.threads import blas_policy

    def blas_threads() -> set[int]:
        return {int(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with blas_policy():
            assert blas_threads() == {1}
            with blas_policy():
                assert blas_threads() == {1}
            assert blas_threads() == {1}
        assert blas_threads() == before

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


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="backend='dask'"):
        run_many(_fit_task, TASKS, backend="serial", scheduler="tcp://x:1")
    with pytest.raises(ConfigError, match="not known"):
        run_many(_fit_task, TASKS, backend="daks")  # type: ignore[arg-type]

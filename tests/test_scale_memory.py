"""No dense N x N matrix in the random-effects models, the LM tests and Hausman at large N.

Each test runs the large-N path under :mod:`tracemalloc` and asserts a peak far below one dense
N x N float64 matrix (N² x 8 bytes: 3.2 GB at N = 20,000), plus sanity of the numbers against
the known data-generating process (ρ = 0.4, β = (1, 1, -0.5)) of
:func:`tests.test_scale_reference.medium_panel`. The graph is a union of 10 x 10 rook lattices
("districts"), so that the sparse factorisations and the extreme eigenvalues stay cheap and the
test fast; the memory use does not depend on that choice. Numbers of these paths are checked
against the dense implementation in ``tests/test_scale_reference.py``.
"""

from __future__ import annotations

import time
import tracemalloc
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps

import spatialpanel as sp
from spatialpanel.inference.hausman import hausman
from spatialpanel.inference.lm import bsk_tests, lm_tests, residual_moran
from spatialpanel.linalg.logdet import logdet
from spatialpanel.models.design import panel_arrays
from spatialpanel.models.random import fit_random
from spatialpanel.weights.core import SpatialWeights
from tests.test_scale_reference import lattice

X = ["x1", "x2"]


def district_panel(blocks: int, t: int, seed: int = 7) -> tuple[pd.DataFrame, SpatialWeights]:
    """``blocks`` districts of 10 x 10 rook lattices; y_lag = (I - 0.4W)⁻¹(1 + x1 - 0.5x2 + μ + ε)
    with μ ~ N(0, 0.5²) + 0.3·mean(x1), ε ~ N(0, 1)."""
    from scipy.sparse.linalg import splu

    a = sps.csr_array(sps.block_diag([lattice(10)] * blocks, format="csr"))
    n = a.shape[0]
    w = SpatialWeights.from_sparse(a, ids=[f"d{i:06d}" for i in range(n)])
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal((t, n)) + rng.standard_normal(n)[None, :]
    x2 = rng.standard_normal((t, n))
    mu = 0.5 * rng.standard_normal(n) + 0.3 * x1.mean(axis=0)
    eps = rng.standard_normal((t, n))
    lu = splu(sps.csc_array(sps.eye_array(n) - 0.4 * w.sparse))
    y = np.asarray(lu.solve(np.ascontiguousarray((1 + x1 - 0.5 * x2 + mu + eps).T))).T
    index = pd.MultiIndex.from_product([w.ids, range(1, t + 1)], names=["region", "year"])
    frame = pd.DataFrame(
        {"y_lag": y.T.ravel(), "x1": x1.T.ravel(), "x2": x2.T.ravel()}, index=index
    )
    return frame, w


def _stub(params: list[float], variances: list[float], spec: Any, w: SpatialWeights) -> Any:
    """What :func:`hausman` and :func:`mundlak_test` read from a fit (params, cov, spec, w)."""
    names = pd.Index(["x1", "x2", "rho"])
    cov = pd.DataFrame(np.diag(variances), index=names, columns=names)
    return SimpleNamespace(params=pd.Series(params, index=names), cov=cov, spec=spec, w=w)


def _peak(fn: Any) -> tuple[Any, float, float]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return out, peak / 1e6, time.perf_counter() - start


@pytest.fixture(scope="module")
def big() -> tuple[pd.DataFrame, SpatialWeights]:
    return district_panel(200, 4)  # N = 20,000, T = 4


def test_random_effects_sar_fit_at_n_20000(big: tuple[pd.DataFrame, SpatialWeights]) -> None:
    """RE SAR estimation (sparse LU log-determinants, θ profiled on cross products): memory
    linear in N·T; the estimates recover the DGP (N·T = 80,000: standard errors ≈ 0.005)."""
    data, w = big
    model = sp.SpatialPanelModel(data, y="y_lag", x=X, w=w, model="sar", effects="random")
    arr = panel_arrays(data, w, model.spec)

    def run() -> Any:
        ld = logdet(arr.wmat)
        return ld, fit_random(arr, model.spec, ld)

    (ld, est), peak, _ = _peak(run)
    n = arr.n
    assert n == 20_000 and ld.method == "lu"
    assert peak < 60, f"peak {peak:.0f} MB (a dense N x N matrix is {n * n * 8 / 1e6:.0f} MB)"
    assert est.rho == pytest.approx(0.4, abs=0.02)
    # x2 is exogenous; x1 is correlated with μ, so its RE estimate is biased upwards
    assert est.coef[2] == pytest.approx(-0.5, abs=0.03)
    assert 1.02 < est.coef[1] < 1.3
    assert 0.0 < est.theta < 1.0


def test_lm_tests_and_mundlak_at_n_20000(big: tuple[pd.DataFrame, SpatialWeights]) -> None:
    """LM tests (all demeanings), residual Moran, BSK and the Hausman/Mundlak test at
    N = 20,000 by sparse products and exact sparse traces only."""
    data, w = big
    spec = sp.SpatialPanelModel(data, y="y_lag", x=X, w=w, model="sar", effects="entity").spec
    fe = _stub([1.0, -0.5, 0.4], [1e-4, 1e-4, 1e-5], spec, w)
    re = _stub([1.01, -0.5, 0.41], [2e-4, 1e-4, 1e-5], spec, w)

    def run() -> Any:
        lm = {
            e: lm_tests(data, y="y_lag", x=X, w=w, effects=e)
            for e in ("pooled", "entity", "time", "twoway")
        }
        moran = residual_moran(data, y="y_lag", x=X, w=w, effects="twoway")
        bsk = bsk_tests(data, y="y_lag", x=X, w=w)
        return lm, moran, bsk, hausman(fe, re, data=data)

    (lm, moran, bsk, haus), peak, _ = _peak(run)
    assert peak < 60, f"peak {peak:.0f} MB"
    for table in lm.values():
        assert np.all(np.isfinite(table["statistic"]))
        assert table.loc["LM_lag", "statistic"] > 100  # ρ = 0.4 in the DGP
    assert moran.statistic > 0 and moran.z > 10
    assert np.all(np.isfinite(bsk["statistic"]))
    # μ is correlated with mean(x1): random effects are rejected
    mundlak = haus.mundlak
    assert not haus.classic.valid and mundlak is not None and haus.preferred is mundlak
    assert mundlak.valid and mundlak.df == 2 and mundlak.pvalue < 1e-6


def test_full_fits_and_hausman_above_the_dense_limits() -> None:
    """The whole user path — RE and FE SAR fits with standard errors (GOperator above its dense
    limit of 3,000: sparse LU and Hutchinson traces) and Hausman with the data — at N = 3,600:
    peak far below one dense N x N matrix (104 MB)."""
    data, w = district_panel(36, 4, seed=11)

    def run() -> Any:
        re = sp.SpatialPanelModel(data, y="y_lag", x=X, w=w, model="sar", effects="random").fit()
        fe = sp.SpatialPanelModel(data, y="y_lag", x=X, w=w, model="sar", effects="entity").fit()
        return re, fe, hausman(fe, re, data=data)

    (re, fe, haus), peak, _ = _peak(run)
    assert peak < 40, f"peak {peak:.0f} MB"
    assert re.params["rho"] == pytest.approx(0.4, abs=0.03)
    assert fe.params["rho"] == pytest.approx(0.4, abs=0.03)
    assert np.all(np.isfinite(re.std_errors)) and np.all(np.isfinite(fe.std_errors))
    assert haus.preferred.pvalue < 1e-6

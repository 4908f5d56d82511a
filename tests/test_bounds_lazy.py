"""Bounds without eigenvalue searches: the known range (-1/r, 1/r) gives the same ρ̂ as the
eagerly computed stationarity interval (1/ω_min, 1/ω_max).

Above N = 1,000 (sparse LU) the search for a non-negative W runs on (-1/r, 1/r), r = ω_max its
spectral radius (1 without any search for a row-stochastic W), and ω_min is searched only when
the estimate comes within a quarter of that range of -1/r (lag models with fixed effects: only
at the end itself, because there the likelihood is proved increasing left of -1/r). These tests
fit each model twice, with the lazy bounds and with ``LAZY_BOUNDS = False`` (the eager ARPACK
search of both ends, as before), and compare ρ̂/λ̂: at N ≤ 3,000 the exact derivative pins
both to rounding (1e-12). They also count the eigenvalue searches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps
import scipy.sparse.linalg as spla

import spatialpanel.linalg.logdet as ldmod
from spatialpanel.models.engine import concentrated_max
from spatialpanel.models.model import SpatialPanelModel
from spatialpanel.weights.core import SpatialWeights
from tests.graphs import delaunay, simulate_dynamic


def _panel(n: int, t: int, rho: float, *, error: bool, seed: int = 11) -> tuple[Any, Any]:
    """A seeded panel on the row-standardised Delaunay graph of n points (SAR or SEM DGP)."""
    ws = SpatialWeights.from_sparse(delaunay(n, seed=5), ids=pd.RangeIndex(n), transform="row")
    w = ws.sparse
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((t, n, 2))
    mu = rng.standard_normal(n)
    lu = spla.splu(sps.csc_array(sps.eye_array(n) - rho * w))
    ys = []
    for s in range(t):
        e = rng.standard_normal(n)
        xb = x[s] @ [1.0, -0.5] + (w @ x[s]) @ [0.3, 0.2] + mu
        ys.append(xb + lu.solve(e) if error else lu.solve(xb + e))
    y = np.stack(ys)
    idx = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame(
        {"y": y.ravel(), "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}, index=idx
    )
    return data, ws


def _count_searches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = ldmod._smallest_real

    def counted(*args: Any) -> float:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(ldmod, "_smallest_real", counted)
    return calls


def _both(monkeypatch: pytest.MonkeyPatch, fit: Callable[[], Any]) -> tuple[Any, Any, int, int]:
    calls = _count_searches(monkeypatch)
    lazy = fit()
    n_lazy = len(calls)
    monkeypatch.setattr(ldmod, "LAZY_BOUNDS", False)
    eager = fit()
    return lazy, eager, n_lazy, len(calls) - n_lazy


@pytest.mark.parametrize(
    ("model", "effects", "rho", "error"),
    [
        ("sar", "entity", 0.4, False),
        ("sdm", "twoway", 0.4, False),
        ("sem", "twoway", 0.5, True),
        ("sdem", "entity", 0.5, True),
        ("sar", "random", 0.4, False),
    ],
)
def test_lazy_bounds_give_the_eager_estimate(
    monkeypatch: pytest.MonkeyPatch, model: str, effects: str, rho: float, error: bool
) -> None:
    """N = 1,200 (sparse LU): same ρ̂/λ̂ to 1e-12, no eigenvalue search on the lazy path."""
    data, ws = _panel(1200, 4, rho, error=error)

    def fit() -> Any:
        return SpatialPanelModel(
            data, y="y", x=["x1", "x2"], w=ws, model=model, effects=effects
        ).fit()

    lazy, eager, n_lazy, n_eager = _both(monkeypatch, fit)
    assert lazy.logdet_method == "lu"
    assert n_lazy == 0 and n_eager == 1
    assert lazy.spatial_bounds == (-1.0, 1.0)
    assert eager.spatial_bounds[0] < -1.0
    key = "rho" if "rho" in lazy.params.index else "lambda"
    assert abs(lazy.params[key] - eager.params[key]) < 1e-12
    np.testing.assert_allclose(lazy.params, eager.params, rtol=0, atol=1e-10)


def test_negative_estimate_near_the_bound_searches_the_full_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A SEM with λ = -0.9: λ̂ lies in the left quarter of (-1, 1), so ω_min is searched and
    the fit is the one on the full interval (the eager fit's, to rounding)."""
    data, ws = _panel(1200, 4, -0.9, error=True)

    def fit() -> Any:
        return SpatialPanelModel(
            data, y="y", x=["x1", "x2"], w=ws, model="sem", effects="entity"
        ).fit()

    lazy, eager, n_lazy, _ = _both(monkeypatch, fit)
    assert n_lazy == 1
    assert lazy.spatial_bounds == eager.spatial_bounds
    assert lazy.params["lambda"] < -0.5
    assert abs(lazy.params["lambda"] - eager.params["lambda"]) < 1e-12


def test_dynamic_model_lazy_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dynamic SDM (Lee-Yu correction), N = 1,089: same estimates and the same stability
    radius without the ω_min search (the radius is decided at ω = 1 here)."""
    side = 33
    from tests.graphs import rook_grid

    a = rook_grid(side, side)
    data = simulate_dynamic(a, periods=6, seed=3)
    w = SpatialWeights.from_sparse(a, ids=list(range(side * side)), transform="row")

    def fit() -> Any:
        return SpatialPanelModel(
            data, y="y", x=["x"], w=w, model="sdm", effects="twoway", dynamic=True
        ).fit(bias_correction="lee-yu")

    lazy, eager, n_lazy, _ = _both(monkeypatch, fit)
    assert n_lazy == 0
    np.testing.assert_allclose(lazy.params, eager.params, rtol=0, atol=1e-10)
    assert lazy.stability.spectral_radius == pytest.approx(
        eager.stability.spectral_radius, abs=1e-12
    )


def test_extension_redoes_the_search_on_the_full_interval() -> None:
    """A function whose maximum (-1.5) lies left of the known range (-1, 1): the search on
    (-1, 1) ends at its left end, ``extend`` is called and the maximum is found."""
    calls: list[int] = []

    def extend() -> tuple[float, float]:
        calls.append(1)
        return (-2.0, 1.0)

    x, _ = concentrated_max(lambda r: -((r + 1.5) ** 2), (-1.0, 1.0), what="rho", extend=extend)
    assert calls == [1]
    assert x == pytest.approx(-1.5, abs=1e-7)
    x2, _ = concentrated_max(lambda r: -((r - 0.3) ** 2), (-1.0, 1.0), what="rho", extend=extend)
    assert calls == [1]  # far from the left end: no extension
    assert x2 == pytest.approx(0.3, abs=1e-7)

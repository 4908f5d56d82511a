"""Degenerate designs are refused by name, not fitted into numbers with stars (issue 15 §8).

Before: two regions (or a W linking every region to every other) with time effects gave
σ² = 5.6e-18, R² = 1, ρ = −1 with z = −1.9e8 (SEM), a ZeroDivisionError (SAR) or a
LinAlgError (two-way SEM); lm_tests gave robust LM = inf (p = 0) or NaN, and on an exact fit
LM-lag 8.37, p = 0.004 from rounding noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import EstimationError
from spatialpanel.inference.lm import lm_tests, residual_moran
from spatialpanel.weights.core import SpatialWeights


def _panel(n: int, t: int = 8, seed: int = 0) -> tuple[pd.DataFrame, SpatialWeights]:
    """y = 1 + 0.5x + noise; W the row-standardised complete graph of n regions."""
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n)]
    idx = pd.MultiIndex.from_product([ids, range(2000, 2000 + t)], names=["region", "year"])
    x = rng.normal(size=n * t)
    frame = pd.DataFrame({"y": 1 + 0.5 * x + rng.normal(size=n * t), "x": x}, index=idx)
    w = SpatialWeights.from_array(np.ones((n, n)) - np.eye(n), ids=ids).transformed("row")
    return frame, w


@pytest.mark.parametrize("n", [2, 5])
@pytest.mark.parametrize(("model", "param"), [("sar", "rho"), ("sem", "lambda")])
@pytest.mark.parametrize("effects", ["time", "twoway"])
def test_spatial_parameter_not_identified_with_time_effects(
    n: int, model: str, param: str, effects: str
) -> None:
    data, w = _panel(n)
    m = sp.SpatialPanelModel(data, y="y", x=["x"], w=w, model=model, effects=effects)
    with pytest.raises(EstimationError, match=rf"{param} is not identified.*{effects} effects"):
        m.fit()


@pytest.mark.parametrize("model", ["sar", "sem"])
def test_the_same_data_with_entity_effects_is_fitted(model: str) -> None:
    """Not a blanket refusal: without time effects W does not act as a scalar on the data."""
    data, w = _panel(5)
    res = sp.SpatialPanelModel(data, y="y", x=["x"], w=w, model=model, effects="entity").fit()
    assert res.sigma2 > 0.1 and np.all(np.isfinite(res.std_errors))


def test_sdm_names_the_collinear_durbin_term() -> None:
    data, w = _panel(2)
    m = sp.SpatialPanelModel(data, y="y", x=["x"], w=w, model="sdm", effects="twoway")
    with pytest.raises(EstimationError, match=r"collinear.*'x', 'W\*x'"):
        m.fit()


@pytest.mark.parametrize("n", [2, 5])
@pytest.mark.parametrize("effects", ["time", "twoway"])
def test_lm_tests_refuse_an_unidentified_lag(n: int, effects: str) -> None:
    data, w = _panel(n)
    with pytest.raises(EstimationError, match="rho tested by the LM tests is not identified"):
        lm_tests(data, y="y", x=["x"], w=w, effects=effects)  # type: ignore[arg-type]
    with pytest.raises(EstimationError, match="not identified"):
        residual_moran(data, y="y", x=["x"], w=w, effects=effects)  # type: ignore[arg-type]


@pytest.mark.parametrize("effects", ["pooled", "twoway"])
def test_lm_tests_refuse_an_exact_fit(effects: str) -> None:
    data, _ = _panel(6, seed=3)
    data["y"] = 2.0 * data["x"] + 1.0
    ring = np.zeros((6, 6))
    for i in range(6):
        ring[i, (i + 1) % 6] = ring[(i + 1) % 6, i] = 1.0
    w = SpatialWeights.from_array(ring, ids=[f"r{i}" for i in range(6)]).transformed("row")
    with pytest.raises(EstimationError, match="'y' leaves no residual variance"):
        lm_tests(data, y="y", x=["x"], w=w, effects=effects)  # type: ignore[arg-type]


def test_robust_lm_undefined_when_the_lagged_fit_is_in_the_span() -> None:
    """Pooled OLS on a regressor that varies only over time: W·x = x (row-standardised W), so
    M·W·Xβ̂ = 0, J = T_W and the robust statistics would divide by zero (were inf)."""
    data, _ = _panel(6, seed=4)
    years = data.index.get_level_values("year").to_numpy()
    data["x"] = (years - 2003.5) ** 2
    ring = np.zeros((6, 6))
    for i in range(6):
        ring[i, (i + 1) % 6] = ring[(i + 1) % 6, i] = 1.0
    w = SpatialWeights.from_array(ring, ids=[f"r{i}" for i in range(6)]).transformed("row")
    with pytest.raises(EstimationError, match="robust LM tests are not defined"):
        lm_tests(data, y="y", x=["x"], w=w, effects="pooled")


def test_near_exact_but_genuine_fit_is_kept() -> None:
    """A tiny but genuine residual variance (noise 1e-4 of y's scale, R² ≈ 1 − 1e-8) is fitted."""
    data, w = _panel(6, seed=5)
    rng = np.random.default_rng(9)
    data["y"] = 1.0 + 3.0 * data["x"] + 1e-4 * rng.normal(size=len(data))
    ring = np.zeros((6, 6))
    for i in range(6):
        ring[i, (i + 1) % 6] = ring[(i + 1) % 6, i] = 1.0
    w = SpatialWeights.from_array(ring, ids=w.ids).transformed("row")
    res = sp.SpatialPanelModel(data, y="y", x=["x"], w=w, model="sar", effects="entity").fit()
    assert res.sigma2 == pytest.approx(1e-8, rel=0.5)
    assert lm_tests(data, y="y", x=["x"], w=w, effects="entity")["statistic"].notna().all()

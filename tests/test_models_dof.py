"""A panel too small for the model is refused by name before estimation (no degenerate fit,
no RuntimeWarning from a zero-degree-of-freedom σ²)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError


def _panel(n: int, t: int) -> tuple[pd.DataFrame, sp.SpatialWeights]:
    rng = np.random.default_rng(1)
    ids = [f"r{i}" for i in range(n)]
    a = np.zeros((n, n))
    for i in range(n - 1):
        a[i, i + 1] = a[i + 1, i] = 1.0
    idx = pd.MultiIndex.from_product([ids, range(2000, 2000 + t)], names=["id", "year"])
    cols = {c: rng.normal(size=n * t) for c in ("y", "x1", "x2")}
    return pd.DataFrame(cols, index=idx), sp.SpatialWeights.from_array(a, ids=ids)


def test_entity_sdm_without_degrees_of_freedom_is_refused() -> None:
    # N = 5, T = 2: 10 observations, 5 entity effects, 4 coefficients + ρ -> 0 left
    data, w = _panel(5, 2)
    with pytest.raises(ConfigError, match=r"N = 5 regions × T = 2 periods = 10 observations.*"
                       r"5 fixed effects and 5 parameters, which leaves 0 degrees"):  # fmt: skip
        sp.SpatialPanelModel(data, y="y", x=["x1", "x2"], w=w, model="sdm", effects="entity")


def test_one_degree_of_freedom_is_accepted() -> None:
    # N = 5, T = 3 with SAR: 15 - 5 - (2 + 1) = 7 left; N = 6, T = 2 with SDM: 12 - 6 - 5 = 1
    data, w = _panel(5, 3)
    sp.SpatialPanelModel(data, y="y", x=["x1", "x2"], w=w, model="sar", effects="entity")
    data, w = _panel(6, 2)
    sp.SpatialPanelModel(data, y="y", x=["x1", "x2"], w=w, model="sdm", effects="entity")


def test_dynamic_model_counts_the_lost_period_and_the_lags() -> None:
    # N = 4, T = 3 dynamic two-way SDM: 2 periods, 4 + 2 - 1 = 5 effects, 2 lags + 4 + ρ = 7
    data, w = _panel(4, 3)
    with pytest.raises(ConfigError, match=r"T = 2 periods = 8 observations.*leaves -4 degrees"):
        sp.SpatialPanelModel(
            data, y="y", x=["x1", "x2"], w=w, model="sdm", effects="twoway", dynamic=True
        )

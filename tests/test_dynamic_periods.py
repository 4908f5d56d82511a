"""The time order a dynamic model lags along: text years sort by value, gaps are refused.

Found in review: periods "1".."12" were sorted as text (1, 10, 11, 12, 2, …) and a missing year
let y(t-1) reach across the gap, both silently. Reference: the same fit on integer years
(cigarette panel, tests/test_dynamic.py's uncorrected QML values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError, DataError
from tests.cigar import cigar_data, cigar_weights

ARGS = {"y": "logc", "x": ["logp", "logy"], "model": "sdm", "effects": "twoway", "dynamic": True}


def _relabel(data: pd.DataFrame, f: object) -> pd.DataFrame:
    return data.rename(index=f, level=1)  # type: ignore[call-overload]


def test_text_years_are_ordered_by_value_not_as_text() -> None:
    data, w = cigar_data(), cigar_weights()
    ref = sp.SpatialPanelModel(data, w=w, **ARGS).fit(bias_correction="none")
    text = _relabel(data, lambda y: str(int(y) - 1962))  # "1" … "30"
    res = sp.SpatialPanelModel(text, w=w, **ARGS).fit(bias_correction="none")
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), atol=1e-10)
    assert res.params["logc(t-1)"] == pytest.approx(0.823591, abs=1e-6)  # benchmarks.md


def test_a_missing_year_is_refused_by_name() -> None:
    data, w = cigar_data(), cigar_weights()
    gap = data[data.index.get_level_values(1) != 1975]
    with pytest.raises(DataError, match=r"1974 is followed by 1976 \(step 2, elsewhere 1\)"):
        sp.SpatialPanelModel(gap, w=w, **ARGS)
    # the static model on the same panel is fine (no lag reaches across the gap)
    static = {k: v for k, v in ARGS.items() if k != "dynamic"}
    sp.SpatialPanelModel(gap, w=w, **static)


def test_text_periods_that_are_not_numbers_are_refused_for_dynamic_models() -> None:
    data, w = cigar_data(), cigar_weights()
    text = _relabel(data, lambda y: f"y{int(y)}")
    with pytest.raises(DataError, match="text whose order and spacing cannot be checked"):
        sp.SpatialPanelModel(text, w=w, **ARGS)


def test_mixed_period_types_are_refused() -> None:
    data, w = cigar_data(), cigar_weights()
    mixed = _relabel(data, lambda y: str(int(y)) if int(y) < 1970 else int(y))
    with pytest.raises(DataError, match="mix types"):
        sp.SpatialPanelModel(mixed, w=w, y="logc", x=["logp"], model="sar", effects="entity")


def test_degrees_of_freedom_count_only_the_lags_in_the_model() -> None:
    # N = 4 (a ring), T = 3, entity SAR with x1: 2 periods x 4 = 8 observations, 4 effects;
    # one lag: x1, τ, ρ = 3 parameters, 1 left (accepted); both lags: 4, none left (refused)
    ids = ["a", "b", "c", "d"]
    ring = np.roll(np.eye(4), 1, axis=1) + np.roll(np.eye(4), -1, axis=1)
    w = sp.SpatialWeights.from_array(ring, ids=ids)
    idx = pd.MultiIndex.from_product([ids, [2001, 2002, 2003]], names=["id", "year"])
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"y": rng.normal(size=12), "x1": rng.normal(size=12)}, index=idx)
    args = {"y": "y", "x": ["x1"], "w": w, "model": "sar", "effects": "entity", "dynamic": True}
    sp.SpatialPanelModel(data, lags=("time",), **args)
    with pytest.raises(ConfigError, match=r"8 observations.*4 fixed effects and 4 parameters"):
        sp.SpatialPanelModel(data, lags=("time", "spacetime"), **args)

"""Equivariance properties of the ML engine (hand-derivable, hypothesis-driven).

For y → c·y (c > 0): coefficients and their standard errors scale by c, ρ/λ and its standard
error do not change, σ² scales by c², logL shifts by -NT·ln c. For x_k → c·x_k: β_k and θ_k scale
by 1/c. Adding a region-specific constant to y does not change an entity- or two-way-effects fit.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatialpanel as sp
from spatialpanel.models.results import SpatialPanelResults
from tests.cigar import cigar_data, cigar_weights

X = ["logp", "logy"]
MODELS = ["sar", "sem", "sdm", "sdem", "slx"]


@cache
def data() -> pd.DataFrame:
    d = cigar_data()
    return d[d.index.get_level_values("year") < 1973]  # 10 years keep the fits quick


def fit(d: pd.DataFrame, model: str, effects: str) -> SpatialPanelResults:
    return sp.SpatialPanelModel(
        d,
        y="logc",
        x=X,
        w=cigar_weights(),
        model=model,
        effects=effects,  # type: ignore[arg-type]
    ).fit()


@settings(max_examples=12, deadline=None)
@given(
    st.sampled_from(MODELS),
    st.sampled_from(["pooled", "entity", "time", "twoway"]),
    st.floats(min_value=0.01, max_value=100.0),
)
def test_scaling_y(model: str, effects: str, c: float) -> None:
    base = fit(data(), model, effects)
    d = data().copy()
    d["logc"] = d["logc"] * c
    res = fit(d, model, effects)
    sp_name = base.spec.spatial_name
    coef = [p for p in base.params.index if p != sp_name]
    np.testing.assert_allclose(res.params[coef], c * base.params[coef], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(res.std_errors[coef], c * base.std_errors[coef], rtol=1e-6)
    if sp_name:
        assert res.params[sp_name] == pytest.approx(base.params[sp_name], abs=1e-8)
        assert res.std_errors[sp_name] == pytest.approx(base.std_errors[sp_name], rel=1e-6)
    assert res.sigma2 == pytest.approx(c * c * base.sigma2, rel=1e-7)
    assert res.loglik == pytest.approx(base.loglik - base.nobs * np.log(c), abs=1e-6)


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(MODELS), st.floats(min_value=0.05, max_value=20.0))
def test_scaling_one_regressor(model: str, c: float) -> None:
    base = fit(data(), model, "twoway")
    d = data().copy()
    d["logp"] = d["logp"] * c
    res = fit(d, model, "twoway")
    for name in base.params.index:
        factor = 1.0 / c if name in ("logp", "W*logp") else 1.0
        assert res.params[name] == pytest.approx(factor * base.params[name], rel=1e-6, abs=1e-9)
    assert res.loglik == pytest.approx(base.loglik, abs=1e-7)


@pytest.mark.parametrize("effects", ["entity", "twoway"])
@pytest.mark.parametrize("model", MODELS)
def test_region_constants_are_absorbed(model: str, effects: str) -> None:
    base = fit(data(), model, effects)
    d = data().copy()
    rng = np.random.default_rng(1)
    shift = pd.Series(rng.normal(size=46) * 5, index=cigar_weights().ids)
    d["logc"] = d["logc"] + shift.reindex(d.index.get_level_values("state")).to_numpy()
    res = fit(d, model, effects)
    np.testing.assert_allclose(res.params.to_numpy(), base.params.to_numpy(), atol=1e-8)
    assert res.loglik == pytest.approx(base.loglik, abs=1e-7)

"""Every guard of the estimation engine raises (or warns) with a message naming what to fix."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import (
    ConfigError,
    DataError,
    EstimationError,
    NumericalWarning,
    WeightsError,
)
from spatialpanel.models.information import covariance_from_information
from tests.cigar import cigar_data, cigar_weights

X = ["logp", "logy"]


def model(data: pd.DataFrame | None = None, **kw: object) -> sp.SpatialPanelModel:
    opts: dict[str, object] = {"model": "sdm", "effects": "twoway"}
    opts.update(kw)
    w = opts.pop("w", cigar_weights())
    x = opts.pop("x", X)
    return sp.SpatialPanelModel(
        cigar_data() if data is None else data,
        y="logc",
        x=x,  # type: ignore[arg-type]
        w=w,  # type: ignore[arg-type]
        **opts,  # type: ignore[arg-type]
    )


def test_time_invariant_regressor_absorbed_by_entity_effects() -> None:
    d = cigar_data()
    d["region_size"] = d.index.get_level_values("state").to_numpy() * 1.5
    with pytest.raises(EstimationError, match=r"'region_size' is absorbed by the entity fixed"):
        model(d, x=["logp", "region_size"], model="sar", effects="entity").fit()


def test_period_only_regressor_absorbed_by_time_effects() -> None:
    d = cigar_data()
    d["trend"] = d.index.get_level_values("year").to_numpy() * 1.0
    with pytest.raises(EstimationError, match=r"'trend' is absorbed by the time fixed"):
        model(d, x=["logp", "trend"], model="sar", effects="time").fit()


def test_collinear_regressors_are_named() -> None:
    d = cigar_data()
    d["logp2"] = 2.0 * d["logp"] + 0.5
    with pytest.raises(EstimationError, match=r"collinear.*'logp'.*'logp2'"):
        model(d, x=["logp", "logy", "logp2"], model="sar", effects="entity").fit()


def test_nan_names_region_and_year() -> None:
    d = cigar_data()
    d.loc[(9, 1975), "logy"] = np.nan
    with pytest.raises(DataError, match=r"region 9, year 1975, column 'logy'"):
        model(d)


def test_unbalanced_panel_names_missing_region_years() -> None:
    d = cigar_data().drop(index=[(5, 1980), (7, 1963)])
    with pytest.raises(DataError, match=r"unbalanced: 2 region-years.*\(5, 1980\)"):
        model(d)


def test_duplicate_rows() -> None:
    d = cigar_data()
    d = pd.concat([d, d.iloc[[0]]])
    with pytest.raises(DataError, match="duplicate"):
        model(d)


def test_ids_not_matching_w() -> None:
    d = cigar_data()
    d = d.rename(index={9: 99}, level="state")
    with pytest.raises(
        WeightsError, match=r"in the data but not in w: \[99\].*not in the data: \[9\]"
    ):
        model(d)


def test_zero_rows_under_row_standardisation() -> None:
    w = cigar_weights()
    m = w.dense.copy()
    m[3, :] = 0.0
    m[:, 3] = 0.0
    wz = sp.SpatialWeights.from_array(m, ids=w.ids, islands="allow")
    with pytest.raises(WeightsError, match=r"zero rows.*\[5\]"):
        model(w=wz)


def test_rho_on_the_boundary_warns() -> None:
    """y is (almost) a common level per year: Wy = y, so the likelihood climbs to ρ → 1."""
    d = cigar_data()
    rng = np.random.default_rng(0)
    years = d.index.get_level_values("year").to_numpy()
    d["logc"] = (years - 1960) * 0.3 + 1e-9 * rng.standard_normal(len(d))
    with pytest.warns(NumericalWarning, match="boundary"):
        model(d, model="sar", effects="pooled").fit()


def test_non_convergence_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import spatialpanel.models.engine as engine

    class Failed:
        success = False
        message = "maximum number of iterations"
        x = 0.0
        fun = 0.0

    monkeypatch.setattr(engine, "minimize_scalar", lambda *a, **k: Failed())
    with pytest.raises(EstimationError, match="did not converge"):
        model().fit()


def test_information_not_positive_definite_warns_and_stays_finite() -> None:
    info = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.warns(NumericalWarning, match="not positive definite.*raised"):
        cov = covariance_from_information(info, ("a", "b"))
    assert np.all(np.isfinite(cov))


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"model": "sdmm"}, r"model='sdmm'.*Did you mean 'sdm'"),
        ({"effects": "two-way"}, r"effects='two-way'.*Did you mean 'twoway'"),
        ({"dynamic": True, "model": "sem"}, "dynamic=True is implemented for"),
        ({"model": "sar", "durbin": ["logp"]}, "no W·x terms"),
        ({"durbin": ["logq"]}, r"durbin contains 'logq'.*Did you mean .*'logp'"),
        ({"x": ["logpp"]}, r"x: column 'logpp'.*Did you mean 'logp'"),
        ({"logdet": "cheb"}, r"logdet='cheb'"),
    ],
)
def test_bad_options(kw: dict[str, object], pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern):
        model(**kw)


def test_bias_correction_needs_fixed_effects() -> None:
    with pytest.raises(ConfigError, match="applies to fixed effects"):
        model(effects="pooled").fit(bias_correction="elhorst")
    with pytest.raises(ConfigError, match=r"bias_correction='elhorts'.*Did you mean 'elhorst'"):
        model().fit(bias_correction="elhorts")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="model='slx' has none"):
        model(model="slx").fit(bias_correction="elhorst")


def test_transformation_with_time_effects_needs_row_standardised_w() -> None:
    w = cigar_weights().transformed("spectral")
    with pytest.raises(ConfigError, match="row-standardised"):
        model(w=w).fit(bias_correction="transformation")


def test_not_a_multiindex() -> None:
    with pytest.raises(DataError, match="MultiIndex"):
        model(cigar_data().reset_index())


def test_inputs_are_not_mutated() -> None:
    d = cigar_data()
    w = cigar_weights()
    before, wd = d.copy(), w.dense.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(d.sample(frac=1.0, random_state=1), w=w).fit(bias_correction="elhorst")
    pd.testing.assert_frame_equal(d, before)
    np.testing.assert_array_equal(w.dense, wd)
    assert w.transform == "row"


def test_extreme_scaling_warns_with_advice() -> None:
    d = cigar_data()
    d["income"] = np.exp(d["logy"]) * 1e7  # income in units of a tiny currency
    with pytest.warns(NumericalWarning, match=r"'income' has standard deviation.*Rescale"):
        model(d, x=["logp", "income"], model="sar", effects="entity")


def test_perfect_fit_is_an_error() -> None:
    """A perfect fit (y an exact linear function of x) has σ² = 0 and an infinite likelihood."""
    d = cigar_data()
    d["logc"] = 2.0 * d["logp"] - d["logy"]
    with pytest.raises(EstimationError, match="of 'logc' leaves no residual variance"):
        model(d, model="slx", effects="entity").fit()

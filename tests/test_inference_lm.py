"""Panel LM tests, residual Moran's I, BSK tests and the OLS LR tests of the effects.

References
----------
- LM table and OLS fits: ``/work/shared/reference/benchmarks.md`` (cigarette panel, N = 46,
  T = 30): R 4.2.2 own code, ``splm::slmtest`` 1.6-5 and Octave 7.3.0 running Elhorst's
  ``LMsarsem_panel`` agree; σ² = e'e/NT.
- LR tests of the effects: Elhorst (2014), *Spatial Econometrics*, §3.6.2: 2315.7 and 473.1.
- Moran's I of cross-sectional OLS residuals: PySAL spreg 1.9.0,
  ``spreg.OLS(y, x, w=W, spat_diag=True, moran=True).moran_res`` on the 1992 cross-section
  (row-standardised ``spat-sym-us.wk1``): I = 0.254679099155971, z = 2.864340043246798,
  two-sided p = 0.004178791490314375.
- Panel moments of Moran's I and the BSK statistics: brute force with explicit NT x NT
  Kronecker matrices in this file (hand-worked definitions, not the library's algebra).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spatialpanel as sp
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.inference.hypotheses import effects_lr_tests
from spatialpanel.inference.lm import bsk_tests, lm_tests, ols_fit, residual_moran
from spatialpanel.weights.core import SpatialWeights
from tests.cigar import T, cigar_data, cigar_weights

# tests/cigar.py reads the .wk1 file without closing it; the ResourceWarning surfaces when the
# file object is collected (libpysal's reader, not this code).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

X = ["logp", "logy"]

LM_REFERENCE = {  # benchmarks.md, "LM tests on OLS residuals"
    "pooled": (66.4657, 153.0401, 58.2636, 144.8380),
    "entity": (136.4292, 255.7150, 29.5127, 148.7985),
    "time": (44.0402, 62.8646, 0.3302, 19.1546),
    "twoway": (46.9005, 54.6548, 1.1563, 8.9106),
}
OLS_REFERENCE = {  # benchmarks.md, "Non-spatial OLS on demeaned data"
    "pooled": ({"const": 3.485067, "logp": -0.859023, "logy": 0.267733}, 370.328),
    "entity": ({"logp": -0.702293, "logy": -0.010556}, 1425.153),
    "time": ({"logp": -1.205073, "logy": 0.565364}, 503.851),
    "twoway": ({"logp": -1.034884, "logy": 0.528543}, 1661.701),
}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return cigar_data()


@pytest.fixture(scope="module")
def w() -> SpatialWeights:
    return cigar_weights()


@pytest.mark.parametrize("effects", list(LM_REFERENCE))
def test_lm_tests_match_elhorst(data: pd.DataFrame, w: SpatialWeights, effects: str) -> None:
    out = sp.lm_tests(data, y="logc", x=X, w=w, effects=effects)
    assert list(out.index) == ["LM_lag", "LM_error", "robust_LM_lag", "robust_LM_error"]
    assert list(out.columns) == ["statistic", "df", "pvalue"]
    np.testing.assert_allclose(out["statistic"], LM_REFERENCE[effects], atol=1e-3)
    assert (out["df"] == 1).all()
    # upper tail of χ²(1), not the cdf or a two-sided normal p
    np.testing.assert_allclose(out["pvalue"], stats.chi2.sf(out["statistic"], 1), rtol=1e-12)


@pytest.mark.parametrize("effects", list(OLS_REFERENCE))
def test_ols_fit_matches_reference(data: pd.DataFrame, w: SpatialWeights, effects: str) -> None:
    coefs, loglik = OLS_REFERENCE[effects]
    fit = ols_fit(data, y="logc", x=X, w=w, effects=effects)
    for name, value in coefs.items():
        assert fit.params[name] == pytest.approx(value, abs=1e-6)
    assert fit.loglik == pytest.approx(loglik, abs=1e-3)


def test_lr_tests_of_effects_match_elhorst(data: pd.DataFrame, w: SpatialWeights) -> None:
    ll = {e: ols_fit(data, y="logc", x=X, w=w, effects=e).loglik for e in OLS_REFERENCE}
    out = effects_lr_tests(
        ll["twoway"], entity=ll["entity"], time=ll["time"], n_entities=46, n_periods=T
    )
    assert out["entity"].statistic == pytest.approx(2315.7, abs=0.1)
    assert out["time"].statistic == pytest.approx(473.1, abs=0.1)
    assert (out["entity"].df, out["time"].df) == (45, 29)
    elh = effects_lr_tests(
        ll["twoway"],
        entity=ll["entity"],
        time=ll["time"],
        n_entities=46,
        n_periods=T,
        df_convention="elhorst",
    )
    assert (elh["entity"].df, elh["time"].df) == (46, 30)  # as printed by Elhorst (2014)
    assert elh["entity"].statistic == out["entity"].statistic


def test_lm_does_not_depend_on_row_order(data: pd.DataFrame, w: SpatialWeights) -> None:
    shuffled = data.sample(frac=1.0, random_state=3)
    a = lm_tests(data, y="logc", x=X, w=w, effects="twoway")
    b = lm_tests(shuffled, y="logc", x=X, w=w, effects="twoway")
    pd.testing.assert_frame_equal(a, b, rtol=1e-10)
    assert data.equals(cigar_data())  # caller's data untouched


def test_residual_moran_cross_section_matches_spreg(data: pd.DataFrame, w: SpatialWeights) -> None:
    cross = data.xs(1992, level="year", drop_level=False)
    out = residual_moran(cross, y="logc", x=X, w=w, effects="pooled")
    assert out.statistic == pytest.approx(0.254679099155971, abs=1e-10)
    assert out.z == pytest.approx(2.864340043246798, abs=1e-8)
    assert out.pvalue_two_sided == pytest.approx(0.004178791490314375, abs=1e-10)


def _brute_moments(data: pd.DataFrame, w: SpatialWeights, effects: str) -> tuple[float, float]:
    """E[I] and Var[I] from explicit NT x NT matrices (Cliff-Ord with M of rank m)."""
    t = data.index.get_level_values(1).nunique()
    n = w.n
    eye_t, eye_n = np.eye(t), np.eye(n)
    qt = eye_t - 1.0 / t if effects in ("entity", "twoway") else eye_t
    qn = eye_n - 1.0 / n if effects in ("time", "twoway") else eye_n
    q = np.kron(qt, qn)
    xs = np.stack(
        [
            data["logp"].unstack(0)[w.ids].to_numpy().ravel(),
            data["logy"].unstack(0)[w.ids].to_numpy().ravel(),
        ],
        axis=1,
    )
    if effects == "pooled":
        xs = np.column_stack([np.ones(len(xs)), xs])
    z = q @ xs
    m = q - z @ np.linalg.solve(z.T @ z, z.T)
    wbig = np.kron(eye_t, w.dense)
    mw = m @ wbig
    rank = np.trace(m)
    c = n / w.dense.sum()
    e = c * np.trace(mw) / rank
    v = (
        c**2
        * (np.trace(mw @ m @ wbig.T) + np.trace(mw @ mw) + np.trace(mw) ** 2)
        / (rank * (rank + 2))
        - e**2
    )
    return float(e), float(v)


@pytest.mark.parametrize("effects", ["pooled", "twoway", "time"])
def test_residual_moran_moments_brute_force(data: pd.DataFrame, effects: str) -> None:
    small = data[data.index.get_level_values("year") <= 1967]  # T = 5, keeps NT x NT small
    # a W that is neither symmetric nor row-standardised exercises every trace term
    rng = np.random.default_rng(11)
    base = cigar_weights().original.toarray() * rng.uniform(0.5, 2.0, size=(46, 46))
    wmat = SpatialWeights.from_array(base, ids=cigar_weights().ids, transform="none")
    out = residual_moran(small, y="logc", x=X, w=wmat, effects=effects)
    e, v = _brute_moments(small, wmat, effects)
    assert out.expected == pytest.approx(e, rel=1e-9)
    assert out.variance == pytest.approx(v, rel=1e-9)
    assert out.z == pytest.approx((out.statistic - e) / np.sqrt(v), rel=1e-9)


def test_bsk_tests_brute_force(data: pd.DataFrame, w: SpatialWeights) -> None:
    out = bsk_tests(data, y="logc", x=X, w=w)
    fit = ols_fit(data, y="logc", x=X, w=w, effects="pooled")
    e = fit.resid.ravel()  # time-major
    n, t = 46, T
    jt = np.kron(np.ones((t, t)), np.eye(n))
    ws = np.kron(np.eye(t), (w.dense + w.dense.T) / 2)
    g = e @ jt @ e / (e @ e) - 1
    h = e @ ws @ e / (e @ e)
    b = np.trace((w.dense + w.dense.T) @ (w.dense + w.dense.T)) / 2
    assert out.loc["LM_joint", "statistic"] == pytest.approx(
        n * t / (2 * (t - 1)) * g**2 + n**2 * t / b * h**2, rel=1e-9
    )
    assert out.loc["LM_mu", "statistic"] == pytest.approx(np.sqrt(n * t / (2 * (t - 1))) * g)
    # the marginal λ test squared is the pooled LM-error test (benchmarks.md: 153.0401)
    assert out.loc["LM_lambda", "statistic"] ** 2 == pytest.approx(153.0401, abs=1e-3)


def test_lm_errors_name_the_argument(data: pd.DataFrame, w: SpatialWeights) -> None:
    with pytest.raises(ConfigError, match="Did you mean 'twoway'"):
        lm_tests(data, y="logc", x=X, w=w, effects="twoways")  # type: ignore[arg-type]
    with pytest.raises(
        ConfigError, match=r"x: column 'logq' is not in data.*Did you mean .*'logp'"
    ):
        lm_tests(data, y="logc", x=["logq"], w=w)
    with pytest.raises(DataError, match="balanced"):
        lm_tests(data.iloc[1:], y="logc", x=X, w=w)
    with pytest.raises(DataError, match="MultiIndex"):
        lm_tests(data.reset_index(), y="logc", x=X, w=w)

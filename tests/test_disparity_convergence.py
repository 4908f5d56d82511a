"""σ and β convergence on usjoin (shared/reference/genre.md) and against independent regressions.

genre.md (usjoin, 1929 -> 2009, annualised growth on log initial income): β = −0.009153
(se 0.000488, R² 0.8844), speed θ = −ln(1 + βT)/T = 0.016472, half-life 42.08 years; σ of ln pci
1929 0.365508 (ddof 0) / 0.369376 (ddof 1), 2009 0.137627 / 0.139084. Independent checks:
``scipy.stats.linregress`` (cross-section) and least squares with region / year dummies (LSDV)
for the fixed-effects panel.
"""

from __future__ import annotations

import libpysal
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialpanel.disparity.convergence import (
    beta_convergence,
    panel_beta_convergence,
    sigma_convergence,
)
from spatialpanel.errors import ConfigError, DataError

YEARS = list(range(1929, 2010))


@pytest.fixture(scope="module")
def pci() -> pd.Series:
    frame = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))
    wide = frame.set_index("STATE_FIPS")[[str(y) for y in YEARS]].astype(float)
    wide.columns = YEARS
    out = wide.stack()
    out.index.names = ["state", "year"]
    return out


def test_beta_cross_section_usjoin(pci: pd.Series) -> None:
    res = beta_convergence(pci)
    assert res.beta == pytest.approx(-0.009153, abs=5e-7)
    assert res.std_errors["beta"] == pytest.approx(0.000488, abs=5e-7)
    assert res.r2 == pytest.approx(0.8844, abs=5e-5)
    assert res.speed == pytest.approx(0.016472, abs=5e-7)
    assert res.half_life == pytest.approx(42.08, abs=5e-3)
    assert res.span == 80 and res.nobs == 48 and res.df_resid == 46
    wide = pci.unstack()
    x = np.log(wide[1929].to_numpy())
    g = np.log(wide[2009].to_numpy() / wide[1929].to_numpy()) / 80
    ref = stats.linregress(x, g)
    assert res.beta == pytest.approx(ref.slope, rel=1e-12)
    assert res.std_errors["beta"] == pytest.approx(ref.stderr, rel=1e-10)
    assert res.params["const"] == pytest.approx(ref.intercept, rel=1e-12)
    assert res.r2 == pytest.approx(ref.rvalue**2, rel=1e-12)
    assert res.pvalues["beta"] == pytest.approx(ref.pvalue, rel=1e-8)
    assert res.speed == pytest.approx(-np.log(1 + 80 * ref.slope) / 80, rel=1e-12)
    assert res.half_life == pytest.approx(np.log(2) / res.speed, rel=1e-14)


def test_total_growth_gives_the_same_speed(pci: pd.Series) -> None:
    ann = beta_convergence(pci, start=1950, end=1990)
    tot = beta_convergence(pci, start=1950, end=1990, growth="total")
    assert tot.beta == pytest.approx(40 * ann.beta, rel=1e-12)
    assert tot.speed == pytest.approx(ann.speed, rel=1e-12)
    assert tot.half_life == pytest.approx(ann.half_life, rel=1e-12)
    # the first-order slip θ = −β would be off by more than 5 % here
    assert abs(-ann.beta - ann.speed) / ann.speed > 0.05


def test_conditional_beta_cross_section(pci: pd.Series) -> None:
    wide = pci.unstack()
    rng = np.random.default_rng(3)
    ctrl = pd.DataFrame({"z": rng.normal(size=48)}, index=wide.index)
    res = beta_convergence(pci, controls=ctrl)
    x = np.column_stack([np.ones(48), np.log(wide[1929]), ctrl["z"]])
    g = np.log(wide[2009] / wide[1929]).to_numpy() / 80
    coef, ssr, *_ = np.linalg.lstsq(x, g, rcond=None)
    cov = ssr[0] / 45 * np.linalg.inv(x.T @ x)
    np.testing.assert_allclose(res.params.to_numpy(), coef, rtol=1e-10)
    np.testing.assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(cov)), rtol=1e-8)
    assert res.conditional and list(res.params.index) == ["const", "beta", "z"]
    # (entity, time)-indexed controls: the start year's values are used
    long = pd.concat({1929: ctrl, 1930: ctrl * 0}).swaplevel().sort_index()
    res2 = beta_convergence(pci, controls=long)
    np.testing.assert_allclose(res2.params.to_numpy(), coef, rtol=1e-10)


def _lsdv(pci: pd.Series, twoway: bool, extra: np.ndarray | None = None) -> tuple[float, float]:
    logs = np.log(pci.unstack())
    n, t = logs.shape
    y = (logs.to_numpy()[:, 1:] - logs.to_numpy()[:, :-1]).ravel()
    lag = logs.to_numpy()[:, :-1].ravel()
    ent = np.repeat(np.arange(n), t - 1)
    tim = np.tile(np.arange(t - 1), n)
    cols = [lag] + ([extra] if extra is not None else [])
    cols += [(ent == i).astype(float) for i in range(n)]
    if twoway:
        cols += [(tim == j).astype(float) for j in range(1, t - 1)]
    x = np.column_stack(cols)
    coef, ssr, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    cov = ssr[0] / (len(y) - rank) * np.linalg.inv(x.T @ x)
    return float(coef[0]), float(np.sqrt(cov[0, 0]))


def test_panel_fixed_effects_vs_lsdv(pci: pd.Series) -> None:
    sub = pci[pci.index.get_level_values("year") <= 1960]  # keep the dummy regression small
    for effects, twoway in (("entity", False), ("twoway", True)):
        res = panel_beta_convergence(sub, effects=effects)  # type: ignore[arg-type]
        beta, se = _lsdv(sub, twoway)
        assert res.beta == pytest.approx(beta, rel=1e-9)
        assert res.std_errors["beta"] == pytest.approx(se, rel=1e-8)
        if beta < 0:
            assert res.speed == pytest.approx(-np.log(1 + beta), rel=1e-9)
        else:  # divergence: no speed, no half-life
            assert np.isnan(res.speed) and np.isnan(res.half_life)
        assert res.span == 1.0 and res.nobs == 48 * 31
    pooled = panel_beta_convergence(sub, effects="none")
    logs = np.log(sub.unstack().to_numpy())
    ref = stats.linregress(logs[:, :-1].ravel(), (logs[:, 1:] - logs[:, :-1]).ravel())
    assert pooled.beta == pytest.approx(ref.slope, rel=1e-10)
    assert pooled.std_errors["beta"] == pytest.approx(ref.stderr, rel=1e-8)


def test_panel_conditional(pci: pd.Series) -> None:
    sub = pci[pci.index.get_level_values("year") <= 1940]
    rng = np.random.default_rng(11)
    ctrl = pd.DataFrame({"z": rng.normal(size=len(sub))}, index=sub.index)
    res = panel_beta_convergence(sub, controls=ctrl)
    z = ctrl["z"].unstack().to_numpy()[:, 1:].ravel()  # the growth year's values
    beta, se = _lsdv(sub, False, z)
    assert res.beta == pytest.approx(beta, rel=1e-9)
    assert res.std_errors["beta"] == pytest.approx(se, rel=1e-8)


def test_sigma_usjoin(pci: pd.Series) -> None:
    s0 = sigma_convergence(pci, log=True, ddof=0).table["all"]
    s1 = sigma_convergence(pci, log=True).table["all"]
    assert s0[1929] == pytest.approx(0.365508, abs=5e-7)
    assert s1[1929] == pytest.approx(0.369376, abs=5e-7)
    assert s0[2009] == pytest.approx(0.137627, abs=5e-7)
    assert s1[2009] == pytest.approx(0.139084, abs=5e-7)
    wide = pci.unstack()
    cv = sigma_convergence(pci, measure="cv", groups=pd.Series(["a", "b"] * 24, index=wide.index))
    assert cv.table.loc[1950, "all"] == pytest.approx(
        wide[1950].std(ddof=1) / wide[1950].mean(), rel=1e-13
    )
    assert cv.table.loc[1950, "b"] == pytest.approx(
        wide[1950].iloc[1::2].std() / wide[1950].iloc[1::2].mean(), rel=1e-13
    )
    assert s1.iloc[-1] < s1.iloc[0]
    sig = sigma_convergence(pci, log=True)
    assert sig.change["all"] == pytest.approx(0.139084 - 0.369376, abs=1e-6)
    slope = np.polyfit(YEARS, s1.to_numpy(), 1)[0]
    assert sig.trend["all"] == pytest.approx(slope, rel=1e-12)


def test_errors(pci: pd.Series) -> None:
    with pytest.raises(ConfigError, match="log"):
        sigma_convergence(pci, measure="cv", log=True)
    with pytest.raises(ConfigError, match="measure"):
        sigma_convergence(pci, measure="var")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="effects"):
        panel_beta_convergence(pci, effects="time")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="start"):
        beta_convergence(pci, start=1900)
    neg = pci.copy()
    neg.loc[(1, 1929)] = -1.0
    with pytest.raises(DataError, match="positive"):
        beta_convergence(neg)
    with pytest.raises(DataError, match="MultiIndex"):
        panel_beta_convergence(pci, controls=pd.DataFrame({"z": [1.0]}))


def test_panel_beta_equals_r_plm(pci: pd.Series) -> None:
    """R 4.2.2, plm 2.6.2, usjoin 1929-1960 (long CSV state, year, pci written from usjoin.csv)::

    d <- d[order(d$state, d$year), ]; d$ly <- log(d$pci)
    p <- pdata.frame(d, index = c("state", "year"))
    p$g <- p$ly - plm::lag(p$ly); p$lly <- plm::lag(p$ly)
    summary(plm(g ~ lly, data = p, model = "within", effect = eff))$coefficients
    """
    sub = pci[pci.index.get_level_values("year") <= 1960]
    plm = {
        "entity": (0.002576752902, 0.005134852397),  # effect = "individual"
        "twoway": (-0.157656535777, 0.014099483820),  # effect = "twoways"
    }
    for effects, (beta, se) in plm.items():
        res = panel_beta_convergence(sub, effects=effects)  # type: ignore[arg-type]
        assert res.beta == pytest.approx(beta, abs=1e-11)
        assert res.std_errors["beta"] == pytest.approx(se, abs=1e-11)

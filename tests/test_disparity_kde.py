"""Kernel density: bandwidth rules against R, scipy and the genre.md numbers; densities vs scipy.

Reference bandwidths on the Dagum fixture (shared/reference/genre.md): R ``bw.nrd0`` 0.0395413;
scipy ``gaussian_kde`` "scott" 0.0614071 and "silverman" 0.0650439 (factor x sample std);
statsmodels ``bw_silverman`` 0.0392775 and ``bw_scott`` 0.0462166 (IQR/1.349; not offered here,
see docs/conventions.md). R 4.2.2 (Debian r-base-core) on the same 31 values:
``sprintf("%.10f", bw.nrd0(x))`` 0.0395413265 and ``sprintf("%.10f", bw.nrd(x))`` 0.0465708956.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gaussian_kde

from spatialpanel.data.china import region_of
from spatialpanel.disparity.kde import bandwidth, kernel_density
from spatialpanel.errors import ConfigError, DataError

FIXTURE = np.array([
    0.612, 0.455, 0.268, 0.231, 0.247, 0.298, 0.236, 0.219, 0.588, 0.497, 0.521, 0.281, 0.372,
    0.262, 0.365, 0.274, 0.318, 0.289, 0.503, 0.228, 0.259, 0.301, 0.297, 0.214, 0.209, 0.158,
    0.276, 0.205, 0.177, 0.196, 0.221,
])  # fmt: skip


def test_bandwidths_match_references() -> None:
    assert bandwidth(FIXTURE) == pytest.approx(0.0395413, abs=1e-7)  # R bw.nrd0
    assert bandwidth(FIXTURE, rule="silverman") == pytest.approx(0.0395413, abs=1e-7)
    assert bandwidth(FIXTURE, rule="scipy_scott") == pytest.approx(0.0614071, abs=1e-7)
    assert bandwidth(FIXTURE, rule="scipy_silverman") == pytest.approx(0.0650439, abs=1e-7)
    sd = np.std(FIXTURE, ddof=1)
    for rule in ("scott", "silverman"):  # scipy itself: bandwidth = factor x sample std
        kde = gaussian_kde(FIXTURE, bw_method=rule)
        assert bandwidth(FIXTURE, rule=f"scipy_{rule}") == pytest.approx(kde.factor * sd, rel=1e-13)
    # Scott's normal reference with the robust spread (R bw.nrd)
    iqr = np.subtract(*np.percentile(FIXTURE, [75, 25]))
    assert bandwidth(FIXTURE, rule="scott") == pytest.approx(
        1.06 * min(sd, iqr / 1.34) * 31 ** (-0.2), rel=1e-14
    )
    assert bandwidth(FIXTURE, rule="scott") == pytest.approx(0.0465708956, abs=1e-10)  # R bw.nrd
    assert bandwidth(FIXTURE) == pytest.approx(0.0395413265, abs=1e-10)  # R bw.nrd0
    # statsmodels' rules differ only by the IQR constant 1.349 and the factor 1.059
    sm_spread = min(sd, iqr / 1.349)
    assert 0.9 * sm_spread * 31 ** (-0.2) == pytest.approx(0.0392775, abs=1e-7)
    assert 1.059 * sm_spread * 31 ** (-0.2) == pytest.approx(0.0462166, abs=1e-7)
    assert bandwidth(FIXTURE, rule=0.05) == 0.05


def test_iqr_zero_falls_back_to_sd() -> None:
    x = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0])
    assert bandwidth(x) == pytest.approx(0.9 * np.std(x, ddof=1) * 8 ** (-0.2), rel=1e-14)


def _panel() -> pd.Series:
    codes = region_of().index
    years = [2020, 2021, 2022]
    vals = np.concatenate([FIXTURE * (1 + 0.1 * i) for i in range(3)])
    idx = pd.MultiIndex.from_arrays([np.tile(codes, 3), np.repeat(years, 31)])
    return pd.Series(vals, index=idx).sort_index()


def test_density_equals_scipy() -> None:
    kd = kernel_density(_panel(), groups="region_4", min_group_size=3)
    assert kd.scopes == ["all", "central", "east", "northeast", "west"]
    for year, scale in ((2020, 1.0), (2022, 1.2)):
        x = FIXTURE * scale
        h = bandwidth(x)
        assert kd.bandwidths.loc[("all", year), "bandwidth"] == pytest.approx(h, rel=1e-14)
        ref = gaussian_kde(x, bw_method=h / np.std(x, ddof=1))(kd.grid)
        np.testing.assert_allclose(kd.density("all")[year].to_numpy(), ref, rtol=1e-10, atol=1e-12)
    east = FIXTURE[(region_of() == "east").to_numpy()]
    h_east = bandwidth(east)
    assert kd.bandwidths.loc[("east", 2020), "bandwidth"] == pytest.approx(h_east, rel=1e-14)
    assert kd.bandwidths.loc[("east", 2020), "n"] == 10
    ref = gaussian_kde(east, bw_method=h_east / np.std(east, ddof=1))(kd.grid)
    np.testing.assert_allclose(kd.density("east")[2020].to_numpy(), ref, rtol=1e-10, atol=1e-12)
    # default grid: R density's cut = 3 bandwidths beyond the data, 512 points
    assert kd.grid.size == 512
    assert kd.grid[0] == pytest.approx(FIXTURE.min() - 3 * kd.bandwidths["bandwidth"].max())


@pytest.mark.parametrize(("kernel", "tol"), [("gaussian", 1e-9), ("epanechnikov", 1e-6)])
def test_density_moments(kernel: str, tol: float) -> None:
    """A KDE with a unit-variance kernel has mass 1, the sample mean and variance s0² + h²."""
    grid = np.linspace(-1.0, 2.0, 20001)
    kd = kernel_density(_panel(), bandwidth_rule=0.05, kernel=kernel, grid=grid)  # type: ignore[arg-type]
    f = kd.density()[2021].to_numpy()
    x = FIXTURE * 1.1
    # (the Epanechnikov kernel has kinks at its support's ends: the trapezoid rule is less exact)
    assert np.trapezoid(f, grid) == pytest.approx(1.0, abs=tol)
    mean = np.trapezoid(grid * f, grid)
    assert mean == pytest.approx(x.mean(), abs=tol)
    var = np.trapezoid((grid - mean) ** 2 * f, grid)
    assert var == pytest.approx(np.var(x) + 0.05**2, rel=100 * tol)
    assert kd.rule == "fixed"


def test_peaks() -> None:
    idx = pd.MultiIndex.from_product([range(40), [2020]])
    x = np.r_[np.linspace(0, 1, 20), np.linspace(4, 5, 20)]
    kd = kernel_density(pd.Series(x, index=idx), bandwidth_rule=0.3)
    peaks = kd.peaks.loc[("all", 2020)]
    assert peaks["n_peaks"] == 2
    assert peaks["peak_at"] == pytest.approx(0.5, abs=0.05) or peaks["peak_at"] == pytest.approx(
        4.5, abs=0.05
    )


def test_errors() -> None:
    with pytest.raises(ConfigError, match="silverman"):
        bandwidth(FIXTURE, rule="silverman2")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="positive"):
        bandwidth(FIXTURE, rule=-1.0)
    with pytest.raises(DataError, match="fixed"):
        bandwidth(np.ones(5))
    with pytest.raises(ConfigError, match="kernel"):
        kernel_density(_panel(), kernel="triangular")  # type: ignore[arg-type]
    kd = kernel_density(_panel())
    with pytest.raises(ConfigError, match="scope"):
        kd.density("east")
    with pytest.raises(ConfigError, match="min_group_size=1"):
        kernel_density(_panel(), groups="region_4", min_group_size=1)
    with pytest.raises(ConfigError, match="lower bound must be below"):
        kernel_density(_panel(), bounds=(1.0, 0.0))
    with pytest.raises(DataError, match=r"0\.612 for region 110000 in 2020, outside bounds"):
        kernel_density(_panel(), bounds=(0.0, 0.6))


def test_reflection_equals_the_augmented_sample() -> None:
    """Reflection at 0 and 1 (Silverman 1986, §2.10): on [0, 1] the estimate equals 3 × the
    plain estimate of the sample augmented by its mirror images -x and 2 - x (scipy's
    gaussian_kde with the original sample's bandwidth, an independent implementation), and the
    formula evaluated by hand at one point; it is 0 outside [0, 1]."""
    x = FIXTURE * 1.4 - 0.2  # values from 0.09 to 0.66: mass near 0 that a plain KDE spills
    idx = pd.MultiIndex.from_product([range(31), [2020]])
    values = pd.Series(x, index=idx)
    grid = np.linspace(-0.1, 1.1, 241)
    kd = kernel_density(values, bounds=(0.0, 1.0), grid=grid)
    f = kd.density()[2020].to_numpy()
    h = bandwidth(x)
    augmented = np.concatenate([x, -x, 2.0 - x])
    ref = 3.0 * gaussian_kde(augmented, bw_method=h / np.std(augmented, ddof=1))(grid)
    inside = (grid >= 0.0) & (grid <= 1.0)
    np.testing.assert_allclose(f[inside], ref[inside], rtol=1e-10, atol=1e-12)
    assert np.all(f[~inside] == 0.0)
    # by hand at x0 = 0.05: (1/(n h)) Σ [φ((x0 - x)/h) + φ((x0 + x)/h) + φ((x0 - 2 + x)/h)]
    x0 = 0.05
    phi = lambda u: np.exp(-0.5 * u * u) / np.sqrt(2 * np.pi)  # noqa: E731
    by_hand = (phi((x0 - x) / h) + phi((x0 + x) / h) + phi((x0 - 2 + x) / h)).sum() / (31 * h)
    kd0 = kernel_density(values, bounds=(0.0, 1.0), grid=[x0, 0.5])
    assert kd0.density()[2020].iloc[0] == pytest.approx(by_hand, rel=1e-13)
    assert kd.bounds == (0.0, 1.0)


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov"])
def test_bounded_densities_integrate_to_one_on_the_bounds(kernel: str) -> None:
    """Every bounded curve (whole sample and groups, default grid and the unit interval) has
    mass 1 on [0, 1] and none outside; the plain estimate loses mass below 0."""
    panel = _panel() * 0.8
    kd = kernel_density(
        panel,
        groups="region_4",
        bounds=(0.0, 1.0),
        kernel=kernel,
        min_group_size=5,  # type: ignore[arg-type]
    )
    assert kd.grid[0] >= 0.0 and kd.grid[-1] <= 1.0  # the support never leaves the bounds
    fine = np.linspace(0.0, 1.0, 20001)
    kd = kernel_density(
        panel,
        groups="region_4",
        bounds=(0.0, 1.0),
        kernel=kernel,  # type: ignore[arg-type]
        grid=fine,
        bandwidth_rule=0.08,
    )
    tol = 1e-9 if kernel == "gaussian" else 1e-6
    for col in kd.curves.columns:
        assert np.trapezoid(kd.curves[col].to_numpy(), fine) == pytest.approx(1.0, abs=tol)
    plain = kernel_density(panel, kernel=kernel, grid=fine, bandwidth_rule=0.08)  # type: ignore[arg-type]
    assert np.trapezoid(plain.curves.iloc[:, 0].to_numpy(), fine) < 1.0 - 1e-3


def test_small_groups_get_no_density() -> None:
    """Northeast has 3 provinces: below min_group_size = 5 it gets no curve, and is listed."""
    kd = kernel_density(_panel(), groups="region_4")
    assert kd.scopes == ["all", "central", "east", "west"]
    assert dict(kd.omitted) == {"northeast": 3}
    assert kd.min_group_size == 5
    assert "northeast" not in kd.bandwidths.index.get_level_values(0)
    kd6 = kernel_density(_panel(), groups="region_4", min_group_size=7)
    assert dict(kd6.omitted) == {"central": 6, "northeast": 3}

"""Disparity figures: what each panel draws (lines per year / group), and errors for bad scopes.

The numbers drawn come from results tested elsewhere; here we check that the figure shows them.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from spatialpanel.disparity import dagum_gini_panel, kernel_density, sigma_convergence
from spatialpanel.disparity.plots import plot_dagum, plot_kde_2d, plot_kde_3d, plot_sigma
from spatialpanel.errors import ConfigError

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def panel() -> pd.Series:
    rng = np.random.default_rng(5)
    years = list(range(1990, 2030))  # a long panel: 40 years
    vals = rng.lognormal(0.0, 0.3, (24, 40))
    return pd.Series(vals.ravel(), index=pd.MultiIndex.from_product([range(24), years]))


def _groups() -> pd.Series:
    return pd.Series(list("abc") * 8, index=range(24))


def test_dagum_figure(panel: pd.Series) -> None:
    res = dagum_gini_panel(panel, groups=_groups())
    fig = plot_dagum(res, title="T")
    ax_a, ax_b, ax_c, ax_d = fig.axes
    assert len(ax_b.collections) == 3  # stacked shares: within, net between, transvariation
    np.testing.assert_allclose(ax_a.lines[0].get_ydata(), res.table["G"].to_numpy())
    assert [ln.get_label() for ln in ax_c.lines] == ["a", "b", "c"]
    assert len(ax_d.lines) == 3  # pairs a–b, a–c, b–c
    assert ax_a.lines[0].get_marker() in ("None", None, "")  # no markers on a 40-year panel
    fig.savefig("/tmp/spatialpanel-disparity-dagum-long.png", dpi=50)


def test_kde_figures(panel: pd.Series) -> None:
    kd = kernel_density(panel, groups=_groups())
    fig = plot_kde_2d(kd, scopes=["all", "b"], years=[1990, 2000])
    assert len(fig.axes) == 2
    line = fig.axes[1].lines[1]
    part = np.isin(kd.grid, line.get_xdata())
    np.testing.assert_allclose(line.get_ydata(), kd.density("b")[2000].to_numpy()[part])
    fig3 = plot_kde_3d(kd, scopes=["all"])
    assert fig3.axes[0].name == "3d"
    fig3.savefig("/tmp/spatialpanel-disparity-kde3d-long.png", dpi=50)
    with pytest.raises(ConfigError, match="scopes"):
        plot_kde_2d(kd, scopes=["d"])


def test_sigma_figure(panel: pd.Series) -> None:
    sig = sigma_convergence(panel, measure="cv", groups=_groups())
    fig = plot_sigma(sig)
    lines = fig.axes[0].lines
    assert [ln.get_label() for ln in lines] == ["Whole country", "a", "b", "c"]
    np.testing.assert_allclose(lines[0].get_ydata(), sig.table["all"].to_numpy())
    assert "Coefficient of variation" in fig.axes[0].get_ylabel()

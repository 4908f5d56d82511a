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
    # readers' words for the components, the symbol in brackets (mathtext), in the one style
    assert [t.get_text() for t in ax_a.get_legend().get_texts()] == [
        "Overall Gini ($G$)",
        "Within-group ($G_w$)",
        "Net between-group ($G_{nb}$)",
        "Transvariation ($G_t$)",
    ]
    assert not ax_a.spines["top"].get_visible() and not ax_a.spines["right"].get_visible()
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
    assert [ln.get_label() for ln in lines] == ["All regions", "a", "b", "c"]
    np.testing.assert_allclose(lines[0].get_ydata(), sig.table["all"].to_numpy())
    assert "Coefficient of variation" in fig.axes[0].get_ylabel()


def test_disparity_figures_in_chinese_with_labels(panel: pd.Series) -> None:
    """The drawers render group labels and every word in the figure's language."""
    from spatialpanel.disparity.plots import dagum_spec, kde_spec
    from spatialpanel.report.drawers import draw
    from spatialpanel.report.fonts import cjk_font
    from spatialpanel.text import Label

    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    groups = pd.Series(["east", "west", "central"] * 8, index=range(24))
    res = dagum_gini_panel(panel, groups=groups)
    names = {g: Label("group", g) for g in ("east", "west", "central")}
    fig = draw(dagum_spec(res, groups=names), "zh")
    assert fig.axes[0].get_title() == "(a) 总体基尼系数及其分解"
    assert [ln.get_label() for ln in fig.axes[2].lines] == ["中部", "东部", "西部"]
    assert fig.axes[3].lines[0].get_label() == "中部–东部"
    kd = kernel_density(panel, groups=groups, min_group_size=9)  # 8 regions a group: omitted
    fig = draw(kde_spec(kd, variable="指数", scopes=names), "zh")
    assert [ax.get_title() for ax in fig.axes] == ["全部地区"]
    note = fig._supxlabel.get_text()  # type: ignore[union-attr]
    assert note.startswith("未估计中部（8）、东部（8）和西部（8）的核密度")

"""China maps (``spatialpanel.report.maps``), CJK fonts and the maps stage.

Every figure type is rendered and saved as PNG under pytest's temporary folder; run with
``--basetemp=/tmp/maps`` to keep and look at them (they were looked at while writing these tests).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from spatialpanel.data.china import provinces
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.report import _mapdraw, fonts
from spatialpanel.report.maps import (
    CLUSTER_COLORS,
    choropleth,
    class_breaks,
    cluster_map,
    small_multiples,
)

matplotlib.use("Agg")

REALDATA = Path("/work/shared/reference/china/realdata/techme_RDIntense.csv")
CODES = provinces().index
NO_DATA = {710000, 810000, 820000}
QUADRANTS = np.array(["HH", "LH", "LL", "HL", "not significant"])


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("maps")


@pytest.fixture(scope="module")
def gradient() -> pd.Series:
    """An east-west gradient (capital longitude), deterministic."""
    p = provinces()
    return (0.1 + (p["capital_lon"] - 85.0) / 80.0).rename("index")


@pytest.fixture(scope="module")
def categories() -> pd.Series:
    rng = np.random.default_rng(3)
    return pd.Series(QUADRANTS[rng.integers(0, 5, len(CODES))], index=CODES)


def _facecolors(fig, values: pd.Series) -> dict[int, tuple[float, ...]]:
    """Region code -> RGBA face colour of the main map's filled collection."""
    ax = fig.axes[0]
    drawn = _mapdraw.map_geometry().codes
    filled = [c for c in drawn if c in values.dropna().index]
    colours = ax.collections[0].get_facecolors()
    assert len(colours) == len(filled)
    return {int(c): tuple(colours[i]) for i, c in enumerate(filled)}


def _no_data_count(fig) -> int:
    return len(fig.axes[0].collections[1].get_paths())


# ----------------------------------------------------------------------------- classification
def test_class_breaks_hand_example():
    # hand-worked: two clear groups {1, 2, 3} and {10, 11, 12}; equal interval on [1, 12] by 2
    y = np.array([12.0, 1.0, 3.0, 2.0, 11.0, 10.0])
    np.testing.assert_allclose(class_breaks(y, scheme="fisher_jenks", k=2), [3.0, 12.0])
    np.testing.assert_allclose(class_breaks(y, scheme="equal_interval", k=2), [6.5, 12.0])
    # quantiles with linear interpolation: median of 1,2,3,10,11,12 is 6.5
    np.testing.assert_allclose(class_breaks(y, scheme="quantiles", k=2), [6.5, 12.0])


# Reference bins from PySAL mapclassify 2.10.0 on the vector below, made with
#   python -c "import mapclassify; print(mapclassify.Quantiles(y, k=5).bins)"  (and EqualInterval,
#   FisherJenks); stored here because importing mapclassify takes ~10 s (numba compilation).
Y18 = np.array(
    [
        *(0.42, 1.93, 0.77, 2.61, 3.05, 0.18, 1.12, 6.44, 2.29),
        *(1.57, 0.96, 4.17, 1.35, 2.02, 0.61, 3.48, 1.74, 0.33),
    ]
)
MAPCLASSIFY_BINS = {
    "quantiles": [0.674, 1.3040000000000003, 1.948, 2.8740000000000006, 6.44],
    "equal_interval": [1.4320000000000002, 2.684, 3.936, 5.188000000000001, 6.44],
    "fisher_jenks": [0.77, 1.57, 2.61, 4.17, 6.44],
}


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "fisher_jenks"])
def test_class_breaks_equal_mapclassify(scheme):
    np.testing.assert_allclose(
        class_breaks(Y18, scheme=scheme, k=5), MAPCLASSIFY_BINS[scheme], rtol=1e-12
    )


def test_fisher_jenks_is_the_optimal_partition_by_brute_force():
    from itertools import combinations

    y = np.sort(np.random.default_rng(4).lognormal(0.0, 0.8, 13))

    def ssd(parts):
        return sum(((p - p.mean()) ** 2).sum() for p in parts)

    best = min((ssd(np.split(y, list(cuts))), cuts) for cuts in combinations(range(1, len(y)), 3))
    expected = [y[c - 1] for c in best[1]] + [y[-1]]
    np.testing.assert_allclose(class_breaks(y, scheme="fisher_jenks", k=4), expected)


def test_class_breaks_errors():
    with pytest.raises(ConfigError, match=r"scheme='quantile' is not known.*'quantiles'"):
        class_breaks([1.0, 2.0], scheme="quantile")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="k=1 must be"):
        class_breaks([1.0, 2.0], scheme="quantiles", k=1)
    with pytest.raises(DataError, match="no finite number"):
        class_breaks([np.nan], scheme="quantiles")


# ----------------------------------------------------------------------------- choropleth
def test_choropleth_continuous_colours_follow_the_values(gradient, out_dir):
    fig = choropleth(gradient, title="East–west gradient", legend_label="Index", synthetic=True)
    fig.savefig(out_dir / "choropleth.png", dpi=150)
    colours = _facecolors(fig, gradient)
    cmap = matplotlib.colormaps["YlOrRd"]
    lo, hi = gradient.min(), gradient.max()
    for code in (110000, 540000, 650000, 230000):
        expected = cmap((gradient[code] - lo) / (hi - lo))
        np.testing.assert_allclose(colours[code], expected, atol=1e-12)
    assert _no_data_count(fig) == 3  # Taiwan, Hong Kong, Macao
    texts = [t.get_text() for t in fig.texts]
    assert any("Synthetic data" in t for t in texts)
    assert fig._suptitle is not None and fig._suptitle.get_text() == "East–west gradient"


def test_choropleth_classes_and_missing_province(gradient, out_dir):
    values = gradient.copy()
    values[540000] = np.nan  # Tibet without a value: drawn as no data
    fig = choropleth(values, title="Quantiles", legend_label="Index", scheme="quantiles", k=4)
    fig.savefig(out_dir / "choropleth_quantiles.png", dpi=150)
    assert _no_data_count(fig) == 4
    colours = _facecolors(fig, values)
    bins = class_breaks(values.dropna().to_numpy(), scheme="quantiles", k=4)
    shades = [matplotlib.colormaps["YlOrRd"](x) for x in np.linspace(0.08, 0.92, 4)]
    for code, v in values.dropna().items():
        cls = int(np.searchsorted(bins, v))
        np.testing.assert_allclose(colours[code], shades[cls], atol=1e-12)
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(labels) == 5 and labels[-1] == "No data"
    assert labels[0].startswith(f"{values.min():.2f}") and labels[-2].endswith(
        f"{values.max():.2f}"
    )
    assert "\u2013" in labels[0]  # "lo–hi"


@pytest.mark.skipif(not REALDATA.exists(), reason=f"{REALDATA} is not on this machine")
def test_choropleth_of_real_rd_intensity(out_dir):
    raw = pd.read_csv(REALDATA)
    sel = raw[(raw["variable"] == "v4_ztr_qd_RD") & (raw["year"] == 2020) & (raw["code"] != 100000)]
    values = sel.set_index("code")["value"]
    assert len(values) == 31
    fig = choropleth(
        values,
        title="R&D intensity, 2020",
        legend_label="% of GDP",
        scheme="fisher_jenks",
        cmap="Blues",
    )
    fig.savefig(out_dir / "choropleth_rd_intensity.png", dpi=150)
    colours = _facecolors(fig, values)
    # Beijing has the highest R&D intensity (about 6.4 %): the darkest class
    darkest = matplotlib.colormaps["Blues"](0.92)
    np.testing.assert_allclose(colours[110000], darkest, atol=1e-12)


# ----------------------------------------------------------------------------- cluster maps
def test_cluster_map_colours_and_counts(categories, out_dir):
    fig = cluster_map(categories, title="LISA clusters", synthetic=True)
    fig.savefig(out_dir / "cluster_map.png", dpi=150)
    colours = _facecolors(fig, categories)
    for code, cat in categories.items():
        np.testing.assert_allclose(colours[code], to_rgba(CLUSTER_COLORS[cat]))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    counts = categories.value_counts()
    assert labels[0] == f"High–High ({counts.get('HH', 0)})"
    assert labels[2] == f"Low–Low ({counts.get('LL', 0)})"
    assert labels[-1] == "No data"
    assert _no_data_count(fig) == 3


def test_geoda_colours():
    # GeoDa's LISA cluster map: HH (255,0,0), LL (0,0,255), LH (167,173,249), HL (244,173,168)
    assert to_rgba(CLUSTER_COLORS["HH"]) == to_rgba((1.0, 0.0, 0.0))
    assert to_rgba(CLUSTER_COLORS["LL"]) == to_rgba((0.0, 0.0, 1.0))
    assert to_rgba(CLUSTER_COLORS["LH"]) == to_rgba((167 / 255, 173 / 255, 249 / 255))
    assert to_rgba(CLUSTER_COLORS["HL"]) == to_rgba((244 / 255, 173 / 255, 168 / 255))


def test_small_multiples_share_one_scale(gradient, categories, out_dir):
    years = {2014: gradient, 2017: gradient * 1.2, 2020: gradient * 1.4, 2023: gradient * 1.6}
    fig = small_multiples(years, title="Four years", legend_label="Index", synthetic=True)
    fig.savefig(out_dir / "small_multiples.png", dpi=150)
    maps_axes = [ax for ax in fig.axes if ax.get_title() in {"2014", "2017", "2020", "2023"}]
    assert len(maps_axes) == 4
    lo, hi = gradient.min(), (gradient * 1.6).max()
    cmap = matplotlib.colormaps["YlOrRd"]
    # Beijing in 2014 and 2023 on the pooled scale
    filled = [c for c in _mapdraw.map_geometry().codes if c in gradient.index]
    i = filled.index(110000)
    for ax, factor in ((maps_axes[0], 1.0), (maps_axes[3], 1.6)):
        got = ax.collections[0].get_facecolors()[i]
        np.testing.assert_allclose(got, cmap((gradient[110000] * factor - lo) / (hi - lo)))

    cl = small_multiples({y: categories for y in (2014, 2023)}, kind="cluster", title="Clusters")
    cl.savefig(out_dir / "small_multiples_cluster.png", dpi=150)
    legend = cl.legends[0]
    assert legend.get_texts()[0].get_text() == "High–High"  # no counts on small multiples


def test_figures_are_not_left_in_pyplot(gradient):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    choropleth(gradient)
    assert plt.get_fignums() == before


def test_chinese_labels(categories, gradient, out_dir):
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font installed (install fonts-noto-cjk or fonts-wqy-zenhei)")
    fig = cluster_map(categories, title="LISA 聚类图", lang="zh", synthetic=True)
    fig.savefig(out_dir / "cluster_map_zh.png", dpi=150)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0].startswith("高–高") and labels[-1] == "无数据"
    family = fig.axes[0].get_legend().get_texts()[0].get_fontfamily()
    assert family[0] == fonts.cjk_font()
    multi = small_multiples({2014: gradient, 2023: gradient}, lang="zh", legend_label="指数")
    multi.savefig(out_dir / "small_multiples_zh.png", dpi=150)


def test_missing_cjk_font_gives_a_clear_error(monkeypatch, categories):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.raises(ConfigError, match=r"lang='zh' needs a font.*fonts-noto-cjk"):
        fonts.require_cjk_font()
    with pytest.raises(ConfigError, match="lang='zh' needs a font"):
        cluster_map(categories, lang="zh")


# ----------------------------------------------------------------------------- bad input
def test_bad_inputs_are_named(gradient, categories):
    panel = pd.concat({2020: gradient}, names=["time"]).swaplevel()
    with pytest.raises(DataError, match=r"values has a MultiIndex.*xs\(2020, level=1\)"):
        choropleth(panel)
    with pytest.raises(DataError, match=r"not provinces of the map: \[123456\]"):
        choropleth(pd.Series([1.0], index=[123456]))
    with pytest.raises(DataError, match="integer province codes"):
        choropleth(pd.Series([1.0], index=["Beijing"]))
    with pytest.raises(DataError, match="duplicate province codes"):
        choropleth(pd.Series([1.0, 2.0], index=[110000, 110000]))
    with pytest.raises(DataError, match="must be a pandas Series"):
        choropleth([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(DataError, match="values must be numeric"):
        choropleth(categories)
    bad = categories.copy()
    bad.iloc[0] = "H-H"
    with pytest.raises(DataError, match=r"categories has values \['H-H'\]"):
        cluster_map(bad)
    with pytest.raises(ConfigError, match="lang='fr' is not known"):
        choropleth(gradient, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="scheme='jenks' is not known"):
        choropleth(gradient, scheme="jenks")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="kind='bars' is not known"):
        small_multiples({1: gradient}, kind="bars")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="cmap='YlOrBr_x' is not a matplotlib colour map"):
        choropleth(gradient, cmap="YlOrBr_x")
    with pytest.raises(DataError, match="panels is empty"):
        small_multiples({})


@pytest.mark.parametrize("scheme", [None, "quantiles", "fisher_jenks"])
def test_constant_values_draw_one_colour(scheme):
    fig = choropleth(pd.Series(0.5, index=CODES), scheme=scheme)
    colours = np.unique(fig.axes[0].collections[0].get_facecolors(), axis=0)
    assert len(colours) == 1


def test_caller_series_is_not_modified(gradient):
    before = gradient.copy()
    choropleth(gradient, scheme="quantiles")
    pd.testing.assert_series_equal(gradient, before)

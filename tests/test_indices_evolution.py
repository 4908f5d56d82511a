"""Growth summary, trend figures and the indices / evolution study stages.

Numbers are hand-worked (arithmetic written out next to them). The figures are rendered to PNG
under the system temp folder (``spatialpanel_evolution_*.png``) so a person can look at them.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from spatialpanel.data.china import provinces, region_of
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.composite import composite_index
from spatialpanel.indices.growth import group_means, growth_summary
from spatialpanel.report.evolution_plots import REGION_COLOURS, province_trends, region_trends
from spatialpanel.study.context import StudyContext
from spatialpanel.study.labels import study_labels
from spatialpanel.study.stages import evolution as evolution_stage
from spatialpanel.study.stages import indices as indices_stage
from spatialpanel.text import Labels, default_label
from tests.texts import english

OUT = Path(tempfile.gettempdir())


def series(values: dict[tuple[Any, int], float]) -> pd.Series:
    idx = pd.MultiIndex.from_tuples(list(values), names=["entity", "time"])
    return pd.Series(list(values.values()), index=idx, name="score")


# ------------------------------------------------------------------------------- growth
def test_growth_summary_hand_worked() -> None:
    s = series(
        {
            ("a", 2020): 0.2, ("a", 2021): 0.25, ("a", 2022): 0.3125,
            ("b", 2020): 0.0, ("b", 2021): 0.1, ("b", 2022): 0.4,
            ("c", 2020): 0.5, ("c", 2021): 0.4, ("c", 2022): 0.32,
        }
    )  # fmt: skip
    g = growth_summary(s)
    # a: 0.3125 / 0.2 = 1.5625 over 2 years -> sqrt(1.5625) = 1.25 -> 25 % a year, 56.25 % total
    assert g.loc["a", "aagr_pct"] == pytest.approx(25.0, abs=1e-12)
    assert g.loc["a", "total_growth_pct"] == pytest.approx(56.25, abs=1e-12)
    assert g.loc["a", "change"] == pytest.approx(0.1125, abs=1e-15)
    # b starts at 0: growth rates undefined
    assert math.isnan(g.loc["b", "aagr_pct"])
    # c: 0.32 / 0.5 = 0.64 -> sqrt = 0.8 -> -20 % a year
    assert g.loc["c", "aagr_pct"] == pytest.approx(-20.0, abs=1e-12)
    assert g["first_year"].tolist() == [2020] * 3
    # groups: {a, b} mean 0.1 -> 0.35625 (= (0.3125 + 0.4) / 2); c alone
    groups = pd.Series({"a": "X", "b": "X", "c": "Y"})
    means = group_means(s, groups=groups)
    assert means.loc["X"].tolist() == pytest.approx([0.1, 0.175, 0.35625], abs=1e-15)
    gg = growth_summary(s, groups=groups)
    assert gg.loc["X", "aagr_pct"] == pytest.approx((math.sqrt(3.5625) - 1) * 100, abs=1e-12)
    assert list(gg.index) == ["X", "Y"]


def test_growth_errors() -> None:
    s = series({("a", 2020): 0.2, ("b", 2020): 0.3})
    with pytest.raises(DataError, match="single year"):
        growth_summary(s)
    s = series({("a", 2020): 0.2, ("a", 2021): 0.3, ("b", 2020): 0.3})
    with pytest.raises(DataError, match="unbalanced"):
        growth_summary(s)
    with pytest.raises(DataError, match=r"no group for region\(s\) \['b'\]"):
        group_means(s, groups=pd.Series({"a": "X"}))


# ------------------------------------------------------------------------------ figures
def demo_like_scores(seed: int = 3) -> pd.Series:
    rng = np.random.default_rng(seed)
    codes = list(provinces().index)
    years = list(range(2014, 2024))
    base = rng.uniform(0.15, 0.45, len(codes))
    rows = {
        (c, y): float(base[i] + 0.025 * (y - 2014) + rng.normal(0, 0.01))
        for i, c in enumerate(codes)
        for y in years
    }
    return series(rows)


def _legend(fig: Figure) -> list[str]:
    legend = fig.axes[0].get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_trend_figures_render() -> None:
    s = demo_like_scores()
    names = provinces()["name_en"].to_dict()
    picked = [110000, 120000, 140000, 410000, 440000, 510000, 620000, 230000]
    fig = province_trends(s, entities=picked, names=names, ylabel="Index", synthetic=True)
    fig.savefig(OUT / "spatialpanel_evolution_provinces.png", dpi=150)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 8
    last = s.xs(2023, level=1)
    # legend ordered by the last year's value
    assert _legend(fig) == [names[c] for c in last.loc[picked].sort_values(ascending=False).index]
    assert any("Synthetic data" in t.get_text() for t in fig.texts)
    assert [int(t) for t in ax.get_xticks()] == list(range(2014, 2024))

    fig = region_trends(s, groups=region_of(), ylabel="Index", synthetic=False)
    fig.savefig(OUT / "spatialpanel_evolution_regions.png", dpi=150)
    assert set(_legend(fig)) == {"East", "Central", "West", "Northeast", "All provinces (mean)"}
    assert not fig.texts
    # the drawn regional mean is the mean of the region's provinces
    reg = region_of()
    east = [c for c in reg.index if reg[c] == "east"]
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "East")
    expected = s.loc[east].groupby(level=1).mean().to_numpy()
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), expected, atol=1e-15)
    assert line.get_color() == REGION_COLOURS["east"]  # the same colour in every figure
    with pytest.raises(DataError, match=r"entities \[999\] are not in scores"):
        province_trends(s, entities=[999])


# ------------------------------------------------------------------------------- stages
class FakeConfig:
    def __init__(self, sections: dict[str, Any]) -> None:
        self._sections = sections

    def section(self, name: str) -> Any:
        return self._sections.get(name, {})

    def has(self, name: str) -> bool:
        return name in self._sections


INDICATORS = {
    "x1": {"dimension": "Economy", "direction": "positive"},
    "x2": {"dimension": "Economy", "direction": "negative"},
    "x3": {"dimension": "Environment", "direction": "positive"},
}


def make_ctx(
    *, entities: list[Any] | None = None, provinces_cfg: list[Any] | None = None
) -> StudyContext:
    rng = np.random.default_rng(11)
    codes = entities if entities is not None else list(provinces().index)
    years = [2019, 2020, 2021, 2022]
    idx = pd.MultiIndex.from_product([codes, years], names=["entity", "time"])
    trend = np.tile(np.arange(len(years)), len(codes))
    panel = pd.DataFrame(
        {
            "x1": rng.uniform(1, 5, len(idx)) + trend,
            "x2": rng.uniform(2, 9, len(idx)) - 0.5 * trend,
            "x3": rng.uniform(10, 50, len(idx)) + 3 * trend,
        },
        index=idx,
    )
    config = FakeConfig(
        {
            "indices": {
                "idx": {
                    "label": "Test index",
                    "method": "entropy",
                    "variant": "panel",
                    "shift": 0.0001,
                    "indicators": INDICATORS,
                }
            },
            "evolution": {
                "provinces": provinces_cfg
                if provinces_cfg is not None
                else ["Beijing", "甘肃省", 440000],
                "division": "region_4",
            },
        }
    )
    return StudyContext(
        config=config,  # type: ignore[arg-type]
        labels=study_labels(config),  # type: ignore[arg-type]
        panel=panel,
        audit=pd.DataFrame(),
        synthetic=True,
        seed=1,
    )


def test_indices_stage() -> None:
    ctx = make_ctx()
    out = indices_stage.run(ctx)
    direct = composite_index(ctx.panel, indicators=INDICATORS, shift=1e-4)
    pd.testing.assert_frame_equal(ctx.scores["idx"], direct.scores)
    assert ctx.results["indices"]["idx"].method == "entropy"
    tables = {t.key: t for t in out.tables}
    assert set(tables) == {"idx_system", "idx_scores", "idx_dimensions"}
    system = tables["idx_system"].frame
    np.testing.assert_allclose(system["weight"], direct.weights["weight"], atol=0)
    assert system.loc[("Economy", "x2"), "direction"] == "negative"
    assert system.loc[("Economy", "x2"), "dimension_weight"] == pytest.approx(
        direct.weights["weight"][["x1", "x2"]].sum(), abs=1e-15
    )
    scores = tables["idx_scores"].frame
    assert scores.shape == (31, 4)
    assert scores.index[0] == "Beijing"
    assert list(scores.columns) == ["2019", "2020", "2021", "2022"]
    assert scores.loc["Gansu", "2021"] == direct.scores.loc[(620000, 2021), "score"]
    assert "Synthetic data." in [english(n) for n in tables["idx_scores"].notes]
    assert tables["idx_dimensions"].frame.index.names == ["province", "year"]
    # the sentence prints the largest weight as in the table
    w = system["weight"]
    top = w.idxmax()
    assert f"{default_label(top[1])} ({w[top]:.4f})" in english(out.sentences[0].text)
    assert out.sentences[0].sources[0] == f"idx_system:{top[0]}|{top[1]}:weight"


def test_evolution_stage() -> None:
    ctx = make_ctx()
    indices_stage.run(ctx)
    out = evolution_stage.run(ctx)
    keys = [t.key for t in out.tables]
    assert keys == ["idx_growth", "idx_growth_region"]
    growth = out.tables[0].frame
    assert growth.loc["Beijing", "region"] == "east"
    direct = growth_summary(ctx.scores["idx"]["score"])
    assert growth.loc["Gansu", "aagr_pct"] == direct.loc[620000, "aagr_pct"]
    region = out.tables[1].frame
    assert list(region.index) == ["East", "Central", "West", "Northeast", "All provinces"]
    national = ctx.scores["idx"]["score"].groupby(level=1).mean()
    assert region.loc["All provinces", "last"] == pytest.approx(national[2022], abs=1e-15)
    figs = {f.key: f for f in out.figures}
    assert set(figs) == {"idx_trend_provinces", "idx_trend_regions"}
    assert _legend(figs["idx_trend_provinces"].figure)[0] in {"Beijing", "Gansu", "Guangdong"}
    assert len(_legend(figs["idx_trend_provinces"].figure)) == 3
    figs["idx_trend_provinces"].figure.savefig(OUT / "spatialpanel_evolution_stage.png", dpi=120)
    # sentences carry the numbers of the tables
    text = " ".join(english(s.text, ctx.labels) for s in out.sentences)
    fastest = growth["aagr_pct"].idxmax()
    assert f"{fastest} ({growth.loc[fastest, 'aagr_pct']:.2f}%)" in text
    top_region = region.drop(index="All provinces")["last"].idxmax()
    assert f"rank {top_region} ({region.loc[top_region, 'last']:.4f})" in text
    assert all(s.sources for s in out.sentences)


def test_evolution_default_selection_and_errors() -> None:
    ctx = make_ctx(provinces_cfg=[])
    indices_stage.run(ctx)
    out = evolution_stage.run(ctx)
    assert len(_legend(out.figures[0].figure)) == 8  # four highest and four lowest
    ctx = make_ctx(provinces_cfg=["Beijng"])
    indices_stage.run(ctx)
    with pytest.raises(ConfigError, match=r"'Beijng' is not a province.*Did you mean 'Beijing'"):
        evolution_stage.run(ctx)


def test_evolution_non_china_entities() -> None:
    ctx = make_ctx(entities=["r1", "r2", "r3"], provinces_cfg=[])
    indices_stage.run(ctx)
    out = evolution_stage.run(ctx)
    assert [t.key for t in out.tables] == ["idx_growth"]
    assert not out.figures
    assert "trend figures need China's province codes" in out.settings["skipped"][0]


def test_demo_study_stages() -> None:
    from spatialpanel.study.config import load_study
    from spatialpanel.study.stages import data

    ctx, _ = data.load(load_study(None))
    out = indices_stage.run(ctx)
    assert set(ctx.scores) == {"uri", "cp"}
    uri = out.tables[0].frame
    assert len(uri) == 13
    assert uri["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert uri.groupby(level=0)["dimension_weight"].first().sum() == pytest.approx(1.0, abs=1e-12)
    ev = evolution_stage.run(ctx)
    assert len(ev.figures) == 4
    for f in ev.figures:
        f.figure.savefig(OUT / f"spatialpanel_evolution_demo_{f.key}.png", dpi=150)


def test_obstacle_and_coupling_artifacts() -> None:
    from spatialpanel.indices.coupling import coupling_coordination
    from spatialpanel.indices.obstacle import obstacle_degree

    ctx = make_ctx()
    ctx.config._sections["indices"]["idx2"] = {  # type: ignore[attr-defined]
        "label": "Second index",
        "indicators": {
            "x1": {"dimension": "All", "direction": "positive"},
            "x3": {"dimension": "All", "direction": "negative"},
        },
    }
    ctx.labels = study_labels(ctx.config)  # type: ignore[arg-type]
    indices_stage.run(ctx)
    tables, sentences = indices_stage.obstacle_artifacts(ctx, "idx", top=2)
    dims, tops = tables[0].frame, tables[1].frame
    res = ctx.results["indices"]["idx"]
    direct = obstacle_degree(
        res.standardised,
        weights=res.weights["weight"],
        dimensions={"x1": "Economy", "x2": "Economy", "x3": "Environment"},
    )
    np.testing.assert_allclose(dims.to_numpy(), direct.dimension.to_numpy(), atol=1e-12)
    assert tops.loc["Gansu", "obstacle_1"] == direct.indicator.loc[(620000, 2022)].idxmax()
    assert "2022" in english(sentences[0].text)
    tables, sentences = indices_stage.coupling_artifacts(ctx, ["idx", "idx2"], form="modified")
    table = tables[0].frame
    u = pd.concat({s: ctx.scores[s]["score"] for s in ("idx", "idx2")}, axis=1)
    expected = coupling_coordination(u, form="modified").table
    np.testing.assert_allclose(table["D"], expected["D"], atol=0)
    mean_last = table.xs(2022, level="year")["D"].mean()
    assert f"to {mean_last:.4f} in 2022" in english(sentences[0].text, ctx.labels)
    assert "Test index and Second index" in english(sentences[0].text, ctx.labels)
    assert tables[1].frame.shape == (10, 2)


def test_stages_in_chinese() -> None:
    from spatialpanel.report.fonts import cjk_font

    ctx = make_ctx()
    ctx.lang = "zh"
    out = indices_stage.run(ctx)
    # tables carry the bundled English names in every language (the report shows the names of
    # its language); the figures drawn by the stage use Chinese
    assert out.tables[1].frame.index[0] == "Beijing"
    ev = evolution_stage.run(ctx)
    legend = _legend(ev.figures[1].figure)
    if cjk_font() is None:  # no CJK font: drawn in English, and said so
        assert "East" in legend
        assert "no CJK font" in ev.settings["skipped"][0]
    else:
        assert set(legend) == {"东部", "中部", "西部", "东北", "全国平均"}
        assert "北京市" in _legend(ev.figures[0].figure)
        ev.figures[1].figure.savefig(OUT / "spatialpanel_evolution_regions_zh.png", dpi=120)


def test_sentence_for_equal_weights_and_index_names() -> None:
    ctx = make_ctx()
    ctx.config._sections["indices"]["idx"]["method"] = "equal"  # type: ignore[attr-defined]
    out = indices_stage.run(ctx)
    text = english(out.sentences[0].text, ctx.labels)
    assert "In the Test index (3 indicators, 2 dimensions), every indicator weighs 0.3333" in text
    assert "Economy carries 0.6667" in text
    cp = Labels({"variable": {"cp": {"en": "Common prosperity"}}})
    assert english(indices_stage.index_name("cp", cp), cp) == "Common prosperity index"
    # a label that already ends in "index" is not doubled (the catalogue's edge form "named")
    assert english(indices_stage.index_name("idx", ctx.labels), ctx.labels) == "Test index"
    assert english(out.tables[1].title, ctx.labels) == "Test index by province and year"

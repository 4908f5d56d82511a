"""The weights and autocorrelation stages of the study pipeline on a small synthetic China panel.

The expected matrices are recomputed in the tests from first principles (period means by
groupby, 1/|g_i - g_j|, the bundled border count, haversine distances); the statistics are
checked against esda 2.8.2 run in the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError, WeightsError
from spatialpanel.study.config import StudyConfig, validate
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages import autocorrelation as ac_stage
from spatialpanel.study.stages import weights as w_stage
from spatialpanel.weights.builders import great_circle_km
from tests.texts import english

YEARS = list(range(2014, 2024))


def synthetic_panel(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """31 provinces (in a shuffled order) x 2014-2023: gdp_per_capita and an east-high index."""
    prov = sp.provinces()
    rng = np.random.default_rng(seed)
    codes = list(rng.permutation(prov.index.to_numpy()))
    rows = []
    for code in codes:
        east = (prov.loc[code, "capital_lon"] - 100.0) / 20.0
        for t in YEARS:
            rows.append(
                {
                    "province": int(code),
                    "year": t,
                    "gdp_per_capita": 5.0 + 4.0 * east + 0.1 * (t - 2014) + rng.normal(0, 0.5),
                    "cp": 0.2 + 0.15 * east + rng.normal(0, 0.03),
                }
            )
    frame = pd.DataFrame(rows).set_index(["province", "year"])
    panel = frame[["gdp_per_capita"]]
    scores = frame[["cp"]].rename(columns={"cp": "score"})
    return panel, scores


def make_ctx(
    weights: dict[str, dict[str, object]],
    auto: dict[str, object] | None = None,
    path: Path | None = None,
) -> StudyContext:
    data: dict[str, object] = {"data": {"file": "demo"}, "weights": weights}
    data["indices"] = {
        "cp": {
            "label": "Common prosperity",
            "indicators": {"x": {"dimension": "d", "direction": "positive"}},
        }
    }
    if auto is not None:
        data["autocorrelation"] = auto
    config = StudyConfig(raw=validate(data), path=path)
    panel, scores = synthetic_panel()
    ctx = StudyContext(
        config=config, panel=panel, audit=pd.DataFrame(), synthetic=True, seed=20250718
    )
    ctx.scores["cp"] = scores
    return ctx


DEMO_WEIGHTS: dict[str, dict[str, object]] = {
    "contiguity": {"kind": "contiguity", "hainan": "guangdong"},
    "inverse_distance": {"kind": "inverse_distance", "power": 1},
    "inverse_distance_sq": {"kind": "inverse_distance", "power": 2},
    "economic": {"kind": "economic", "variable": "gdp_per_capita"},
    "nested": {"kind": "economic_geographic", "form": "product", "variable": "gdp_per_capita"},
    "knn4": {"kind": "knn", "k": 4},
    "nested_sq": {"kind": "economic_geographic", "power": 2, "variable": "gdp_per_capita"},
}


def test_weights_stage_builds_every_matrix_in_panel_order() -> None:
    ctx = make_ctx(DEMO_WEIGHTS)
    out = w_stage.run(ctx)
    order = list(ctx.panel.index.get_level_values(0).unique())
    assert order != sorted(order)  # the panel is shuffled on purpose
    assert set(ctx.weights) == set(DEMO_WEIGHTS)
    for w in ctx.weights.values():
        assert list(w.ids) == order
        np.testing.assert_allclose(w.row_sums, 1.0)
    table = out.tables[0].frame
    # 68 land borders + Hainan-Guangdong: 138 non-zeros, 138/31 = 4.45 neighbours on average
    assert table.loc["contiguity", "nnz"] == 138
    assert table.loc["contiguity", "neighbours_mean"] == pytest.approx(138 / 31)
    assert table.loc["knn4", "neighbours_min"] == table.loc["knn4", "neighbours_max"] == 4
    assert table.loc["inverse_distance", "nnz"] == 31 * 30
    assert table.loc["contiguity", "islands"] == "none"
    assert "1/|g_i − g_j|" in english(table.loc["economic", "formula"])
    assert "diag(g_i/ḡ)" in english(table.loc["nested", "formula"])
    assert out.sentences and all(s.sources for s in out.sentences)
    json.dumps(out.settings)

    # economic: recomputed from the period means
    g = ctx.panel["gdp_per_capita"].groupby(level=0).mean().loc[order].to_numpy()
    raw = np.zeros((31, 31))
    off = ~np.eye(31, dtype=bool)
    raw[off] = 1.0 / np.abs(g[:, None] - g[None, :])[off]
    np.testing.assert_allclose(ctx.weights["economic"].dense, raw / raw.sum(1, keepdims=True))
    # nested product form: w_ij ∝ g_j / d_ij after row standardisation
    prov = sp.provinces().loc[order]
    d = great_circle_km(prov["capital_lat"].to_numpy(), prov["capital_lon"].to_numpy())
    np.fill_diagonal(d, np.inf)
    nest = np.zeros((31, 31))
    nest[off] = (g[None, :] / d)[off]
    np.testing.assert_allclose(ctx.weights["nested"].dense, nest / nest.sum(1, keepdims=True))
    # W_d = 1/d² when power = 2: w_ij ∝ g_j / d_ij²
    sq = np.zeros((31, 31))
    sq[off] = (g[None, :] / d**2)[off]
    np.testing.assert_allclose(ctx.weights["nested_sq"].dense, sq / sq.sum(1, keepdims=True))
    assert "W_d = 1/d_ij^2" in english(table.loc["nested_sq", "formula"])


def test_weights_stage_file_and_errors(tmp_path: Path) -> None:
    w = sp.SpatialWeights.china_contiguity(transform="none")
    w.write(tmp_path / "w.csv")
    ctx = make_ctx({"mine": {"kind": "file", "file": "w.csv"}}, path=tmp_path / "study.toml")
    w_stage.run(ctx)
    order = list(ctx.panel.index.get_level_values(0).unique())
    np.testing.assert_allclose(
        ctx.weights["mine"].dense, sp.SpatialWeights.china_contiguity(ids=order).dense
    )
    bad = make_ctx({"econ": {"kind": "economic", "variable": "gdp_per_capta"}})
    with pytest.raises(ConfigError, match=r"\[weights.econ\].*gdp_per_capita"):
        w_stage.run(bad)
    island = make_ctx({"c": {"kind": "contiguity", "hainan": "none"}})
    with pytest.raises(WeightsError, match=r"\[weights.c\].*460000"):
        w_stage.run(island)


def test_autocorrelation_stage(tmp_path: Path) -> None:
    import esda

    auto = {
        "variable": "cp",
        "weights": ["nested", "contiguity"],
        "local_weights": "nested",
        "years": [2014, 2017, 2020, 2023],
        "permutations": 99,
    }
    ctx = make_ctx(DEMO_WEIGHTS, auto)
    w_stage.run(ctx)
    out = ac_stage.run(ctx)
    keys = [t.key for t in out.tables]
    assert keys == ["moran_nested", "moran_contiguity", "geary", "local_moran", "quadrants"]
    t3 = out.tables[0].frame
    assert list(t3.index) == YEARS
    assert {"I", "I_stars", "sd", "z", "p", "p_perm"} <= set(t3.columns)
    series = ctx.scores["cp"]["score"]
    w = ctx.weights["nested"]
    y = series.xs(2020, level=1).loc[w.ids].to_numpy()
    m = esda.Moran(y, w.to_libpysal_w(), permutations=0)
    assert t3.loc[2020, "I"] == pytest.approx(m.I, abs=1e-10)
    assert t3.loc[2020, "z"] == pytest.approx(m.z_rand, abs=1e-10)
    assert t3.loc[2020, "p"] == pytest.approx(m.p_rand, abs=1e-12)
    assert t3.loc[2020, "I_stars"].startswith(f"{m.I:.3f}")

    local = ctx.results["local_moran"]
    assert {"entity", "time", "Ii", "p", "quadrant", "significant"} <= set(local.columns)
    assert set(local["quadrant"]) <= {"HH", "LH", "LL", "HL"}
    assert len(local) == 31 * len(YEARS)
    ml = esda.Moran_Local(y, w.to_libpysal_w(), permutations=0)
    mine = local[local["time"] == 2020].set_index("entity").loc[list(w.ids)]
    np.testing.assert_allclose(mine["Ii"].to_numpy(), ml.Is, atol=1e-10)

    members = out.tables[-1].frame
    assert list(members.index) == [2014, 2017, 2020, 2023]
    assert (members[["n_HH", "n_LH", "n_LL", "n_HL"]].sum(axis=1) == 31).all()
    shanghai_quadrants = local[(local["entity"] == 310000) & local["time"].isin(auto["years"])]
    if set(shanghai_quadrants["quadrant"]) == {"HH"}:
        quadrant_sentence = next(
            english(s.text) for s in out.sentences if "high–high quadrant" in english(s.text)
        )
        assert "Shanghai" in quadrant_sentence

    assert [f.key for f in out.figures] == [f"moran_scatter_{y}" for y in auto["years"]]
    out.figures[0].figure.savefig(tmp_path / "scatter.png", dpi=80)
    assert (tmp_path / "scatter.png").stat().st_size > 10_000
    assert all(s.sources for s in out.sentences)
    text = english(out.sentences[0].text)
    assert "every year" in text or "of 10 years" in text

    with pytest.raises(ConfigError, match="years"):
        ac_stage.run(make_ctx(DEMO_WEIGHTS, {**auto, "years": [1999]}))


def test_autocorrelation_stage_chinese_labels() -> None:
    from spatialpanel.report.fonts import cjk_font

    auto = {"variable": "cp", "weights": ["contiguity"], "years": [2020], "permutations": 19}
    ctx = make_ctx({"contiguity": {"kind": "contiguity"}}, auto)
    ctx.lang = "zh"
    w_stage.run(ctx)
    out = ac_stage.run(ctx)
    # the tables keep the bundled English names; the figures are drawn in Chinese
    beijing = ctx.results["local_moran"].set_index("entity")["name"].loc[110000].iloc[0]
    assert beijing == "Beijing"
    if cjk_font() is None:  # no font to draw Chinese: English names, said in the settings
        assert out.settings["labels"] == "en"
    else:
        assert out.settings["labels"] == "zh"
        texts = {t.get_text() for t in out.figures[0].figure.axes[0].texts}
        assert {"内蒙古", "广西", "新疆", "黑龙江", "上海"} <= texts
        assert "北京" in texts
    assert out.settings["local_weights"] == "contiguity"
    json.dumps(out.settings)  # the settings go to stages.json

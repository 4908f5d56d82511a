"""The disparity stage of the study pipeline, and the figures it renders.

The numbers inside the stage's tables come from the functions tested against references in the
other ``test_disparity_*`` files; here we check that the stage wires them correctly (same numbers
as calling the functions directly), that sentences quote the table values, and that the figures
render (saved under /tmp/spatialpanel-disparity-figures for inspection).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from spatialpanel.data.china import adjacency_pairs, region_of
from spatialpanel.disparity.convergence import panel_beta_convergence
from spatialpanel.disparity.dagum import dagum_gini_panel
from spatialpanel.disparity.markov import first_passage_times, markov_chain, spatial_markov
from spatialpanel.disparity.spatial_beta import spatial_beta_convergence
from spatialpanel.errors import ConfigError
from spatialpanel.study.config import StudyConfig, validate
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages import disparity as stage
from spatialpanel.weights.core import SpatialWeights
from tests.texts import english

matplotlib.use("Agg")
FIG_DIR = Path("/tmp/spatialpanel-disparity-figures")
YEARS = list(range(2014, 2024))


def _context(
    extra: dict[str, object] | None = None, unvalidated: dict[str, object] | None = None
) -> StudyContext:
    codes = region_of().index
    rng = np.random.default_rng(20250718)
    east = (region_of() == "east").to_numpy()
    base = 0.2 + 0.15 * east + 0.05 * rng.random(31)
    scores = {}
    for name, drift in (("cp", 0.03), ("uri", 0.02)):
        shocks = np.cumsum(0.006 * rng.standard_normal((31, 10)), axis=1)
        vals = np.column_stack([base * (1 + drift * t) for t in range(10)]) + shocks
        series = pd.Series(
            vals.ravel(), index=pd.MultiIndex.from_product([codes, YEARS], names=["e", "t"])
        )
        scores[name] = pd.DataFrame({"score": series})
    dense = np.zeros((31, 31))
    pos = {c: i for i, c in enumerate(codes)}
    for a, b in adjacency_pairs():
        dense[pos[a], pos[b]] = dense[pos[b], pos[a]] = 1.0
    w = SpatialWeights.from_array(dense, ids=codes)
    cfg = {"variables": ["cp", "uri"], **(extra or {})}
    # the sections the disparity settings refer to (validation checks that they exist); the
    # scores and matrices themselves are set on the context below
    one = {"indicators": {"x": {"dimension": "d", "direction": "positive"}}}
    raw = validate(
        {
            "data": {"file": "demo", "entity": "province", "time": "year"},
            "indices": {"cp": one, "uri": one},
            "weights": {"contiguity": {"kind": "contiguity"}, "nested": {"kind": "contiguity"}},
            "disparity": cfg,
        }
    )
    raw["disparity"].update(unvalidated or {})  # keys the schema does not list yet
    panel = pd.DataFrame({"x1": rng.normal(size=310)}, index=scores["cp"].index)
    return StudyContext(
        config=StudyConfig(raw=raw),
        panel=panel,
        audit=pd.DataFrame(),
        synthetic=True,
        seed=1,
        scores=scores,
        weights={"contiguity": w},
    )


@pytest.fixture(scope="module")
def output():  # type: ignore[no-untyped-def]
    ctx = _context()
    return ctx, stage.run(ctx)


def test_tables_match_functions(output) -> None:  # type: ignore[no-untyped-def]
    ctx, out = output
    tables = {t.key: t for t in out.tables}
    for var in ("cp", "uri"):
        for what in ("dagum", "dagum_groups", "kde", "markov", "spatial_markov", "lisa_markov",
                     "lisa_types", "sigma", "beta"):  # fmt: skip
            assert f"{var}_{what}" in tables
    series = ctx.variable("cp")
    dag = dagum_gini_panel(series)
    got = tables["cp_dagum"].frame
    pd.testing.assert_frame_equal(got, dag.table)
    sm = spatial_markov(series, ctx.weights["contiguity"], k=4)
    assert f"LR = {sm.lr_test.stat:.3f}" in " ".join(
        english(n) for n in tables["cp_spatial_markov"].notes
    )
    beta = tables["cp_beta"].frame
    fe = panel_beta_convergence(series, effects="twoway")
    assert beta.loc["absolute, panel (two-way FE)", "beta"] == fe.beta
    np.testing.assert_equal(beta.loc["absolute, panel (two-way FE)", "half_life"], fe.half_life)
    sb = spatial_beta_convergence(series, ctx.weights["contiguity"])
    assert beta.loc["spatial, SDM (two-way FE)", "beta"] == sb.beta
    assert "ρ = " in english(tables["cp_beta"].notes[2])
    assert all(len(t.key) <= 31 for t in out.tables)
    assert out.settings["markov_classes"] == 4
    assert ctx.results["disparity"]["settings"]["division"] == "region_4"
    stored = ctx.results["disparity"]["cp"]
    assert set(stored) == {"dagum", "kde", "markov", "spatial_markov", "lisa_markov", "sigma",
                           "beta"}  # fmt: skip
    pd.testing.assert_frame_equal(stored["dagum"].table, dag.table)


def test_markov_tables_blank_what_was_not_observed(output) -> None:  # type: ignore[no-untyped-def]
    """Rows of the spatial Markov table without observations (n = 0) hold no probabilities
    (the estimator's zeros would claim a class never left); mean first passage times are
    computed for every pair the chain surely reaches (blank: not surely reached)."""
    ctx, out = output
    tables = {t.key: t.frame for t in out.tables}
    sm = spatial_markov(ctx.variable("cp"), ctx.weights["contiguity"], k=4).table()
    got = tables["cp_spatial_markov"].set_index(["neighbours", "from"])
    empty = sm["n"] == 0
    classes = ["C1", "C2", "C3", "C4"]
    assert got.loc[empty, classes].isna().all().all()
    pd.testing.assert_frame_equal(got.loc[~empty, classes], sm.loc[~empty, classes])
    chain = markov_chain(ctx.variable("cp"), k=4)
    mfpt = tables["cp_markov_mfpt"].set_index("from")
    reached = first_passage_times(chain.probabilities.to_numpy())
    finite = np.isfinite(reached)
    np.testing.assert_allclose(mfpt.to_numpy()[finite], reached[finite])
    assert mfpt.to_numpy()[~finite].size == 0 or np.isnan(mfpt.to_numpy()[~finite]).all()
    assert finite.any()


def test_sentences_quote_tables(output) -> None:  # type: ignore[no-untyped-def]
    ctx, out = output
    dag = dagum_gini_panel(ctx.variable("cp")).table
    text = english(out.sentences[0].text)
    assert f"{dag.loc[2014, 'G']:.4f}" in text and f"{dag.loc[2023, 'G']:.4f}" in text
    assert "cp_dagum:2014:G" in out.sentences[0].sources
    assert all(english(s.text).endswith(".") for s in out.sentences)


def test_figures_render(output) -> None:  # type: ignore[no-untyped-def]
    _, out = output
    keys = [f.key for f in out.figures]
    assert keys[:4] == ["cp_dagum_components", "cp_kde_curves", "cp_kde_surface", "cp_sigma_trend"]
    FIG_DIR.mkdir(parents=True, exist_ok=True)
    for fig in out.figures[:4]:
        path = FIG_DIR / f"{fig.key}.png"
        fig.figure.savefig(path, dpi=80)
        assert path.stat().st_size > 10_000
    dagum_fig = out.figures[0].figure
    assert len(dagum_fig.axes) == 4
    kde3d = out.figures[2].figure
    assert len(kde3d.axes) == 5  # whole country + 4 regions
    assert kde3d.axes[0].name == "3d"


def test_options_and_errors() -> None:
    # [weights.nested] is configured but not built on this context: the spatial chains are
    # skipped with a sentence (an undefined name is refused by validation, test_study_rules)
    ctx = _context({"tools": ["markov"], "markov_classes": 3, "weights": "nested"})
    out = stage.run(ctx)
    assert [t.key for t in out.tables] == [
        "cp_markov",
        "cp_markov_mfpt",
        "uri_markov",
        "uri_markov_mfpt",
    ]
    assert "skipped" in english(out.sentences[1].text)
    with pytest.raises(ConfigError, match="tools"):
        stage.run(_context({"tools": ["dagum", "gini"]}))
    with pytest.raises(ConfigError, match="variables"):
        stage.run(_context({"variables": ["cpp"]}))
    with pytest.raises(ConfigError, match="markov_scheme"):
        stage.run(_context({"markov_scheme": "yearly"}))
    with pytest.raises(ConfigError, match=r"\[disparity\] kde of 'cp': bandwidth='silvermann'"):
        # (validation refuses it first, see test_study_rules; here the stage's own check)
        stage.run(_context({"tools": ["kde"]}, {"bandwidth": "silvermann"}))


def test_conditional_beta_with_controls() -> None:
    ctx = _context({"tools": ["convergence"], "variables": ["cp"]}, {"controls": ["x1"]})
    out = stage.run(ctx)
    beta = {t.key: t for t in out.tables}["cp_beta"]
    frame = beta.frame
    series = ctx.variable("cp")
    ref = panel_beta_convergence(series, effects="twoway", controls=ctx.panel[["x1"]])
    assert frame.loc["conditional, panel (two-way FE)", "beta"] == ref.beta
    assert "conditional, cross-section" in frame.index
    assert "X1" in english(beta.notes[1])


def test_chinese_figure_labels() -> None:
    from spatialpanel.report.fonts import cjk_font

    if cjk_font() is None:  # the stage falls back to English then; nothing to check here
        pytest.skip("no CJK font installed")
    ctx = _context({"tools": ["dagum"], "variables": ["cp"]})
    ctx.lang = "zh"
    out = stage.run(ctx)
    fig = out.figures[0].figure
    assert fig.axes[0].get_title() == "(a) 总体基尼系数及其分解"
    assert [ln.get_label() for ln in fig.axes[2].lines] == ["中部", "东部", "东北", "西部"]
    fig.savefig(FIG_DIR / "cp_dagum_components_zh.png", dpi=60)


def test_coupling_tool_tables_and_map_of_d() -> None:
    """Coupling coordination of cp and uri: D per province-year equals the function's, and a map
    of D is drawn for China's provinces."""
    from spatialpanel.indices.coupling import coupling_coordination

    ctx = _context({"tools": ["coupling"], "coupling_systems": ["uri", "cp"]})
    out = stage.run(ctx)
    table = next(t for t in out.tables if t.key == "coupling_uri_cp")
    frame = pd.concat({n: ctx.scores[n]["score"] for n in ("uri", "cp")}, axis=1)
    expected = coupling_coordination(frame).table["D"].to_numpy()
    np.testing.assert_allclose(table.frame["D"].to_numpy(), expected, rtol=0, atol=1e-15)
    assert [f.key for f in out.figures] == ["map_coupling_d"]
    with pytest.raises(ConfigError, match="coupling_systems"):
        stage.run(_context({"tools": ["coupling"], "coupling_systems": ["uri", "gdp"]}))


def test_obstacle_tool_needs_computed_indices() -> None:
    out = stage.run(_context({"tools": ["obstacle"]}))
    assert out.tables == ()
    assert any("No obstacle degree" in english(s.text) for s in out.sentences)

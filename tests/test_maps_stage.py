"""The maps stage of the study pipeline (``spatialpanel.study.stages.maps``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from spatialpanel.data.china import provinces
from spatialpanel.errors import DataError
from spatialpanel.report import _mapdraw
from spatialpanel.report.maps import CLUSTER_COLORS
from spatialpanel.study.config import StudyConfig
from spatialpanel.study.context import StudyContext
from spatialpanel.study.labels import study_labels
from spatialpanel.study.stages import maps as stage
from spatialpanel.text import Labels
from tests.texts import english

matplotlib.use("Agg")

LABELS = Labels({"variable": {"cp": {"en": "Common prosperity", "zh": "共同富裕"}}})
YEARS = list(range(2014, 2024))
CODES = provinces().index


def _context(*, local_moran: pd.DataFrame | None = None, entities=CODES) -> StudyContext:
    index = pd.MultiIndex.from_product([entities, YEARS], names=["entity", "time"])
    rng = np.random.default_rng(5)
    panel = pd.DataFrame({"x": rng.uniform(size=len(index))}, index=index)
    scores = {
        "cp": pd.DataFrame({"score": rng.uniform(0.1, 0.6, len(index))}, index=index),
        "uri": pd.DataFrame({"score": rng.uniform(0.2, 0.7, len(index))}, index=index),
    }
    config = StudyConfig(
        raw={
            "indices": {
                "cp": {"label": "Common prosperity", "label_zh": "共同富裕"},
                "uri": {"label": "Urban-rural"},
            },
            "autocorrelation": {
                "variable": "cp",
                "local_weights": "nested",
                "years": [2014, 2017, 2020, 2023],
            },
        }
    )
    ctx = StudyContext(
        config=config,
        panel=panel,
        audit=pd.DataFrame(),
        synthetic=True,
        seed=1,
        scores=scores,
        labels=study_labels(config),
    )
    if local_moran is not None:
        ctx.results["local_moran"] = local_moran
    return ctx


def _local_moran() -> pd.DataFrame:
    rng = np.random.default_rng(9)
    rows = [
        {
            "entity": c,
            "time": t,
            "Ii": rng.normal(),
            "p": rng.uniform(),
            "quadrant": ["HH", "LH", "LL", "HL"][rng.integers(0, 4)],
        }
        for t in YEARS
        for c in CODES
    ]
    frame = pd.DataFrame(rows)
    frame["significant"] = frame["p"] < 0.3
    return frame


def test_choropleths_per_index_and_cluster_maps(tmp_path: Path):
    lisa = _local_moran()
    out = stage.run(_context(local_moran=lisa))
    keys = [f.key for f in out.figures]
    assert keys == ["map_cp", "map_uri", "lisa_map_cp"]
    assert out.settings["years"] == [2014, 2017, 2020, 2023]
    assert out.settings["skipped"] == []
    first = out.figures[0]
    assert (
        english(first.title, LABELS) == "Common prosperity by province, 2014, 2017, 2020 and 2023"
    )
    assert any("Synthetic" in english(n) for n in first.notes)
    titles = [ax.get_title() for ax in first.figure.axes if ax.get_title()]
    assert titles == ["2014", "2017", "2020", "2023"]
    for fig in out.figures:
        fig.figure.savefig(tmp_path / f"{fig.key}.png", dpi=120)

    # the 2020 cluster panel shows the quadrant of significant regions, grey otherwise
    cluster = out.figures[2].figure
    ax2020 = next(ax for ax in cluster.axes if ax.get_title() == "2020")
    drawn = [c for c in _mapdraw.map_geometry().codes if c in set(CODES)]
    colours = ax2020.collections[0].get_facecolors()
    rows = lisa[lisa["time"] == 2020].set_index("entity")
    for i, code in enumerate(drawn):
        row = rows.loc[code]
        expected = row["quadrant"] if row["significant"] else "not significant"
        np.testing.assert_allclose(colours[i], to_rgba(CLUSTER_COLORS[expected]))
    assert english(out.figures[2].title, LABELS) == (
        "LISA cluster maps of Common prosperity (nested weights)"
    )


def test_cluster_maps_skipped_without_local_moran():
    out = stage.run(_context())
    assert [f.key for f in out.figures] == ["map_cp", "map_uri"]
    assert out.settings["skipped"] == ["LISA cluster maps: no local Moran results"]


def test_regions_that_are_not_provinces_give_no_maps():
    out = stage.run(_context(entities=pd.Index([1, 2, 3])))
    assert out.figures == ()
    assert "not China's provinces" in out.settings["skipped"][0]


def test_malformed_local_moran_is_named():
    with pytest.raises(DataError, match="lacks a 'label' or 'quadrant' column"):
        stage.run(_context(local_moran=_local_moran().drop(columns="quadrant")))
    bad = _local_moran().drop(columns=["entity", "time", "significant"])
    with pytest.raises(DataError, match="'significant' column"):
        stage.run(_context(local_moran=bad))


def test_reads_the_output_of_the_local_moran_function(tmp_path: Path):
    # the table written by spatialpanel.autocorr.local.local_moran: id columns named like the
    # panel's index levels, integer quadrants (1 HH, 2 LH, 3 LL, 4 HL), a 'label' column
    from spatialpanel.autocorr.local import local_moran
    from spatialpanel.weights.builders import china_contiguity

    ctx = _context()
    # a spatially clustered variable: capital longitude plus noise, so clusters appear
    lon = provinces()["capital_lon"]
    rng = np.random.default_rng(2)
    values = pd.Series(
        [lon[c] + rng.normal(0, 5) for c, _ in ctx.panel.index],
        index=ctx.panel.index.set_names(["province", "year"]),
    )
    lisa = local_moran(values, china_contiguity(), years=[2014, 2023], permutations=99, seed=1)
    assert list(lisa.columns[:2]) == ["province", "year"]
    ctx.results["local_moran"] = lisa
    out = stage.run(ctx)
    figure = out.figures[-1]
    assert figure.key == "lisa_map_cp"
    assert "significant at α = 0.05" in english(figure.notes[-1])
    figure.figure.savefig(tmp_path / "lisa_from_local_moran.png", dpi=120)
    ax2023 = next(ax for ax in figure.figure.axes if ax.get_title() == "2023")
    rows = lisa[lisa["year"] == 2023].set_index("province")
    drawn = [c for c in _mapdraw.map_geometry().codes if c in set(CODES)]
    colours = ax2023.collections[0].get_facecolors()
    labels = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    n_significant = 0
    for i, code in enumerate(drawn):
        row = rows.loc[code]
        expected = labels[row["quadrant"]] if row["significant"] else "not significant"
        n_significant += bool(row["significant"])
        np.testing.assert_allclose(colours[i], to_rgba(CLUSTER_COLORS[expected]))
    assert n_significant > 0  # the check above saw coloured regions, not only grey


def test_chinese_titles_or_fallback_to_english(monkeypatch):
    ctx = _context(local_moran=_local_moran())
    ctx.lang = "zh"
    monkeypatch.setattr(stage, "cjk_font", lambda: None)
    out = stage.run(ctx)
    assert out.settings["lang"] == "en"
    assert "no CJK font" in out.settings["skipped"][0]
    assert english(out.figures[0].title, LABELS).startswith("Common prosperity by province")
    monkeypatch.undo()
    if stage.cjk_font() is None:
        pytest.skip("no CJK font installed")
    out = stage.run(ctx)
    assert out.settings["lang"] == "zh"
    # the captions are messages (the report renders them per language); the title drawn in the
    # figure is in Chinese, with no English label mixed in
    assert (
        english(out.figures[0].title, LABELS, lang="zh")
        == "共同富裕的省域空间分布（2014、2017、2020和2023 年）"
    )
    drawn = out.figures[2].figure.texts[0].get_text() if out.figures[2].figure.texts else ""
    drawn = drawn or out.figures[2].figure._suptitle.get_text()  # type: ignore[union-attr]
    assert drawn == "共同富裕的 LISA 集聚图（nested权重矩阵）"

"""Figures as data: specifications saved exactly, drawn per language, one style, one mark.

- ``figures/data/KEY.json`` holds a figure's frames exactly (float bits, dtypes, MultiIndex) and
  its texts as messages and labels: reading it back gives the same specification, and drawing
  the read-back specification gives the same PNG bytes as drawing the original.
- Every drawer draws Chinese figures with no English word left (axes, legends, panel titles,
  colour bars, insets, annotations, the mark) and English figures without identifiers (``cp``),
  with the study's labels; the CJK font is resolved without a ``findfont`` message.
- Every figure carries the mark of the study's data (``ctx.data_mark``); the workbook
  has a README sheet and the mark on every sheet; ``README.txt`` says what the folder holds.
- ``write_results`` writes SVG only when ``figure_formats`` asks; ``report --lang zh`` draws
  ``figures/KEY.zh.png`` from the saved data and leaves the English figures byte-identical.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from spatialpanel.data.china import provinces, region_of
from spatialpanel.disparity import dagum_gini_panel, kernel_density, sigma_convergence
from spatialpanel.disparity.plots import dagum_spec, kde_spec, sigma_spec
from spatialpanel.errors import ConfigError
from spatialpanel.report.drawers import draw
from spatialpanel.report.evolution_plots import trends_spec
from spatialpanel.report.figspec import (
    FigureSpec,
    figure_file,
    frame_from_json,
    frame_to_json,
    read_spec,
    write_spec,
)
from spatialpanel.report.fonts import cjk_font
from spatialpanel.report.maps import map_spec
from spatialpanel.report.marks import provenance_mark
from spatialpanel.report.moran_plots import moran_spec
from spatialpanel.text import Label, Labels, msg
from spatialpanel.weights.builders import china_contiguity

matplotlib.use("Agg")

CODES = provinces().index
YEARS = list(range(2014, 2024))
LABELS = Labels({"variable": {"cp": {"en": "Common prosperity", "zh": "共同富裕"}}})
GROUPS = {g: Label("group", g) for g in ("east", "central", "west", "northeast")}


@pytest.fixture(scope="module")
def panel() -> pd.Series:
    rng = np.random.default_rng(11)
    east = (provinces()["capital_lon"] - 75.0) / 60.0
    values = [
        float(np.clip(0.15 + 0.5 * east[c] + 0.02 * (t - 2014) + rng.normal(0, 0.05), 0.01, 0.99))
        for c in CODES
        for t in YEARS
    ]
    index = pd.MultiIndex.from_product([CODES, YEARS], names=["province", "year"])
    return pd.Series(values, index=index, name="cp")


@pytest.fixture(scope="module")
def specs(panel: pd.Series) -> dict[str, FigureSpec]:
    """One specification of every drawer, with labels as the study gives them."""
    cp = Label("variable", "cp")
    years = [2014, 2023]
    categories = pd.Series(
        np.array(["HH", "LH", "LL", "HL", "not significant"])[np.arange(len(CODES)) % 5],
        index=CODES,
    )
    groups = region_of()
    kd = kernel_density(panel, groups=groups, bounds=(0.0, 1.0))
    wide = panel.unstack(level=1).loc[[110000, 620000, 440000]]
    means = panel.groupby([groups.reindex(panel.index.get_level_values(0)).to_numpy(), "year"])
    return {
        "map": map_spec({y: panel.xs(y, level=1) for y in years}, legend=cp),
        "cluster": map_spec({y: categories for y in years}, kind="cluster"),
        "moran": moran_spec(panel, china_contiguity(), year=2020, variable=cp),
        "trend_regions": trends_spec(
            wide, names={str(c): Label("region", str(c)) for c in wide.index}, ylabel=cp
        ),
        "trend_groups": trends_spec(
            means.mean().unstack(level=1),
            names={g: Label("group", g) for g in GROUPS},
            ylabel=cp,
            reference=panel.groupby(level=1).mean(),
            reference_label=msg("All provinces (mean)"),
        ),
        "dagum": dagum_spec(dagum_gini_panel(panel, groups=groups), groups=GROUPS),
        "kde": kde_spec(kd, variable=cp, scopes=GROUPS, all_label=msg("All provinces")),
        "kde3d": kde_spec(kd, variable=cp, scopes=GROUPS, surface=True),
        "sigma": sigma_spec(sigma_convergence(panel, groups=groups), scopes=GROUPS),
    }


def _texts(fig: Figure) -> list[str]:
    """Every text the reader sees (not the axis texts of axes switched off, such as maps')."""
    hidden = {
        id(t)
        for ax in fig.axes
        if not ax.axison
        for axis in (ax.xaxis, ax.yaxis)
        for t in (axis.offsetText, axis.label, *axis.get_ticklabels())
    }
    return [
        t.get_text()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text() and id(t) not in hidden
    ]


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    return buf.getvalue()


# --------------------------------------------------------------------------- data, exactly
def test_frames_round_trip_exactly() -> None:
    floats = [0.1 + 0.2, 1e-300, -2.5e17, np.nan, 1 / 3]
    frame = pd.DataFrame(
        {
            ("a", 2014): floats,
            ("a", 2015): [1, 2, 3, 4, 5],
            ("b", 2014): ["HH", None, "LL", "x", "高–高"],
            ("b", 2015): [True, False, True, True, False],
        },
        index=pd.MultiIndex.from_product([[110000], [1, 2, 3, 4, 5]], names=["region", "k"]),
    )
    frame.columns.names = ["scope", "year"]
    back = frame_from_json(frame_to_json(frame))
    assert isinstance(back, pd.DataFrame)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back.iloc[0, 0] == 0.1 + 0.2  # the same bits, not a rounded decimal
    series = pd.Series([0.25, np.nan], index=pd.Index(["x", "y"], name="id"), name="v")
    pd.testing.assert_series_equal(frame_from_json(frame_to_json(series)), series)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="infinite"):
        frame_to_json(pd.Series([np.inf]))


def test_specs_round_trip_and_draw_the_same_pixels(
    specs: dict[str, FigureSpec], tmp_path: Path
) -> None:
    for name in ("moran", "dagum", "trend_groups"):
        spec = FigureSpec(
            specs[name].drawer,
            specs[name].data,
            specs[name].texts,
            specs[name].options,
            mark=provenance_mark("synthetic"),
        )
        write_spec(spec, tmp_path / f"{name}.json")
        back = read_spec(tmp_path / f"{name}.json")
        assert back.texts == spec.texts and back.mark == spec.mark
        assert back.options == spec.options
        for key, frame in spec.data.items():
            if isinstance(frame, pd.DataFrame):
                pd.testing.assert_frame_equal(back.data[key], frame, check_exact=True)  # type: ignore[arg-type]
        assert _png(draw(back, "en", LABELS)) == _png(draw(spec, "en", LABELS))


def test_file_names_carry_the_language() -> None:
    assert figure_file("map_cp", "png") == "figures/map_cp.png"
    assert figure_file("map_cp", "png", "zh") == "figures/map_cp.zh.png"
    assert figure_file("map_cp", "svg", "zh") == "figures/map_cp.zh.svg"
    assert figure_file("map_cp", "png", "zh", web=True) == "figures/web/map_cp.zh.png"


def test_unknown_drawer_is_named() -> None:
    with pytest.raises(ConfigError, match=r"drawer 'mapp' is not known.*Did you mean 'map'"):
        draw(FigureSpec("mapp"))


# --------------------------------------------------------------------------- languages
# symbols that are not English words: roman quadrant numbers, W·z, z, N (north), km, LISA, n/S0
_SYMBOLS = {
    "I",
    "II",
    "III",
    "IV",
    "W",
    "z",
    "N",
    "km",
    "LISA",
    "S0",
    "n",
    "D",
    "G",
    "w",
    "nb",
    "t",
}


def _english_words(text: str) -> list[str]:
    text = re.sub(r"\$[^$]*\$", " ", text)  # mathtext symbols
    text = re.sub(r"\([a-z]\) ", " ", text)  # panel letters
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text) if w not in _SYMBOLS]


def test_chinese_figures_have_no_english_left(
    specs: dict[str, FigureSpec], caplog: pytest.LogCaptureFixture
) -> None:
    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    with caplog.at_level(logging.INFO, logger="matplotlib.font_manager"):
        for name, spec in specs.items():
            marked = FigureSpec(
                spec.drawer, spec.data, spec.texts, spec.options, mark=provenance_mark("synthetic")
            )
            fig = draw(marked, "zh", LABELS)
            _png(fig)  # drawn: every text resolved its font
            left = [(t, _english_words(t)) for t in _texts(fig) if _english_words(t)]
            assert left == [], name
            assert "合成数据（演示用），非官方统计" in _texts(fig), name
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()] == []


def test_english_figures_show_labels_not_identifiers(specs: dict[str, FigureSpec]) -> None:
    for name, spec in specs.items():
        texts = _texts(draw(spec, "en", LABELS))
        assert not [t for t in texts if re.search(r"\b(cp|east|west|central|northeast)\b", t)], name
    moran = _texts(draw(specs["moran"], "en", LABELS))
    assert "Common prosperity (standardised z)" in moran and "Beijing" in moran
    assert "Northeast" in _texts(draw(specs["dagum"], "en", LABELS))


def test_every_figure_takes_the_style(specs: dict[str, FigureSpec]) -> None:
    for name in ("trend_groups", "dagum", "kde", "sigma"):
        fig = draw(specs[name], "en", LABELS)
        for ax in fig.axes:
            assert not ax.spines["top"].get_visible(), name
            assert not ax.spines["right"].get_visible(), name
            assert ax.title.get_fontsize() == 10.0, name
            assert ax.xaxis.label.get_fontsize() == 9.5, name


# --------------------------------------------------------------------------- the results folder
def _write(tmp_path: Path, *, formats: list[str], mark: str | None = "synthetic") -> Path:
    from spatialpanel.study.artifacts import FigureArtifact, StageOutput, TableArtifact
    from spatialpanel.study.config import load_study
    from spatialpanel.study.context import StudyContext
    from spatialpanel.study.outputs import write_results

    config = load_study()
    config.raw["outputs"]["figure_formats"] = formats
    rng = np.random.default_rng(1)
    values = pd.Series(rng.uniform(0.1, 0.9, len(CODES)), index=CODES)
    stage = StageOutput(
        name="demo",
        title="Demo",
        tables=(TableArtifact("t", "A table", pd.DataFrame({"x": [1.0, 2.0]})),),
        figures=(
            FigureArtifact(
                "map_cp", "A map", map_spec({2020: values}, legend=Label("variable", "cp"))
            ),
            FigureArtifact(
                "trend",
                "Trends",
                trends_spec(
                    pd.DataFrame([[0.2, 0.3]], index=["east"], columns=[2020, 2021]),
                    names={"east": Label("group", "east")},
                    ylabel=Label("variable", "cp"),
                ),
            ),
        ),
    )
    panel = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([(110000, 2014)]))
    from spatialpanel.study.labels import study_labels

    ctx = StudyContext(
        config=config,
        panel=panel,
        audit=pd.DataFrame(),
        synthetic=False,
        seed=1,
        labels=study_labels(config),
        data_mark=mark,  # as the data stage resolves it (metadata, [data] mark)
    )
    out = tmp_path / "results"
    write_results(out, config=config, ctx=ctx, stages=(stage,), report=True)
    return out


def test_svg_only_when_asked_and_chinese_figures_from_the_data(tmp_path: Path) -> None:
    import json

    from spatialpanel.report.build import build_report

    out = _write(tmp_path / "png", formats=["png"])
    assert sorted(p.name for p in (out / "figures").glob("*.*")) == ["map_cp.png", "trend.png"]
    assert (out / "figures/data/map_cp.json").is_file()
    both = _write(tmp_path / "svg", formats=["png", "svg"])
    assert (both / "figures/map_cp.svg").is_file() and (both / "figures/trend.svg").is_file()
    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    english = {p: p.read_bytes() for p in (out / "figures").rglob("*") if p.is_file()}
    build_report(out, lang="zh")
    assert (out / "figures/map_cp.zh.png").is_file()
    assert (out / "figures/web/trend.zh.png").is_file()
    assert {p: p.read_bytes() for p in english} == english  # the English figures untouched
    # drawn into the staged additions: the manifest lists them with true hashes
    from spatialpanel.results_folder import verify

    manifest = verify(out)
    assert "figures/map_cp.zh.png" in manifest["outputs"]
    assert "figures/web/map_cp.zh.png" in manifest["outputs"]
    # the Chinese report embeds the Chinese figures, the English one the English figures
    import base64
    import zipfile

    for lang, name in (("zh", "report.zh"), ("en", "report")):
        web = (out / f"figures/web/map_cp{'.zh' if lang == 'zh' else ''}.png").read_bytes()
        html = (out / f"{name}.html").read_text(encoding="utf-8")
        assert base64.b64encode(web).decode("ascii") in html, lang
        with zipfile.ZipFile(out / f"{name}.docx") as docx:
            media = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
        assert web in media, lang
    stages = json.loads((out / "stages.json").read_text(encoding="utf-8"))
    assert stages["labels"]["variable"]["cp"] == {"en": "Common prosperity", "zh": "共同富裕"}


def test_marks_readme_and_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = _write(tmp_path / "synthetic", formats=["png"])
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "Synthetic data (demonstration), not official statistics" in readme
    assert "合成数据（演示用），非官方统计" in readme
    assert "figures/data/KEY.json" in readme and "tables/KEY.csv" in readme
    book = load_workbook(out / "tables.xlsx")
    assert book.sheetnames[0] == "README"
    for ws in book.worksheets:
        assert ws.oddHeader.center.text == "Synthetic data (demonstration), not official statistics"
    table = book["t"]
    assert table["A1"].value == "Synthetic data (demonstration), not official statistics"
    assert [c.value for c in table[3]] == [None, "x"]  # the table starts on the third row
    assert "A table" in [c.value for c in book["README"]["B"]]
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert '"README.txt"' in manifest and '"figures/data/map_cp.json"' in manifest

    reduced = _write(tmp_path / "reduced", formats=["png"], mark="real-reduced")
    assert "Real data, reduced indicator system" in (reduced / "README.txt").read_text("utf-8")
    spec = read_spec(reduced / "figures/data/trend.json")
    assert "Real data, reduced indicator system" in _texts(draw(spec, "en"))

    real = _write(tmp_path / "real", formats=["png"], mark=None)
    assert "***" not in (real / "README.txt").read_text("utf-8")
    assert load_workbook(real / "tables.xlsx")["t"]["A1"].value is None
    assert read_spec(real / "figures/data/trend.json").mark is None


def test_a_failed_run_leaves_no_figure_behind(tmp_path: Path) -> None:
    """A drawing error reaches the caller (with the figure's key) and abort() removes the
    staging folder: nothing is left beside or in the results folder."""
    from spatialpanel.study.artifacts import FigureArtifact
    from spatialpanel.study.config import load_study
    from spatialpanel.study.context import StudyContext
    from spatialpanel.study.figure_output import FigureWriter

    panel = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([(110000, 2014)]))
    ctx = StudyContext(
        config=load_study(), panel=panel, audit=pd.DataFrame(), synthetic=True, seed=1
    )
    writer = FigureWriter(tmp_path / "results", ctx, workers=2)
    writer.add([FigureArtifact("bad", "A figure", FigureSpec("no_such_drawer"))])
    with pytest.raises(ConfigError, match="no_such_drawer") as info:
        writer.finish()
    assert "while drawing figure 'bad'" in "".join(getattr(info.value, "__notes__", []))
    writer.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []

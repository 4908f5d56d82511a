"""Bundled examples through one mechanism (issue 16): listing, running, marking, year windows.

The real-data example runs once, end to end through the CLI, and its results folder is read as a
user would: the real-data mark instead of the synthetic one everywhere, the definition breaks of
the published statistics in the audit and the indices, the model on the years its core
regressor covers, every text in Chinese too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from spatialpanel.cli import app
from spatialpanel.data.bundled import dataset_names, default_example, examples, load_example
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.report.localise import localise
from spatialpanel.report.results_io import load_results
from spatialpanel.study.config import load_example_study, load_study
from spatialpanel.study.stages import data as data_stage
from spatialpanel.study.stages import indices as indices_stage
from spatialpanel.study.stages import model as model_stage
from spatialpanel.study.stages import weights as weights_stage
from spatialpanel.text import from_json, render
from tests.test_report_i18n import english_words

runner = CliRunner()
NBS = "china-provinces-nbs"
CITIES = "china-cities-synthetic"
REAL = "Real data, reduced indicator system."


@pytest.fixture(scope="module")
def nbs_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nbs")
    result = runner.invoke(app, ["run", "--example", NBS, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Real data, reduced indicator system" in result.output
    assert "SYNTHETIC" not in result.output
    return out


@pytest.fixture(scope="module")
def stages(nbs_run: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((nbs_run / "stages.json").read_text(encoding="utf-8"))


def _english(texts: list[object]) -> list[str]:
    """The English rendering of texts as ``stages.json`` stores them (messages as JSON)."""
    return [render(from_json(t), "en") for t in texts]


def _table(run: Path, key: str) -> pd.DataFrame:
    return pd.read_csv(run / "tables" / f"{key}.csv", encoding="utf-8-sig")


# ------------------------------------------------------------------------------ the listing
def test_examples_command_one_line_each_name_first() -> None:
    result = runner.invoke(app, ["examples"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [e.name for e in examples()]
    assert any("nbs" in line.split()[0] for line in lines)
    assert "default" in lines[0] and lines[0].startswith(default_example().name)


def test_three_examples_through_one_mechanism() -> None:
    """The city example is a bundled example like the others: registry, dataset, study file."""
    result = runner.invoke(app, ["examples"])
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [
        "china-demo-synthetic",
        "china-provinces-nbs",
        CITIES,
    ]
    assert "SYNTHETIC" in lines[2] and "296 prefecture-level cities" in lines[2]
    assert dataset_names() == ("demo", NBS, CITIES)
    config = load_example_study(CITIES)
    assert config.bundled_dataset == CITIES and config.example == CITIES
    assert config.section("geography")["bundled"] == "china_cities"
    panel = load_example(CITIES)
    assert panel.attrs["mark"] == "synthetic" and panel.shape == (2960, 30)
    assert panel.index.get_level_values("region")[0] == 110000


def test_no_study_means_the_default_example() -> None:
    config = load_study()
    assert config.example == default_example().name == "china-demo-synthetic"
    assert config.is_demo and config.source_label == "bundled demo study"


def test_run_refuses_a_study_and_an_example(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "study.toml", "--example", NBS, "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not both" in " ".join(result.output.split())
    result = runner.invoke(app, ["run", "--example", "china-nsb", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "china-provinces-nbs" in " ".join(result.output.split())
    assert not any(tmp_path.iterdir())


# -------------------------------------------------------------------------- the real study
def test_real_run_is_marked_real_not_synthetic(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    study = stages["study"]
    assert study["synthetic"] is False and study["data_mark"] == "real-reduced"
    assert study["study_file"] == f"bundled example {NBS}"
    assert stages["data"]["file"] == f"bundled dataset {NBS}"
    html = (nbs_run / "report.html").read_text(encoding="utf-8")
    assert "REAL DATA, REDUCED INDICATOR SYSTEM" in html and "SYNTHETIC" not in html
    assert "real data, reduced indicator system" in html  # provenance item
    assert "Real data, reduced indicator system" in (nbs_run / "tables.md").read_text("utf-8")
    assert "REDUCED INDICATOR SYSTEM" in (nbs_run / "tables.tex").read_text("utf-8")
    # the mark sits where the demo's "Synthetic data." sits: every table and figure of these
    # stages (the model, dynamic and disparity stages mark neither, as in the demo)
    marked_stages = {
        "indices", "evolution", "autocorrelation", "maps", "robustness", "specification"
    }  # fmt: skip
    n = 0
    for stage in stages["stages"]:
        for item in [*stage["tables"], *stage["figures"]]:
            notes = _english(item["notes"])
            assert not any("ynthetic" in note for note in notes), item["key"]
            if stage["name"] in marked_stages:
                assert REAL in notes, item["key"]
                n += 1
    assert n >= 40
    desc = next(t for t in stages["stages"][0]["tables"] if t["key"] == "descriptives")
    assert REAL in _english(desc["notes"])


def test_real_run_has_its_specification_curve(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    """The NBS example runs the specification curve (issue 18 item 6): a CSV under tables/ whose
    name holds "specification", one row per specification, its figure and its sentence, whose
    share is the table's."""
    table = pd.read_csv(
        nbs_run / "tables" / "specification_curve.csv", index_col=0, encoding="utf-8-sig"
    )
    assert len(table) == 4 * 4 * 4 * 2 and table["study"].sum() == 1
    assert table["converged"].all()
    assert (nbs_run / "figures" / "specification_curve.png").is_file()
    stage = next(s for s in stages["stages"] if s["name"] == "specification")
    ok = table[table["converged"]]
    own = float(table.loc[table["study"], "direct"].iloc[0])
    same = int(((ok["direct"] * own > 0) & (ok["direct_p"] < 0.05)).sum())
    sentence = _english([stage["sentences"][0]["text"]])[0]
    assert f"Across {len(table)} specifications" in sentence
    assert f"{round(100 * same / len(ok))}%" in sentence


def test_real_run_marks_its_figures_sheets_and_readme(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    """The one data mark reaches the figures (their saved data, drawn under each), every sheet
    of the workbook and README.txt: "Real data, reduced indicator system", never synthetic."""
    from openpyxl import load_workbook

    from spatialpanel.report.figspec import read_spec

    mark = REAL.rstrip(".")
    readme = (nbs_run / "README.txt").read_text(encoding="utf-8")
    assert f"*** {mark} ***" in readme and "真实数据，精简指标体系" in readme
    assert "ynthetic" not in readme
    book = load_workbook(nbs_run / "tables.xlsx")
    assert book.sheetnames[0] == "README"
    assert all(ws.oddHeader.center.text == mark for ws in book.worksheets)
    figures = [f for s in stages["stages"] for f in s["figures"]]
    assert len(figures) >= 10
    for figure in figures:
        spec = read_spec(nbs_run / figure["data"])
        assert spec.mark is not None and render(spec.mark, "en") == mark, figure["key"]


def test_real_run_uses_nothing_imputed(nbs_run: Path) -> None:
    desc = _table(nbs_run, "descriptives").set_index("variable")
    assert int(desc["filled"].sum()) == 0
    assert desc.loc["urban_rural_income_ratio", "n"] == 31 * 7  # 2014-2020 only
    assert desc.loc["urbanization_rate", "n"] == 31 * 10


def test_definition_breaks_reach_the_audit_and_the_indices(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    audit = _table(nbs_run, "audit")
    checks = audit[audit["step"] == "check"]
    machinery = checks[checks["variable"] == "agri_machinery_power_per_rural_resident"]
    assert ((machinery["time"] == 2016) & machinery["entity"].isna()).any()  # common break
    toilets = checks[(checks["variable"] == "public_toilets_per_10k")]
    assert ((toilets["entity"] == 120000) & (toilets["time"] == 2020)).any()  # Tianjin 1.16→3.63
    diag = pd.read_csv(
        nbs_run / "tables" / "uri_entropy_diagnostics.csv",
        encoding="utf-8-sig",
        dtype={"break_years": str, "jump_years": str},
    ).set_index("indicator")
    assert bool(diag.loc["agri_machinery_power_per_rural_resident", "flag"])
    assert str(diag.loc["agri_machinery_power_per_rural_resident", "break_years"]) == "2016"
    # the reader sees the year as a year (the CSV reads one back as 2016.0)
    shown = next(
        t for s in localise(load_results(nbs_run), "en").sections for t in s.tables
        if t.key == "uri_entropy_diagnostics"
    )  # fmt: skip
    assert shown.frame["Break years"].tolist() == ["", "2016", ""]
    sentences = [s for st in stages["stages"] for s in st["sentences"]]
    machinery = {"label": ["variable", "agri_machinery_power_per_rural_resident"]}
    warning = [
        s["text"]
        for s in sentences
        if s["text"].startswith("Warning:") and s["message"]["params"]["col"] == machinery
    ]
    assert len(warning) == 1 and "a common break in 2016" in warning[0]
    # the reader sees the indicator's label, not its identifier
    assert warning[0].startswith("Warning: Agricultural machinery")
    texts = [s["text"] for s in sentences]
    assert not any(s.startswith("Warning:") and "Common prosperity" in s for s in texts)


def test_model_on_the_years_of_the_core_regressor(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    # a regression payload (report.regression): rows (part, term), columns (model, statistic)
    robustness = pd.read_csv(
        nbs_run / "tables" / "robustness_weights.csv",
        encoding="utf-8-sig",
        header=[0, 1],
        index_col=[0, 1],
    )
    assert float(robustness.loc[("stat", "nobs"), ("contiguity", "coef")]) == 31 * 7
    model = next(s for s in stages["stages"] if s["name"] == "model")
    assert model["settings"]["selected_model"] in ("sdm", "sar", "sem")
    assert model["settings"]["x"] == [
        "uri",
        "budget_expenditure_to_gdp",
        "secondary_industry_share",
        "rd_intensity",
    ]


def test_every_text_of_the_real_study_is_in_chinese(nbs_run: Path) -> None:
    """Every sentence, title, note, caption and table label of the Chinese report is Chinese:
    the real study's labels (label_zh from the NBS metadata) and the catalogue's entries."""
    doc = localise(load_results(nbs_run), "zh")
    missing = []
    for section in doc.sections:
        texts = [section.title, *section.sentences]
        for table in section.tables:
            texts += [table.title, *table.notes]
            if not table.long:
                texts += [str(v) for v in table.frame.index.get_level_values(-1)]
                texts += [
                    str(c)
                    for col in table.frame.columns
                    for c in (col if isinstance(col, tuple) else (col,))
                ]
                texts += [v for v in table.frame.to_numpy().ravel() if isinstance(v, str)]
        for figure in section.figures:
            texts += [figure.title, *figure.notes]
        for text in texts:
            words = [w for w in english_words(text) if not re.fullmatch(r"estimate|se|z|p", w)]
            if words:
                missing.append(f"{section.name}: {text!r} {words}")
    assert doc.banner is not None and doc.banner.startswith("真实数据")
    assert missing == [], "\n".join(missing)


# --------------------------------------------------------------------------- year windows
def _nbs_text() -> str:
    from importlib import resources

    return resources.files("spatialpanel.study").joinpath("nbs_study.toml").read_text("utf-8")


def test_model_years_must_cover_the_model_variables(tmp_path: Path) -> None:
    path = tmp_path / "study.toml"
    text = _nbs_text().replace("years = [2014, 2020]           # the years the core", "# ", 1)
    path.write_text(text, encoding="utf-8")
    config = load_study(path)
    assert config.section("model")["years"] is None
    ctx, _ = data_stage.load(config)
    indices_stage.run(ctx)
    weights_stage.run(ctx)
    with pytest.raises(
        DataError, match=r"'uri' is missing in \[2021, 2022, 2023\].*\[model\] years"
    ):
        model_stage.run(ctx)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "years = [2014, 2020]           # the years the core",
            "years = [2014, 2024] #",
            "outside",
        ),
        ("years = [2014, 2020]           # the urban", "years = [2020, 2014] #", "first, last"),
    ],
)
def test_years_are_checked(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "study.toml"
    text = _nbs_text()
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_study(path)


def test_example_study_validates_and_names_its_dataset() -> None:
    config = load_example_study(NBS)
    assert config.bundled_dataset == NBS and not config.is_demo
    assert config.example == NBS and config.path is None
    with pytest.raises(ConfigError, match="china-provinces-nbs"):
        load_example_study("china-provinces")

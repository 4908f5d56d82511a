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

import numpy as np
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


def test_quadrant_sentence_names_the_provinces_that_stay(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    """The quadrant sentence lists the provinces in the high-high (low-low) quadrant in *every*
    year shown, and says so: on the real data Beijing is high-high in 2014, 2020 and 2023 but
    high-low in 2017, so it is not listed, and the sentence must not read as the full membership
    of each year (it said "In every year shown the provinces in the high-high quadrant are ...")."""
    quadrants = _table(nbs_run, "quadrants").set_index("year")
    stay = {
        q: set.intersection(*(set(str(v).split(", ")) for v in quadrants[q])) for q in ("HH", "LL")
    }
    assert "Beijing" in quadrants.loc[2014, "HH"] and "Beijing" not in stay["HH"]
    sentence = next(
        s["text"]
        for st in stages["stages"]
        for s in st["sentences"]
        if s["text"].startswith("The provinces that stay in the high–high quadrant")
    )
    hh, ll = sentence.split("; those that stay in the low–low quadrant are ")
    listed_hh = set(hh.split(" are ", 1)[1].replace(" and ", ", ").split(", "))
    listed_ll = set(ll.split(" (contiguity weights)")[0].replace(" and ", ", ").split(", "))
    assert listed_hh == stay["HH"] and listed_ll == stay["LL"]
    assert "in every year shown (2014, 2017, 2020 and 2023)" in sentence


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


# --------------------------------------------------------------------------- the case-study page
PAGE = Path(__file__).resolve().parents[1] / "docs" / "case-study-china.md"
#: how each table the page quotes is read: (header rows, index columns); default one header row,
#: index = the first column
_READ: dict[str, tuple[int | list[int], int | str | list[int]]] = {
    "cp_system": (0, "indicator"),
    "table4_lm": (0, "test"),
    "effects": ([0, 1], 0),
    "table7_sdm": ([0, 1], [0, 1]),
    "robustness_weights": ([0, 1], [0, 1]),
}


def _page_numbers() -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    block = text.split("table | row | column | value as printed\n", 1)[1].split("-->", 1)[0]
    return [[c.strip() for c in line.split(" | ")] for line in block.strip().splitlines()]


def _key(x: object) -> str:
    return "/".join(str(v) for v in x) if isinstance(x, tuple) else str(x)


def _nbs_bounds() -> dict[str, float]:
    """1/λ_min of each of the study's row-standardised matrices (λ_min for "nested")."""
    from spatialpanel.weights import builders

    panel = load_example(NBS)
    ids = pd.Index(panel.index.get_level_values(0).unique())
    g = panel["gdp_per_capita"]
    geo = builders.inverse_distance(None, ids=ids, power=1.0, transform="none")
    matrices = {
        "contiguity": builders.china_contiguity(ids=ids, hainan="guangdong"),
        "inverse_distance_sq": builders.inverse_distance(None, ids=ids, power=2.0),
        "economic": builders.economic_distance(g, ids=ids),
        "nested": builders.economic_geographic(g, geographic=geo, form="product", ids=ids),
    }
    out = {}
    for name, w in matrices.items():
        eig = np.linalg.eigvals(w.dense)
        assert np.abs(eig.imag).max() < 1e-10 and abs(eig.real.max() - 1) < 1e-10, name
        out[name] = float(eig.real.min())
    return out


def test_case_study_page_is_the_run(nbs_run: Path, stages: dict) -> None:  # type: ignore[type-arg]
    """docs/case-study-china.md quotes the real run: every number listed in its closing comment
    equals the run's table cell at the printed precision and is printed on the page; every
    sentence it quotes is one the run writes."""
    text = PAGE.read_text(encoding="utf-8")
    visible = text.split("<!-- numbers held to the run", 1)[0]
    rows = _page_numbers()
    assert len(rows) > 150
    bounds = _nbs_bounds()
    frames: dict[str, pd.DataFrame] = {}
    wrong = []
    for table, row, column, printed in rows:
        if table == "bounds":
            lam = bounds[row]
            value: object = lam if column == "lambda_min" else 1 / lam
        else:
            if table not in frames:
                header, index = _READ.get(table, (0, 0))
                frame = pd.read_csv(
                    nbs_run / "tables" / f"{table}.csv",
                    encoding="utf-8-sig",
                    header=header,
                    index_col=index,
                )
                frame.index = [_key(i) for i in frame.index]
                frame.columns = [_key(c) for c in frame.columns]
                frames[table] = frame
            value = frames[table].loc[row, column]
        if printed == "<0.001":
            ok = float(value) < 0.001  # type: ignore[arg-type]
            shown = "< 0.001"
        elif re.fullmatch(r"-?\d+\.\d+", printed):
            decimals = len(printed.split(".")[1])
            ok = f"{float(value):.{decimals}f}" == printed  # type: ignore[arg-type]
            shown = printed
        else:
            ok = str(value) == printed
            shown = printed
        if not ok:
            wrong.append(f"{table} {row} {column}: page {printed}, run {value}")
        if shown not in visible and shown.replace("-", "−") not in visible:
            wrong.append(f"{table} {row} {column}: {shown} is not printed on the page")
    assert wrong == [], "\n".join(wrong)
    # the quoted sentences
    written = {s["text"] for st in stages["stages"] for s in st["sentences"]}
    quoted = text.split("<!-- sentences:", 1)[1].split("<!-- /sentences -->", 1)[0]
    items = [line[2:] for line in quoted.splitlines() if line.startswith("- ")]
    assert len(items) > 40
    assert [s for s in items if s not in written] == []


def test_case_study_facts_hold_in_the_published_statistics() -> None:
    """The facts the case-study page checks the results against, recomputed from the bundled
    dataset (itself rebuilt from the shared NBS files by tests/test_nbs_data.py)."""
    from spatialpanel.data import china

    text = PAGE.read_text(encoding="utf-8")
    panel = load_example(NBS)
    provinces = china.provinces()
    names = provinces["name_en"]
    region = provinces["region_4"]

    def year(y: int) -> pd.DataFrame:
        frame = panel.xs(y, level="year")
        frame.index = names.loc[frame.index]
        return frame

    y23, y20 = year(2023), year(2020)
    income = y23["disposable_income_per_capita"].sort_values(ascending=False)
    assert list(income.index[:5]) == ["Shanghai", "Beijing", "Zhejiang", "Jiangsu", "Tianjin"]
    assert "Shanghai 84,834, Beijing 81,752 yuan" in text
    assert income.index[-1] == "Gansu" and "Gansu 25,011 yuan" in text
    assert f"{income.iloc[-1]:,.0f}" == "25,011"
    gdp = y23["gdp_per_capita"].sort_values(ascending=False)
    assert list(gdp.index[:3]) == ["Beijing", "Shanghai", "Jiangsu"]
    assert (
        f"Beijing {gdp.iloc[0]:,.0f}, Shanghai {gdp.iloc[1]:,.0f}, Jiangsu {gdp.iloc[2]:,.0f}"
        in text
    )
    urban = {
        y: frame["urbanization_rate"].groupby(region.loc[provinces.index].values).mean()
        for y, frame in ((2014, panel.xs(2014, level="year")), (2023, panel.xs(2023, level="year")))
    }
    assert (
        f"{urban[2014]['east']:.2f} % (east) vs {urban[2014]['west']:.2f} % (west) in 2014" in text
    )
    assert f"{urban[2023]['east']:.2f} % vs {urban[2023]['west']:.2f} % in 2023" in text
    assert y20.loc["Shanghai", "urbanization_rate"] == pytest.approx(89.30)
    assert (
        y20["urbanization_rate"].idxmax() == "Shanghai"
        and y20["urbanization_rate"].idxmin() == "Tibet"
    )
    national = load_example(NBS, national=True).loc[100000]
    assert f"{national.loc[2020, 'urban_disposable_income_per_capita']:,.0f}" == "43,834"
    assert f"{national.loc[2020, 'rural_disposable_income_per_capita']:,.0f}" == "17,131"
    assert (
        f"ratio {national.loc[2020, 'urban_rural_income_ratio']:.2f} "
        f"({national.loc[2014, 'urban_rural_income_ratio']:.2f} in 2014)" in text
    )
    ratio = y20["urban_rural_income_ratio"]
    assert ratio.idxmin() == "Tianjin" and ratio.idxmax() == "Gansu"
    assert f"Tianjin {ratio.min():.2f}, Gansu {ratio.max():.2f}" in text
    by_region = y23.groupby(region.loc[panel.xs(2023, level="year").index].values).mean()
    assert by_region["gdp_per_capita"].idxmin() == "northeast"
    assert by_region["education_expenditure_share"].idxmin() == "northeast"
    assert f"({by_region.loc['northeast', 'gdp_per_capita']:,.0f} yuan)" in text
    assert (
        f"education share ({by_region.loc['northeast', 'education_expenditure_share']:.2f} %)"
        in text
    )
    neighbours = pd.Series(
        [c for pair in china.adjacency_pairs(hainan="guangdong") for c in pair]
    ).value_counts()
    assert set(names.loc[neighbours[neighbours == 8].index]) == {"Inner Mongolia", "Shaanxi"}
    assert neighbours.loc[460000] == 1
    machinery = panel["agri_machinery_power"].unstack("region")
    fall = -100 * (machinery.loc[2016, 140000] / machinery.loc[2015, 140000] - 1)  # Shanxi
    assert f"falls by {fall:.0f} % in 2016" in text


def test_every_note_sentence_of_the_real_example_starts_with_a_capital(nbs_run: Path) -> None:
    """As for the demo (tests/test_report_i18n.py), in English and Chinese."""
    from spatialpanel.report.localise import localise
    from spatialpanel.report.results_io import load_results
    from tests.test_report_i18n import lowercase_note_sentences

    saved = load_results(nbs_run)
    for lang in ("en", "zh"):
        assert lowercase_note_sentences(localise(saved, lang)) == [], lang


def test_the_sigma_sentence_adds_the_relative_dispersion_when_it_moved_the_other_way(
    nbs_run: Path,
    stages: dict,  # type: ignore[type-arg]
) -> None:
    """On the real panel the standard deviation of the index rose (2014-2023) while its Gini
    fell: the report says both, the Gini from the Dagum table, so "no σ convergence" is not
    read as widening relative gaps."""
    sigma = _table(nbs_run, "cp_sigma").set_index("year")["all"]
    gini = _table(nbs_run, "cp_dagum").set_index("year")["G"]
    assert sigma.loc[2023] > sigma.loc[2014] and gini.loc[2023] < gini.loc[2014]
    sentences = [s for st in stages["stages"] for s in st["sentences"]]
    relative = [s for s in sentences if s["text"].startswith("Relative to the mean")]
    cp = [s for s in relative if "Common prosperity" in s["text"]]
    assert len(cp) == 1
    fell = f"fell from {gini.loc[2014]:.4f} in 2014 to {gini.loc[2023]:.4f} in 2023"
    assert fell in cp[0]["text"]
    assert cp[0]["sources"] == ["cp_dagum:2014:G", "cp_dagum:2023:G"]
    # where the standard deviation and the Gini move together nothing is added
    ratio_sd = _table(nbs_run, "urban_rural_income_ratio_sigma").set_index("year")["all"]
    ratio_g = _table(nbs_run, "urban_rural_income_ratio_dagum").set_index("year")["G"]
    same_way = (ratio_sd.iloc[-1] > ratio_sd.iloc[0]) == (ratio_g.iloc[-1] > ratio_g.iloc[0])
    ratio_sentences = [s for s in relative if "income ratio" in s["text"]]
    assert (ratio_sentences == []) == same_way


def test_the_regression_sheets_of_the_workbook_name_their_index_in_words(nbs_run: Path) -> None:
    """The index levels of a regression sheet (the block and the term) are headed in words,
    as the report heads them, not by the identifiers ``part``/``term``."""
    from openpyxl import load_workbook

    book = load_workbook(nbs_run / "tables.xlsx", read_only=True)
    for name in ("table7_sdm", "compare_models"):
        cells = {v for row in book[name].iter_rows(values_only=True) for v in row[:2]}
        assert "Block" in cells and "Term" in cells, name
        assert not {"part", "term"} & cells, name

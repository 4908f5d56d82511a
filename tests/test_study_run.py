"""The bundled demo study end to end: outputs, determinism, CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spatialpanel.cli import app
from spatialpanel.study.config import load_study
from spatialpanel.study.pipeline import planned_stages, run_study

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["run", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    return out


def test_demo_study_plans_every_stage() -> None:
    names = [s.name for s in planned_stages(load_study())]
    assert names[:6] == ["indices", "evolution", "weights", "autocorrelation", "maps", "model"]


def test_demo_run_writes_the_paper_tables(demo_run: Path) -> None:
    stages = json.loads((demo_run / "stages.json").read_text(encoding="utf-8"))
    keys = {t["key"] for s in stages["stages"] for t in s["tables"]}
    for key in (
        "descriptives",
        "audit",
        "table4_lm",
        "table5_lr_effects",
        "table6_wald_lr",
        "table7_sdm",
        "effects",
        "hypotheses",
    ):
        assert key in keys, key
    assert stages["study"]["synthetic"] is True
    figures = [f for s in stages["stages"] for f in s["figures"]]
    assert len(figures) >= 8
    for f in figures:
        for file in f["files"]:
            assert (demo_run / file).stat().st_size > 1000, file
    html = (demo_run / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in html


def test_demo_run_fills_are_audited(demo_run: Path) -> None:
    import pandas as pd

    audit = pd.read_csv(demo_run / "tables" / "audit.csv", encoding="utf-8-sig")
    desc = pd.read_csv(demo_run / "tables" / "descriptives.csv", encoding="utf-8-sig", index_col=0)
    n_filled = int(desc["filled"].sum())
    assert n_filled > 0
    fills = audit[audit["step"].astype(str).str.contains("fill|interp|extrap", case=False)]
    assert len(fills) == n_filled


def test_demo_run_is_deterministic(demo_run: Path, tmp_path: Path) -> None:
    run_study(None, out_dir=tmp_path)
    first = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    differing = [k for k in first["outputs"] if first["outputs"][k] != second["outputs"].get(k)]
    assert differing == []
    assert (demo_run / "manifest.json").read_bytes() == (tmp_path / "manifest.json").read_bytes()


def test_report_command_rebuilds_without_refitting(demo_run: Path) -> None:
    """`report --lang zh` writes report.zh.html, report.zh.docx, tables.zh.tex, tables.zh.md
    beside the English files, leaves every English file byte-identical, and the manifest lists
    every file with true hashes (issue 14's contract)."""
    from spatialpanel.results_folder import folder_hashes

    before = folder_hashes(demo_run)
    result = runner.invoke(app, ["report", str(demo_run), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "合成数据" in (demo_run / "report.zh.html").read_text(encoding="utf-8")
    after = folder_hashes(demo_run)
    assert {k: after[k] for k in before} == before
    new = {"report.zh.html", "report.zh.docx", "tables.zh.tex", "tables.zh.md"}
    assert new <= set(after) and set(after) - set(before) <= new | {
        p for p in after if ".zh." in p or "/zh/" in p
    }
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] == after
    result = runner.invoke(app, ["report", str(demo_run)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] == folder_hashes(demo_run)


def test_init_then_validate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    import pandas as pd

    frame = pd.read_excel(tmp_path / "s" / "data.xlsx", sheet_name="data", engine="openpyxl")
    assert len(frame) == 31 * 10
    assert {"province", "year", "urbanization_rate", "openness"} <= set(frame.columns)
    # the definitions sheet: what each column holds, its label in both languages and its unit
    defs = pd.read_excel(
        tmp_path / "s" / "data.xlsx", sheet_name="definitions", engine="openpyxl"
    ).set_index("variable")
    assert list(defs.columns[:5]) == ["label", "label_zh", "unit", "direction", "source"]
    assert defs.loc["openness", "label_zh"] == "对外开放程度"
    assert defs.loc["urbanization_rate", "unit"] == "% of population"
    assert set(defs.index) == set(frame.columns) - {"province", "name_zh", "name_en", "year"}
    # the study file is the user's: no trace of the demonstration panel, data.xlsx as its data
    text = (tmp_path / "s" / "study.toml").read_text(encoding="utf-8")
    assert "SYNTHETIC" not in text.upper() and "demo" not in text.lower()
    assert 'file = "data.xlsx"' in text
    again = runner.invoke(app, ["init", str(tmp_path / "s")])
    assert again.exit_code == 2 and "--force" in again.output
    # the empty template is refused with a message naming the missing cells
    result = runner.invoke(app, ["validate", str(tmp_path / "s" / "study.toml")])
    assert result.exit_code == 2
    assert "Error" in result.output
    result = runner.invoke(app, ["validate", str(tmp_path / "s" / "study.toml"), "--no-data"])
    assert result.exit_code == 0, result.output


def test_validate_reports_bad_study(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[data]\nfile = "x.csv"\n[modle]\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "unknown section [modle]" in result.output


def test_demo_report_renders_in_chromium(demo_run: Path) -> None:
    from tests.test_report_browser import ARTIFACTS, CHROMIUM, render

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    state = render(demo_run / "report.html", ARTIFACTS / "demo_report.png")
    assert state["errors"] == []
    assert len(state["images"]) >= 8
    assert all(ok for _, ok in state["images"]), state["images"]
    assert not state["overflow"]


def test_unused_columns_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    from spatialpanel.data.demo import load_demo
    from spatialpanel.study.config import demo_study_text
    from spatialpanel.study.stages.data import load

    data = load_demo()
    data["population"] = 1.0
    data.to_csv(tmp_path / "data.csv", index=False)
    study = tmp_path / "study.toml"
    study.write_text(demo_study_text().replace('file = "demo"', 'file = "data.csv"', 1), "utf-8")
    ctx, out = load(load_study(study))
    assert ctx.results["data_source"]["unused_columns"] == ["population"]
    assert "population" not in ctx.panel.columns
    assert any("(not read): population." in str(note) for note in out.tables[0].notes)
    assert ctx.results["data_source"]["sha256"] is not None

"""One data mark (``ctx.data_mark``, ``stages.json`` ``study.data_mark``) from the data's metadata
and the study's ``[data] mark``, and every output that prints it.

The rule (:func:`spatialpanel.study.context.resolve_data_mark`): the study may make the
metadata's mark more cautious (synthetic > real-reduced > real), never less. The cases are
written out by hand below, one per pair that can occur; the outputs are read back as a user
would (``README.txt``, the workbook, a figure's saved data, the descriptives' notes, the report's
banner).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from spatialpanel.cli import app
from spatialpanel.data.bundled import MARKS, dataset_mark, meta_mark
from spatialpanel.errors import ConfigError
from spatialpanel.report.figspec import read_spec
from spatialpanel.report.marks import mark_notes, provenance_mark
from spatialpanel.study.config import load_study
from spatialpanel.study.context import resolve_data_mark
from spatialpanel.study.stages import data as data_stage
from spatialpanel.text import from_json, render
from tests.tiny_study import write_tiny_study

runner = CliRunner()
SYNTHETIC = "Synthetic data (demonstration), not official statistics"
REDUCED = "Real data, reduced indicator system"


@pytest.mark.parametrize(
    ("given", "found", "expected"),
    [
        (None, None, None),
        (None, "synthetic", "synthetic"),
        (None, "real-reduced", "real-reduced"),
        ("real", None, None),
        ("real-reduced", None, "real-reduced"),
        ("synthetic", None, "synthetic"),  # the user's own data marked synthetic
        ("synthetic", "real-reduced", "synthetic"),
        ("real-reduced", "real-reduced", "real-reduced"),
        ("synthetic", "synthetic", "synthetic"),
    ],
)
def test_a_study_may_make_the_mark_more_cautious(
    given: str | None, found: str | None, expected: str | None
) -> None:
    assert resolve_data_mark(given, found, source="the data") == expected


@pytest.mark.parametrize(
    ("given", "found"),
    [("real", "synthetic"), ("real-reduced", "synthetic"), ("real", "real-reduced")],
)
def test_never_less_cautious(given: str, found: str) -> None:
    with pytest.raises(ConfigError, match=r"\[data\] mark = .*the data is marked") as info:
        resolve_data_mark(given, found, source="the data")
    assert f"set it to {found!r}" in str(info.value)


def test_one_vocabulary() -> None:
    assert MARKS == ("synthetic", "real-reduced", "real")
    assert dataset_mark("demo") == "synthetic"
    assert dataset_mark("china-cities-synthetic") == "synthetic"
    assert dataset_mark("china-provinces-nbs") == "real-reduced"
    assert meta_mark({"synthetic": True}) == "synthetic"
    assert meta_mark({"mark": "real"}) is None and meta_mark({}) is None
    with pytest.raises(ConfigError, match="'real_reduced'"):
        meta_mark({"mark": "real_reduced"}, where="x.meta.json")
    assert render(provenance_mark("synthetic"), "en") == SYNTHETIC
    assert render(provenance_mark("real-reduced"), "en") == REDUCED
    assert provenance_mark("real") is None and provenance_mark(None) is None
    assert [render(m, "en") for m in mark_notes("synthetic")] == ["Synthetic data."]
    assert mark_notes(None) == ()
    with pytest.raises(ValueError, match="real_reduced"):
        provenance_mark("real_reduced")


def test_the_key_is_a_choice_of_the_study_file(tmp_path: Path) -> None:
    study = write_tiny_study(tmp_path, extra="")
    text = study.read_text(encoding="utf-8").replace(
        "years = [2016, 2020]", 'years = [2016, 2020]\nmark = "real_reduced"'
    )
    study.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mark.*'real_reduced'.*synthetic, real-reduced, real"):
        load_study(study)


def test_synthetic_bundled_data_cannot_be_marked_real() -> None:
    config = load_study()
    config.raw["data"]["mark"] = "real"
    with pytest.raises(ConfigError, match="bundled demonstration panel is marked 'synthetic'"):
        data_stage.load(config)


def test_validate_refuses_weakening_the_sidecar_mark(tmp_path: Path) -> None:
    study = write_tiny_study(tmp_path)
    (tmp_path / "data.meta.json").write_text(json.dumps({"synthetic": True}), encoding="utf-8")
    text = study.read_text(encoding="utf-8").replace(
        "years = [2016, 2020]", 'years = [2016, 2020]\nmark = "real"'
    )
    study.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(study)])
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert out.startswith("Error:") and "data.csv (data.meta.json) is marked 'synthetic'" in out


def _run(folder: Path, extra_data: str) -> Path:
    study = write_tiny_study(folder / "s")
    text = study.read_text(encoding="utf-8").replace(
        "years = [2016, 2020]", f"years = [2016, 2020]\n{extra_data}"
    )
    text += '\n[evolution]\ndivision = "region_4"\n'
    study.write_text(text, encoding="utf-8")
    out = folder / "out"
    result = runner.invoke(app, ["run", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_own_data_marked_synthetic_is_marked_everywhere(tmp_path: Path) -> None:
    out = _run(tmp_path / "synthetic", 'mark = "synthetic"')
    stages = json.loads((out / "stages.json").read_text(encoding="utf-8"))
    assert stages["study"]["data_mark"] == "synthetic" and stages["study"]["synthetic"] is True
    # not spatialpanel's numbers: no statistics they stand in for, no "generated by spatialpanel"
    assert stages["data"]["real_counterpart"] is None and stages["data"]["mark_from"] == "study"
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert SYNTHETIC in readme and "marks its data as SYNTHETIC" in readme
    assert "generated by spatialpanel" not in readme
    data = stages["stages"][0]
    notes = [render(from_json(n), "en") for n in data["tables"][0]["notes"]]
    assert "Synthetic data." in notes and not any("generated by" in n for n in notes)
    sentence = render(from_json(data["sentences"][0]["message"]), "en")
    assert sentence.startswith("The synthetic data cover 31 regions")
    book = load_workbook(out / "tables.xlsx")
    assert all(ws.oddHeader.center.text == SYNTHETIC for ws in book.worksheets)
    figures = [f for s in stages["stages"] for f in s["figures"]]
    assert figures, "the evolution stage draws trend figures"
    for figure in figures:
        spec = read_spec(out / figure["data"])
        assert spec.mark is not None and render(spec.mark, "en") == SYNTHETIC
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "the study marks its data as synthetic" in html
    assert "demonstration panel" not in html and "China Statistical Yearbook" not in html


def test_own_data_is_unmarked_unless_the_study_says(tmp_path: Path) -> None:
    out = _run(tmp_path / "real", "")
    stages = json.loads((out / "stages.json").read_text(encoding="utf-8"))
    assert stages["study"]["data_mark"] is None and stages["study"]["synthetic"] is False
    assert "***" not in (out / "README.txt").read_text(encoding="utf-8")
    for figure in (f for s in stages["stages"] for f in s["figures"]):
        assert read_spec(out / figure["data"]).mark is None
    reduced = _run(tmp_path / "reduced", 'mark = "real-reduced"')
    stages = json.loads((reduced / "stages.json").read_text(encoding="utf-8"))
    assert stages["study"]["data_mark"] == "real-reduced"
    assert REDUCED in (reduced / "README.txt").read_text(encoding="utf-8")
    html = (reduced / "report.html").read_text(encoding="utf-8")
    assert "REAL DATA, REDUCED INDICATOR SYSTEM" in html and "SYNTHETIC" not in html
    assert "National Bureau of Statistics" not in html  # the user's data, not the NBS's

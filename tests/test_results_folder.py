"""A results folder that never lies (issue 15 §1, §2, §7): staged writing, whole replacement,
inputs never written, `report` verifying the manifest and staying inside the folder, and cells
a spreadsheet would evaluate stored as text."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import spatialpanel.report.build as build_mod
import spatialpanel.study.outputs as outputs
from spatialpanel.errors import ResultsError
from spatialpanel.report.build import build_report
from spatialpanel.report.results_io import load_results
from spatialpanel.results_folder import folder_hashes
from spatialpanel.spreadsheet_cells import spreadsheet_text, unspreadsheet_text
from spatialpanel.study.artifacts import StageOutput, TableArtifact
from spatialpanel.study.config import load_study
from spatialpanel.study.context import StudyContext
from spatialpanel.study.outputs import write_results
from spatialpanel.study.pipeline import run_study
from tests.tiny_study import write_tiny_study

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

HOSTILE = "=2+5+cmd|' /C calc'!A0"


def _ctx() -> StudyContext:
    panel = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([(110000, 2014)]))
    return StudyContext(
        config=load_study(), panel=panel, audit=pd.DataFrame(), synthetic=True, seed=1
    )


def _stage(n_tables: int = 3) -> StageOutput:
    tables = tuple(
        TableArtifact(
            f"t{i}",
            f"Table {i}",
            pd.DataFrame(
                {"coef": [0.5, -1.25], "note": ["+1 more", "@SUM(A1)"]},
                index=pd.Index([HOSTILE, "-x"], name="variable"),
            ),
        )
        for i in range(n_tables)
    )
    return StageOutput(name="demo", title="Demo", tables=tables, settings={})


def _write(out: Path, n_tables: int = 3, *, report: bool = False) -> None:
    write_results(out, config=load_study(), ctx=_ctx(), stages=(_stage(n_tables),), report=report)


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _manifest_is_true(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] == folder_hashes(out)


# --- atomic writing --------------------------------------------------------------------------
def test_rerun_replaces_the_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _write(out, 3)
    assert (out / "tables" / "t2.csv").is_file()
    _write(out, 1)
    assert not (out / "tables" / "t2.csv").exists()  # no stale table of the larger run
    _manifest_is_true(out)
    assert _siblings(out) == []


@pytest.mark.parametrize(
    "failure",
    [
        KeyboardInterrupt(),
        OSError(errno.ENOSPC, "No space left on device", "tables.xlsx"),
    ],
    ids=["interrupt", "disk-full"],
)
@pytest.mark.parametrize("earlier", [True, False], ids=["over-earlier", "fresh"])
def test_a_failed_run_leaves_the_earlier_folder_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException, earlier: bool
) -> None:
    out = tmp_path / "out"
    if earlier:
        _write(out, 3)
    before = folder_hashes(out) if earlier else None
    calls = {"n": 0}
    original = outputs.write_table_csv

    def writer(table: TableArtifact, path: Path, **kwargs: Any) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] == 2:  # the second table: mid-write
            raise failure
        return original(table, path, **kwargs)

    monkeypatch.setattr(outputs, "write_table_csv", writer)
    with pytest.raises(type(failure)):
        _write(out, 2)
    if earlier:
        assert folder_hashes(out) == before
        _manifest_is_true(out)
    else:
        assert not out.exists()
    assert _siblings(out) == []


def test_the_collector_passes_over_the_results_only_while_they_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The objects alive before the folder is written are frozen (``gc.freeze``) while it is
    written, and unfrozen afterwards, whether the writing succeeds or fails."""
    import gc

    before = gc.get_freeze_count()
    frozen: list[int] = []
    original = outputs.write_table_csv

    def writer(table: TableArtifact, path: Path, **kwargs: Any) -> dict[str, Any]:
        frozen.append(gc.get_freeze_count())
        if table.key == "t1" and len(frozen) > 2:  # the second run fails mid-write
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return original(table, path, **kwargs)

    monkeypatch.setattr(outputs, "write_table_csv", writer)
    _write(tmp_path / "out", 2)
    assert len(frozen) == 2 and min(frozen) > before
    assert gc.get_freeze_count() == before
    with pytest.raises(OSError):
        _write(tmp_path / "out", 2)
    assert len(frozen) == 4 and min(frozen) > before
    assert gc.get_freeze_count() == before


def test_an_interrupted_workbook_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    _write(out, 2)
    before = folder_hashes(out)

    def truncated(tables: Any, path: Path, *args: Any, **options: Any) -> None:
        path.write_bytes(b"PK\x03\x04 truncated")
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "_write_workbook", truncated)
    with pytest.raises(KeyboardInterrupt):
        _write(out, 2)
    assert folder_hashes(out) == before
    assert openpyxl.load_workbook(out / "tables.xlsx").sheetnames == [
        "README",
        "t0",
        "t1",
        "variables",
    ]
    assert _siblings(out) == []


# --- where a results folder may go -----------------------------------------------------------
def test_outputs_never_hold_the_studys_inputs(tmp_path: Path) -> None:
    study = write_tiny_study(tmp_path / "s", data_name="tables.xlsx.csv")
    before = folder_hashes(tmp_path / "s")
    for out, culprit in [
        (tmp_path / "s", "study file"),
        (tmp_path, "study file"),
        (tmp_path / "s" / "study.toml", "existing file"),
        (tmp_path / "s" / "tables.xlsx.csv", "existing file"),
    ]:
        with pytest.raises(ResultsError, match=culprit):
            run_study(study, out_dir=out)
    assert folder_hashes(tmp_path / "s") == before


def test_data_file_inside_the_results_folder_is_refused_by_name(tmp_path: Path) -> None:
    study = write_tiny_study(tmp_path / "s", extra="")
    text = study.read_text(encoding="utf-8").replace('file = "data.csv"', 'file = "res/data.csv"')
    (tmp_path / "s" / "res").mkdir()
    (tmp_path / "s" / "data.csv").rename(tmp_path / "s" / "res" / "data.csv")
    study.write_text(text, encoding="utf-8")
    with pytest.raises(ResultsError, match=r"data file .*res/data\.csv"):
        run_study(study, out_dir=tmp_path / "s" / "res")


def test_a_folder_of_other_files_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"my work")
    with pytest.raises(ResultsError, match=r"did not write.*thesis.docx"):
        _write(out)
    assert (out / "thesis.docx").read_bytes() == b"my work"
    res = tmp_path / "res"
    _write(res)
    (res / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ResultsError, match=r"does not list: notes.txt"):
        _write(res)
    assert (res / "notes.txt").is_file()


def test_an_unwritable_location_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def denied(**kwargs: Any) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    with pytest.raises(ResultsError, match=r"cannot write the results folder .*Permission denied"):
        _write(tmp_path / "out")


# --- report: verify, stay inside, update the manifest atomically ------------------------------
@pytest.fixture
def results(tmp_path: Path) -> Path:
    out = tmp_path / "res"
    _write(out, 2, report=True)
    return out


def test_report_in_chinese_keeps_english_files_and_a_true_manifest(results: Path) -> None:
    before = folder_hashes(results)
    build_report(results, lang="zh")
    after = folder_hashes(results)
    assert {k: after[k] for k in before} == before
    assert {"report.zh.html", "report.zh.docx", "tables.zh.tex", "tables.zh.md"} <= set(after)
    _manifest_is_true(results)
    build_report(results, lang="en")
    _manifest_is_true(results)
    assert _siblings(results) == []


@pytest.mark.parametrize("change", ["edit", "add", "remove", "manifest"])
def test_report_refuses_a_folder_that_does_not_match_its_manifest(
    results: Path, change: str
) -> None:
    if change == "edit":
        (results / "tables" / "t0.csv").write_text("x\n1\n", encoding="utf-8")
        match = "changed since.*tables/t0.csv"
    elif change == "add":
        (results / "tables" / "t9.csv").write_text("x\n1\n", encoding="utf-8")
        match = "not in the manifest: tables/t9.csv"
    elif change == "remove":
        (results / "stages.json").unlink()
        match = "missing: stages.json"
    else:
        (results / "manifest.json").unlink()
        match = "incomplete results folder"
    before = {p: p.read_bytes() for p in results.rglob("*") if p.is_file()}
    with pytest.raises(ResultsError, match=match):
        build_report(results, lang="zh")
    assert {p: p.read_bytes() for p in results.rglob("*") if p.is_file()} == before


def _rewrite_consistently(results: Path, edit: Any) -> None:
    """Change stages.json and rewrite the manifest to match: a hostile but consistent folder."""
    stages = json.loads((results / "stages.json").read_text(encoding="utf-8"))
    edit(stages)
    (results / "stages.json").write_text(json.dumps(stages), encoding="utf-8")
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"] = folder_hashes(results)
    (results / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("path", ["../secret.csv", "/etc/passwd", "tables/../../secret.csv"])
def test_report_reads_nothing_outside_the_folder(results: Path, path: str) -> None:
    (results.parent / "secret.csv").write_text("variable,coef\nSECRET,1\n", encoding="utf-8")

    def edit(stages: dict[str, Any]) -> None:
        stages["stages"][0]["tables"][0]["file"] = path

    _rewrite_consistently(results, edit)
    with pytest.raises(ResultsError, match=r"not a path inside|leads outside"):
        build_report(results)
    assert "SECRET" not in (results / "report.html").read_text(encoding="utf-8")


def test_report_refuses_a_symbolic_link(results: Path) -> None:
    (results.parent / "secret.csv").write_text("variable,coef\nSECRET,1\n", encoding="utf-8")
    os.symlink(results.parent / "secret.csv", results / "tables" / "t5.csv")
    with pytest.raises(ResultsError, match="symbolic link"):
        build_report(results)


def test_report_refuses_a_figure_outside_the_folder(results: Path) -> None:
    def edit(stages: dict[str, Any]) -> None:
        stages["stages"][0]["figures"] = [
            {"key": "f", "title": "F", "notes": [], "files": ["../../x.png"]}
        ]

    _rewrite_consistently(results, edit)
    with pytest.raises(ResultsError, match="figure file"):
        build_report(results)


def test_an_interrupted_report_leaves_the_folder_as_it_was(
    results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = folder_hashes(results)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    import spatialpanel.report.word as word_mod

    # the Word report is written last, by PreparedDocx.save, after the HTML report
    monkeypatch.setattr(word_mod.PreparedDocx, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_mod.build_report(results, lang="zh")
    assert folder_hashes(results) == before
    assert not (results / "report.zh.html").exists()
    assert _siblings(results) == []


# --- safe writers ----------------------------------------------------------------------------
def test_spreadsheet_text_rules() -> None:
    for text in ["=1+2", "+1 more", "-x", "@SUM(A1)", "\tx", "\rx", "'quoted"]:
        assert spreadsheet_text(text) == "'" + text
        assert unspreadsheet_text(spreadsheet_text(text)) == text
    for value in ["-1.5", "+3", "plain", "", -2.5, 7, None]:
        assert spreadsheet_text(value) == value


def test_map_text_cells_is_a_rebuild_of_every_text_column_and_label() -> None:
    """``map_text_cells`` keeps a column or index of strings it leaves unchanged (no copy);
    the frame is the one rebuilding every text column and every level from ``fn``'s values
    gives: prefixed cells, untouched strings, an object column, numeric, boolean and text
    levels, a column of missing text, both ways."""
    from spatialpanel.spreadsheet_cells import map_text_cells

    rows = pd.MultiIndex.from_tuples(
        [(True, "'r", 1, 0.5), (False, "s", 2, 1.5), (True, "t", 3, 2.5)],
        names=["flag", "name", "n", "x"],
    )
    frame = pd.DataFrame(
        {
            "prefixed": pd.Series(["'x", "y", "=1+2"], dtype="str", index=rows),
            "plain": pd.Series(["a", "b", None], dtype="str", index=rows),
            "object": pd.Series(["p", None, 3], dtype=object, index=rows),
            "nothing": pd.Series([None, None, None], dtype="str", index=rows),
            "number": [1.0, 2.0, 3.0],
        },
        index=rows,
    )
    frame.columns = pd.MultiIndex.from_tuples([("g", c) for c in frame.columns])

    def rebuilt(frame: pd.DataFrame, fn: Any) -> pd.DataFrame:
        out = frame.copy()
        for j, dtype in enumerate(out.dtypes.tolist()):
            if not pd.api.types.is_numeric_dtype(dtype):
                values = [fn(v) for v in out.iloc[:, j].tolist()]
                out.isetitem(j, pd.Series(values, index=out.index))

        def labels(index: pd.Index) -> pd.Index:
            if isinstance(index, pd.MultiIndex):
                return index.set_levels([list(labels(level)) for level in index.levels])
            if pd.api.types.is_numeric_dtype(index):
                return index
            return pd.Index([fn(v) for v in index], name=index.name)

        out.index, out.columns = labels(out.index), labels(out.columns)
        return out

    for fn in (spreadsheet_text, unspreadsheet_text):
        got, want = map_text_cells(frame.copy(), fn), rebuilt(frame, fn)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert list(got.dtypes) == list(want.dtypes)
        for a, b in ((got.index, want.index), (got.columns, want.columns)):
            assert [lv.dtype for lv in a.levels] == [lv.dtype for lv in b.levels]


def test_hostile_cells_are_text_in_xlsx_and_csv_and_numbers_stay_numbers(results: Path) -> None:
    book = openpyxl.load_workbook(results / "tables.xlsx")
    cells = [c for row in book["t0"].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    assert texts[HOSTILE].data_type == "s" and texts[HOSTILE].quotePrefix
    numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    assert -1.25 in numbers and 0.5 in numbers
    csv = (results / "tables" / "t0.csv").read_text(encoding="utf-8-sig")
    assert f"'{HOSTILE}" in csv and "'+1 more" in csv and "'@SUM(A1)" in csv and "'-x" in csv
    assert ",-1.25," in csv and ",0.5," in csv  # numbers unquoted, negative ones included
    frame = load_results(results).tables["t0"].frame  # the report reads the original text
    assert frame.index.tolist() == [HOSTILE, "-x"]
    assert frame["note"].tolist() == ["+1 more", "@SUM(A1)"]
    assert frame["coef"].tolist() == [0.5, -1.25]


def test_report_never_imports_study() -> None:
    """The report reads results folders; it may not import the study package (issue 14), and
    the results-folder module imports neither."""
    import ast

    root = Path(__file__).resolve().parents[1] / "src" / "spatialpanel"
    offenders = []
    shared = [root / "results_folder.py", root / "spreadsheet_cells.py"]
    for path in [*sorted((root / "report").glob("*.py")), *shared]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            bad = [n for n in names if n.startswith("spatialpanel.study")]
            if path in shared:
                bad += [n for n in names if n.startswith("spatialpanel.report")]
            offenders += [f"{path.name}: {n}" for n in bad]
    assert offenders == []


def test_the_workbook_shows_labels_and_the_reports_digits(tmp_path: Path) -> None:
    """Issue 14: the sheets show the labels of the report (in the run's language) with the
    report's number formats; the identifiers stay on the sheet "variables"; values keep full
    precision."""
    from spatialpanel.report.workbook import SheetTable, write_workbook
    from spatialpanel.text import Labels

    labels = Labels({"variable": {"gdp_pc": {"en": "GDP per capita", "zh": "人均地区生产总值"}}})
    frame = pd.DataFrame(
        {"n": [310], "mean": [76994.851612], "sd": [35717.19], "p": [0.01234]},
        index=pd.Index(["gdp_pc"], name="variable"),
    )
    path = tmp_path / "t.xlsx"
    write_workbook([SheetTable("descriptives", "Descriptive statistics", frame)], path, labels)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", "descriptives", "variables"]
    ws = book["descriptives"]
    assert [c.value for c in ws[1]] == ["Variable", "N", "Mean", "SD", "p"]
    assert [c.value for c in ws[2]][:3] == ["GDP per capita", 310, 76994.851612]
    assert [c.number_format for c in ws[2]][1:] == ["#,##0", "#,##0", "#,##0", "0.000"]
    mapped = {(r[1], r[2]): r[3] for r in book["variables"].iter_rows(min_row=2, values_only=True)}
    assert mapped[("row", "gdp_pc")] == "GDP per capita" and mapped[("column", "mean")] == "Mean"
    write_workbook([SheetTable("descriptives", "描述统计", frame)], path, labels, lang="zh")
    ws = openpyxl.load_workbook(path)["descriptives"]
    assert ws["A2"].value == "人均地区生产总值" and ws["C1"].value == "均值"

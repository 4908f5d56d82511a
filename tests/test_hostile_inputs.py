"""Hostile inputs through the command line (issue 15 §6-§7 and its test catalogue).

Every case asserts the same four things:

1. no traceback: the command ends with ``SystemExit`` (never another exception);
2. a refusal exits with code 2 and a line starting ``Error:`` that names the culprit (the key,
   the file, the option);
3. the study's inputs are byte-identical afterwards;
4. the results folder is either complete and consistent with its manifest, or untouched.

The catalogue covers files (encodings, garbage, folders, missing files), study options (every
ruled key through ``validate``), labels and titles (rich markup, control characters, bidi
overrides, formula text) and the environment (``--out`` on a file, on the inputs, on the user's
folder, unwritable, a full disk, Ctrl-C). Hypothesis adds generated titles, option values and
file contents; example counts are bounded so that the file runs in well under a minute.
"""

from __future__ import annotations

import copy
import errno
import json
import re
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import spatialpanel.study.outputs as outputs
from spatialpanel.cli import app
from spatialpanel.errors import ConfigError
from spatialpanel.results_folder import folder_hashes
from spatialpanel.study.config import demo_study_text, validate
from spatialpanel.study.rules import CHOICES, RULES
from spatialpanel.study.schema import NAMED_SECTIONS, SECTIONS
from tests.tiny_study import write_tiny_study

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

RUNNER = CliRunner()
ENV = {"COLUMNS": "400", "NO_COLOR": "1"}  # one line per message: culprits are not wrapped
FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _invoke(args: list[str]) -> Result:
    result = RUNNER.invoke(app, args, env=ENV)
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.output
    return result


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _consistent_or_untouched(out: Path, before: dict[str, bytes] | None) -> None:
    """Property 4: complete and true to its manifest, or exactly as it was (or absent)."""
    leftovers = [p.name for p in out.parent.glob(f".{out.name}.*")]
    assert leftovers == []
    if out.is_dir() and (out / "manifest.json").is_file():
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if manifest["outputs"] == folder_hashes(out):
            return
    after = _snapshot(out) if out.exists() else None
    assert after == before


def _refused(args: list[str], culprit: str | re.Pattern[str], *, code: int = 2) -> Result:
    result = _invoke(args)
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert lines, result.output
    text = " ".join(result.output.split())
    if isinstance(culprit, re.Pattern):
        assert culprit.search(text), text
    else:
        assert culprit in text, text
    return result


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return write_tiny_study(tmp_path / "s")


@pytest.fixture
def earlier(tmp_path: Path, study: Path) -> Path:
    """A results folder of an earlier successful run."""
    out = tmp_path / "out"
    result = _invoke(["run", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


# --- files ------------------------------------------------------------------------------------
def _variants(study: Path) -> Iterator[tuple[str, bytes | None, str]]:
    """(case, new study-file bytes or None to remove it, culprit)."""
    text = study.read_text(encoding="utf-8")
    yield "gbk", text.replace("Tiny study", "省级面板研究").encode("gbk"), "UTF-8"
    yield "garbage", b"\x00\xff\xfe[[[", "UTF-8"
    yield "not-toml", b"[data\nfile = ", "not valid TOML"
    yield "empty", b"", "[data] is required"
    yield "missing", None, "does not exist"
    yield "unknown-key", text.replace("seed = 7", "sede = 7").encode(), "'sede'"


@pytest.mark.parametrize("case", ["gbk", "garbage", "not-toml", "empty", "missing", "unknown-key"])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_study_files(tmp_path: Path, study: Path, case: str, command: str) -> None:
    content, culprit = next((c, m) for n, c, m in _variants(study) if n == case)
    if content is None:
        study.unlink()
    else:
        study.write_bytes(content)
    before = _snapshot(study.parent)
    args = [command, str(study)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
    _refused(args, culprit)
    assert _snapshot(study.parent) == before
    assert not (tmp_path / "out").exists()


def test_a_folder_as_study_file(study: Path) -> None:
    _refused(["validate", str(study.parent)], "is a folder")


@pytest.mark.parametrize(
    ("content", "culprit"),
    [
        (b"\x00\x01\x02garbage\xff" * 50, "data.csv"),
        (b"", "data.csv"),
        ("省份,年份\n北京,2016\n".encode("gbk"), "data.csv"),
        (b"province,year,a,b,c\n110000,2016,1,2,=cmd|' /C calc'!A0\n", "data.csv"),
    ],
    ids=["binary", "empty", "gbk-no-columns", "formula-cell"],
)
def test_bad_data_files(study: Path, content: bytes, culprit: str) -> None:
    (study.parent / "data.csv").write_bytes(content)
    before = _snapshot(study.parent)
    _refused(["validate", str(study)], culprit)
    assert _snapshot(study.parent) == before


def test_a_missing_or_folder_data_file(study: Path) -> None:
    (study.parent / "data.csv").unlink()
    _refused(["validate", str(study)], "data.csv")
    (study.parent / "data.csv").mkdir()
    _refused(["validate", str(study)], "data.csv")


# --- options (every ruled key, through the CLI) -------------------------------------------------
DEMO = tomllib.loads(demo_study_text())


def _toml(study: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for study dicts (tables, inline tables of scalars, lists, scalars;
    JSON's string, number and boolean syntax is TOML's)."""

    def key(k: str) -> str:
        return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)

    def value(v: Any) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    lines = [f"{key(k)} = {value(v)}" for k, v in study.items() if not _is_table(v)]
    out = ([f"[{prefix}]"] if prefix and lines else []) + lines
    for k, v in study.items():
        if _is_table(v):
            out.append(_toml(v, f"{prefix}.{key(k)}" if prefix else key(k)))
    return "\n".join(out) + "\n"


def _is_table(v: Any) -> bool:
    """A dict written as a [table]; indicator entries are inline tables."""
    return isinstance(v, dict) and not _inline(v)


def _inline(v: dict[str, Any]) -> bool:
    return set(v) <= {"dimension", "direction", "label", "label_zh"} and all(
        not isinstance(x, dict) for x in v.values()
    )


def test_the_toml_writer_round_trips_the_demo_study() -> None:
    assert tomllib.loads(_toml(DEMO)) == DEMO


def _ruled_cases() -> Iterator[tuple[str, str, Any]]:
    for (section, key), rule in sorted(RULES.items()):
        if section in ("indices", "weights", "indicator") or isinstance(rule.bad, dict):
            continue  # named sections and tables: covered by tests/test_study_rules.py
        yield section, key, rule.bad
    for (section, key), _ in sorted(CHOICES.items()):
        if section in SECTIONS:
            yield section, key, "no-such-choice"


@pytest.mark.parametrize(("section", "key", "bad"), list(_ruled_cases()))
def test_validate_names_key_and_value_of_a_bad_option(
    tmp_path: Path, section: str, key: str, bad: Any
) -> None:
    study = tmp_path / "study.toml"
    edited = copy.deepcopy(DEMO)
    edited.setdefault(section, {})[key] = bad
    study.write_text(_toml(edited), encoding="utf-8")
    _refused(["validate", str(study), "--no-data"], f"{key} = ")


@pytest.mark.parametrize("command", ["run", "validate"])
def test_an_unknown_language_is_refused_before_anything_is_written(
    tmp_path: Path, study: Path, command: str
) -> None:
    out = tmp_path / "out"
    args = [command, str(study), "--lang", "fr"]
    _refused(args + (["--out", str(out)] if command == "run" else []), "lang='fr'")
    assert not out.exists()


def test_report_with_an_unknown_language(earlier: Path) -> None:
    before = _snapshot(earlier)
    _refused(["report", str(earlier), "--lang", "fr"], "lang='fr'")
    assert _snapshot(earlier) == before


# --- the environment: where the results go ------------------------------------------------------
@pytest.mark.parametrize(
    ("where", "culprit"),
    [
        ("study-folder", "study file"),
        ("data-file", "existing file"),
        ("parent", "study file"),
        ("users-folder", "did not write"),
    ],
)
def test_out_that_would_destroy_files(
    tmp_path: Path, study: Path, where: str, culprit: str
) -> None:
    users = tmp_path / "thesis"
    users.mkdir()
    (users / "chapter1.docx").write_bytes(b"months of work")
    out = {
        "study-folder": study.parent,
        "data-file": study.parent / "data.csv",
        "parent": tmp_path,
        "users-folder": users,
    }[where]
    before_inputs, before_users = _snapshot(study.parent), _snapshot(users)
    _refused(["run", str(study), "--out", str(out)], culprit)
    assert _snapshot(study.parent) == before_inputs
    assert _snapshot(users) == before_users


def test_an_unwritable_location(
    tmp_path: Path, study: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(**kwargs: Any) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(kwargs.get("dir")))

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    _refused(["run", str(study), "--out", str(tmp_path / "ro" / "out")], "Permission denied")


@pytest.mark.parametrize(
    ("failure", "code", "culprit"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "tables.xlsx"), 2, "disk is full"),
        (PermissionError(errno.EACCES, "Permission denied", "tables.xlsx"), 2, "permission"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
    ids=["disk-full", "permission", "ctrl-c"],
)
def test_a_run_that_fails_while_writing_leaves_the_earlier_results(
    earlier: Path,
    study: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
    code: int,
    culprit: str,
) -> None:
    before = _snapshot(earlier)
    inputs = _snapshot(study.parent)

    def failing(tables: Any, path: Path, *args: Any) -> None:
        path.write_bytes(b"PK\x03\x04 half a workbook")
        raise failure

    monkeypatch.setattr(outputs, "_write_workbook", failing)
    _refused(["run", str(study), "--out", str(earlier)], culprit, code=code)
    _consistent_or_untouched(earlier, before)
    assert _snapshot(earlier) == before
    assert _snapshot(study.parent) == inputs
    result = _invoke(["report", str(earlier)])  # the earlier folder is still a good one
    assert result.exit_code == 0, result.output


def test_report_refuses_a_tampered_folder_without_a_traceback(earlier: Path) -> None:
    (earlier / "tables" / "descriptives.csv").write_text("x\n", encoding="utf-8")
    _refused(["report", str(earlier), "--lang", "zh"], "tables/descriptives.csv")
    (earlier / "manifest.json").unlink()
    _refused(["report", str(earlier)], "incomplete")
    _refused(["report", str(earlier / "nowhere")], "is not a folder")


# --- labels and titles ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("[/x] closing tag", "[/x] closing tag"),
        ("[bold red]loud[/bold red]", "[bold red]loud[/bold red]"),
        ("rtl \\u202eevil \\u2066isolate", "rtl evil isolate"),
        ("=2+5+cmd|' /C calc'!A0", "=2+5+cmd|' /C calc'!A0"),
    ],
    ids=["markup-close", "markup", "bidi", "formula"],
)
def test_titles_are_printed_literally_and_without_control_characters(
    tmp_path: Path, title: str, shown: str
) -> None:
    study = write_tiny_study(tmp_path / "s", title=title)
    out = tmp_path / "out"
    result = _invoke(["run", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert shown in result.output
    assert not CONTROL.search(result.output.replace("\n", ""))
    _consistent_or_untouched(out, None)


@pytest.mark.parametrize(
    ("title", "code"),
    [("bell\\u0007", "U+0007"), ("\\u001b[31mred", "U+001B"), ("nul\\u0000", "U+0000")],
)
def test_control_characters_in_study_text_are_refused(
    tmp_path: Path, title: str, code: str
) -> None:
    """Control characters cannot be shown by a Word or Excel file (their XML forbids them) nor
    sent to a terminal: the study file is refused, naming the key and the character."""
    study = write_tiny_study(tmp_path / "s", title=title)
    result = _refused(["run", str(study), "--out", str(tmp_path / "out")], "title = ")
    assert code in result.output
    assert not CONTROL.search(result.output.replace("\n", ""))
    assert not (tmp_path / "out").exists()


def test_hostile_labels_reach_the_outputs_as_text(tmp_path: Path) -> None:
    """An indicator named like a formula and an index labelled with HTML: the workbook holds no
    formula, the CSV neutralises the cell, the HTML report escapes the markup."""
    study = write_tiny_study(tmp_path / "s")
    text = study.read_text(encoding="utf-8")
    text = text.replace('label = "Index x"', 'label = "<img src=x onerror=alert(1)>"')
    text = text.replace("\na = {", "\n\"=2+5+cmd|' /C calc'!A0\" = {")
    study.write_text(text, encoding="utf-8")
    data = (study.parent / "data.csv").read_text(encoding="utf-8")
    (study.parent / "data.csv").write_text(
        data.replace(",a,", ",\"=2+5+cmd|' /C calc'!A0\",", 1), encoding="utf-8"
    )
    before = _snapshot(study.parent)
    out = tmp_path / "out"
    result = _invoke(["run", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _snapshot(study.parent) == before
    _consistent_or_untouched(out, None)
    book = openpyxl.load_workbook(out / "tables.xlsx")
    formulas = [
        f"{ws.title}!{c.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    csv = (out / "tables" / "descriptives.csv").read_text(encoding="utf-8-sig")
    assert "\n'=2+5+cmd" in csv
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<img src=x onerror" not in html


def test_missing_provinces_are_named(tmp_path: Path) -> None:
    study = write_tiny_study(tmp_path / "s")
    data = (study.parent / "data.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in data if not line.startswith("540000,")]
    (study.parent / "data.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _invoke(["run", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    audit = (out / "tables" / "audit.csv").read_text(encoding="utf-8-sig")
    assert "absent,540000" in audit and "Tibet" in audit
    assert "Tibet (540000)" in (out / "report.html").read_text(encoding="utf-8")


# --- generated cases (hypothesis) ---------------------------------------------------------------
@FAST
@given(title=st.text(max_size=40))
def test_any_title_is_safe_on_the_terminal(title: str) -> None:
    """A title of any characters: the refusal (the data file is missing) is an ``Error:`` line,
    the title is echoed without control characters and without being read as markup."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        study = folder / "study.toml"
        # a TOML basic string: JSON's escapes are TOML's; DEL must be escaped too
        escaped = json.dumps(title, ensure_ascii=False).replace("\x7f", "\\u007f")
        study.write_text(f'[study]\ntitle = {escaped}\n[data]\nfile = "none.csv"\n', "utf-8")
        culprit = re.compile(r"none\.csv|title = .*control character")
        result = _refused(["run", str(study), "--out", str(folder / "out")], culprit)
        assert not CONTROL.search(result.output.replace("\n", ""))
        assert not (folder / "out").exists()


_SCALARS = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.booleans(),
)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=4))
_KEYS = [(s, k) for s, spec in SECTIONS.items() for k in spec] + [
    (s, k) for s, spec in NAMED_SECTIONS.items() for k in spec if k != "indicators"
]


@FAST
@given(where=st.sampled_from(_KEYS), value=_VALUES)
def test_any_option_value_is_accepted_or_refused_by_name(
    where: tuple[str, str], value: Any
) -> None:
    """Any value of any key: validation either accepts it or raises a ConfigError naming the
    key (never another exception)."""
    section, key = where
    study = copy.deepcopy(DEMO)
    if section not in study:  # an optional section the demo study does not use
        study[section] = {}
    target = study[section] if section in SECTIONS else next(iter(study[section].values()))
    target[key] = value
    try:
        validate(study)
    except ConfigError as exc:
        assert key in str(exc) or section in str(exc)


@FAST
@given(content=st.binary(max_size=200))
def test_any_study_file_bytes(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "study.toml"
        study.write_bytes(content)
        result = _invoke(["validate", str(study), "--no-data"])
        assert result.exit_code == 2
        assert study.read_bytes() == content


@FAST
@given(content=st.binary(max_size=300))
def test_any_data_file_bytes(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        study = write_tiny_study(Path(tmp) / "s")
        (study.parent / "data.csv").write_bytes(content)
        before = _snapshot(study.parent)
        _refused(["validate", str(study)], "data.csv")
        assert _snapshot(study.parent) == before

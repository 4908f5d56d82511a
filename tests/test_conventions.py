"""Small conventions (issue 19 item 5): py.typed, ``python -m spatialpanel``, ``--version``,
results objects with ``to_frame()``/``_repr_html_()``, summaries as text, HTML and LaTeX."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import spatialpanel as sp
from spatialpanel.cli import app
from spatialpanel.indices.coupling import coupling_coordination
from spatialpanel.inference.hypotheses import TestResult
from tests.cigar import cigar_data, cigar_weights

SRC = Path(__file__).resolve().parents[1] / "src"


def test_version_flag_prints_the_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"spatialpanel {sp.__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    env_path = str(SRC)
    proc = subprocess.run(
        [sys.executable, "-m", "spatialpanel", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"spatialpanel {sp.__version__}"


def test_the_package_is_typed() -> None:
    assert resources.files("spatialpanel").joinpath("py.typed").is_file()


def test_results_display_in_notebooks() -> None:
    res = sp.SpatialPanelModel(
        cigar_data(), y="logc", x=["logp", "logy"], w=cigar_weights(), model="sdm"
    ).fit()
    frame = res.to_frame()
    assert list(frame.columns) == ["coef", "std_error", "z", "p"]
    assert frame.loc["rho", "coef"] == res.params["rho"]
    html = res._repr_html_()
    assert "<table" in html and "W·x" in html
    summary = res.summary()
    assert "ρ (W·y)" in str(summary) and "<table" in summary.as_html()
    latex = summary.as_latex()
    assert latex.startswith(r"\begin{tabular}") and r"\bottomrule" in latex


def test_test_and_coupling_results_have_frames() -> None:
    test = TestResult("LR", 3.5, 2, 0.17, "θ = 0", True, "")
    frame = test.to_frame()
    assert frame.loc["LR", "statistic"] == 3.5 and frame.index.name == "test"
    assert "<table" in test._repr_html_() and "TestResult" in test._repr_html_()
    coupling = coupling_coordination(pd.DataFrame({"a": [0.3, 0.5], "b": [0.6, 0.4]}))
    assert coupling.to_frame() is coupling.table
    assert "CouplingResult" in coupling._repr_html_()

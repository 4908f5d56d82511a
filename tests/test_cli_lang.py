"""The console summary of ``spatialpanel run`` speaks the report's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import spatialpanel.study.pipeline as pipeline
from spatialpanel.cli import app
from spatialpanel.study.artifacts import Sentence, StageOutput
from spatialpanel.text import msg

SENTENCE = msg("Hausman test: χ²({df}) = {s} ({p}).", df=5, s="12.34", p="p = 0.031")
EXPECTED = {
    "en": "Hausman test: χ²(5) = 12.34 (p = 0.031).",
    "zh": "豪斯曼检验：χ²(5) = 12.34（p = 0.031）。",
}


def _fake_run(lang: str, tmp: Path) -> pipeline.StudyRun:
    stage = StageOutput(name="model", title="Model", sentences=(Sentence(SENTENCE),))
    return pipeline.StudyRun(
        out_dir=tmp, stages=(stage,), manifest=tmp / "manifest.json", report=None, lang=lang
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_prints_sentences_in_the_report_language(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "run_study", lambda *a, **k: _fake_run(lang, tmp_path))
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path), "--lang", lang])
    assert result.exit_code == 0, result.output
    assert EXPECTED[lang] in result.output
    if lang == "zh":
        assert EXPECTED["en"] not in result.output

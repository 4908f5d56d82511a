"""The dynamic study stage on the bundled demo study (synthetic data).

Checks that the tables are the fitted model's numbers (no recomputation in the stage), that every
sentence's sources point at existing table cells, that the short-/long-run verdicts follow from
the one-sided p-values, and that the stage is skipped when disabled.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialpanel.errors import ConfigError
from spatialpanel.study.artifacts import StageOutput
from spatialpanel.study.config import StudyConfig, load_study
from spatialpanel.study.context import StudyContext
from spatialpanel.study.pipeline import planned_stages
from spatialpanel.study.stages import data as data_stage
from spatialpanel.study.stages import dynamic as dynamic_stage
from spatialpanel.study.stages import indices as indices_stage
from spatialpanel.study.stages import model as model_stage
from spatialpanel.study.stages import weights as weights_stage
from tests.texts import english


def _num(value: Any) -> float:
    return float(value)


def _with(cfg: StudyConfig, **dynamic: Any) -> StudyConfig:
    raw = dict(cfg.raw)
    raw["dynamic"] = {**raw.get("dynamic", {}), **dynamic}
    return dataclasses.replace(cfg, raw=raw)


@pytest.fixture(scope="module")
def prepared() -> StudyContext:
    cfg = load_study()
    ctx, _ = data_stage.load(cfg, lang="en")
    indices_stage.run(ctx)
    weights_stage.run(ctx)
    model_stage.run(ctx)
    return ctx


@pytest.fixture(scope="module")
def output(prepared: StudyContext) -> StageOutput:
    return dynamic_stage.run(prepared)


def _cell(out: StageOutput, source: str) -> object:
    key, row, *cols = source.split(":")
    frame = {t.key: t.frame for t in out.tables}[key]
    if "|" in row:  # "coef|rho:Dynamic SDM (Lee-Yu)|coef": the regression payload's levels
        return frame.loc[tuple(row.split("|")), tuple(cols[0].split("|"))]
    if frame.index.nlevels > 1:  # "long run:uri" style rows for the simulation table
        horizon, row = row, cols.pop(0)
        return frame.loc[(horizon, row), tuple(cols) if len(cols) > 1 else cols[0]]
    return frame.loc[row, tuple(cols) if len(cols) > 1 else cols[0]]


def test_demo_study_plans_the_dynamic_stage_after_the_model() -> None:
    names = [s.name for s in planned_stages(load_study())]
    assert names.index("dynamic") == names.index("model") + 1


def test_tables_are_the_fit(prepared: StudyContext, output: StageOutput) -> None:
    res = prepared.results["dynamic"]
    tables = {t.key: t.frame for t in output.tables}
    assert set(tables) == {
        "dynamic_sdm",
        "dynamic_effects_short",
        "dynamic_effects_long",
        "dynamic_effects_simulation",
        "dynamic_hypotheses",
    }
    side = tables["dynamic_sdm"]  # the regression payload: (part, term) rows
    col = ("Dynamic SDM (Lee-Yu)", "coef")
    params = [("coef", str(n)) for n in res.params.index]
    np.testing.assert_allclose(side.loc[params, col].to_numpy(dtype=float), res.params.to_numpy())
    static = prepared.results["sdm"]
    rho = side.loc[("coef", "rho"), ("Static SDM", "coef")]
    assert rho == pytest.approx(float(static.params["rho"]))
    assert math.isnan(_num(side.loc[("coef", "cp(t-1)"), ("Static SDM", "coef")]))
    assert side.loc[("stat", "nobs"), col] == 31 * 9
    assert side.loc[("stat", "n_periods"), col] == 9
    assert side.loc[("stat", "bias_correction"), col] == "lee-yu"
    kinds = {t.key: t.kind for t in output.tables}
    assert kinds["dynamic_sdm"] == kinds["dynamic_effects_long"] == "regression"
    assert kinds["dynamic_effects_simulation"] == "data"
    pd.testing.assert_frame_equal(
        tables["dynamic_effects_long"], res.impacts(method="delta", horizon="long")
    )
    sim = tables["dynamic_effects_simulation"]
    np.testing.assert_allclose(
        sim.loc["long run"][("total", "estimate")],
        tables["dynamic_effects_long"][("total", "estimate")],
    )
    assert any("2014" in english(n) and "lost" in english(n) for n in output.tables[0].notes)


def test_verdicts_follow_from_one_sided_p(output: StageOutput) -> None:
    hyp = {t.key: t.frame for t in output.tables}["dynamic_hypotheses"]
    for _, row in hyp.iterrows():
        p = float(stats.norm.sf(row["estimate"] / row["se"]))
        assert row["p_one_sided"] == pytest.approx(p)
        expected = "supported" if (row["estimate"] > 0 and p < 0.05) else "not supported"
        assert row["verdict"] == expected
    claim = [
        english(s.text)
        for s in output.sentences
        if "short-term impact or long-term effect" in english(s.text)
    ]
    assert len(claim) == 1
    both = (hyp.loc["total (short run)", "verdict"] == "supported") and (
        hyp.loc["total (long run)", "verdict"] == "supported"
    )
    assert ("both the short-run and the long-run" in claim[0]) == both
    assert f"{_num(hyp.loc['total (long run)', 'estimate']):.3f}" in claim[0]


def test_sentence_sources_resolve(output: StageOutput) -> None:
    n = 0
    for sentence in output.sentences:
        for source in sentence.sources:
            value = _cell(output, source)
            assert value is not None
            n += 1
    assert n >= 10


def test_disabled_stage_is_empty(prepared: StudyContext) -> None:
    ctx = dataclasses.replace(prepared, config=_with(prepared.config, enabled=False))
    out = dynamic_stage.run(ctx)
    assert out.tables == () and out.settings == {"enabled": False}


def test_bad_bias_correction(prepared: StudyContext) -> None:
    ctx = dataclasses.replace(prepared, config=_with(prepared.config, bias_correction="leeyu"))
    with pytest.raises(ConfigError, match=r"bias_correction = 'leeyu'.*Did you mean 'lee-yu'"):
        dynamic_stage.run(ctx)

"""The model-selection battery and the study's model stage.

The battery is checked on the cigarette panel against the reference statistics of
``/work/shared/reference/benchmarks.md`` (LM two-way: 46.9005 / 54.6548 / 1.1563 / 8.9106; Wald
SDM→SAR 15.49, SDM→SEM 8.77). The stage is checked on a small synthetic SDM panel (N = 16,
T = 8, generated here with a fixed seed) through a hand-built ``StudyContext``: its tables must
carry the fitted numbers, its verdicts must follow the stated rule, and its sentences must cite
cells that exist.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialpanel.errors import ConfigError
from spatialpanel.inference.selection import select_model
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages import model as stage
from spatialpanel.weights.core import SpatialWeights
from tests.cigar import cigar_data, cigar_weights
from tests.texts import english

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class _Config:
    """The part of StudyConfig the stage reads."""

    def __init__(self, sections: dict[str, dict[str, Any]]) -> None:
        self._sections = sections

    def section(self, name: str) -> dict[str, Any]:
        return dict(self._sections.get(name, {}))


def _synthetic(seed: int = 3) -> tuple[pd.DataFrame, SpatialWeights]:
    n, t = 16, 8
    side = 4
    adj = np.zeros((n, n))
    for i in range(n):
        r, c = divmod(i, side)
        for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
            if 0 <= r + dr < side and 0 <= c + dc < side:
                adj[i, (r + dr) * side + c + dc] = 1.0
    ids = [f"R{i:02d}" for i in range(n)]
    w = SpatialWeights.from_array(adj, ids=ids)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(t, n, 2))
    beta, theta, rho = np.array([1.0, -0.5]), np.array([0.6, 0.2]), 0.4
    a = np.linalg.inv(np.eye(n) - rho * w.dense)
    alpha, gamma = rng.normal(size=n), rng.normal(size=t)
    y = np.empty((t, n))
    for s in range(t):
        mu = x[s] @ beta + w.dense @ x[s] @ theta + alpha + gamma[s]
        y[s] = a @ (mu + 0.3 * rng.normal(size=n))
    idx = pd.MultiIndex.from_product([ids, range(2010, 2010 + t)], names=["region", "year"])
    frame = pd.DataFrame(
        {
            "cp": y.T.ravel(),
            "uri": x[:, :, 0].T.ravel(),
            "gov": x[:, :, 1].T.ravel(),
        },
        index=idx,
    )
    return frame, w


def _context(**model: Any) -> StudyContext:
    panel, w = _synthetic()
    cfg = {
        "y": "cp",
        "core": "uri",
        "controls": ["gov"],
        "weights": "grid",
        "kind": "sdm",
        "effects": "twoway",
        "bias_correction": "none",
        "alpha": 0.05,
        "draws": 200,
    } | model
    return StudyContext(
        config=_Config({"model": cfg, "indices": {"uri": {"label": "Urban-rural integration"}}}),
        panel=panel,  # type: ignore[arg-type]
        audit=pd.DataFrame(),
        synthetic=True,
        seed=11,
        weights={"grid": w},
    )


def test_battery_on_cigarette_panel() -> None:
    rep = select_model(cigar_data(), y="logc", x=["logp", "logy"], w=cigar_weights())
    np.testing.assert_allclose(rep.lm["statistic"], [46.9005, 54.6548, 1.1563, 8.9106], atol=1e-3)
    assert rep.wald["sar"].statistic == pytest.approx(15.49, abs=0.01)
    assert rep.wald["sem"].statistic == pytest.approx(8.77, abs=0.01)
    steps = [d.step for d in rep.decisions]
    assert steps == sorted(steps) and set(steps) == {1, 3, 4, 5}
    assert rep.model == "sdm"  # both reductions rejected at 5%
    # Elhorst (2014) §3.6.2, non-spatial model: 2315.7 and 473.1
    assert rep.effects_lr_ols["entity"].statistic == pytest.approx(2315.7, abs=0.1)
    assert rep.effects_lr_ols["time"].statistic == pytest.approx(473.1, abs=0.1)
    frame = rep.decisions_frame()
    assert {"statistic", "pvalue", "alpha", "rule", "outcome"} <= set(frame.columns)
    # the Hausman difference is not PD on this panel: the battery says so, no number printed
    haus = frame.xs("Hausman", level="test")
    assert haus["outcome"].iloc[0].startswith("not decided") and haus["statistic"].isna().all()


def test_battery_rejects_bad_alpha() -> None:
    with pytest.raises(ConfigError, match="alpha"):
        select_model(cigar_data(), y="logc", x=["logp"], w=cigar_weights(), alpha=5)


@pytest.fixture(scope="module")
def stage_run() -> tuple[StudyContext, Any]:
    ctx = _context()
    return ctx, stage.run(ctx)


def test_stage_tables_and_results(stage_run: tuple[StudyContext, Any]) -> None:
    ctx, out = stage_run
    keys = [t.key for t in out.tables]
    for key in (
        "table4_lm",
        "table5_lr_effects",
        "table6_wald_lr",
        "table7_sdm",
        "effects",
        "hypotheses",
        "decisions",
    ):
        assert key in keys
    res = ctx.results["sdm"]
    tables = {t.key: t.frame for t in out.tables}
    t7 = tables["table7_sdm"]  # the regression payload: Main and W·x columns, (part, term) rows
    assert t7.loc[("coef", "uri"), ("Main", "coef")] == res.params["uri"]
    assert t7.loc[("coef", "gov"), ("W·x", "coef")] == res.params["W*gov"]
    assert t7.loc[("coef", "rho"), ("Main", "coef")] == res.params["rho"]
    assert t7.loc[("coef", "rho"), ("Main", "p")] == res.pvalues["rho"]
    assert math.isnan(t7.loc[("coef", "rho"), ("W·x", "coef")])
    assert t7.loc[("stat", "nobs"), ("Main", "coef")] == res.nobs
    assert t7.loc[("stat", "loglik"), ("Main", "coef")] == res.loglik
    assert {t.key: t.kind for t in out.tables}["table7_sdm"] == "regression"
    # the payload keeps identifiers; the report shows the labels instead (no "uri: ..." legend)
    from spatialpanel.report.localise import localise
    from spatialpanel.report.results_io import SavedResults, SavedTable
    from spatialpanel.study.labels import study_labels

    artifact = next(t for t in out.tables if t.key == "table7_sdm")
    assert not any("uri:" in str(n) for n in artifact.notes)
    saved = SavedResults(
        root=Path("."),
        study={},
        stages=[{"name": "model", "title": "Model", "tables": [{"key": "table7_sdm"}],
                 "figures": [], "sentences": []}],
        tables={"table7_sdm": SavedTable("table7_sdm", artifact.title, t7, artifact.notes,
                                         kind="regression", paper=7)},
        labels=study_labels(ctx.config),
    )  # fmt: skip
    shown = localise(saved, "en").sections[0].tables[0]
    rows = list(shown.frame.index.get_level_values("row"))
    assert "Urban-rural integration" in rows and "ρ" in rows and "Observations" in rows
    assert "W·x" in shown.frame.columns.get_level_values(0)
    eff = tables["effects"]
    pd.testing.assert_frame_equal(eff, res.impacts(method="delta"))
    t4 = tables["table4_lm"]
    lm = ctx.results["selection"].lm
    assert t4.loc[("SAR", "LM lag"), "statistic"] == lm.loc["LM_lag", "statistic"]
    assert t4.loc[("SEM", "Robust LM error"), "pvalue"] == lm.loc["robust_LM_error", "pvalue"]
    t6 = tables["table6_wald_lr"]
    assert t6.loc["LR SDM vs SAR", "statistic"] == pytest.approx(
        2
        * (
            ctx.results["selection"].fits["sdm"].loglik
            - ctx.results["selection"].fits["sar"].loglik
        )
    )


def test_stage_hypotheses_follow_the_rule(stage_run: tuple[StudyContext, Any]) -> None:
    _, out = stage_run
    hyp = {t.key: t.frame for t in out.tables}["hypotheses"]
    assert list(hyp.index) == ["H1", "H2", "H3"]
    for key in hyp.index:
        row = hyp.loc[key]
        z = row["estimate"] / row["se"]
        assert row["z"] == pytest.approx(z)
        assert row["p_one_sided"] == pytest.approx(stats.norm.sf(z))
        expected = (
            "supported" if row["estimate"] > 0 and row["p_one_sided"] < 0.05 else ("not supported")
        )
        assert row["verdict"] == expected
    # the DGP has direct effect ≈ 1, ρ = 0.4: H1 and H2 hold with this much data
    assert hyp.loc["H1", "verdict"] == "supported" and hyp.loc["H2", "verdict"] == "supported"


def test_hypotheses_table_hand_worked() -> None:
    # direct 0.5 (se 0.2): z = 2.5, one-sided p = 0.00621 -> supported; indirect -0.1 -> not
    cols = pd.MultiIndex.from_product(
        [["direct", "indirect", "total"], ["estimate", "se", "z", "p"]]
    )
    eff = pd.DataFrame(
        [[0.5, 0.2, 2.5, 0.0124, -0.1, 0.05, -2, 0.05, 0.4, 0.2, 2, 0.05]],
        index=["uri"],
        columns=cols,
    )

    class _R:
        params = pd.Series({"uri": 0.4, "rho": 0.1})
        std_errors = pd.Series({"uri": 0.1, "rho": 0.1})

    hyp = stage.hypotheses_table(_R(), eff, core="uri", alpha=0.05)
    assert hyp.loc["H1", "p_one_sided"] == pytest.approx(0.0062097, abs=1e-7)
    assert list(hyp["verdict"]) == ["supported", "not supported", "not supported"]


def test_stage_sentences_cite_existing_tables(stage_run: tuple[StudyContext, Any]) -> None:
    _, out = stage_run
    keys = {t.key for t in out.tables}
    assert out.sentences
    for s in out.sentences:
        assert s.sources and all(src.split(":")[0] in keys for src in s.sources)
    rho_sentence = next(
        english(s.text) for s in out.sentences if english(s.text).startswith("ρ = ")
    )
    assert "significant at 5%" in rho_sentence


def test_stage_unknown_weights_name() -> None:
    with pytest.raises(ConfigError, match="Did you mean 'grid'"):
        stage.run(_context(weights="gird"))


@pytest.mark.parametrize(
    ("kind", "effects"), [("sar", "entity"), ("sem", "twoway"), ("sdm", "random")]
)
def test_stage_other_specifications(kind: str, effects: str) -> None:
    ctx = _context(kind=kind, effects=effects, bias_correction="none")
    out = stage.run(ctx)
    tables = {t.key: t.frame for t in out.tables}
    res = ctx.results["sdm"]
    assert (res.spec.model, res.spec.effects) == (kind, effects)
    sp_name = res.spec.spatial_name
    assert tables["table7_sdm"].loc[("coef", sp_name), ("Main", "coef")] == res.params[sp_name]
    hyp = tables["hypotheses"]
    if kind == "sem":  # no ρ: H2 cannot be judged; SEM effects have no spillover
        assert hyp.loc["H2", "verdict"].startswith("not applicable")
        assert tables["effects"].loc["uri", ("indirect", "estimate")] == 0.0
    for s in out.sentences:
        assert all(src.split(":")[0] in tables for src in s.sources)

"""Multi-model tables (SAR | SEM | SDM; one model under several matrices) and the robustness stage.

Reference numbers: ``/work/shared/reference/benchmarks.md``, "Other fits on the same data" — the
cigarette panel of ``tests/cigar.py`` (N = 46, T = 30), entity fixed effects, exact ML, σ² = e'e/NT,
computed with R 4.2.2 / splm 1.6-5, Octave 7.3.0 running Elhorst's routines and spreg 1.9.0
(entity-FE SAR and SEM agree with spreg ``Panel_FE_Lag`` / ``Panel_FE_Error`` to 1e-8):

- SAR: logp −0.531674, logy −0.000690, ρ 0.298155, σ² 0.00666712, logL 1482.599;
  t-values −20.897, −0.045, ρ 10.486;
- SEM: logp −0.786901, logy 0.054891, λ 0.469559, σ² 0.00590351, logL 1538.958;
- SDM: −0.929798, 0.548598, W: 0.579301, −0.577489, ρ 0.457077, σ² 0.00543396, logL 1598.715;
  t-values −23.566, 9.280, 12.565, −9.637, ρ 16.709.

Entity effects are used because there the Q·(Wy) and W·(Qy) conventions coincide. Standard
errors follow as |coefficient / t|. The printed cells (4 decimals in ``comparison_table``; three
significant digits in the journal-style tables) are compared with these numbers rounded by hand;
AIC = −2 logL + 2k with k = regressors + spatial parameter + σ².
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from spatialpanel.errors import ConfigError
from spatialpanel.models.model import SpatialPanelModel
from spatialpanel.report.comparison import comparison_table, spatial_parameters
from spatialpanel.report.document import ReportTable
from spatialpanel.report.regression import regression_frame, report_frame
from spatialpanel.report.tables import markdown_table
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages import robustness as stage
from tests.cigar import cigar_data, cigar_weights
from tests.texts import english

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module")
def fits() -> dict[str, Any]:
    data, w = cigar_data(), cigar_weights()
    model: Any = SpatialPanelModel
    return {
        k.upper(): model(data, y="logc", x=["logp", "logy"], w=w, model=k, effects="entity").fit()
        for k in ("sar", "sem", "sdm")
    }


def test_comparison_table_prints_the_reference_fits(fits: dict[str, Any]) -> None:
    table = comparison_table(fits)
    assert list(table.columns) == ["SAR", "SEM", "SDM"]
    cell = table.loc
    # coefficients with stars (|t| > 2.58 for all SAR/SDM terms but SAR logy, t = -0.045), (se)
    assert cell[("logp", "coef"), "SAR"] == "-0.5317***"
    assert cell[("logp", "se"), "SAR"] == "(0.0254)"  # 0.531674 / 20.897 = 0.025443
    assert cell[("logy", "coef"), "SAR"] == "-0.0007"
    # t = -0.045 (3 decimals) pins se only to 0.000690 / [0.0445, 0.0455] = [0.0152, 0.0155]
    assert 0.0151 <= float(str(cell[("logy", "se"), "SAR"]).strip("()")) <= 0.0156
    assert cell[("rho", "coef"), "SAR"] == "0.2982***"
    assert cell[("rho", "se"), "SAR"] == "(0.0284)"  # 0.298155 / 10.486 = 0.028434
    # the reference gives no SEM t-values: coefficients only (stars follow the engine's p)
    assert str(cell[("logp", "coef"), "SEM"]).rstrip("*") == "-0.7869"
    assert str(cell[("logy", "coef"), "SEM"]).rstrip("*") == "0.0549"
    assert str(cell[("lambda", "coef"), "SEM"]).rstrip("*") == "0.4696"
    assert cell[("lambda", "coef"), "SAR"] == "" and cell[("rho", "coef"), "SEM"] == ""
    assert cell[("logp", "coef"), "SDM"] == "-0.9298***"
    assert cell[("logp", "se"), "SDM"] == "(0.0395)"  # 0.929798 / 23.566 = 0.039455
    assert cell[("W*logp", "coef"), "SDM"] == "0.5793***"
    assert cell[("W*logp", "se"), "SDM"] == "(0.0461)"  # 0.579301 / 12.565 = 0.046104
    assert cell[("W*logy", "coef"), "SDM"] == "-0.5775***"
    assert cell[("rho", "coef"), "SDM"] == "0.4571***"
    assert cell[("W*logp", "coef"), "SAR"] == ""
    # fit rows
    for name, s2, ll, k in (
        ("SAR", 0.00666712, 1482.599, 4),
        ("SEM", 0.00590351, 1538.958, 4),
        ("SDM", 0.00543396, 1598.715, 6),
    ):
        assert float(cell[("sigma2", ""), name]) == pytest.approx(s2, rel=1e-5)
        assert float(cell[("loglik", ""), name]) == pytest.approx(ll, abs=6e-4)
        assert float(cell[("aic", ""), name]) == pytest.approx(-2 * ll + 2 * k, abs=0.01)
        assert cell[("nobs", ""), name] == "1380"
        assert cell[("effects", ""), name] == "entity"
        assert cell[("bias_correction", ""), name] == "none"


def test_regression_payload_holds_the_reference_fits(fits: dict[str, Any]) -> None:
    payload = regression_frame(fits)
    assert list(dict.fromkeys(c[0] for c in payload.columns)) == ["SAR", "SEM", "SDM"]
    assert list(payload.index) == [
        ("coef", "logp"),
        ("coef", "logy"),
        ("coef", "W*logp"),
        ("coef", "W*logy"),
        ("coef", "rho"),
        ("coef", "lambda"),
        *[("stat", s) for s in ("n_entities", "n_periods", "nobs", "effects", "bias_correction")],
        *[("stat", s) for s in ("r2", "loglik", "aic", "bic", "sigma2")],
    ]
    cell = payload.loc
    assert cell[("coef", "logp"), ("SAR", "coef")] == pytest.approx(-0.531674, abs=1e-6)
    assert cell[("coef", "logp"), ("SAR", "z")] == pytest.approx(-20.897, abs=1e-3)
    assert cell[("coef", "rho"), ("SDM", "coef")] == pytest.approx(0.457077, abs=1e-6)
    assert cell[("coef", "rho"), ("SDM", "z")] == pytest.approx(16.709, abs=1e-3)
    assert cell[("coef", "lambda"), ("SEM", "coef")] == pytest.approx(0.469559, abs=1e-6)
    assert math.isnan(cell[("coef", "W*logp"), ("SAR", "coef")])
    for name, s2, ll, k in (
        ("SAR", 0.00666712, 1482.599, 4),
        ("SEM", 0.00590351, 1538.958, 4),
        ("SDM", 0.00543396, 1598.715, 6),
    ):
        assert cell[("stat", "sigma2"), (name, "coef")] == pytest.approx(s2, rel=1e-5)
        assert cell[("stat", "loglik"), (name, "coef")] == pytest.approx(ll, abs=6e-4)
        assert cell[("stat", "aic"), (name, "coef")] == pytest.approx(-2 * ll + 2 * k, abs=2e-3)
        assert cell[("stat", "nobs"), (name, "coef")] == 1380
        assert cell[("stat", "n_entities"), (name, "coef")] == 46
        assert cell[("stat", "n_periods"), (name, "coef")] == 30
        assert cell[("stat", "effects"), (name, "coef")] == "entity"


def test_journal_table_prints_the_reference_fits(fits: dict[str, Any]) -> None:
    """SAR logp: -0.531674, se 0.531674 / 20.897 = 0.025443 -> -0.532*** (0.025); SAR logy
    -0.000690 with t = -0.045: no star, and two significant digits of -0.00069 need five decimals
    (the row's largest estimate, SDM's 0.5486, needs three): -0.00069 and se (0.01533)."""
    frame = report_frame(regression_frame(fits), label=lambda kind, ident: ident)
    md = markdown_table(ReportTable("cmp", 1, "Cigarettes", (), frame, kind="regression"))
    rows = md.splitlines()
    assert rows[0] == "|  | SAR | SEM | SDM |"
    assert rows[2].startswith("| logp | -0.532*** | -0.787")
    assert rows[2].endswith("| -0.930*** |")
    assert rows[3].startswith("|  | (0.025) |") and rows[3].endswith("| (0.039) |")
    assert rows[4].startswith("| logy | -0.00069 |")
    # se of logy in [0.0152, 0.0155] (see test_comparison_table_prints_the_reference_fits)
    assert rows[5].startswith("|  | (0.015")
    assert "| W\\*logp |  |  | 0.579*** |" in rows  # Markdown escapes the identifier's star
    assert "| rho | 0.298*** |  | 0.457*** |" in rows
    assert "| nobs | 1380 | 1380 | 1380 |" in rows
    loglik = next(r for r in rows if r.startswith("| loglik |")).strip("| ").split(" | ")[1:]
    assert [len(v.split(".")[1]) for v in loglik] == [2, 2, 2]  # two decimals from 100 up
    assert [float(v) for v in loglik] == pytest.approx([1482.599, 1538.958, 1598.715], abs=6e-3)


def test_spatial_parameters_are_the_numbers_behind_the_stars(fits: dict[str, Any]) -> None:
    sp = spatial_parameters(fits)
    assert list(sp["parameter"]) == ["rho", "lambda", "rho"]
    assert sp.loc["SAR", "estimate"] == pytest.approx(0.298155, abs=1e-6)
    assert sp.loc["SEM", "estimate"] == pytest.approx(0.469559, abs=1e-6)
    assert sp.loc["SDM", "estimate"] == pytest.approx(0.457077, abs=1e-6)
    assert sp.loc["SAR", "z"] == pytest.approx(10.486, abs=1e-3)
    assert sp.loc["SDM", "z"] == pytest.approx(16.709, abs=1e-3)
    assert (sp["p"] < 1e-20).all()


def test_comparison_needs_results() -> None:
    with pytest.raises(ConfigError, match="results is empty"):
        comparison_table({})


class _Config:
    """The part of StudyConfig the stage reads."""

    def __init__(self, sections: dict[str, dict[str, Any]]) -> None:
        self._sections = sections

    def section(self, name: str) -> dict[str, Any]:
        return dict(self._sections.get(name, {}))


def _ctx(**model: Any) -> StudyContext:
    w = cigar_weights()
    cfg = {
        "y": "logc",
        "core": "logp",
        "controls": ["logy"],
        "weights": "contiguity",
        "kind": "sdm",
        "effects": "entity",
        "bias_correction": "none",
    } | model
    return StudyContext(
        config=_Config({"model": cfg}),
        panel=cigar_data(),
        audit=pd.DataFrame(),
        synthetic=False,
        seed=1,
        weights={"contiguity": w, "contiguity_binary": w.transformed("binary")},
    )


def test_robustness_stage_tables_and_sentences() -> None:
    out = stage.run(_ctx())
    frames = {t.key: t.frame for t in out.tables}
    assert list(frames) == [
        "compare_models",
        "compare_models_spatial",
        "robustness_weights",
        "robustness_spatial",
    ]
    kinds = {t.key: t.kind for t in out.tables}
    assert kinds["compare_models"] == kinds["robustness_weights"] == "regression"
    models = frames["compare_models"]
    assert list(dict.fromkeys(c[0] for c in models.columns)) == ["SAR", "SEM", "SDM"]
    assert models.loc[("coef", "rho"), ("SDM", "coef")] == pytest.approx(0.457077, abs=1e-6)
    rob = frames["robustness_weights"]
    assert list(dict.fromkeys(c[0] for c in rob.columns)) == ["contiguity", "contiguity_binary"]
    assert rob.loc[("coef", "rho"), ("contiguity", "coef")] == pytest.approx(0.457077, abs=1e-6)
    spatial = frames["robustness_spatial"]
    assert spatial.loc["contiguity", "estimate"] == pytest.approx(0.457077, abs=1e-6)
    # the binary (untransformed) matrix is a different model: its ρ is on another scale
    assert spatial.loc["contiguity_binary", "estimate"] < 0.3
    assert len(out.sentences) == 2
    aic, robust = out.sentences
    assert "the SDM has the lowest AIC" in english(
        aic.text
    )  # logL 1598.715 vs 1538.958 and 1482.599
    assert english(robust.text).startswith("Across 2 weight matrices, ρ of the SDM")
    for source in robust.sources:
        key, row, col = source.split(":")
        assert key == "robustness_spatial" and row in spatial.index and col in spatial.columns
    with pytest.raises(ConfigError, match="not a configured"):
        stage.run(_ctx(weights="contiguty"))

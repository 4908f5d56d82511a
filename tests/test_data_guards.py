"""Numerical guards (issue 10 §5): no NaN or inf reaches a table; a near-singular design is
refused with its condition number and the variables involved; a random-effects variance on its
boundary (σ²_μ = 0) warns, and the information matrix that is singular there is repaired with a
warning through a real fit.

The other guards of §5 are triggered on purpose in ``tests/test_models_errors.py``: ρ on the
boundary (``test_rho_on_the_boundary_warns``), non-convergence (``test_non_convergence_raises``),
an information matrix that is not positive definite
(``test_information_not_positive_definite_warns_and_stays_finite``), extreme scaling
(``test_extreme_scaling_warns_with_advice``) and exact collinearity
(``test_collinear_regressors_are_named``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import EstimationError, NumericalWarning
from spatialpanel.study.artifacts import StageOutput, TableArtifact
from spatialpanel.study.config import load_study
from spatialpanel.study.context import StudyContext
from spatialpanel.study.outputs import check_finite, write_results
from tests.cigar import cigar_data, cigar_weights

NAN = float("nan")


def test_near_singular_design_names_condition_number_and_variables() -> None:
    """Not exactly collinear: logp2 = 2 logp + 0.5 + noise of size 1e-12."""
    d = cigar_data()
    rng = np.random.default_rng(1)
    d["logp2"] = 2.0 * d["logp"] + 0.5 + 1e-12 * rng.standard_normal(len(d))
    x = ["logp", "logy", "logp2"]
    # independent condition number: entity-demeaned columns scaled to unit length (numpy)
    demeaned = d[x] - d[x].groupby(level="state").transform("mean")
    scaled = demeaned / np.sqrt((demeaned**2).sum())
    expected = np.linalg.cond(scaled.to_numpy())
    assert expected > 1e10
    model = sp.SpatialPanelModel(d, y="logc", x=x, w=cigar_weights(), model="sar", effects="entity")
    with pytest.raises(EstimationError, match=r"nearly\) collinear") as info:
        model.fit()
    message = str(info.value)
    shown = float(re.search(r"condition number ([0-9.e+]+)", message).group(1))  # type: ignore[union-attr]
    assert shown == pytest.approx(expected, rel=0.05)
    assert "involved: ['logp', 'logp2']" in message


# --- no NaN or inf in a table ------------------------------------------------------------------


def _sdm_table(coef: float = 0.2, se: float = 0.03, p: float = 0.001) -> TableArtifact:
    """Shaped like the study's SDM table: W·x blank for ρ, σ² without se (layout blanks)."""
    frame = pd.DataFrame(
        [
            [coef, se, coef / se, p, 0.11, 0.06, 1.8, 0.07],
            [0.48, 0.058, 8.3, 1e-16, NAN, NAN, NAN, NAN],
            [1.7e-4, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
        ],
        index=pd.Index(["uri", "rho", "sigma2"], name="term"),
        columns=pd.MultiIndex.from_product([["Main", "W·x"], ["coef", "se", "z", "p"]]),
    )
    return TableArtifact("table7_sdm", "Table 7. SDM", frame)


def test_layout_blanks_pass() -> None:
    check_finite(_sdm_table())
    lm = pd.DataFrame(
        {"statistic": [0.19, 22.6], "z": [5.7, NAN], "pvalue": [6e-9, 2e-6]},
        index=pd.Index(["Moran's I (residuals)", "LM error"], name="test"),
    )
    check_finite(TableArtifact("table4_lm", "LM tests", lm))  # LM tests have no z
    decisions = pd.DataFrame(
        {"statistic": [NAN, 20.7], "pvalue": [NAN, 0.004], "valid": [False, True]},
        index=["Hausman", "Hausman (generalised inverse)"],
    )
    check_finite(TableArtifact("decisions", "Decisions", decisions))  # an invalid test
    text = pd.DataFrame({"LL": [NAN], "affluence": [NAN], "n": [3]})
    check_finite(TableArtifact("quadrants", "Quadrants", text))  # not statistic columns


def test_nan_estimate_is_refused_with_its_cause() -> None:
    with pytest.raises(EstimationError) as info:
        check_finite(_sdm_table(coef=NAN))
    message = str(info.value)
    assert message.startswith(
        "table 'table7_sdm' (Table 7. SDM): row 'uri', column ('Main', 'coef') is NaN: the "
        "estimate could not be computed, although other statistics of the row were"
    )
    assert "No table may hold NaN or inf" in message


def test_nan_p_value_beside_a_standard_error_is_refused() -> None:
    with pytest.raises(EstimationError, match=r"row 'uri', column \('Main', 'p'\) is NaN: the p-v"):
        check_finite(_sdm_table(p=NAN))


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_inf_anywhere_is_refused(value: float) -> None:
    frame = pd.DataFrame({"n": [31.0, value], "label": ["a", "b"]}, index=["x", "y"])
    with pytest.raises(EstimationError, match=r"table 'counts' \(Counts\): row 'y', column 'n' h"):
        check_finite(TableArtifact("counts", "Counts", frame))
    with pytest.raises(EstimationError, match=r"column \('Main', 'z'\) holds -?inf"):
        check_finite(_with(_sdm_table(), ("Main", "z"), value))


def _with(table: TableArtifact, col: tuple[str, str], value: float) -> TableArtifact:
    frame = table.frame.copy()
    frame.loc["uri", col] = value
    return TableArtifact(table.key, table.title, frame)


def test_write_results_refuses_before_writing(tmp_path: Path) -> None:
    cfg = load_study()
    panel = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([(110000, 2014)]))
    ctx = StudyContext(config=cfg, panel=panel, audit=pd.DataFrame(), synthetic=True, seed=1)
    stage = StageOutput(
        name="models",
        title="Models",
        tables=(_sdm_table(), _sdm_table(coef=NAN)),
        figures=(),
        sentences=(),
        settings={},
    )
    out = tmp_path / "out"
    with pytest.raises(EstimationError, match=r"table 'table7_sdm'.*row 'uri'"):
        write_results(out, config=cfg, ctx=ctx, stages=(stage,), report=False)
    assert not out.exists()


def _no_entity_heterogeneity() -> pd.DataFrame:
    """Cigar 1963-1972 with every variable demeaned by state: no individual effects remain."""
    d = cigar_data()
    d = d[d.index.get_level_values("year") <= d.index.get_level_values("year").min() + 9].copy()
    for v in ("logc", "logp", "logy"):
        d[v] = d[v] - d[v].groupby(level="state").transform("mean")
    return d


@pytest.mark.parametrize(("kind", "at"), [("sar", "θ = 1"), ("sem", "φ = 0")])
def test_random_effects_variance_on_its_boundary_warns(kind: str, at: str) -> None:
    model = sp.SpatialPanelModel(
        _no_entity_heterogeneity(),
        y="logc",
        x=["logp", "logy"],
        w=cigar_weights(),
        model=kind,
        effects="random",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NumericalWarning)
        res = model.fit()
    messages = [str(c.message) for c in caught if issubclass(c.category, NumericalWarning)]
    assert any(
        f"σ²_μ is estimated at zero ({at})" in m and "effects='pooled'" in m for m in messages
    )
    if kind == "sem":  # φ on its bound: the information matrix is singular there; the guard
        # raises its eigenvalues and says so, and the standard errors stay finite
        assert any("is not positive definite" in m and "raised" in m for m in messages)
    assert np.all(np.isfinite(res.std_errors.to_numpy()))

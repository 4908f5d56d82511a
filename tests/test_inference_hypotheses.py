"""Wald, LR and Hausman tests (and the robust Mundlak alternative).

References
----------
- ``/work/shared/reference/benchmarks.md``, cigarette two-way FE SDM without bias correction
  (R 4.2.2 / Octave 7.3.0 with Elhorst's routines): Wald SDM→SAR 15.49, SDM→SEM 8.77 (delta
  method); LR SDM vs SAR 15.90, SDM vs SEM 8.78; logL SDM 1691.5383, SAR 1683.587,
  SEM 1687.149 (two-way FE).
- Small Wald/Hausman examples: worked by hand in the comments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError
from spatialpanel.inference.hausman import _cluster_cov, _mundlak_fit, hausman, mundlak_test
from spatialpanel.inference.hypotheses import (
    TestResult,
    lr_test,
    sdm_lr_tests,
    sdm_wald_tests,
    wald_nonlinear,
    wald_test,
)
from tests.cigar import cigar_data, cigar_weights

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
X = ["logp", "logy"]


@dataclass(frozen=True)
class _Fit:
    params: pd.Series
    cov: pd.DataFrame
    loglik: float = 0.0
    spec: Any = None
    w: Any = None


def _fit(params: dict[str, float], cov: np.ndarray, loglik: float = 0.0) -> _Fit:
    s = pd.Series(params, dtype=float)
    return _Fit(s, pd.DataFrame(cov, index=s.index, columns=s.index), loglik)


@pytest.fixture(scope="module")
def fits() -> dict[str, Any]:
    data, w = cigar_data(), cigar_weights()
    out = {}
    for model in ("sdm", "sar", "sem"):
        out[model] = sp.SpatialPanelModel(
            data, y="logc", x=X, w=w, model=model, effects="twoway"
        ).fit(bias_correction="none")
    for eff in ("entity", "random"):
        out[f"sdm_{eff}"] = sp.SpatialPanelModel(
            data, y="logc", x=X, w=w, model="sdm", effects=eff
        ).fit(bias_correction="none")
    return out


def test_test_result_never_reports_a_negative_statistic() -> None:
    res = TestResult.chi2("H", -3.76, 6, null="RE consistent")
    assert not res.valid and math.isnan(res.statistic) and math.isnan(res.pvalue)
    assert "negative" in res.reason
    assert not res.rejects(0.05)
    ok = TestResult.chi2("H", 3.84145882, 1, null="x")
    assert ok.valid and ok.pvalue == pytest.approx(0.05, abs=1e-8)


def test_wald_hand_worked() -> None:
    # θ = (1, 2), V = diag(0.5, 2): W = 1²/0.5 + 2²/2 = 4, df 2
    f = _fit({"a": 1.0, "b": 2.0}, np.diag([0.5, 2.0]))
    res = wald_test(f.params, f.cov, ["a", "b"])
    assert (res.statistic, res.df) == (pytest.approx(4.0), 2)
    # g = a·b = 2, G = (b, a) = (2, 1): G V G' = 4·0.5 + 1·2 = 4, W = 2²/4 = 1
    nl = wald_nonlinear(f.params, f.cov, lambda p: np.array([p["a"] * p["b"]]))
    assert nl.statistic == pytest.approx(1.0, rel=1e-6) and nl.df == 1
    with pytest.raises(ConfigError, match="'c'"):
        wald_test(f.params, f.cov, ["c"])
    singular = _fit({"a": 1.0, "b": 2.0}, np.zeros((2, 2)))
    assert not wald_test(singular.params, singular.cov, ["a"]).valid


def test_sdm_wald_tests_match_reference(fits: dict[str, Any]) -> None:
    out = sdm_wald_tests(fits["sdm"])
    assert out["sar"].statistic == pytest.approx(15.49, abs=0.01)
    assert out["sem"].statistic == pytest.approx(8.77, abs=0.01)
    assert out["sar"].df == out["sem"].df == 2
    # the analytic Jacobian of θ + ρβ agrees with central differences
    sdm = fits["sdm"]
    sub = sdm.params[["logp", "logy", "W*logp", "W*logy", "rho"]]
    numeric = wald_nonlinear(
        sub, sdm.cov, lambda p: p.iloc[2:4].to_numpy() + p.iloc[4] * p.iloc[:2].to_numpy()
    )
    assert numeric.statistic == pytest.approx(out["sem"].statistic, rel=1e-6)


def test_sdm_lr_tests_from_reference_logliks() -> None:
    sdm = _fit({"logp": 0, "logy": 0, "W*logp": 0, "W*logy": 0, "rho": 0}, np.eye(5), 1691.5383)
    sar = _fit({"rho": 0.0}, np.eye(1), 1683.587)
    sem = _fit({"lambda": 0.0}, np.eye(1), 1687.149)
    out = sdm_lr_tests(sdm, sar=sar, sem=sem)
    assert out["sar"].statistic == pytest.approx(15.90, abs=0.01)
    assert out["sem"].statistic == pytest.approx(8.78, abs=0.01)
    assert out["sar"].df == 2


def test_sdm_lr_vs_sar_from_engine(fits: dict[str, Any]) -> None:
    out = sdm_lr_tests(fits["sdm"], sar=fits["sar"], sem=fits["sem"])
    assert out["sar"].statistic == pytest.approx(15.90, abs=0.01)


def test_sdm_lr_vs_sem_from_engine(fits: dict[str, Any]) -> None:
    # benchmarks.md's SEM two-way row (logL 1687.149, λ 0.240039) filters the *demeaned* data,
    # W·(Qu), as Elhorst's sem_panel_FE does; the reference LR 8.78 pairs it with the Q·(Wy)
    # SDM. The engine reproduces that SEM with lag_convention="demeaned".
    sem_elhorst = sp.SpatialPanelModel(
        cigar_data(),
        y="logc",
        x=X,
        w=cigar_weights(),
        model="sem",
        effects="twoway",
        lag_convention="demeaned",
    ).fit(bias_correction="none")
    out = sdm_lr_tests(fits["sdm"], sar=fits["sar"], sem=sem_elhorst)
    assert out["sem"].statistic == pytest.approx(8.78, abs=0.01)
    # with the same (raw, Q·(Wu)) convention on both sides the statistic is 2·(1691.5383 −
    # 1687.2182) = 8.64 (the raw-convention SEM optimum, checked in numpy by concentrating
    # the likelihood over λ: logL 1687.21820, λ 0.2406675)
    same = sdm_lr_tests(fits["sdm"], sar=fits["sar"], sem=fits["sem"])
    assert fits["sem"].loglik == pytest.approx(1687.21820, abs=1e-4)
    assert same["sem"].statistic == pytest.approx(8.640, abs=1e-3)


def test_lr_test_refuses_a_negative_statistic() -> None:
    bad = lr_test(100.0, 101.0, 2)
    assert not bad.valid and "higher log-likelihood" in bad.reason
    assert lr_test(100.0, 100.0 + 1e-9, 2).statistic == 0.0  # rounding noise is not an error


def test_hausman_positive_definite_hand_worked() -> None:
    # d = (1, 1), V_FE - V_RE = diag(2, 0.5): H = 1/2 + 1/0.5 = 2.5, df 2
    fe = _fit({"a": 2.0, "rho": 1.0}, np.diag([3.0, 1.0]))
    re = _fit({"const": 5.0, "a": 1.0, "rho": 0.0}, np.diag([9.0, 1.0, 0.5]))
    out = hausman(fe, re)
    assert out.classic.valid and out.positive_definite
    assert out.classic.statistic == pytest.approx(2.5) and out.classic.df == 2
    assert out.names == ("a", "rho") and out.preferred is out.classic


def test_hausman_not_positive_definite_hand_worked() -> None:
    # V_FE - V_RE = diag(2, -1): the classic statistic 1/2 - 1 = -0.5 must not be reported;
    # generalised inverse over the positive direction: 1²/2 = 0.5 with df 1
    fe = _fit({"a": 2.0, "b": 1.0}, np.diag([3.0, 1.0]))
    re = _fit({"a": 1.0, "b": 0.0}, np.diag([1.0, 2.0]))
    out = hausman(fe, re)
    assert not out.classic.valid and math.isnan(out.classic.statistic)
    assert "not positive definite" in out.classic.reason
    assert out.generalized is not None and out.generalized.valid
    assert out.generalized.statistic == pytest.approx(0.5) and out.generalized.df == 1
    assert out.preferred is out.generalized


def test_hausman_cigarette_sdm_not_pd_gives_alternatives(fits: dict[str, Any]) -> None:
    out = hausman(fits["sdm_entity"], fits["sdm_random"], data=cigar_data())
    assert out.names == ("logp", "logy", "W*logp", "W*logy", "rho")  # df 5, not 6 (spreg)
    assert not out.classic.valid and "not positive definite" in out.classic.reason
    assert out.mundlak is not None and out.mundlak.valid and out.mundlak.df == 4
    assert out.preferred is out.mundlak
    assert out.generalized is not None and out.generalized.statistic >= 0


def test_hausman_generalised_inverse_is_unit_free_hand_worked() -> None:
    # V_FE = [[2, 1], [1, 2]], V_RE = [[1, 0], [0, 3]], D = V_FE − V_RE = [[1, 1], [1, -1]]
    # (eigenvalues ±√2: not PD). D v = μ V_FE v: det(D − μ V_FE) = 3μ² + 2μ − 2 = 0, so
    # μ = (−1 ± √7)/3; for μ₊ = 0.54858 the direction is v ∝ (1, (2μ − 1)/(1 − μ)) =
    # (1, 0.21525), scaled to v'V_FE v = 1 (v'V_FE v = 2.52317 before): v = (0.62955, 0.13551).
    # With d = (1, 2): v'd = 0.90057, statistic (v'd)²/μ₊ = 1.47838, df 1. Rescaling the second
    # parameter by 100 (d → (1, 200), V → S V S) must leave it unchanged (the Moore–Penrose
    # inverse over the ordinary eigenvectors of D gives 2.0178, then 4.4988).
    mu = (-1 + math.sqrt(7)) / 3
    v = np.array([1.0, (2 * mu - 1) / (1 - mu)])
    vfe = np.array([[2.0, 1.0], [1.0, 2.0]])
    v /= math.sqrt(v @ vfe @ v)
    want = float(v @ [1.0, 2.0]) ** 2 / mu
    assert want == pytest.approx(1.47838, abs=1e-5)
    for scale in (1.0, 100.0):
        s = np.diag([1.0, scale])
        fe = _fit({"a": 1.0, "b": 2.0 * scale}, s @ vfe @ s)
        re = _fit({"a": 0.0, "b": 0.0}, s @ np.diag([1.0, 3.0]) @ s)
        out = hausman(fe, re)
        assert not out.classic.valid
        assert out.generalized is not None and out.generalized.df == 1
        assert out.generalized.statistic == pytest.approx(want, rel=1e-12)
        assert out.eigenvalues == pytest.approx(sorted([mu, (-1 - math.sqrt(7)) / 3]))


def test_hausman_cigarette_sdm_is_invariant_to_the_units_of_a_regressor(
    fits: dict[str, Any],
) -> None:
    """Issue 15 §10: the fallback statistic was 0.1100 with logy and 0.7382 with 100·logy
    (Moore–Penrose inverse of V_FE − V_RE); with directions relative to V_FE it is 0.10197
    for both (measured 0.1019706759 and 0.1019706758: the fits are refitted), and so are the
    verdict, the rank and the Mundlak test."""
    data, w = cigar_data(), cigar_weights()
    scaled = data.assign(logy=100 * data["logy"])
    fe, re = (
        sp.SpatialPanelModel(scaled, y="logc", x=X, w=w, model="sdm", effects=eff).fit(
            bias_correction="none"
        )
        for eff in ("entity", "random")
    )
    base = hausman(fits["sdm_entity"], fits["sdm_random"], data=data)
    other = hausman(fe, re, data=scaled)
    assert base.generalized is not None and other.generalized is not None
    assert base.classic.valid == other.classic.valid is False
    assert base.generalized.df == other.generalized.df == 1
    assert base.generalized.statistic == pytest.approx(0.10197, abs=1e-5)
    assert other.generalized.statistic == pytest.approx(base.generalized.statistic, rel=1e-7)
    np.testing.assert_allclose(other.eigenvalues, base.eigenvalues, rtol=1e-7)
    assert base.mundlak is not None and other.mundlak is not None
    assert other.mundlak.statistic == pytest.approx(base.mundlak.statistic, rel=1e-7)


@pytest.mark.parametrize("effects", ["entity", "twoway"])
def test_mundlak_slopes_equal_fixed_effects_given_rho(effects: str) -> None:
    # FWL: in the regression on x and the entity means, the x coefficients are the within
    # estimates; given ρ̂ these are the ML fixed-effects slopes (closed form in β).
    data, w = cigar_data(), cigar_weights()
    fe = sp.SpatialPanelModel(data, y="logc", x=X, w=w, model="sdm", effects=effects).fit(
        bias_correction="none"
    )
    params, cov, names = _mundlak_fit(fe, data)
    np.testing.assert_allclose(params[names], fe.params[names], atol=1e-8)
    res = mundlak_test(fe, data)
    assert res.valid and res.df == 4
    assert np.all(np.linalg.eigvalsh(cov.to_numpy()) > 0)


def test_cluster_covariance_brute_force() -> None:
    # CR1: G/(G-1)·(n-1)/(n-k)·(Z'Z)⁻¹ [Σ_g Z_g'u_g u_g'Z_g] (Z'Z)⁻¹, one loop per cluster
    rng = np.random.default_rng(2)
    z = rng.normal(size=(40, 3))
    u = rng.normal(size=40)
    groups = np.repeat(np.arange(8), 5)
    bread = np.linalg.inv(z.T @ z)
    meat = sum(
        np.outer(z[groups == g].T @ u[groups == g], z[groups == g].T @ u[groups == g])
        for g in range(8)
    )
    ref = 8 / 7 * 39 / 37 * bread @ meat @ bread
    np.testing.assert_allclose(_cluster_cov(z, u, groups), ref, rtol=1e-12)

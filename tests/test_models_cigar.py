"""The estimation engine on Baltagi's cigarette panel against independent references.

Provenance of the reference numbers (copied from /work/shared/reference/benchmarks.md, which lists
the software: R 4.2.2 with splm 1.6-5, plm 2.6-2; GNU Octave 7.3.0 running J. P. Elhorst's MATLAB
spatial panel routines; an exact-eigenvalue implementation of the concentrated likelihood; the
published t-values of Elhorst 2014, Spatial Econometrics, §3.6.2):

- two-way SDM, exact ML / Elhorst's Lee-Yu correction (his ``sar_panel_FE``, ``info.bc = 1``) /
  Lee-Yu transformation approach / the splm convention W·(Qy);
- "other fits": SAR, SEM, SDM with entity, time and two-way effects.

spreg 1.9.0 ``Panel_FE_Lag`` / ``Panel_FE_Error`` are run inside the test (time-major stacking).
A brute-force dummy-variable (LSDV) maximisation written here is the independent reference for the
two-way SEM under the Q·(Wy) convention (see docs/conventions.md, "Estimation").
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar

import spatialpanel as sp
from spatialpanel.models.results import SpatialPanelResults
from spatialpanel.models.summary import compare
from tests.cigar import cigar_binary_matrix, cigar_data, cigar_weights

X = ["logp", "logy"]


@cache
def fit(
    model: str,
    effects: str,
    bc: str = "none",
    conv: str = "raw",
    logdet: str = "auto",
) -> SpatialPanelResults:
    m = sp.SpatialPanelModel(
        cigar_data(),
        y="logc",
        x=X,
        w=cigar_weights(),
        model=model,  # type: ignore[arg-type]
        effects=effects,  # type: ignore[arg-type]
        lag_convention=conv,  # type: ignore[arg-type]
        logdet=logdet,  # type: ignore[arg-type]
    )
    return m.fit(bias_correction=bc)  # type: ignore[arg-type]


SDM_NAMES = ["logp", "logy", "W*logp", "W*logy", "rho"]


# ---------------------------------------------------------------- two-way SDM (benchmarks.md)
def test_sdm_twoway_exact_ml() -> None:
    res = fit("sdm", "twoway")
    assert list(res.params.index) == SDM_NAMES
    ref = [-1.002451, 0.600653, 0.056462, -0.294995, 0.229200]
    np.testing.assert_allclose(res.params.to_numpy(), ref, atol=1e-5)
    assert res.sigma2 == pytest.approx(0.0049754, abs=1e-7)
    assert res.loglik == pytest.approx(1691.5383, abs=1e-4)
    # t-values from the information matrix (benchmarks.md, 3 decimals)
    t_ref = [-25.018, 10.506, 0.700, -3.777, 7.008]
    np.testing.assert_allclose(res.zvalues.to_numpy(), t_ref, atol=6e-4)
    # standard errors implied by the printed t-values, within 1e-3 relative where the t-value has
    # at least four significant digits
    se_ref = np.array(ref) / np.array(t_ref)
    big = np.abs(t_ref) > 3
    np.testing.assert_allclose(res.std_errors.to_numpy()[big], se_ref[big], rtol=1e-3)
    assert res.nobs == 1380 and res.n_entities == 46 and res.n_periods == 30
    assert res.bias_correction == "none" and res.logdet_method == "eigen"
    assert res.spec.durbin == ("logp", "logy") and res.spec.x == ("logp", "logy")


def test_sdm_twoway_elhorst_correction() -> None:
    res = fit("sdm", "twoway", "elhorst")
    ref = [-1.000915, 0.602491, 0.098741, -0.315447, 0.268820]
    np.testing.assert_allclose(res.params.to_numpy(), ref, atol=1e-5)
    assert res.sigma2 == pytest.approx(0.0052333, abs=1e-7)
    # published t-values (Elhorst 2014)
    np.testing.assert_allclose(
        res.zvalues.to_numpy(), [-24.36, 10.28, 1.20, -3.95, 8.41], atol=0.01
    )
    assert res.bias_correction == "elhorst"


def test_sdm_twoway_transformation_approach() -> None:
    res = fit("sdm", "twoway", "transformation")
    ref = [-0.999737, 0.599235, 0.107092, -0.308974, 0.271178]
    np.testing.assert_allclose(res.params.to_numpy(), ref, atol=1e-5)
    assert res.sigma2 == pytest.approx(0.0052372, abs=1e-7)
    assert res.loglik == pytest.approx(1571.2485, abs=1e-4)


def test_splm_convention_reproduces_splm_row() -> None:
    res = fit("sdm", "twoway", conv="demeaned")
    ref = [-1.002601, 0.600731, 0.053663, -0.294222, 0.226879]
    np.testing.assert_allclose(res.params.to_numpy(), ref, atol=2e-6)
    assert res.sigma2 == pytest.approx(0.0049786, abs=1e-7)
    assert res.loglik == pytest.approx(1691.2942, abs=1e-4)
    # and the default convention really differs (docs/conventions.md)
    assert abs(fit("sdm", "twoway").params["rho"] - res.params["rho"]) > 2e-3


# ---------------------------------------------------------------- other rows of benchmarks.md
OTHER = [
    # model, effects, coefficients, spatial, sigma2, loglik
    ("sar", "entity", [-0.531674, -0.000690], 0.298155, 0.00666712, 1482.599),
    ("sem", "entity", [-0.786901, 0.054891], 0.469559, 0.00590351, 1538.958),
    (
        "sdm",
        "entity",
        [-0.929798, 0.548598, 0.579301, -0.577489],
        0.457077,
        0.00543396,
        1598.715,
    ),
    ("sar", "time", [-1.159902, 0.538672], 0.151964, 0.02738659, 520.164),
    ("sdm", "time", [-1.264972, 0.568820, 0.474305, -0.090007], 0.210886, 0.02679459, 531.304),
    ("sar", "twoway", [-0.993875, 0.461956], 0.191177, 0.0050549, 1683.587),
]


@pytest.mark.parametrize(("model", "effects", "coef", "spatial", "sigma2", "loglik"), OTHER)
def test_other_fits(
    model: str, effects: str, coef: list[float], spatial: float, sigma2: float, loglik: float
) -> None:
    res = fit(model, effects)
    np.testing.assert_allclose(res.params.to_numpy()[:-1], coef, atol=1e-5)
    assert res.params.iloc[-1] == pytest.approx(spatial, abs=1e-5)
    assert res.params.index[-1] == ("lambda" if model == "sem" else "rho")
    assert res.sigma2 == pytest.approx(sigma2, rel=2e-6)
    assert res.loglik == pytest.approx(loglik, abs=1e-3)


@pytest.mark.parametrize(
    ("model", "effects", "t_ref"),
    [
        ("sar", "entity", [-20.897, -0.045, 10.486]),
        ("sdm", "entity", [-23.566, 9.280, 12.565, -9.637, 16.709]),
        ("sar", "twoway", [-24.912, 10.041, 6.692]),
    ],
)
def test_other_tvalues(model: str, effects: str, t_ref: list[float]) -> None:
    np.testing.assert_allclose(fit(model, effects).zvalues.to_numpy(), t_ref, atol=6e-4)


@pytest.mark.parametrize(
    ("effects", "coef", "lam", "sigma2", "loglik"),
    [
        ("time", [-1.229014, 0.578025], 0.213465, 0.02691736, 527.945),
        ("twoway", [-1.004297, 0.553849], 0.240039, 0.0050002, 1687.149),
    ],
)
def test_sem_time_effects_rows_use_elhorst_filter_order(
    effects: str, coef: list[float], lam: float, sigma2: float, loglik: float
) -> None:
    """The benchmark SEM rows with time effects filter the demeaned data, (I - λW)Qy, as Elhorst's
    ``sem_panel_FE`` does; ``lag_convention="demeaned"`` reproduces them."""
    res = fit("sem", effects, conv="demeaned")
    np.testing.assert_allclose(res.params.to_numpy()[:-1], coef, atol=1e-5)
    assert res.params["lambda"] == pytest.approx(lam, abs=1e-5)
    assert res.sigma2 == pytest.approx(sigma2, rel=1e-5)
    assert res.loglik == pytest.approx(loglik, abs=1e-3)


def _lsdv_sem_twoway() -> tuple[float, np.ndarray, float, float]:
    """Brute force: maximise the SEM likelihood with explicit region and year dummies, filtering
    the raw data, (I - λW)y = (I - λW)Xβ + D_μ μ̃ + D_α α̃ + ε (an exact reparametrisation of the
    two-way SEM); dense numpy, slogdet, scipy's bounded scalar search."""
    d = cigar_data()
    wd = cigar_weights().dense
    n, t = 46, 30
    y = d["logc"].to_numpy().reshape(t, n)
    x = d[X].to_numpy().reshape(t, n, 2)
    dummies = np.hstack([np.tile(np.eye(n), (t, 1)), np.kron(np.eye(t), np.ones((n, 1)))[:, 1:]])
    q = np.linalg.qr(dummies)[0]

    def negll(lam: float) -> tuple[float, np.ndarray, float]:
        b = np.eye(n) - lam * wd
        yf = (y @ b.T).ravel()
        xf = np.einsum("ij,tjk->tik", b, x).reshape(-1, 2)
        # partial the dummies out (Frisch-Waugh-Lovell with a generic QR projection)
        yr, xr = yf - q @ (q.T @ yf), xf - q @ (q.T @ xf)
        coef = np.linalg.lstsq(xr, yr, rcond=None)[0]
        e = yr - xr @ coef
        s2 = float(e @ e) / (n * t)
        ll = -n * t / 2 * (np.log(2 * np.pi * s2) + 1) + t * np.linalg.slogdet(b)[1]
        return -ll, coef, s2

    r = minimize_scalar(
        lambda v: negll(v)[0], bounds=(-0.9, 0.9), method="bounded", options={"xatol": 1e-9}
    )
    _, coef, s2 = negll(float(r.x))
    return float(r.x), coef, s2, -float(r.fun)


def test_sem_twoway_default_is_exact_ml_lsdv() -> None:
    lam, coef, s2, ll = _lsdv_sem_twoway()
    res = fit("sem", "twoway")
    assert res.params["lambda"] == pytest.approx(lam, abs=1e-6)
    np.testing.assert_allclose(res.params.to_numpy()[:2], coef, atol=1e-6)
    assert res.sigma2 == pytest.approx(s2, rel=1e-6)
    assert res.loglik == pytest.approx(ll, abs=1e-6)
    # and it is not the benchmark's (I - λW)Qy row: 0.240668 vs 0.240039
    assert abs(res.params["lambda"] - 0.240039) > 5e-4


# ---------------------------------------------------------------- spreg, run here
def _spreg_inputs() -> tuple[np.ndarray, np.ndarray, object]:
    import libpysal

    d = cigar_data()  # sorted (year, state): spreg's long format is time-major
    wl = libpysal.weights.full2W(cigar_binary_matrix())
    wl.transform = "r"
    return d[["logc"]].to_numpy(), d[X].to_numpy(), wl


def test_entity_sar_against_spreg() -> None:
    from spreg import Panel_FE_Lag

    y, x, wl = _spreg_inputs()
    ref = Panel_FE_Lag(y, x, wl, epsilon=1e-10)
    res = fit("sar", "entity")
    np.testing.assert_allclose(res.params.to_numpy(), ref.betas.ravel(), atol=1e-7)
    assert res.sigma2 == pytest.approx(float(ref.sig2[0, 0]), rel=1e-7)
    np.testing.assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(ref.vm)), rtol=1e-5)


def test_entity_sem_against_spreg() -> None:
    from spreg import Panel_FE_Error

    y, x, wl = _spreg_inputs()
    ref = Panel_FE_Error(y, x, wl, epsilon=1e-10)
    res = fit("sem", "entity")
    np.testing.assert_allclose(res.params.to_numpy(), ref.betas.ravel(), atol=1e-7)
    assert res.sigma2 == pytest.approx(float(ref.sig2[0, 0]), rel=1e-7)
    np.testing.assert_allclose(res.std_errors.to_numpy(), np.sqrt(np.diag(ref.vm)), rtol=1e-5)


# ---------------------------------------------------------------- corrections, hand-worked
@pytest.mark.parametrize(("effects", "factor"), [("entity", 30 / 29), ("time", 46 / 45)])
def test_elhorst_one_way_scales_sigma2_only(effects: str, factor: float) -> None:
    """Elhorst's sar_panel_FE with info.bc = 1 and one-way effects: σ²·T/(T-1) or σ²·N/(N-1)."""
    base, corr = fit("sdm", effects), fit("sdm", effects, "elhorst")
    np.testing.assert_allclose(corr.params.to_numpy(), base.params.to_numpy(), atol=1e-12)
    assert corr.sigma2 == pytest.approx(base.sigma2 * factor, rel=1e-12)


def test_transformation_entity_only_same_coefficients() -> None:
    """Lee & Yu (2010): with entity effects only, the transformation approach has the direct
    approach's ρ and β and σ² = e'e/(N(T-1))."""
    base, tr = fit("sar", "entity"), fit("sar", "entity", "transformation")
    np.testing.assert_allclose(tr.params.to_numpy(), base.params.to_numpy(), atol=1e-8)
    assert tr.sigma2 == pytest.approx(base.sigma2 * 30 / 29, rel=1e-8)


# ---------------------------------------------------------------- log-determinant options
@pytest.mark.parametrize(("method", "tol"), [("lu", 1e-7), ("chebyshev", 1e-5), ("mc", 2e-2)])
def test_logdet_methods_agree(method: str, tol: float) -> None:
    res = fit("sdm", "twoway", logdet=method)
    exact = fit("sdm", "twoway")
    assert res.logdet_method == method
    np.testing.assert_allclose(res.params.to_numpy(), exact.params.to_numpy(), atol=tol)


# ---------------------------------------------------------------- results object
def test_results_contract() -> None:
    res = fit("sdm", "twoway")
    for s in (res.std_errors, res.zvalues, res.pvalues):
        assert list(s.index) == SDM_NAMES
    assert list(res.cov.index) == SDM_NAMES and list(res.cov.columns) == SDM_NAMES
    assert np.allclose(res.cov.to_numpy(), res.cov.to_numpy().T)
    assert list(res.information.index) == [*SDM_NAMES, "sigma2"]
    d = cigar_data()
    assert res.resid.index.equals(d.index) and res.fitted.index.equals(d.index)
    np.testing.assert_allclose((res.fitted + res.resid).to_numpy(), d["logc"].to_numpy())
    assert res.resid.pow(2).sum() / res.nobs == pytest.approx(res.sigma2, rel=1e-10)
    assert res.df_model == 5
    assert res.aic == pytest.approx(-2 * res.loglik + 12)
    assert res.bic == pytest.approx(-2 * res.loglik + 6 * np.log(1380))
    assert 0 < res.r2_within < res.r2 < 1
    frame = res.to_frame()
    assert list(frame.columns) == ["coef", "std_error", "z", "p"]
    np.testing.assert_array_equal(frame["std_error"].to_numpy(), res.std_errors.to_numpy())
    stats = res.fit_stats()
    assert stats["loglik"] == res.loglik and stats["bias_correction"] == "none"
    assert all(isinstance(v, (int, float, str)) for v in stats.values() if v is not None)
    assert res.w.ids.equals(pd.Index(sorted(d.index.get_level_values(0).unique())))
    with pytest.raises(AttributeError):
        res.sigma2 = 1.0  # type: ignore[misc]


def test_data_in_any_order_gives_same_fit() -> None:
    d = cigar_data().sample(frac=1.0, random_state=3)
    w = cigar_weights()
    w_rev = w.reordered(list(reversed(w.ids)))
    res = sp.SpatialPanelModel(d, y="logc", x=X, w=w_rev, model="sdm", effects="twoway").fit(
        bias_correction="none"
    )
    np.testing.assert_allclose(
        res.params.to_numpy(), fit("sdm", "twoway").params.to_numpy(), atol=1e-10
    )
    assert res.resid.index.equals(d.index)


def test_summary_and_compare() -> None:
    res = fit("sdm", "twoway", "elhorst")
    s = res.summary()
    assert str(s) == s.as_text()
    table = s.table
    assert list(table["block"]) == ["Main", "Main", "W·x", "W·x", "Spatial"]
    assert list(table["stars"]) == ["***", "***", "", "***", "***"]
    info = dict(s.info)
    assert info["Bias correction"].startswith("Lee-Yu, Elhorst")
    assert info["Log-determinant"] == "eigen"
    assert "<table" in s.as_html() and r"\begin{tabular}" in s.as_latex()
    tab = compare(fit("sar", "twoway"), fit("sem", "twoway"), fit("sdm", "twoway"))
    assert list(tab.columns) == ["SAR", "SEM", "SDM"]
    assert tab.loc[("rho", "coef"), "SEM"] == ""
    assert tab.loc[("lambda", "coef"), "SEM"].startswith("0.2407")
    assert tab.loc[("W*logy", "se"), "SDM"] == f"({fit('sdm', 'twoway').std_errors['W*logy']:.4f})"


def test_random_effects_sdm_against_brute_force() -> None:
    """Exact RE likelihood maximised independently (Nelder-Mead over ρ, θ with GLS for β)."""
    from scipy.optimize import minimize

    res = fit("sdm", "random")
    d = cigar_data()
    wd = cigar_weights().dense
    n, t = 46, 30
    y = d["logc"].to_numpy().reshape(t, n)
    x = d[X].to_numpy().reshape(t, n, 2)
    wx = np.einsum("ij,tjk->tik", wd, x)
    z = np.concatenate([np.ones((t, n, 1)), x, wx], axis=2)
    wy = y @ wd.T

    def negll(p: np.ndarray) -> float:
        rho, theta = p
        if not (0 < theta <= 1 and -1 < rho < 1):
            return 1e10
        u = y - rho * wy
        tr = lambda a: a - (1 - theta) * a.mean(axis=0, keepdims=True)  # noqa: E731
        us, zs = tr(u).ravel(), tr(z).reshape(-1, 5)
        beta = np.linalg.lstsq(zs, us, rcond=None)[0]
        e = us - zs @ beta
        s2 = e @ e / (n * t)
        ld = np.linalg.slogdet(np.eye(n) - rho * wd)[1]
        return -(-n * t / 2 * (np.log(2 * np.pi * s2) + 1) + t * ld + n * np.log(theta))

    opt = minimize(
        negll,
        x0=[0.3, 0.2],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000},
    )
    assert res.params["rho"] == pytest.approx(opt.x[0], abs=1e-6)
    assert res.theta == pytest.approx(opt.x[1], abs=1e-6)
    assert res.loglik == pytest.approx(-opt.fun, abs=1e-7)
    assert res.phi == pytest.approx((1 / opt.x[1] ** 2 - 1) / t, rel=1e-4)
    assert list(res.params.index) == ["const", *SDM_NAMES]
    assert res.constant == res.params["const"]


# ---------------------------------------------------------------- pooled: spreg ML on I_T ⊗ W
def test_pooled_sar_sem_against_spreg_ml_full() -> None:
    """Pooled models = cross-sectional ML with the block-diagonal W = I_T ⊗ W (spreg 1.9.0
    ``ML_Lag`` / ``ML_Error``, ``method="full"``; 1963-1972 to keep the dense NT x NT solve
    small). spreg's ``method="ord"`` standard errors of ρ/λ differ (its own variance code path)."""
    import libpysal
    import scipy.sparse as sps
    from spreg import ML_Error, ML_Lag

    d = cigar_data()
    d = d[d.index.get_level_values("year") < 1973]
    big = sps.kron(sps.eye(10), cigar_weights().sparse).tocsr()
    wl = libpysal.weights.WSP(big).to_W(silence_warnings=True)
    wl.transform = "r"
    y, x = d[["logc"]].to_numpy(), d[X].to_numpy()
    for cls, kind, tol in ((ML_Lag, "sar", 1e-7), (ML_Error, "sem", 2e-6)):
        with warnings.catch_warnings():  # spreg passes tol= to a bounded search
            warnings.simplefilter("ignore", RuntimeWarning)
            ref = cls(y, x, wl, method="full", epsilon=1e-10)
        res = sp.SpatialPanelModel(
            d, y="logc", x=X, w=cigar_weights(), model=kind, effects="pooled"
        ).fit()
        assert res.params.index[0] == "const"
        want = ref.betas.ravel()
        if kind == "sem":
            want = _spreg_error_optimum(ref, y, x, wl)
        np.testing.assert_allclose(res.params.to_numpy(), want, atol=tol)
        np.testing.assert_allclose(res.std_errors.to_numpy(), ref.std_err, rtol=1e-5)
        assert res.loglik == pytest.approx(float(ref.logll), abs=1e-6)
        assert res.sigma2 == pytest.approx(float(np.squeeze(ref.sig2)), rel=1e-6)


def _spreg_error_optimum(ref: Any, y: np.ndarray, x: np.ndarray, wl: Any) -> np.ndarray:
    """spreg's ML_Error estimates with λ taken to the optimum of spreg's own concentrated
    log-likelihood (``spreg.ml_error.err_c_loglik``).

    This likelihood is flat in λ (curvature ≈ 2.6 per unit λ²): spreg's bounded search stops
    where BLAS rounding of the dense objective hides the slope, which with numpy 2.4 /
    OpenBLAS 0.3.31 is 3.2e-6 from the optimum (err_c_loglik -804.26187963864 at spreg's λ,
    -804.26187962670 at ours). Here λ is refined on spreg's own objective from a bracket
    of ±1e-4 around spreg's λ, and β is spreg's GLS formula at that λ; the test then asks our
    estimates to match spreg's model, not the stopping point of its search.
    """
    from libpysal import weights as lw
    from scipy.optimize import minimize_scalar
    from spreg.ml_error import err_c_loglik

    n = len(y)
    xc = np.column_stack([np.ones(n), x])
    ylag, xlag = lw.lag_spatial(wl, y), lw.lag_spatial(wl, xc)
    dense = wl.full()[0]
    lam0 = float(np.squeeze(ref.lam))
    best = minimize_scalar(
        lambda lam: float(err_c_loglik(lam, n, y, ylag, xc, xlag, dense)),
        bounds=(lam0 - 1e-4, lam0 + 1e-4),
        method="bounded",
        options={"xatol": 1e-12},
    )
    lam = float(best.x)
    assert best.fun <= float(err_c_loglik(lam0, n, y, ylag, xc, xlag, dense)) + 1e-12
    ys, xs = y - lam * ylag, xc - lam * xlag
    beta = np.linalg.lstsq(xs, ys, rcond=None)[0].ravel()
    return np.concatenate([beta, [lam]])


def test_random_effects_information_against_numerical_hessian() -> None:
    """Blocks of the analytic RE information that equal the observed information at the optimum
    (β-β, θ-θ, θ-σ², σ²-σ², β-σ²) against a central-difference Hessian of the exact
    log-likelihood written here. The ρ and β-θ entries are expectations (they involve the
    realised random effects in the observed Hessian); ρ-ρ is checked to 2 %."""
    res = fit("sdm", "random")
    d = cigar_data()
    wd = cigar_weights().dense
    n, t = 46, 30
    y = d["logc"].to_numpy().reshape(t, n)
    x = d[X].to_numpy().reshape(t, n, 2)
    z = np.concatenate([np.ones((t, n, 1)), x, np.einsum("ij,tjk->tik", wd, x)], axis=2)
    wy = y @ wd.T

    def ll(p: np.ndarray) -> float:
        beta, rho, theta, s2 = p[:5], p[5], p[6], p[7]
        u = y - rho * wy - z @ beta
        e = (u - (1 - theta) * u.mean(axis=0, keepdims=True)).ravel()
        ld = np.linalg.slogdet(np.eye(n) - rho * wd)[1]
        return float(
            -n * t / 2 * np.log(2 * np.pi * s2) + t * ld + n * np.log(theta) - e @ e / (2 * s2)
        )

    p = np.r_[res.params.to_numpy(), res.theta, res.sigma2]
    assert ll(p) == pytest.approx(res.loglik, abs=1e-8)
    k = p.size
    h = 1e-4 * np.maximum(np.abs(p), 1e-2)
    hess = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
            hess[i, j] = (ll(p + ei + ej) - ll(p + ei - ej) - ll(p - ei + ej) + ll(p - ei - ej)) / (
                4 * h[i] * h[j]
            )
    info = res.information.to_numpy()
    assert list(res.information.index) == [*res.params.index, "theta", "sigma2"]
    obs = -hess
    np.testing.assert_allclose(info[:5, :5], obs[:5, :5], rtol=1e-4)  # β-β
    np.testing.assert_allclose(info[6:, 6:], obs[6:, 6:], rtol=1e-4)  # θ, σ²
    # β-σ² (zero at the optimum): with the 1e-4 step the difference quotient is rounding noise
    # of ~1e-3 (ulp(ln L)/(4 h_β h_σ²)); a 10x wider step brings it to ~1e-5
    h10 = 10 * h
    e_s = np.eye(k)[7] * h10[7]
    beta_s2 = [
        -(ll(p + e_i + e_s) - ll(p + e_i - e_s) - ll(p - e_i + e_s) + ll(p - e_i - e_s))
        / (4 * h10[i] * h10[7])
        for i, e_i in ((i, np.eye(k)[i] * h10[i]) for i in range(5))
    ]
    np.testing.assert_allclose(info[:5, 7], beta_s2, atol=1e-4)  # β-σ² (zero)
    assert info[5, 5] == pytest.approx(obs[5, 5], rel=0.02)  # ρ-ρ: expectation


def test_large_n_path_sparse_lu_and_estimated_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forcing the large-N path (sparse LU products, Hutchinson traces with 200 probes) on the
    cigarette SDM: same estimates, standard errors within 3 %, r2_within unchanged."""
    import spatialpanel.models.information as information

    monkeypatch.setattr(information, "DENSE_LIMIT", 10)
    res = sp.SpatialPanelModel(
        cigar_data(), y="logc", x=X, w=cigar_weights(), model="sdm", effects="twoway", logdet="lu"
    ).fit(bias_correction="transformation")
    ref = fit("sdm", "twoway", "transformation")
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), atol=1e-7)
    np.testing.assert_allclose(res.std_errors.to_numpy(), ref.std_errors.to_numpy(), rtol=0.03)
    assert res.r2_within == pytest.approx(ref.r2_within, rel=1e-7)


@pytest.mark.parametrize(("durbin_model", "plain_model"), [("sdm", "sar"), ("sdem", "sem")])
def test_durbin_subset_equals_hand_made_lag_column(durbin_model: str, plain_model: str) -> None:
    """durbin=["logp"] gives the same fit as the plain model with a column W·logp computed by hand
    from the raw data (year by year, W in the data's region order)."""
    d = cigar_data()
    wd = cigar_weights().dense
    lagged = d["logp"].to_numpy().reshape(30, 46) @ wd.T
    d["Wlogp"] = lagged.ravel()
    a = sp.SpatialPanelModel(
        cigar_data(),
        y="logc",
        x=X,
        w=cigar_weights(),
        model=durbin_model,
        effects="twoway",
        durbin=["logp"],
    ).fit()
    b = sp.SpatialPanelModel(
        d, y="logc", x=[*X, "Wlogp"], w=cigar_weights(), model=plain_model, effects="twoway"
    ).fit()
    assert list(a.params.index[:3]) == ["logp", "logy", "W*logp"]
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), atol=1e-10)
    np.testing.assert_allclose(a.std_errors.to_numpy(), b.std_errors.to_numpy(), rtol=1e-8)
    assert a.loglik == pytest.approx(b.loglik, abs=1e-8)


@pytest.mark.parametrize("fmt", ["txt", "tex", "html"])
def test_summary_snapshots(fmt: str) -> None:
    """Rendered tables of the two-way SDM with Elhorst's correction (numbers checked above against
    benchmarks.md); regenerate tests/data/models/summary_sdm_twoway_elhorst.* only on purpose."""
    from pathlib import Path

    s = fit("sdm", "twoway", "elhorst").summary()
    text = {"txt": s.as_text, "tex": s.as_latex, "html": s.as_html}[fmt]() + "\n"
    path = Path(__file__).parent / "data" / "models" / f"summary_sdm_twoway_elhorst.{fmt}"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["sdm", "sdem"])
def test_transformation_approach_equals_explicit_orthonormal_transform(kind: str) -> None:
    """Independent implementation of the Lee & Yu (2010) transformation approach: transform the
    data explicitly with orthonormal bases F_T, F_N of the complements of the constant vectors,
    y** = F_T' Y F_N, W* = F_N' W F_N, and estimate the pooled SDM (or SDEM) of (T-1) x (N-1)
    observations by dense numpy (slogdet, scipy's bounded scalar search) with its textbook
    information matrix. Checks our estimates, logL and the F'GF trace formulas of the SEs."""
    d = cigar_data()
    wd = cigar_weights().dense
    n, t = 46, 30

    def basis(m: int) -> np.ndarray:
        vals, vecs = np.linalg.eigh(np.eye(m) - np.ones((m, m)) / m)
        return vecs[:, vals > 0.5]

    ft, fn = basis(t), basis(n)
    ws = fn.T @ wd @ fn
    y = ft.T @ d["logc"].to_numpy().reshape(t, n) @ fn
    x = d[X].to_numpy().reshape(t, n, 2)
    wx = np.einsum("ij,tjk->tik", wd, x)
    raw = np.concatenate([x, wx], axis=2)
    z = np.stack([ft.T @ raw[:, :, j] @ fn for j in range(4)], axis=2)  # (T-1, N-1, 4)
    wz = np.einsum("ij,tjk->tik", ws, z)
    wy = y @ ws.T
    nn = (n - 1) * (t - 1)
    zf, yf, wyf, wzf = z.reshape(nn, 4), y.ravel(), wy.ravel(), wz.reshape(nn, 4)
    lag = kind == "sdm"

    def profile(r: float) -> tuple[float, np.ndarray, float]:
        if lag:
            zz, yy = zf, yf - r * wyf
        else:
            zz, yy = zf - r * wzf, yf - r * wyf
        beta = np.linalg.lstsq(zz, yy, rcond=None)[0]
        e = yy - zz @ beta
        s2 = float(e @ e) / nn
        ld = np.linalg.slogdet(np.eye(n - 1) - r * ws)[1]
        return -nn / 2 * (np.log(2 * np.pi * s2) + 1) + (t - 1) * ld, beta, s2

    opt = minimize_scalar(
        lambda r: -profile(r)[0], bounds=(-0.9, 0.9), method="bounded", options={"xatol": 1e-12}
    )
    rho = float(opt.x)
    ll, beta, s2 = profile(rho)
    g = ws @ np.linalg.inv(np.eye(n - 1) - rho * ws)
    info = np.zeros((6, 6))
    info[4, 4] = (t - 1) * (np.trace(g @ g) + np.trace(g.T @ g))
    info[4, 5] = info[5, 4] = (t - 1) * np.trace(g) / s2
    info[5, 5] = nn / (2 * s2**2)
    if lag:
        zb = (zf @ beta).reshape(t - 1, n - 1)
        gzb = zb @ g.T
        info[:4, :4] = zf.T @ zf / s2
        info[:4, 4] = info[4, :4] = np.einsum("tik,ti->k", z, gzb) / s2
        info[4, 4] += np.sum(gzb**2) / s2
    else:
        zs = zf - rho * wzf
        info[:4, :4] = zs.T @ zs / s2
    se = np.sqrt(np.diag(np.linalg.inv(info)))[:5]

    res = fit(kind, "twoway", "transformation")
    np.testing.assert_allclose(res.params.to_numpy(), [*beta, rho], atol=1e-7)
    assert res.sigma2 == pytest.approx(s2, rel=1e-7)
    assert res.loglik == pytest.approx(ll, abs=1e-7)
    np.testing.assert_allclose(res.std_errors.to_numpy(), se, rtol=1e-6)


@pytest.mark.parametrize("kind", ["sem", "sdem"])
def test_random_effects_error_models_against_dense_gls(kind: str) -> None:
    """Exact RE spatial-error likelihood with the dense NT x NT covariance
    σ²[J_T ⊗ φI + I_T ⊗ (B'B)⁻¹] (slogdet, GLS for β, σ² concentrated) maximised by Nelder-Mead
    over (λ, φ); 1963-1967 (NT = 230) to keep the dense algebra small."""
    from scipy.linalg import cho_factor, cho_solve
    from scipy.optimize import minimize

    d = cigar_data()
    d = d[d.index.get_level_values("year") < 1968]
    n, t = 46, 5
    wd = cigar_weights().dense
    y = d["logc"].to_numpy()
    x = d[X].to_numpy().reshape(t, n, 2)
    parts = [np.ones((t, n, 1)), x]
    if kind == "sdem":
        parts.append(np.einsum("ij,tjk->tik", wd, x))
    z = np.concatenate(parts, axis=2).reshape(n * t, -1)

    def negll(p: np.ndarray) -> tuple[float, np.ndarray]:
        lam, phi = p
        if not (-0.9 < lam < 0.9 and phi >= 0):
            return 1e10, np.zeros(z.shape[1])
        b = np.eye(n) - lam * wd
        omega = np.kron(np.ones((t, t)), phi * np.eye(n)) + np.kron(
            np.eye(t), np.linalg.inv(b.T @ b)
        )
        chol = cho_factor(omega)
        oz, oy = cho_solve(chol, z), cho_solve(chol, y)
        beta = np.linalg.solve(z.T @ oz, z.T @ oy)
        e = y - z @ beta
        s2 = float(e @ cho_solve(chol, e)) / (n * t)
        logdet = 2.0 * float(np.sum(np.log(np.diag(chol[0]))))
        ll = -n * t / 2 * (np.log(2 * np.pi * s2) + 1) - 0.5 * logdet
        return -ll, beta

    res = sp.SpatialPanelModel(
        d, y="logc", x=X, w=cigar_weights(), model=kind, effects="random"
    ).fit()
    start = np.array([res.params["lambda"] + 0.02, res.phi * 1.1])
    opt = minimize(
        lambda p: negll(p)[0],
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-11, "maxiter": 2000},
    )
    beta = negll(opt.x)[1]
    assert res.params["lambda"] == pytest.approx(opt.x[0], abs=2e-6)
    assert res.phi == pytest.approx(opt.x[1], rel=2e-5)
    assert res.loglik == pytest.approx(-opt.fun, abs=1e-7)
    np.testing.assert_allclose(res.params.to_numpy()[:-1], beta, atol=2e-6)
    assert list(res.information.index)[-2:] == ["phi", "sigma2"]
    assert res.resid.pow(2).sum() / res.nobs == pytest.approx(res.sigma2, rel=1e-10)

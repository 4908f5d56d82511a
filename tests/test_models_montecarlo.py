"""Seeded Monte Carlo: the engine recovers known parameters for every model × effects.

Design (stated tolerances): a 7 x 7 rook lattice (N = 49, row-standardised), T = 10, R = 8
replications per combination, seeds 0..R-1. True values: β = (1.0, -0.5), θ (W·x) = (0.5, 0.3),
ρ or λ = 0.4, σ² = 1; entity effects correlated with x (x = 0.5 μ + N(0, 1)) for fixed effects,
independent of x with σ²_μ = 1 (φ = 1) for random effects; intercept 2 for pooled and random.

Checks: the mean over replications of every coefficient and of ρ/λ within 0.12 of the truth (the
Monte Carlo standard error of a mean of 8 is 0.01-0.07, and ML with time effects has the known
O(1/N) downward bias of ρ/λ of Lee & Yu (2010), about -0.04 here); σ² within 20 % (fixed-effects ML
estimates about (T-1)/T σ² for entity effects); φ within 0.35. Over all fits the share of
|z| < 1.96 must lie in [0.88, 0.99] (nominal 0.95, a little less because of that bias and of σ²
= e'e/NT; 800 z-values). All outputs finite.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp

SIDE, T, R = 7, 10, 8
BETA = np.array([1.0, -0.5])
THETA = np.array([0.5, 0.3])
DELTA = 0.4


def lattice() -> sp.SpatialWeights:
    n = SIDE * SIDE
    m = np.zeros((n, n))
    for i in range(SIDE):
        for j in range(SIDE):
            k = i * SIDE + j
            for di, dj in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                a, b = i + di, j + dj
                if 0 <= a < SIDE and 0 <= b < SIDE:
                    m[k, a * SIDE + b] = 1.0
    return sp.SpatialWeights.from_array(m, ids=[f"r{k:02d}" for k in range(n)])


W = lattice()


def simulate(model: str, effects: str, seed: int, periods: int = T) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = W.n
    wd = W.dense
    mu = rng.standard_normal(n) if effects in ("entity", "twoway", "random") else np.zeros(n)
    alpha = rng.standard_normal(periods) if effects in ("time", "twoway") else np.zeros(periods)
    corr = 0.0 if effects == "random" else 0.5
    x = rng.standard_normal((periods, n, 2)) + corr * mu[None, :, None]
    const = 2.0 if effects in ("pooled", "random") else 0.0
    mean = x @ BETA + const + mu[None, :] + alpha[:, None]
    if model in ("sdm", "sdem", "slx"):
        mean = mean + np.einsum("ij,tjk->tik", wd, x) @ THETA
    eps = rng.standard_normal((periods, n))
    a = np.linalg.inv(np.eye(n) - DELTA * wd)
    if model in ("sar", "sdm"):
        y = (mean + eps) @ a.T
    elif model in ("sem", "sdem"):
        y = mean + eps @ a.T
    else:
        y = mean + eps
    index = pd.MultiIndex.from_product([range(1, periods + 1), W.ids], names=["year", "region"])
    d = pd.DataFrame({"y": y.ravel(), "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}, index)
    return d.swaplevel(0, 1)


def truth(model: str, effects: str) -> dict[str, float]:
    out: dict[str, float] = {}
    if effects in ("pooled", "random"):
        out["const"] = 2.0
    out.update({"x1": BETA[0], "x2": BETA[1]})
    if model in ("sdm", "sdem", "slx"):
        out.update({"W*x1": THETA[0], "W*x2": THETA[1]})
    if model in ("sar", "sdm"):
        out["rho"] = DELTA
    if model in ("sem", "sdem"):
        out["lambda"] = DELTA
    return out


COMBOS = [
    (m, e)
    for m in ("sar", "sem", "sdm", "sdem", "slx")
    for e in ("pooled", "entity", "time", "twoway", "random")
]
# random-effects error models need an eigen-decomposition per λ: 4 replications keep them quick
REPS = {("sem", "random"): 4, ("sdem", "random"): 4}


@cache
def run(model: str, effects: str) -> tuple[np.ndarray, np.ndarray, list[float], list[float]]:
    """R fits: estimates (R, p), z-values at the truth (R, p), σ², φ."""
    true = pd.Series(truth(model, effects))
    est, zs, sig, phi = [], [], [], []
    for seed in range(REPS.get((model, effects), R)):
        res = sp.SpatialPanelModel(
            simulate(model, effects, seed),
            y="y",
            x=["x1", "x2"],
            w=W,
            model=model,  # type: ignore[arg-type]
            effects=effects,  # type: ignore[arg-type]
        ).fit()
        assert list(res.params.index) == list(true.index)
        for s in (res.params, res.std_errors, res.zvalues, res.pvalues):
            assert np.all(np.isfinite(s.to_numpy()))
        assert np.isfinite(res.loglik) and np.isfinite(res.sigma2)
        est.append(res.params.to_numpy())
        zs.append(((res.params - true) / res.std_errors).to_numpy())
        sig.append(res.sigma2)
        if res.phi is not None:
            phi.append(res.phi)
    return np.array(est), np.array(zs), sig, phi


@pytest.mark.parametrize(("model", "effects"), COMBOS)
def test_recovery(model: str, effects: str) -> None:
    est, _, sig, phi = run(model, effects)
    np.testing.assert_allclose(est.mean(axis=0), list(truth(model, effects).values()), atol=0.12)
    assert np.mean(sig) == pytest.approx(1.0, rel=0.2)
    if effects == "random":
        assert np.mean(phi) == pytest.approx(1.0, abs=0.35)


def test_coverage_of_information_matrix_intervals() -> None:
    """Nominal 95 % Wald intervals from the information matrix cover the truth."""
    z = np.concatenate([run(m, e)[1].ravel() for m, e in COMBOS])
    share = float(np.mean(np.abs(z) < 1.96))
    assert 0.88 <= share <= 0.99, share


def test_bias_corrections_remove_the_incidental_parameter_bias() -> None:
    """Two-way SAR, short panel (N = 49, T = 4, 40 replications, seeds 100..139). Direct ML
    estimates σ² about (N-1)(T-1)/(NT) = 0.735 of the truth (Lee & Yu 2010; tolerance 0.05); the
    transformation approach and Elhorst's correction are about unbiased (tolerance 0.06 on the
    mean: Monte Carlo standard error ≈ 0.018, and ML does not subtract the 3 estimated
    coefficients from the 144 degrees of freedom), and both move the mean ρ closer to the truth
    than direct ML."""
    fits: dict[str, list[tuple[float, float]]] = {"none": [], "elhorst": [], "transformation": []}
    for seed in range(100, 140):
        model = sp.SpatialPanelModel(
            simulate("sar", "twoway", seed, periods=4),
            y="y",
            x=["x1", "x2"],
            w=W,
            model="sar",
            effects="twoway",
        )
        for bc in fits:
            res = model.fit(bias_correction=bc)  # type: ignore[arg-type]
            fits[bc].append((res.params["rho"], res.sigma2))
    mean = {bc: np.mean(v, axis=0) for bc, v in fits.items()}
    assert mean["none"][1] == pytest.approx(48 * 3 / (49 * 4), abs=0.05)
    assert mean["transformation"][1] == pytest.approx(1.0, abs=0.06)
    assert mean["elhorst"][1] == pytest.approx(1.0, abs=0.06)
    bias = {bc: abs(m[0] - DELTA) for bc, m in mean.items()}
    assert bias["transformation"] < bias["none"] and bias["elhorst"] < bias["none"]

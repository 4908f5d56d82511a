"""Time the dynamic two-way SDM at large N (run by hand, not part of the test suite).

    /work/venv/bin/python tests/data/dynamic/time_large_n.py 100 200 6   # N = 20,000, T = 6

Rook lattice rows x cols, row-standardised W; data from the dynamic SDM with τ = 0.5, η = 0.1,
ρ = 0.3, β = 1, θ = 0.5, entity and time effects, after a 20-period burn-in (seed 1). Prints the
time of the fit (with standard errors and the Lee-Yu correction) and of the short- and long-run
delta-method effects, the peak resident memory, the estimates and the Monte Carlo error of the
correction.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sps
import scipy.sparse.linalg as spla

import spatialpanel as sp


def lattice(rows: int, cols: int) -> sps.csr_array:
    idx = np.arange(rows * cols).reshape(rows, cols)
    pairs = [(idx[:-1, :], idx[1:, :]), (idx[:, :-1], idx[:, 1:])]
    i = np.concatenate([np.concatenate([a.ravel(), b.ravel()]) for a, b in pairs])
    j = np.concatenate([np.concatenate([b.ravel(), a.ravel()]) for a, b in pairs])
    n = rows * cols
    return sps.csr_array((np.ones(i.size), (i, j)), shape=(n, n))


def simulate(a: sps.csr_array, periods: int, seed: int, burn: int = 20) -> pd.DataFrame:
    w = sps.csr_array(a / a.sum(axis=1)[:, None])
    n = w.shape[0]
    rng = np.random.default_rng(seed)
    lu = spla.splu(sps.csc_array(sps.eye_array(n) - 0.3 * w))
    mu = rng.standard_normal(n)
    y = np.zeros(n)
    ys, xs = [], []
    for t in range(burn + periods):
        x = rng.standard_normal(n) + 0.5 * mu
        shock = mu + rng.standard_normal() + 0.5 * rng.standard_normal(n)
        y = lu.solve(0.5 * y + 0.1 * (w @ y) + x + 0.5 * (w @ x) + shock)
        if t >= burn:
            ys.append(y)
            xs.append(x)
    index = pd.MultiIndex.from_product(
        [range(periods), range(n)], names=["year", "region"]
    ).swaplevel()
    return pd.DataFrame({"y": np.concatenate(ys), "x": np.concatenate(xs)}, index=index)


def main(rows: int, cols: int, periods: int) -> None:
    a = lattice(rows, cols)
    w = sp.SpatialWeights.from_sparse(a, ids=list(range(rows * cols)), transform="row")
    data = simulate(a, periods, seed=1)
    t0 = time.perf_counter()
    model = sp.SpatialPanelModel(
        data, y="y", x=["x"], w=w, model="sdm", effects="twoway", dynamic=True
    )
    res = model.fit(bias_correction="lee-yu")
    t1 = time.perf_counter()
    for horizon in ("short", "long"):
        res.impacts(method="delta", horizon=horizon)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"N = {rows * cols}, T = {periods}: fit {t1 - t0:.1f} s, effects {t2 - t1:.1f} s, "
          f"peak memory {peak:.2f} GB")  # fmt: skip
    print(pd.DataFrame({"estimate": res.params, "se": res.std_errors,
                        "mc_se": res.correction_mc_se}).round(5))  # fmt: skip
    print(res.trace_method)


if __name__ == "__main__":
    main(*(int(v) for v in sys.argv[1:4]))

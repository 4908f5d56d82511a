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
from pathlib import Path

import pandas as pd

import spatialpanel as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository root
from tests.graphs import rook_grid as lattice
from tests.graphs import simulate_dynamic as simulate


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

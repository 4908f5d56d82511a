"""Benchmark: spatialpanel's two-way SDM against spreg's entity-FE panels, N = 31 … 100,000.

Run by hand (never by pytest)::

    /work/venv/bin/python benchmarks/run.py                      # N = 31, 500, 3000
    /work/venv/bin/python benchmarks/run.py --sizes 31 500 3000 20000 100000

Each (graph, N, tool) runs in its own subprocess, so that the peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) belongs to that run alone; the table reports the
peak over the whole process and the growth during the timed work (peak minus the resident size
after the data were built). Data: a known two-way SDM,

    y_t = (I − ρW)⁻¹ (X_t β + W X_t θ + μ + α_t + ε_t),   ρ = 0.4, β = (1, −0.5), θ = (0.3, 0.2),

with μ ~ N(0, 1) region effects, α_t ~ N(0, 1) period effects, ε ~ N(0, 1), on two graphs: a
rook-contiguity lattice (r × c cells, the first N in row-major order) and the Delaunay graph of N
uniform random points (an irregular planar graph); W row-standardised. Both tools get the same
arrays, stacked time-major (all regions of period 1, then period 2, …), which is the order spreg's
long format assumes (see /work/shared/reference/benchmarks.md: the other order is accepted
silently and gives wrong answers).

Timed:

- ``ours``: ``SpatialPanelModel(..., model="sdm", effects="twoway").fit()`` (ML, information
  matrix, covariance), ``std_errors`` and ``impacts(method="delta")``.
- ``spreg_sar``: ``spreg.Panel_FE_Lag(y, x, w)`` (entity-FE SAR: ML, its information matrix and
  standard errors all happen in the constructor).
- ``spreg_sdm``: the same class with the columns ``[x, W·x, year dummies]`` — an SDM with entity
  effects and period dummies (spreg has no SDM panel class).
- ``moran`` (only with ``--tools moran``): ``spatialpanel.autocorr.moran.moran`` of y in the first
  period with 999 permutations (the CSV's ``rho`` column holds I, ``rho_se`` the permutation p).
- ``moran_esda``: ``esda.Moran`` of the same values, 999 permutations (ratio esda / ours).
- ``ours_sar``: ``SpatialPanelModel(..., model="sar", effects="entity").fit()`` + standard errors,
  the model of ``spreg.Panel_FE_Lag`` (ratio spreg_sar / ours_sar).
- ``floor``: a minimal sparse-LU ML fit of the entity SAR (demeaning, two OLS, bounded Brent on
  the concentrated likelihood, one symmetric-mode SuperLU log-determinant per evaluation, no
  standard errors or checks): the floor of any sparse-LU implementation on the same data
  (ratio ours / floor, ours being the two-way SDM with SEs and effects).

Every run records the load average before and after it (``load1``, ``load_after``).

spreg is skipped above ``--spreg-max`` regions (default 5,000) with the reason printed: its
information matrix inverts a dense N × N matrix (20,000² × 8 B = 3.2 GB and O(N³) time).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sps

HERE = Path(__file__).resolve().parent
RHO, BETA, THETA = 0.4, np.array([1.0, -0.5]), np.array([0.3, 0.2])
TOOLS = ("ours", "spreg_sar", "spreg_sdm", "moran", "ours_sar", "moran_esda", "floor")
GRAPHS = ("lattice", "delaunay")
# (ours, peer, label): peer time / our time on the same data, printed and stored in the CSV
RATIOS = (
    ("ours_sar", "spreg_sar", "spreg Panel_FE_Lag / ours (entity SAR + SE)"),
    ("moran", "moran_esda", "esda Moran / ours (999 permutations)"),
    ("floor", "ours", "ours (two-way SDM + SE + effects) / minimal sparse-LU SAR floor"),
)


# --------------------------------------------------------------------------- data
def lattice(n: int) -> sps.csr_array:
    """Binary rook contiguity of the first ``n`` cells (row-major) of an r × c lattice."""
    cols = int(np.ceil(np.sqrt(n)))
    idx = np.arange(n)
    r, c = idx // cols, idx % cols
    right = idx[(c + 1 < cols) & (idx + 1 < n)]
    down = idx[idx + cols < n]
    rows = np.concatenate([right, down])
    nbrs = np.concatenate([right + 1, down + cols])
    del r
    a = sps.coo_array((np.ones(rows.size), (rows, nbrs)), shape=(n, n))
    return sps.csr_array(((a + a.T) > 0).astype(float))


def delaunay(n: int, seed: int) -> sps.csr_array:
    """Binary Delaunay neighbours of ``n`` uniform random points in the unit square."""
    from scipy.spatial import Delaunay

    pts = np.random.default_rng(seed).random((n, 2))
    tri = Delaunay(pts)
    s = tri.simplices
    rows = np.concatenate([s[:, 0], s[:, 1], s[:, 2]])
    nbrs = np.concatenate([s[:, 1], s[:, 2], s[:, 0]])
    a = sps.coo_array((np.ones(rows.size), (rows, nbrs)), shape=(n, n))
    return sps.csr_array(((a + a.T) > 0).astype(float))


def make_panel(graph: str, n: int, t: int, seed: int) -> dict[str, Any]:
    """Binary W, row-standardised W and a two-way SDM panel, time-major ``(T, N)`` arrays."""
    import scipy.sparse.linalg as spla

    a = lattice(n) if graph == "lattice" else delaunay(n, seed)
    rs = np.asarray(a.sum(axis=1)).ravel()
    w = sps.csr_array(sps.diags_array(1.0 / rs) @ a)
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((t, n, 2))
    mu = rng.standard_normal(n)
    alpha = rng.standard_normal(t)
    lu = spla.splu(sps.csc_array(sps.eye_array(n) - RHO * w))
    y = np.empty((t, n))
    for s in range(t):
        rhs = x[s] @ BETA + (w @ x[s]) @ THETA + mu + alpha[s] + rng.standard_normal(n)
        y[s] = lu.solve(rhs)
    return {"binary": a, "w": w, "x": x, "y": y}


# --------------------------------------------------------------------------- one run
def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_ours(panel: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    from spatialpanel.models.model import SpatialPanelModel
    from spatialpanel.weights.core import SpatialWeights

    y, x = panel["y"], panel["x"]
    t, n = y.shape
    ids = pd.RangeIndex(n)
    w = SpatialWeights.from_sparse(panel["binary"], ids=ids, transform="row")
    index = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame(
        {"y": y.ravel(), "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}, index=index
    )
    from spatialpanel.linalg.factor import Factorizer

    count = [0]
    real_logdet = Factorizer.logdet

    def counted(fac: Factorizer, rho: float) -> float:
        count[0] += 1
        return real_logdet(fac, rho)

    Factorizer.logdet = counted  # type: ignore[method-assign]
    base = _rss_mb()
    t0 = time.perf_counter()
    model = SpatialPanelModel(data, y="y", x=["x1", "x2"], w=w, model="sdm", effects="twoway")
    t1 = time.perf_counter()
    res = model.fit()
    se = res.std_errors
    t2 = time.perf_counter()
    eff = res.impacts(method="delta")
    t3 = time.perf_counter()
    return {
        "setup_s": t1 - t0,
        "fit_se_s": t2 - t1,
        "effects_s": t3 - t2,
        "total_s": t3 - t0,
        "rss_base_mb": base,
        "rho": float(res.params["rho"]),
        "rho_se": float(se["rho"]),
        "beta1": float(res.params["x1"]),
        "direct_x1": float(eff[("direct", "estimate")]["x1"]),
        "indirect_x1": float(eff[("indirect", "estimate")]["x1"]),
        "indirect_x1_se": float(eff[("indirect", "se")]["x1"]),
        "logdet": f"{res.logdet_method} ({_backend(w)}, {count[0]} log-determinants)",
        "traces": f"information: {res.trace_method}; effects: {eff.attrs['traces']}",
    }


def _backend(w: Any) -> str:
    """The factorisation backend used for W (``spatialpanel.linalg.factor``)."""
    from spatialpanel.linalg.factor import Factorizer
    from spatialpanel.linalg.logdet import symmetric_scale

    mat = w.sparse
    return Factorizer.of(mat, symmetric_scale(mat)).backend


def run_spreg(panel: dict[str, Any], sdm: bool) -> dict[str, Any]:
    import warnings

    import libpysal
    import spreg

    y, x, wmat = panel["y"], panel["x"], panel["w"]
    t, n = y.shape
    wobj = libpysal.weights.WSP(sps.csr_matrix(panel["binary"])).to_W(silence_warnings=True)
    wobj.transform = "r"
    cols = [x[:, :, 0].ravel(), x[:, :, 1].ravel()]
    if sdm:
        wx = np.stack([wmat @ x[s] for s in range(t)])
        cols += [wx[:, :, 0].ravel(), wx[:, :, 1].ravel()]
        for s in range(1, t):  # period dummies (two-way through entity demeaning + dummies)
            d = np.zeros((t, n))
            d[s] = 1.0
            cols.append(d.ravel())
    xs = np.column_stack(cols)
    ys = y.reshape(-1, 1)  # time-major: rows 0..N-1 are period 0, as spreg's long format wants
    base = _rss_mb()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = spreg.Panel_FE_Lag(ys, xs, wobj)
    t1 = time.perf_counter()
    betas = np.asarray(fit.betas).ravel()
    ses = np.sqrt(np.diag(np.asarray(fit.vm)))
    return {
        "setup_s": 0.0,
        "fit_se_s": t1 - t0,
        "effects_s": 0.0,
        "total_s": t1 - t0,
        "rss_base_mb": base,
        "rho": float(betas[-1]),
        "rho_se": float(ses[-1]),
        "beta1": float(betas[0]),
        "logdet": "spreg (ord)",
    }


def run_moran(panel: dict[str, Any]) -> dict[str, Any]:
    """Global Moran's I of y in the first period with 999 permutations (spatialpanel)."""
    import pandas as pd

    from spatialpanel.autocorr.moran import moran
    from spatialpanel.weights.core import SpatialWeights

    y = panel["y"]
    n = y.shape[1]
    w = SpatialWeights.from_sparse(panel["binary"], ids=pd.RangeIndex(n), transform="row")
    index = pd.MultiIndex.from_arrays([np.arange(n), np.zeros(n, dtype=int)], names=["r", "t"])
    series = pd.Series(y[0], index=index, name="y")
    # load the compiled permutation kernel first (compiled once per installation and cached on
    # disk; the first call ever compiles it, several seconds, not counted here)
    moran(series, w, permutations=1, seed=1)
    base = _rss_mb()
    t0 = time.perf_counter()
    out = moran(series, w, permutations=999, seed=1)
    t1 = time.perf_counter()
    return {
        "setup_s": 0.0,
        "fit_se_s": t1 - t0,
        "effects_s": 0.0,
        "total_s": t1 - t0,
        "rss_base_mb": base,
        "rho": float(out["I"].iloc[0]),
        "rho_se": float(out["p_perm"].iloc[0]),
        "beta1": float("nan"),
        "logdet": "moran I (rho column) and p_perm (rho_se column)",
    }


def run_ours_sar(panel: dict[str, Any]) -> dict[str, Any]:
    """Entity-FE SAR with standard errors: the model of spreg's ``Panel_FE_Lag``."""
    import pandas as pd

    from spatialpanel.models.model import SpatialPanelModel
    from spatialpanel.weights.core import SpatialWeights

    y, x = panel["y"], panel["x"]
    t, n = y.shape
    w = SpatialWeights.from_sparse(panel["binary"], ids=pd.RangeIndex(n), transform="row")
    index = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame(
        {"y": y.ravel(), "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}, index=index
    )
    base = _rss_mb()
    t0 = time.perf_counter()
    model = SpatialPanelModel(data, y="y", x=["x1", "x2"], w=w, model="sar", effects="entity")
    res = model.fit()
    se = res.std_errors
    t1 = time.perf_counter()
    return {
        "setup_s": 0.0,
        "fit_se_s": t1 - t0,
        "effects_s": 0.0,
        "total_s": t1 - t0,
        "rss_base_mb": base,
        "rho": float(res.params["rho"]),
        "rho_se": float(se["rho"]),
        "beta1": float(res.params["x1"]),
        "logdet": res.logdet_method,
        "traces": res.trace_method,
    }


def run_moran_esda(panel: dict[str, Any]) -> dict[str, Any]:
    """esda's global Moran's I of the same values with 999 permutations (the peer of moran)."""
    import warnings

    import esda
    import libpysal

    y = panel["y"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wobj = libpysal.weights.WSP(sps.csr_matrix(panel["binary"])).to_W(silence_warnings=True)
        wobj.transform = "r"
    base = _rss_mb()
    t0 = time.perf_counter()
    np.random.seed(1)  # noqa: NPY002 - esda draws from the global RandomState
    m = esda.Moran(y[0], wobj, permutations=999)
    t1 = time.perf_counter()
    return {
        "setup_s": 0.0,
        "fit_se_s": t1 - t0,
        "effects_s": 0.0,
        "total_s": t1 - t0,
        "rss_base_mb": base,
        "rho": float(m.I),
        "rho_se": float(m.p_sim),
        "beta1": float("nan"),
        "logdet": "esda Moran I (rho column) and one-sided p_sim (rho_se column)",
    }


def run_floor(panel: dict[str, Any]) -> dict[str, Any]:
    """A minimal sparse-LU ML fit of the entity-FE SAR: demean, two OLS, bounded Brent on the
    concentrated likelihood with SuperLU's symmetric-mode log-determinant per evaluation, ρ
    searched on (-1, 1); no standard errors, no checks. The floor a sparse-LU implementation
    cannot go below on the same data."""
    import scipy.sparse.linalg as spla
    from scipy.optimize import minimize_scalar

    y, x, w = panel["y"], panel["x"], panel["w"]
    t, n = y.shape
    base = _rss_mb()
    t0 = time.perf_counter()
    wy = np.stack([w @ y[s] for s in range(t)])
    yd = (y - y.mean(axis=0)).ravel()
    wyd = (wy - wy.mean(axis=0)).ravel()
    xd = (x - x.mean(axis=0)).reshape(-1, x.shape[2])
    b0 = np.linalg.lstsq(xd, yd, rcond=None)[0]
    bd = np.linalg.lstsq(xd, wyd, rcond=None)[0]
    e0, ed = yd - xd @ b0, wyd - xd @ bd
    s00, s0d, sdd = e0 @ e0, e0 @ ed, ed @ ed
    eye = sps.eye_array(n)
    count = [0]

    def neg(r: float) -> float:
        count[0] += 1
        lu = spla.splu(
            sps.csc_array(eye - r * w),
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )
        ld = float(np.sum(np.log(np.abs(lu.U.diagonal()))))
        ssr = s00 - 2 * r * s0d + r * r * sdd
        return 0.5 * n * t * np.log(ssr) - t * ld

    res = minimize_scalar(neg, bounds=(-0.999999, 0.999999), method="bounded")
    t1 = time.perf_counter()
    return {
        "setup_s": 0.0,
        "fit_se_s": t1 - t0,
        "effects_s": 0.0,
        "total_s": t1 - t0,
        "rss_base_mb": base,
        "rho": float(res.x),
        "rho_se": float("nan"),
        "beta1": float((b0 - res.x * bd)[0]),
        "logdet": f"floor: {count[0]} sparse LU",
    }


def _cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def worker(args: argparse.Namespace) -> None:
    from spatialpanel.linalg import factor

    factor.BACKEND = args.backend
    panel = make_panel(args.graph, args.n, args.t, args.seed)
    cpu0 = _cpu_s()
    runners = {
        "moran": run_moran,
        "moran_esda": run_moran_esda,
        "ours": run_ours,
        "ours_sar": run_ours_sar,
        "floor": run_floor,
    }
    if args.tool in runners:
        out = runners[args.tool](panel)
    else:
        out = run_spreg(panel, sdm=args.tool == "spreg_sdm")
    out["peak_rss_mb"] = _rss_mb()
    # CPU seconds of the process from the end of the data generation (includes the untimed
    # warm-up of the Moran kernel and the data frame's construction): on a loaded machine the
    # steadier measure of the work than the wall clock
    out["cpu_s"] = _cpu_s() - cpu0
    print("RESULT " + json.dumps(out))


# --------------------------------------------------------------------------- driver
def spawn(
    graph: str, n: int, t: int, tool: str, seed: int, timeout: float, backend: str = "auto"
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--graph",
        graph,
        "--n",
        str(n),
        "--t",
        str(t),
        "--tool",
        tool,
        "--seed",
        str(seed),
        "--backend",
        backend,
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout after {timeout:.0f} s"}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            out: dict[str, Any] = json.loads(line[7:])
            out["status"] = "ok"
            return out
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"status": f"failed: {tail[:120]}"}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[31, 500, 3000])
    p.add_argument("--graphs", nargs="+", choices=GRAPHS, default=list(GRAPHS))
    p.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS[:3]))
    p.add_argument("--t", type=int, default=10, help="number of periods T (default 10)")
    p.add_argument("--seed", type=int, default=20261128)
    p.add_argument("--spreg-max", type=int, default=5000, help="largest N given to spreg")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per run (default 600)")
    p.add_argument(
        "--backend",
        choices=("auto", "cholmod", "superlu"),
        default="auto",
        help="sparse factorisation backend of ours (spatialpanel.linalg.factor.BACKEND; auto: "
        "CHOLMOD when cvxopt is installed)",
    )
    p.add_argument("--csv", type=Path, default=HERE / "results.csv")
    p.add_argument("--plot", type=Path, default=HERE / "time_vs_n.png")
    p.add_argument(
        "--plot-only",
        nargs="+",
        metavar="CSV[=LABEL]",
        help="only redraw --plot from these result CSVs (e.g. results.csv results_100k.csv); "
        "a label after '=' names the CSV's rows in the legend (e.g. old.csv='before'); with "
        "--tools, only those tools are drawn",
    )
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--graph", choices=GRAPHS, help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--tool", choices=TOOLS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.tools_given = any(a == "--tools" for a in (argv if argv is not None else sys.argv))
    if args.worker:
        worker(args)
        return
    if args.plot_only:
        old: list[dict[str, Any]] = []
        for spec in args.plot_only:
            path, _, label = str(spec).partition("=")
            with Path(path).open(newline="") as fh:
                for r in csv.DictReader(fh):
                    if r["status"] == "ok" and (
                        args.tools_given is False or r["tool"] in args.tools
                    ):
                        if label:
                            r["variant"] = label
                        old.append(r)
        plot(old, args.plot)
        print(f"wrote {args.plot}")
        return
    rows: list[dict[str, Any]] = []
    fields = [
        "graph", "n", "t", "tool", "status", "total_s", "cpu_s", "setup_s", "fit_se_s", "effects_s",
        "peak_rss_mb", "work_rss_mb", "rho", "rho_se", "beta1", "indirect_x1", "indirect_x1_se",
        "logdet", "traces", "backend", "load1", "load_after", "ratio_spreg_sar_over_ours",
        "ratio_spreg_sar_over_ours_sar", "ratio_moran_esda_over_moran", "ratio_ours_over_floor",
    ]  # fmt: skip
    load = os.getloadavg()[0]
    print(f"T = {args.t}, seed = {args.seed}, {os.cpu_count()} CPUs, load {load:.1f}")
    for graph in args.graphs:
        for n in args.sizes:
            by_tool: dict[str, dict[str, Any]] = {}
            for tool in args.tools:
                if tool.startswith("spreg") and n > args.spreg_max:
                    gb = n * n * 8 / 1e9
                    res = {
                        "status": f"skipped: spreg inverts a dense N x N matrix ({gb:.1f} GB, "
                        f"O(N^3)); N > --spreg-max={args.spreg_max}"
                    }
                else:
                    load1 = os.getloadavg()[0]
                    res = spawn(graph, n, args.t, tool, args.seed, args.timeout, args.backend)
                    res["load1"] = load1
                    res["load_after"] = os.getloadavg()[0]
                if res.get("status") == "ok":
                    res["work_rss_mb"] = res["peak_rss_mb"] - res["rss_base_mb"]
                res.update(graph=graph, n=n, t=args.t, tool=tool, backend=args.backend)
                by_tool[tool] = res
                line = f"{graph:9s} N={n:>7d} {tool:10s} "
                if res["status"] == "ok":
                    line += (
                        f"{res['total_s']:9.3f} s (cpu {res['cpu_s']:.1f})  "
                        f"peak {res['peak_rss_mb']:8.0f} MB "
                        f"(+{res['work_rss_mb']:.0f})  rho {res['rho']:.4f} "
                        f"({res['rho_se']:.4f})  load {res['load1']:.1f}-{res['load_after']:.1f}"
                    )
                else:
                    line += res["status"]
                print(line, flush=True)
            ours = by_tool.get("ours", {})
            ref = by_tool.get("spreg_sar", {})
            if ours.get("status") == "ok" and ref.get("status") == "ok":
                ratio = ref["total_s"] / ours["total_s"]
                ours["ratio_spreg_sar_over_ours"] = ratio
                print(f"{'':9s} N={n:>7d} spreg SAR / ours (SDM, SE, effects) = {ratio:.1f}x")
            for mine, peer, label in RATIOS:
                a, b = by_tool.get(mine, {}), by_tool.get(peer, {})
                if a.get("status") == "ok" and b.get("status") == "ok":
                    a[f"ratio_{peer}_over_{mine}"] = r = b["total_s"] / a["total_s"]
                    rc = b["cpu_s"] / a["cpu_s"]
                    print(f"{'':9s} N={n:>7d} {label} = {r:.2f}x (CPU: {rc:.2f}x)", flush=True)
            rows.extend(by_tool.values())
    with args.csv.open("w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        wr.writeheader()
        wr.writerows(rows)
    print(f"wrote {args.csv}")
    plot(rows, args.plot)
    print(f"wrote {args.plot}")


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Time and peak memory against N (log-log), one line per tool and graph."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.8))
    styles = {"lattice": "-", "delaunay": "--"}
    variants = sorted({str(r.get("variant") or r.get("backend") or "") for r in rows})
    markers = "os^vD"
    for graph in GRAPHS:
        for tool in TOOLS:
            for k, variant in enumerate(variants):
                pts = sorted(
                    (int(r["n"]), float(r["total_s"]), float(r.get("peak_rss_mb") or "nan"))
                    for r in rows
                    if r["graph"] == graph
                    and r["tool"] == tool
                    and r.get("status") == "ok"
                    and str(r.get("variant") or r.get("backend") or "") == variant
                )
                if pts:
                    xs, ys, ms = zip(*pts, strict=True)
                    # the floor is SciPy's SuperLU whatever backend ours used
                    shown = variant.split(",")[0] if tool == "floor" else variant
                    name = f"{tool} ({graph}{', ' + shown if shown else ''})"
                    kw = {
                        "marker": markers[k % len(markers)],
                        "color": f"C{len(ax.lines) % 10}",
                        "label": name,
                    }
                    ax.plot(xs, ys, styles[graph], **kw)
                    ax2.plot(xs, ms, styles[graph], **kw)
    ax.plot([1e5, 1e6], [10.0, 180.0], "k*", markersize=9, label="issue 18 targets (10 s, 3 min)")
    ax2.axhline(8192.0, color="k", linewidth=0.8, linestyle=":", label="8 GB")
    for a, label in ((ax, "seconds (wall)"), (ax2, "peak resident memory of the run (MB)")):
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel("regions N (T = 10)")
        a.set_ylabel(label)
        a.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6)
    ax2.legend(fontsize=6)
    fig.suptitle(
        "ours: two-way SDM fit + SE + delta effects; ours_sar: entity SAR + SE; floor: minimal "
        "sparse-LU entity SAR fit (SuperLU)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()

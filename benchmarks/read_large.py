"""Benchmark: reading and validating a large long CSV (issue 15 item 9), run by hand, never by pytest.

    /work/venv/bin/python benchmarks/read_large.py                   # 120,000 regions x 10 years
    /work/venv/bin/python benchmarks/read_large.py --regions 12000   # a tenth

The file is generated once (``--dir``, default ``/tmp/spatialpanel-read-large``): a long table
``region,year,x1..x8`` of ``regions`` x 10 rows, region ids ``R000001`` ..., values written with
4 decimals (plus a few blanks and ``1,234.5``-style cells, so that the cell audit has work), about
105 MB at 120,000 regions. Then, each in its own subprocess so that the peak resident memory
(``ru_maxrss``) belongs to that run alone:

- ``read``: ``spatialpanel.read_panel(path, entity="region", entity_kind="generic")``;
- ``validate``: ``spatialpanel validate study.toml`` (the CLI, which reads, checks and fills the
  data as ``run`` does), with a study naming the file and two of its variables.

Wall time and peak RSS are printed as one CSV line per run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

VARIABLES = [f"x{i}" for i in range(1, 9)]
YEARS = list(range(2014, 2024))


def generate(path: Path, regions: int, seed: int = 1) -> None:
    """Write the long CSV (row order: region, then year)."""
    rng = np.random.default_rng(seed)
    n = regions * len(YEARS)
    ids = np.repeat(np.array([f"R{i:06d}" for i in range(1, regions + 1)]), len(YEARS))
    years = np.tile(np.array(YEARS), regions).astype(str)
    columns = [ids, years]
    for _ in VARIABLES:
        values = np.char.mod("%.4f", rng.uniform(0, 10000, n))
        columns.append(values)
    # a few decorated cells, as in real files: blanks (filled later) and thousands separators
    blanks = rng.choice(n, size=max(1, n // 10000), replace=False)
    columns[2][blanks] = ""
    marked = rng.choice(n, size=max(1, n // 20000), replace=False)
    columns[3][marked] = "\"1,234.5\""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(["region", "year", *VARIABLES]) + "\n")
        step = 100_000
        for start in range(0, n, step):
            block = [c[start : start + step] for c in columns]
            out.write("\n".join(",".join(row) for row in zip(*block, strict=True)) + "\n")


STUDY = """[study]
title = "read benchmark"

[data]
file = "{file}"
entity = "region"
entity_kind = "generic"
missing = "linear"

[model]
y = "x1"
core = "x2"
weights = "w"

[weights.w]
kind = "knn"
"""

CHILD = """
import resource, sys, time
t0 = time.perf_counter()
if sys.argv[1] == "read":
    import spatialpanel as sp
    panel = sp.read_panel(sys.argv[2], entity="region", entity_kind="generic")
    shape = panel.frame.shape
else:
    from spatialpanel.cli import app
    try:
        app(["validate", sys.argv[2]])
    except SystemExit as exc:
        assert not exc.code, exc.code
    shape = None
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"RESULT,{sys.argv[1]},{elapsed:.1f},{peak:.0f},{shape}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=120_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/spatialpanel-read-large"))
    parser.add_argument("--runs", nargs="+", default=["read", "validate"])
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    data = args.dir / f"long_{args.regions}.csv"
    if not data.exists():
        t0 = time.perf_counter()
        generate(data, args.regions)
        print(f"generated {data} ({data.stat().st_size / 1e6:.1f} MB) in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    study = args.dir / f"study_{args.regions}.toml"
    study.write_text(STUDY.format(file=data.name), encoding="utf-8")
    print("run,tool,seconds,peak_rss_mb,shape")
    for run in args.runs:
        target = data if run == "read" else study
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, run, str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT,")]
        if proc.returncode or not lines:
            print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"{run} failed")
        print(lines[-1].removeprefix("RESULT,"), flush=True)


if __name__ == "__main__":
    main()

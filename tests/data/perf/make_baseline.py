"""Store the numbers of the exact linear-algebra paths before they were replaced (issue 7).

Run once, from the root of a git worktree of commit 0ffa94d in which
``models/information.py`` and ``inference/effects.py`` were restored to commit f68c530 (dense
``G = W(I - δW)⁻¹`` by ``numpy.linalg.solve``; effects traces from the eigenvalues of W; the
seeded ARPACK start vector of ``linalg/logdet.py`` already in, without which ρ̂ of the LU path
moved by ~1e-8 between runs)::

    git worktree add /tmp/wt 0ffa94d && cd /tmp/wt
    git checkout f68c530 -- src/spatialpanel/models/information.py \
        src/spatialpanel/inference/effects.py
    PYTHONPATH=/tmp/wt/src:/tmp/wt /work/venv/bin/python tests/data/perf/make_baseline.py

``--only NAME ...`` recomputes only those cases and keeps the others. The two N = 1,500
cases of ``EIGEN_LOGDET`` were recomputed that way (same worktree recipe, with the current
``tests/test_perf_exact.py`` and ``tests/graphs.py`` copied in; the other eight cases reproduced
to 1e-14 there, the random-effects case to 1.3e-9)::

    PYTHONPATH=/tmp/wt/src:/tmp/wt /work/venv/bin/python tests/data/perf/make_baseline.py \
        --only lattice1500_sdm_twoway lattice1500_sdm_twoway_transformation

It writes ``tests/data/perf/baseline.json``: for every case of ``tests/test_perf_exact.py`` the
estimates, standard errors, information matrix, log-likelihood and delta-method / simulated
effects. ``tests/test_perf_exact.py`` checks the current implementation against them (1e-8).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.test_perf_exact import CASES, fit_case, snapshot  # noqa: E402

EIGEN_LOGDET = ("lattice1500_sdm_twoway", "lattice1500_sdm_twoway_transformation")
"""Cases whose reference is fitted with ``logdet="eigen"``: N = 1,500 lies where ``"auto"``
takes the sparse LU, which in this implementation located ρ̂ from function values only (to
about 1e-8, moving with BLAS rounding); the dense eigenvalues give the exact derivative of the
log-determinant, so the reference ρ̂ is the root of the exact score."""


def main(argv: list[str] | None = None) -> None:
    import argparse

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--only", nargs="+", choices=list(CASES), help="recompute only these cases")
    args = p.parse_args(argv)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    path = Path(__file__).with_name("baseline.json")
    out: dict[str, object] = json.loads(path.read_text()) if args.only else {}
    if not args.only:
        out["_provenance"] = (
            f"spatialpanel at commit {commit} (dense G, eigenvalue effects traces); "
            "tests/data/perf/make_baseline.py"
        )
    for name in args.only or list(CASES):
        eigen = name in EIGEN_LOGDET
        out[name] = snapshot(fit_case(name, logdet="eigen" if eigen else "auto"))
        if eigen:
            notes = out.setdefault("_logdet_eigen", {})
            assert isinstance(notes, dict)
            notes[name] = (
                f"fitted with logdet='eigen' at commit {commit} (dense G, eigenvalue effects "
                "traces): rho-hat is the root of the exact score"
            )
        print(name, flush=True)
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

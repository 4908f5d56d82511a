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


def main() -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    out: dict[str, object] = {
        "_provenance": f"spatialpanel at commit {commit} (dense G, "
        "eigenvalue effects traces); tests/data/perf/make_baseline.py"
    }
    for name in CASES:
        out[name] = snapshot(fit_case(name))
        print(name, flush=True)
    path = Path(__file__).with_name("baseline.json")
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

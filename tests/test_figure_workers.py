"""The figure worker processes: the caller forks one, which forks the others
(:mod:`spatialpanel.report.figure_workers`).

Checked here: the files do not depend on the number of workers (1, 2, 3: the forked workers draw
the same bytes as the caller), the caller imports no matplotlib for them, an error or a crash in
any worker reaches the caller, and cancelling leaves no worker running.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from spatialpanel.report.evolution_plots import trends_spec
from spatialpanel.report.figspec import FigureSpec
from spatialpanel.report.figure_jobs import FigureJobs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux")


def _specs(n: int = 5) -> list[tuple[str, FigureSpec]]:
    rng = np.random.default_rng(3)
    out = []
    for k in range(n):
        wide = pd.DataFrame(
            rng.normal(size=(3, 6)).cumsum(axis=1), index=["a", "b", "c"], columns=range(2018, 2024)
        )
        out.append(
            (f"trend{k}", trends_spec(wide, names={"a": "A", "b": "B", "c": "C"}, ylabel="Index"))
        )
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_files_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    trees = []
    for workers in (1, 2, 3):
        out = tmp_path / f"w{workers}"
        jobs = FigureJobs((), out, formats=["png"], dpi=60, workers=workers, stream=True)
        jobs.submit(_specs()[:2])
        jobs.submit(_specs()[2:])
        assert jobs.wait_all() == {f"trend{k}": [f"figures/trend{k}.png"] for k in range(5)}
        trees.append(_tree(out))
    assert len(trees[0]) == 10  # five PNGs and their web copies
    assert trees[0] == trees[1] == trees[2]


def test_the_caller_imports_no_matplotlib(tmp_path: Path) -> None:
    # a fresh interpreter: the figures are specifications, drawn by two workers
    script = f"""
import sys
from pathlib import Path
import numpy as np, pandas as pd
from spatialpanel.report.evolution_plots import trends_spec
from spatialpanel.report.figure_jobs import FigureJobs
assert "matplotlib" not in sys.modules, "imported before the jobs"
wide = pd.DataFrame(np.arange(12.0).reshape(2, 6), index=["a", "b"], columns=range(2018, 2024))
spec = trends_spec(wide, names={{"a": "A", "b": "B"}}, ylabel="Index")
jobs = FigureJobs((), Path({str(tmp_path)!r}), formats=["png"], dpi=50, workers=2, stream=True)
jobs.submit([("one", spec), ("two", spec)])
jobs.wait_all()
print("matplotlib" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    assert (tmp_path / "one.png").is_file() and (tmp_path / "web" / "two.png").is_file()


class _Crash(Figure):
    """A figure whose drawing ends the process drawing it (as a crash in a C library would)."""

    def draw(self, renderer):  # type: ignore[no-untyped-def,override]
        os._exit(3)


@pytest.mark.parametrize("workers", [2, 3])
def test_a_crashed_worker_is_reported(workers: int, tmp_path: Path) -> None:
    figures: list[tuple[str, FigureSpec | Figure]] = [("crash", _Crash(figsize=(1.0, 1.0)))]
    figures += _specs(2)
    jobs = FigureJobs(figures, tmp_path, formats=["png"], dpi=50, workers=workers)
    with pytest.raises(RuntimeError, match="figure worker ended"):
        jobs.wait_all()


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.is_file() else []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_cancel_leaves_no_worker_running(tmp_path: Path) -> None:
    jobs = FigureJobs((), tmp_path, formats=["png"], dpi=50, workers=3, stream=True)
    first = jobs._workers[0].pid
    assert first is not None
    deadline = time.monotonic() + 60
    while len(_children(first)) < 2 and time.monotonic() < deadline:  # imports, warm-up, forks
        time.sleep(0.05)
    forked = _children(first)
    assert len(forked) == 2
    jobs.cancel()
    deadline = time.monotonic() + 10
    while any(_running(p) for p in [first, *forked]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(p) for p in [first, *forked])

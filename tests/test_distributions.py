"""The p-value functions of ``spatialpanel.inference.distributions`` against ``scipy.stats``.

Reference: ``scipy.stats`` itself (``norm.sf``, ``norm.cdf``, ``chi2.sf``, ``t.sf``) of the SciPy
installed with the package (1.17.1 when this was written), evaluated in the test. The functions
must agree with it *bit for bit* — the same float64 bits, NaN where it gives NaN, the same type
(NumPy scalar for scalar input, ndarray for array or Series input) — because the study's tables and
``stages.json`` must not change by a digit when the package stops importing ``scipy.stats``.
The grids cover what the package evaluates: |z| up to 40 (model, effect and Moran z values),
χ² statistics 0 to 10,000 with 1 to 200 degrees of freedom (LM, Wald, LR, Hausman and Markov
homogeneity tests), t with 1 to 10⁶ degrees of freedom (β convergence), and the edges: negative,
zero, infinite and NaN statistics, degrees of freedom 0, negative, NaN, fractional and infinite.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialpanel.inference.distributions import chi2_sf, norm_cdf, norm_sf, t_sf

_SRC = Path(__file__).resolve().parents[1] / "src" / "spatialpanel"

#: values at and around the edges of every support, added to each grid
_EDGES = np.array(
    [-np.inf, np.inf, np.nan, -0.0, 0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e300, -1e300, 1.0]
)
#: degrees of freedom that are invalid (NaN result), fractional or infinite
_DF_EDGES = np.array([0.0, -1.0, -np.inf, np.nan, 0.5, 1.5, np.inf])


def assert_identical(ours: Any, reference: Any) -> None:
    """Same type, dtype and shape; NaN at the same places; every other value the same bits."""
    assert type(ours) is type(reference)
    a, b = np.asarray(ours), np.asarray(reference)
    assert a.dtype == b.dtype == np.float64
    assert a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    finite = ~np.isnan(a)
    np.testing.assert_array_equal(a[finite].view(np.uint64), b[finite].view(np.uint64))


def test_normal_tails_on_the_z_grid() -> None:
    z = np.concatenate([np.linspace(-40.0, 40.0, 160_001), np.linspace(-1e-6, 1e-6, 201), _EDGES])
    assert_identical(norm_sf(z), stats.norm.sf(z))
    assert_identical(norm_cdf(z), stats.norm.cdf(z))
    assert_identical(2.0 * norm_sf(np.abs(z)), 2.0 * stats.norm.sf(np.abs(z)))


def test_chi2_upper_tail_on_the_statistic_by_df_grid() -> None:
    x = np.concatenate(
        [np.linspace(0.0, 1e4, 1001), np.logspace(-12, 4, 400), [-1.0, -1e-9, 1e5, 1e6], _EDGES]
    )
    df = np.concatenate([np.arange(1.0, 201.0), _DF_EDGES])
    assert_identical(chi2_sf(x[None, :], df[:, None]), stats.chi2.sf(x[None, :], df[:, None]))


def test_t_upper_tail_on_the_statistic_by_df_grid() -> None:
    x = np.concatenate([np.linspace(-50.0, 50.0, 2001), np.logspace(-12, 3, 200), _EDGES])
    df = np.concatenate([np.arange(1.0, 31.0), np.logspace(np.log10(30.0), 6.0, 80), _DF_EDGES])
    assert_identical(t_sf(x[None, :], df[:, None]), stats.t.sf(x[None, :], df[:, None]))
    two_sided = 2 * t_sf(np.abs(x), 25)
    assert_identical(two_sided, 2 * stats.t.sf(np.abs(x), 25))


@pytest.mark.parametrize(
    ("ours", "reference", "args"),
    [
        (norm_sf, stats.norm.sf, (1.5,)),
        (norm_sf, stats.norm.sf, (-np.inf,)),
        (norm_sf, stats.norm.sf, (float("nan"),)),
        (norm_sf, stats.norm.sf, (3,)),
        (norm_sf, stats.norm.sf, (np.float32(0.25),)),
        (norm_cdf, stats.norm.cdf, (-2.0,)),
        (norm_cdf, stats.norm.cdf, (np.float64(np.inf),)),
        (chi2_sf, stats.chi2.sf, (15.49, 2)),
        (chi2_sf, stats.chi2.sf, (-3.0, 2)),  # below the support: 1
        (chi2_sf, stats.chi2.sf, (0.0, 1)),
        (chi2_sf, stats.chi2.sf, (np.inf, 4)),
        (chi2_sf, stats.chi2.sf, (3.0, 0)),  # no degrees of freedom: NaN
        (chi2_sf, stats.chi2.sf, (3.0, np.int64(7))),
        (chi2_sf, stats.chi2.sf, (np.array(3.0), 2)),  # 0-d array: a scalar, as scipy
        (t_sf, stats.t.sf, (2.1, 17)),
        (t_sf, stats.t.sf, (-np.inf, 3)),
        (t_sf, stats.t.sf, (1.0, np.inf)),
        (t_sf, stats.t.sf, (1.0, -2)),
    ],
)
def test_scalar_in_scalar_out_as_scipy(
    ours: Callable[..., Any], reference: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    result = ours(*args)
    assert isinstance(result, np.float64)
    assert_identical(result, reference(*args))


def test_series_integer_float32_and_broadcast_inputs_as_scipy() -> None:
    series = pd.Series([0.5, -1.0, 2.0, np.nan], index=list("abcd"))
    assert_identical(t_sf(series, 9), stats.t.sf(series, 9))  # a plain ndarray, as scipy
    assert_identical(norm_sf(np.arange(-5, 6)), stats.norm.sf(np.arange(-5, 6)))
    small = np.linspace(-3, 3, 7, dtype=np.float32)
    assert_identical(norm_cdf(small), stats.norm.cdf(small))  # promoted to float64
    assert_identical(chi2_sf(4.0, np.arange(1, 6)), stats.chi2.sf(4.0, np.arange(1, 6)))
    empty = np.array([], dtype=float)
    assert_identical(chi2_sf(empty, 3), stats.chi2.sf(empty, 3))


def test_the_run_path_does_not_import_scipy_stats() -> None:
    """The CLI, the pipeline, every stage module, the results writer and the report import
    without ``scipy.stats`` (about 0.6 s of CPU on every ``spatialpanel run``).

    Only what the project controls is checked: these are the modules a ``spatialpanel run`` of the
    demonstration study imports (and after a whole run of it ``scipy.stats`` is still absent).
    libpysal imports ``scipy.stats`` at import (``libpysal.graph._kernel``, libpysal 4.14), so
    the paths that use libpysal (``spatialpanel.weights.io`` conversions to and from libpysal
    objects, contiguity built from polygons) still load it; they import libpysal only when used.
    """
    code = (
        "import importlib, sys\n"
        "import spatialpanel, spatialpanel.cli\n"
        "from spatialpanel.study import pipeline\n"
        "for spec in pipeline.STAGES:\n"
        "    importlib.import_module(spec.module)\n"
        "import spatialpanel.study.stages.data, spatialpanel.study.outputs\n"
        "import spatialpanel.study.figure_output, spatialpanel.report.build\n"
        "print(len(pipeline.STAGES), sorted(m for m in sys.modules if m.startswith('scipy.stats')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    n_stages, loaded = out.stdout.strip().split(" ", 1)
    assert int(n_stages) > 5
    assert loaded == "[]"


def test_no_module_of_the_package_imports_scipy_stats() -> None:
    """Also no lazy import inside a function: the p-values come from ``distributions``."""
    offenders = []
    for path in sorted(_SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module is not None:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            if any(n == "scipy.stats" or n.startswith("scipy.stats.") for n in names):
                offenders.append(f"{path.relative_to(_SRC)}:{node.lineno}")
    assert offenders == []

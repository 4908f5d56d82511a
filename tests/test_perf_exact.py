"""Exact linear-algebra paths reproduce the numbers of the implementation they replaced.

Each case builds a seeded panel on a generated W and fits one model; :func:`snapshot` collects the
numbers that must not change when the linear algebra changes (estimates, standard errors, the
information matrix, delta-method and simulated effects). ``tests/data/perf/make_baseline.py``
stored these numbers from the implementation of commit be47b68 (dense G = W(I - δW)⁻¹ by
``numpy.linalg.solve``, effects traces from the eigenvalues of W) in
``tests/data/perf/baseline.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps
import scipy.sparse.linalg as spla

from tests.graphs import delaunay, lattice


def inverse_distance(n: int, seed: int = 7) -> sps.csr_array:
    """Symmetric inverse-distance weights on the Delaunay links (weighted, not binary)."""
    pts = np.random.default_rng(seed).random((n, 2))
    a = sps.coo_array(delaunay(n, seed))
    d = np.linalg.norm(pts[a.row] - pts[a.col], axis=1)
    return sps.csr_array(sps.coo_array((1.0 / d, (a.row, a.col)), shape=(n, n)))


def knn(n: int, k: int = 4, seed: int = 5) -> sps.csr_array:
    """Binary k-nearest neighbours (not symmetric, not similar to a symmetric matrix)."""
    pts = np.random.default_rng(seed).random((n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    nb = np.argsort(d, axis=1)[:, :k]
    rows = np.repeat(np.arange(n), k)
    return sps.csr_array(sps.coo_array((np.ones(n * k), (rows, nb.ravel())), shape=(n, n)))


# name: (W builder, transform, T, model, effects, bias_correction)
CASES: dict[str, tuple[Callable[[], sps.csr_array], str, int, str, str, str]] = {
    "lattice1500_sdm_twoway": (lambda: lattice(1500), "row", 5, "sdm", "twoway", "none"),
    "lattice1500_sdm_twoway_transformation": (
        lambda: lattice(1500),
        "row",
        5,
        "sdm",
        "twoway",
        "transformation",
    ),
    "delaunay600_sdm_twoway_elhorst": (lambda: delaunay(600), "row", 5, "sdm", "twoway", "elhorst"),
    "delaunay600_sar_entity": (lambda: delaunay(600), "row", 5, "sar", "entity", "none"),
    "delaunay600_sem_twoway": (lambda: delaunay(600), "row", 5, "sem", "twoway", "none"),
    "delaunay600_sdem_entity": (lambda: delaunay(600), "row", 5, "sdem", "entity", "none"),
    "invdist400_sdm_time": (lambda: inverse_distance(400), "row", 6, "sdm", "time", "none"),
    "binary300_sdm_pooled": (lambda: lattice(300), "none", 6, "sdm", "pooled", "none"),
    "knn300_sdm_twoway": (lambda: knn(300), "row", 6, "sdm", "twoway", "none"),
    "delaunay300_sar_random": (lambda: delaunay(300), "row", 6, "sar", "random", "none"),
}


def fit_case(name: str, *, logdet: str = "auto") -> Any:
    """Build the seeded panel of case ``name`` and fit its model (``logdet`` as the model's)."""
    return case_model(name, logdet=logdet).fit(bias_correction=CASES[name][5])


def case_model(name: str, *, logdet: str = "auto") -> Any:
    """The seeded panel of case ``name`` as an unfitted model."""
    from spatialpanel.models.model import SpatialPanelModel
    from spatialpanel.weights.core import SpatialWeights

    build, transform, t, model, effects, _ = CASES[name]
    a = build()
    n = a.shape[0]
    ws = SpatialWeights.from_sparse(a, ids=pd.RangeIndex(n), transform=transform)
    w = ws.sparse
    rng = np.random.default_rng(20261128)
    x = rng.standard_normal((t, n, 2))
    mu = rng.standard_normal(n)
    alpha = rng.standard_normal(t)
    # ρ = half the stationarity bound: 1/2 for row-standardised W (spectral radius 1), 1/8 for
    # the binary lattice (spectral radius below 4)
    lam = 0.5 if transform == "row" else 0.125
    lu = spla.splu(sps.csc_array(sps.eye_array(n) - lam * w))
    y = np.stack(
        [
            lu.solve(
                x[s] @ [1.0, -0.5]
                + (w @ x[s]) @ [0.3, 0.2]
                + mu
                + alpha[s]
                + rng.standard_normal(n)
            )
            for s in range(t)
        ]
    )
    idx = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame(
        {"y": y.ravel(), "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}, index=idx
    )
    return SpatialPanelModel(
        data,
        y="y",
        x=["x1", "x2"],
        w=ws,
        model=model,
        effects=effects,
        logdet=logdet,  # type: ignore[arg-type]
    )


def snapshot(res: Any) -> dict[str, list[float]]:
    """The numbers of a fit that the linear-algebra paths must reproduce."""
    out = {
        "params": res.params.to_list(),
        "std_errors": res.std_errors.to_list(),
        "information": res.information.to_numpy().ravel().tolist(),
        "loglik": [res.loglik],
    }
    if res.spec.model in ("sar", "sdm", "sdem", "slx"):
        delta = res.impacts(method="delta")
        out["effects_delta"] = delta.to_numpy().ravel().tolist()
        sim = res.impacts(method="simulation", draws=200, seed=3)
        out["effects_simulation"] = sim.to_numpy().ravel().tolist()
    return out


_BASELINE = Path(__file__).resolve().parent / "data" / "perf" / "baseline.json"


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    out: dict[str, Any] = json.loads(_BASELINE.read_text())
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_exact_paths_reproduce_the_replaced_implementation(
    name: str, baseline: dict[str, Any]
) -> None:
    """Every exact number equals the dense / eigenvalue implementation's to 1e-8 (relative to
    the size of the quantity; the information matrix entries are O(NT))."""
    got = snapshot(fit_case(name))
    ref = baseline[name]
    assert set(got) == set(ref)
    for key, values in ref.items():
        want = np.asarray(values, dtype=float)
        have = np.asarray(got[key], dtype=float)
        scale = np.maximum(np.abs(want), 1.0)
        np.testing.assert_array_less(np.abs(have - want), 1e-8 * scale + 1e-300, err_msg=key)

"""Near the stationarity bound the selected inversion declines (its matrices' condition is
squared) and the traces come from the dense path, to full precision (found in review: tr A of
the 2-region W at δ = 0.9999999 was 10007999.67 instead of 10000000.5)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps

from spatialpanel.linalg.selinv import ExactTraces, PointTerms
from spatialpanel.models.information import GOperator


def test_selected_inversion_declines_near_the_bound() -> None:
    w = sps.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert ExactTraces.at(w, 0.9999999, np.ones(2)) is None
    assert ExactTraces.at(w, 0.9, np.ones(2)) is not None


@pytest.mark.parametrize("delta", [0.9999999, 0.5])
def test_information_traces_near_the_bound_equal_the_exact_values(delta: float) -> None:
    # W = [[0, 1], [1, 0]]: A = (I − δW)⁻¹ = [[1, δ], [δ, 1]]/(1 − δ²), G = WA
    w = sps.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    g_exact = np.array([[delta, 1.0], [1.0, delta]]) / (1.0 - delta**2)
    tr_g, tr_gg, tr_gtg = GOperator(w, delta).traces()
    assert tr_g == pytest.approx(np.trace(g_exact), rel=1e-9)
    assert tr_gg == pytest.approx(np.trace(g_exact @ g_exact), rel=1e-9)
    assert tr_gtg == pytest.approx(np.sum(g_exact**2), rel=1e-9)


def test_effect_terms_near_the_bound_come_from_the_dense_spectrum() -> None:
    w = sps.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]]))
    rho = 0.9999999
    vals, _ = PointTerms(w, np.ones(2)).terms(np.array([rho]))
    a = np.array([[1.0, rho], [rho, 1.0]]) / (1.0 - rho**2)
    assert vals[0, 0] == pytest.approx(np.trace(a), rel=1e-9)  # tr A
    assert vals[0, 2] == pytest.approx(a.sum(), rel=1e-9)  # 1'A1

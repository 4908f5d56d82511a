"""``spatialpanel.linalg.nearpd.near_pd`` against R ``Matrix::nearPD``.

Reference numbers: R 4.2.2 Patched (2022-11-10 r83330), Matrix 1.5-3, printed with
``sprintf("%.17g", ...)`` by this script (run with ``Rscript``)::

    library(Matrix)
    a1 <- matrix(c(2, -1, 0, 0.5,  -1, 2, -1, 3,  0, -1, 2, -1,  0.5, 3, -1, 1), 4, 4,
                 byrow = TRUE)                          # indefinite: eigenvalue -1.822333
    C <- matrix(c(1, 0.6, 0.3, 0.2,  0.6, 1, 0.5, 0.1,  0.3, 0.5, 1, 0.4,  0.2, 0.1, 0.4, 1),
                4, 4, byrow = TRUE)
    a2 <- diag(c(1e3, 1, 1e-2, 5)) %*% C %*% diag(c(1e3, 1, 1e-2, 5))
                                                        # PD, eigenvalues 1e6 ... 6.2e-5
    a3 <- matrix(c(1, 1, 0,  1, 1, 1,  0, 1, 1), 3, 3, byrow = TRUE)   # Higham (2002), §5
    as.matrix(nearPD(a1)$mat); as.matrix(nearPD(a2)$mat)
    as.matrix(nearPD(a3, corr = TRUE)$mat); as.matrix(nearPD(a3)$mat)
"""

from __future__ import annotations

import numpy as np
import pytest

from spatialpanel.errors import ConfigError, DataError, EstimationError, NumericalWarning
from spatialpanel.linalg.nearpd import near_pd

A1 = np.array([[2, -1, 0, 0.5], [-1, 2, -1, 3], [0, -1, 2, -1], [0.5, 3, -1, 1]], dtype=float)
R1 = np.array([
    [2.1240766111930625, -0.69886531885538772, -0.01180437426759118, 0.15374507132088372],
    [-0.69886531885538772, 2.7308556234408075, -1.0286492822414588, 2.1596372195227449],
    [-0.01180437426759118, -1.0286492822414588, 2.0011230419880279, -0.96705806639665393],
    [0.15374507132088372, 2.1596372195227449, -0.96705806639665393, 1.9662777438492005],
])  # fmt: skip
_C = np.array([[1, 0.6, 0.3, 0.2], [0.6, 1, 0.5, 0.1], [0.3, 0.5, 1, 0.4], [0.2, 0.1, 0.4, 1]])
_D = np.diag([1e3, 1, 1e-2, 5])
A2 = _D @ _C @ _D
R2 = np.array([
    [999999.99999976612, 591.84663672157251, 2.9968543806766137, 999.9999978622144],
    [591.84663672157251, 0.36044024093296007, 0.0017020599301977659, 0.49054919122137719],
    [2.9968543806766137, 0.0017020599301977659, 0.010000013600331105, 0.019958007316522048],
    [999.9999978622144, 0.49054919122137719, 0.019958007316522048, 24.999988300461176],
])  # fmt: skip
A3 = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=float)
R3_CORR = np.array([
    [1, 0.76068983633971832, 0.15729810076043862],
    [0.76068983633971832, 1, 0.76068983633971454],
    [0.15729810076043862, 0.76068983633971454, 1],
])  # fmt: skip
R3 = np.array([
    [1.1035533905932737, 0.85355337545585541, 0.10355339606245413],
    [0.85355337545585541, 1.2071067811865475, 0.85355337545585164],
    [0.10355339606245413, 0.85355337545585164, 1.1035533905932753],
])  # fmt: skip


def _close(got: np.ndarray, ref: np.ndarray, rtol: float = 1e-11) -> None:
    """Entry-wise relative agreement (measured: below 1e-13 on all four matrices)."""
    tol = rtol * np.abs(ref)
    assert np.all(np.abs(got - ref) <= tol), np.abs(got - ref) / np.abs(ref)


def test_indefinite_matrix_matches_r() -> None:
    got = near_pd(A1)
    _close(got, R1)
    assert np.linalg.eigvalsh(got).min() > 0


def test_ill_scaled_positive_definite_matrix_is_changed_as_in_r() -> None:
    """A2 is positive definite, yet nearPD replaces its eigenvalue 0.64 (< 1e-6 x 1e6)."""
    assert np.linalg.eigvalsh(A2).min() > 0
    got = near_pd(A2)
    _close(got, R2)
    assert not np.allclose(got, A2, rtol=1e-3)
    # the same matrix in other units (rows and columns rescaled) is left alone
    unit = np.diag(1.0 / np.diag(_D))
    np.testing.assert_allclose(near_pd(unit @ A2 @ unit), _C, atol=1e-12)


def test_higham_example_with_and_without_unit_diagonal() -> None:
    _close(near_pd(A3, corr=True), R3_CORR)  # 18 iterations in R and here
    _close(near_pd(A3), R3)


def test_input_is_not_modified_and_symmetric_part_is_used() -> None:
    a = A1.copy()
    a[0, 1] += 0.2
    a[1, 0] -= 0.2
    before = a.copy()
    got = near_pd(a)
    np.testing.assert_array_equal(a, before)
    _close(got, R1)


def test_option_and_input_errors() -> None:
    with pytest.raises(DataError, match="square"):
        near_pd(np.ones((2, 3)))
    with pytest.raises(DataError, match="infinite"):
        near_pd(np.array([[1.0, np.nan], [np.nan, 1.0]]))
    with pytest.raises(ConfigError, match="eig_tol"):
        near_pd(A1, eig_tol=-1.0)
    with pytest.raises(ConfigError, match="conv_norm"):
        near_pd(A1, conv_norm="max")  # type: ignore[arg-type]
    with pytest.raises(EstimationError, match="negative semi-definite"):
        near_pd(-np.eye(3))
    with pytest.warns(NumericalWarning, match="did not converge"):
        near_pd(A3, corr=True, maxit=3)

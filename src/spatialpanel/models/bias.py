"""Elhorst's implementation of the Lee & Yu (2010) bias correction for the direct approach.

Exactly what J. P. Elhorst's ``sar_panel_FE`` / ``sem_panel_FE`` do with ``info.bc = 1``:

- entity effects: σ²_bc = T/(T-1) · σ̂² (coefficients and δ unchanged);
- time effects: σ²_bc = N/(N-1) · σ̂²;
- two-way effects: θ_bc = θ̂ + (I(θ̂)/NT)⁻¹ · [0, …, 0, 1/(1-δ̂), 1/(2σ̂²)]' / N with θ = (β, δ, σ²)
  and I the analytic information matrix, then σ²_bc = T/(T-1) · (σ² entry of θ_bc).

Standard errors are then taken from the information matrix at θ_bc (done by the caller).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["elhorst_correction"]


def elhorst_correction(
    *,
    effects: str,
    coef: NDArray[np.float64],
    delta: float,
    sigma2: float,
    info: NDArray[np.float64],
    n: int,
    t: int,
) -> tuple[NDArray[np.float64], float, float]:
    """Return the corrected ``(coef, δ, σ²)``; ``info`` is the information matrix at the ML
    estimate in the order (coef, δ, σ²)."""
    if effects == "entity":
        return coef.copy(), delta, sigma2 * t / (t - 1)
    if effects == "time":
        return coef.copy(), delta, sigma2 * n / (n - 1)
    k = coef.size
    theta = np.concatenate([coef, [delta, sigma2]])
    c = np.zeros(k + 2)
    c[k] = 1.0 / (1.0 - delta)
    c[k + 1] = 1.0 / (2.0 * sigma2)
    theta_bc = theta + np.linalg.solve(info / (n * t), c) / n
    return theta_bc[:k], float(theta_bc[k]), float(t / (t - 1) * theta_bc[k + 1])

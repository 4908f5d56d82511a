"""From a labelled panel to the engine's arrays — the one place where names become positions.

Validation happens here, once, through the one panel converter
(``spatialpanel.autocorr._panel.panel_block``: the (entity, time) MultiIndex, balance,
missing values, the match between the data's regions and the weights' ids). Arrays are
time-major: a variable is ``(T, N)``, regions in the order in which they first appear in the
data, periods sorted.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.autocorr._panel import panel_block
from spatialpanel.errors import DataError, EstimationError, NumericalWarning, WeightsError
from spatialpanel.linalg.within import demean, spatial_lag
from spatialpanel.models.spec import ModelSpec
from spatialpanel.weights.core import SpatialWeights

__all__ = [
    "PanelArrays",
    "check_columns",
    "check_design",
    "check_identified",
    "check_residual_variance",
    "panel_arrays",
    "to_series",
]


@dataclass(frozen=True, eq=False)
class PanelArrays:
    """Time-major arrays of one balanced panel, with W in the data's region order.

    ``y`` is ``(T, N)``; ``z`` is ``(T, N, k)`` with the raw regressors of ``spec.coef_names``
    (const, x, then W·x computed from the raw x).
    """

    y: NDArray[np.float64]
    z: NDArray[np.float64]
    w: SpatialWeights
    entities: pd.Index
    periods: pd.Index
    index: pd.MultiIndex

    @property
    def n(self) -> int:
        """Number of regions N."""
        return int(self.y.shape[1])

    @property
    def t(self) -> int:
        """Number of periods T."""
        return int(self.y.shape[0])

    @property
    def wmat(self) -> sps.csr_array:
        """The weights matrix in the data's region order."""
        return self.w.sparse


def panel_arrays(data: pd.DataFrame, w: SpatialWeights, spec: ModelSpec) -> PanelArrays:
    """Validate ``data`` and turn it into time-major arrays (see :class:`PanelArrays`).

    The validation and the messages are those of the one panel converter,
    ``spatialpanel.autocorr._panel.panel_block``; regions in the data's order.
    """
    block = panel_block(data, columns={"y": [spec.y], "x": list(spec.x)}, w=w, order="data")
    entities, periods = block.entities, block.periods
    t, n = len(periods), len(entities)
    if w.transform == "row" and w.islands:
        raise WeightsError(
            f"w has zero rows (regions {list(w.islands)[:10]} without neighbours) under "
            "row-standardisation; link them or drop them before estimating."
        )
    if t < 2 and spec.effects in ("entity", "twoway", "random"):
        raise DataError(f"effects={spec.effects!r} needs at least two periods; got T = {t}.")
    wo = w.reordered(entities)
    arr = block.values
    _check_scaling(arr.reshape(-1, arr.shape[2]), list(block.columns))
    y = np.ascontiguousarray(arr[:, :, 0])
    x = arr[:, :, 1:]
    parts = []
    if spec.has_constant:
        parts.append(np.ones((t, n, 1)))
    parts.append(x)
    if spec.durbin:
        pos = [spec.x.index(d) for d in spec.durbin]
        parts.append(spatial_lag(wo.sparse, np.ascontiguousarray(x[:, :, pos])))
    z = np.concatenate(parts, axis=2)
    index = pd.MultiIndex.from_arrays(
        [np.tile(entities.to_numpy(), t), np.repeat(periods.to_numpy(), n)],
        names=data.index.names,
    )
    return PanelArrays(y=y, z=z, w=wo, entities=entities, periods=periods, index=index)


def to_series(
    values: NDArray[np.float64], arrays: PanelArrays, like: pd.Index, name: str
) -> pd.Series:
    """A ``(T, N)`` array as a Series with the data's MultiIndex (in the data's row order)."""
    s = pd.Series(np.asarray(values, dtype=float).ravel(), index=arrays.index, name=name)
    return s.reindex(like)


def _check_scaling(values: NDArray[np.float64], names: list[str]) -> None:
    """Warn when y and the regressors live on very different scales (ratio of standard deviations
    above 1e6, or magnitudes above 1e9): the estimates stay correct, but digits are lost."""
    warn_scaling(values.std(axis=0), np.abs(values).max(axis=0), names)


def warn_scaling(sd: NDArray[np.float64], big: NDArray[np.float64], names: Sequence[str]) -> None:
    """The scaling warning from each column's standard deviation ``sd`` and largest magnitude
    ``big`` (shared by the in-memory and the chunked estimators)."""
    ok = sd > 0
    if ok.sum() < 2 and not np.any(big > 1e9):
        return
    hi = int(np.argmax(np.where(ok, sd, -np.inf)))
    lo = int(np.argmin(np.where(ok, sd, np.inf)))
    if sd[hi] / sd[lo] > 1e6 or np.any(big > 1e9):
        warnings.warn(
            f"the variables are on very different scales: {names[hi]!r} has standard deviation "
            f"{sd[hi]:.3g}, {names[lo]!r} {sd[lo]:.3g} (largest magnitude {big.max():.3g}). "
            "Rescale them (e.g. thousands instead of units, or logs) to keep numerical precision.",
            NumericalWarning,
            stacklevel=5,
        )


def check_design(
    raw: NDArray[np.float64], transformed: NDArray[np.float64], names: tuple[str, ...], effects: str
) -> None:
    """Refuse regressors absorbed by the fixed effects and (near-)collinear designs, by name.

    ``raw`` and ``transformed`` are ``(n, k)``: the regressors before and after the within
    transformation.
    """
    scale = np.sqrt(np.sum((raw - raw.mean(axis=0)) ** 2, axis=0)) + np.abs(raw).max(axis=0)
    check_columns(transformed, scale, names, effects)


def check_columns(
    z: NDArray[np.float64], scale: NDArray[np.float64], names: tuple[str, ...], effects: str
) -> None:
    """The checks of :func:`check_design` on any matrix with the column space geometry of the
    transformed design (the design itself, or a triangular factor of it): a column whose norm
    is below 1e-10 of its raw ``scale`` is absorbed by the effects; a condition number above
    1e10 names the columns that the others reproduce."""
    absorbed_by = {
        "entity": "the entity fixed effects (it does not vary over time within regions)",
        "time": "the time fixed effects (it does not vary across regions within periods)",
        "twoway": "the two-way fixed effects (it varies only by region or only by period)",
    }
    norm = np.sqrt(np.sum(z**2, axis=0))
    for j, name in enumerate(names):
        if norm[j] <= 1e-10 * max(scale[j], 1e-300):
            why = absorbed_by.get(effects, "a constant")
            raise EstimationError(
                f"regressor {name!r} is absorbed by {why}; drop it from x (or durbin) or change "
                "effects."
            )
    zs = z / norm
    sv = np.linalg.svd(zs, compute_uv=False)
    cond = float(sv[0] / sv[-1]) if sv[-1] > 0 else np.inf
    if cond > 1e10:
        culprits = []
        for j, name in enumerate(names):
            others = np.delete(zs, j, axis=1)
            if others.shape[1] == 0:
                continue
            coef, *_ = np.linalg.lstsq(others, zs[:, j], rcond=None)
            r = zs[:, j] - others @ coef
            if float(r @ r) < 1e-16:
                culprits.append(name)
        raise EstimationError(
            f"the regressors are (nearly) collinear after the {effects} transformation "
            f"(condition number {cond:.3g}); involved: {culprits or list(names)}. Drop one of them."
        )


#: Relative size below which a residual counts as zero (rounding of the transformed data).
DEGENERATE_TOL = 1e-10


def check_identified(
    lagged: NDArray[np.float64],
    basis: NDArray[np.float64],
    *,
    param: str,
    y: str,
    effects: str,
) -> None:
    """Refuse a spatial parameter that the data cannot identify, by name.

    ``lagged`` ``(n, m)`` holds the spatially lagged columns after the effects (W·y for a lag
    model; W·y and W·Z for an error model), ``basis`` ``(n, p)`` the columns they would have to
    differ from (y and the regressors after the effects). When every lagged column is a linear
    combination of the basis (relative residual below ``DEGENERATE_TOL``), some value of the
    spatial parameter fits the data exactly: σ² → 0, the likelihood has no interior maximum and
    the reported ρ/λ would be its bound with a z of 1e8. It happens with two regions, or with a
    W that links every region to every other, combined with time effects (then W acts on the
    time-demeaned data as −1/(N − 1)).
    """
    scale = max(float(np.linalg.norm(basis)), 1e-300)
    coef, *_ = np.linalg.lstsq(basis, lagged, rcond=None)
    resid = lagged - basis @ coef
    norms = np.linalg.norm(lagged, axis=0)
    rel = np.linalg.norm(resid, axis=0) / np.maximum(norms, DEGENERATE_TOL * scale)
    if np.all(rel <= DEGENERATE_TOL) or np.all(norms <= DEGENERATE_TOL * scale):
        raise EstimationError(
            f"the spatial parameter {param} is not identified: after the {effects} effects, "
            f"W·{y} is an exact linear combination of {y!r} and the regressors, so some {param} "
            "fits the data exactly (σ² → 0; the estimate would sit on its bound with a "
            "meaningless z). This happens with two regions, or a W linking every region to "
            "every other, combined with time effects. Use effects='entity' or 'pooled', more "
            "regions, or a W that does not link every pair of regions."
        )


def check_residual_variance(
    resid: NDArray[np.float64], y: NDArray[np.float64], *, model: str, name: str
) -> None:
    """Refuse a fit without residual variance relative to the data's scale, by name.

    ``resid`` and ``y`` are the residuals and the dependent variable in the same (transformed)
    space; a residual sum of squares below ``DEGENERATE_TOL²`` of y's total sum of squares is
    rounding noise (R² = 1): every standard error, test and star would be computed from it.
    """
    yc = y - y.mean()
    tss = float(yc @ yc)
    ssr = float(resid @ resid)
    if not ssr > DEGENERATE_TOL**2 * tss or tss == 0.0:
        detail = "y does not vary" if tss == 0.0 else f"residual SS {ssr:.3g} of {tss:.3g}"
        raise EstimationError(
            f"the {model} of {name!r} leaves no residual variance ({detail}, relative to the "
            f"data's scale): {name!r} is an exact function of the regressors and the effects, "
            "so the variance, the standard errors and every test would be rounding noise. "
            f"Check that {name!r} is not built from the regressors, and the effects."
        )


def within(a: NDArray[np.float64], effects: str) -> NDArray[np.float64]:
    """The within transformation of a ``(T, N[, k])`` array (identity for pooled/random)."""
    if effects in ("pooled", "random"):
        return np.array(a, dtype=float, copy=True)
    return demean(a, effects)  # type: ignore[arg-type]

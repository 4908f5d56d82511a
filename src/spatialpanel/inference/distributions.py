"""Tail probabilities of the normal, χ² and Student t distributions, without ``scipy.stats``.

Every p-value the package reports comes from these four functions. Each one calls the
:mod:`scipy.special` ufunc that ``scipy.stats`` itself calls for it (``norm._sf`` is
``ndtr(-x)``, ``norm._cdf`` is ``ndtr(x)``, ``chi2._sf`` is ``chdtrc(df, x)``, ``t._sf`` is
``stdtr(df, -x)``; ``scipy/stats/_continuous_distns.py``) and wraps it in the same handling of
the edges as ``rv_continuous.sf``/``cdf`` (``scipy/stats/_distn_infrastructure.py``):

- ``x`` at or below the lower end of the support (``-inf``; 0 for χ²) gives 1 for a survival
  function and 0 for a distribution function, ``x = +inf`` the opposite;
- ``x = nan``, or a degrees-of-freedom that is not positive (0, negative, NaN), gives NaN;
- the result is ``float64`` (float32 and integer input are promoted), an array for array input
  (a pandas Series becomes a plain array) and a NumPy scalar (``numpy.float64``) for scalar input.

The results are therefore those of ``scipy.stats`` bit for bit (``tests/test_distributions.py``
checks this on grids), while importing ``scipy.stats`` (about 0.6 s of CPU, most of it in
``scipy.stats._stats_py``, on every ``spatialpanel run``) is avoided. This module imports only
NumPy and :mod:`scipy.special`, so every part of the package (``autocorr``, ``models``,
``disparity``, ``inference``, ``study``) may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

if TYPE_CHECKING:
    import pandas as pd

    _Array = NDArray[Any] | pd.Series[Any]

__all__ = ["chi2_sf", "norm_cdf", "norm_sf", "t_sf"]


def _evaluate(
    kernel: Callable[..., NDArray[np.float64]],
    x: ArrayLike,
    *shapes: ArrayLike,
    lower: float,
    at_lower: float,
    at_upper: float,
) -> np.float64 | NDArray[np.float64]:
    """Evaluate ``kernel`` inside the support, the fixed values at its ends, NaN where invalid.

    The steps of ``rv_continuous.sf``/``cdf`` (standard location and scale): promote ``x`` to at
    least float64; the shape parameters are valid where positive; ``x`` at or below ``lower``
    gives ``at_lower``, ``x = +inf`` gives ``at_upper``, and the kernel is called only on the
    valid points strictly inside ``(lower, inf)``, as scipy calls it.
    """
    values = np.asarray(x)
    values = np.asarray(values, dtype=np.promote_types(values.dtype, np.float64))
    params = [np.asarray(p) for p in shapes]
    valid: NDArray[np.bool_] = np.ones((), dtype=bool)
    for p in params:
        valid = valid & (p > 0)
    inside = valid & (values > lower) & (values < np.inf)
    out = np.zeros(inside.shape, dtype=values.dtype)
    shape = out.shape
    out[np.broadcast_to(~valid | np.isnan(values), shape)] = np.nan
    out[np.broadcast_to(valid & (values <= lower), shape)] = at_lower
    out[np.broadcast_to(valid & (values == np.inf), shape)] = at_upper
    if inside.any():
        out[inside] = kernel(*(np.broadcast_to(a, shape)[inside] for a in (values, *params)))
    if out.ndim == 0:
        return cast("np.float64", out[()])
    return out


@overload
def norm_sf(x: float) -> np.float64: ...
@overload
def norm_sf(x: _Array) -> NDArray[np.float64]: ...
def norm_sf(x: ArrayLike) -> np.float64 | NDArray[np.float64]:
    """Upper tail ``P(Z > x)`` of the standard normal distribution, as ``scipy.stats.norm.sf``.

    Parameters
    ----------
    x : float or array_like
        Quantiles.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``ndtr(-x)``: 1 at ``-inf``, 0 at ``+inf``, NaN at NaN; a scalar for scalar (and 0-d)
        input, a float64 array otherwise.
    """
    return _evaluate(_ndtr_negated, x, lower=-np.inf, at_lower=1.0, at_upper=0.0)


@overload
def norm_cdf(x: float) -> np.float64: ...
@overload
def norm_cdf(x: _Array) -> NDArray[np.float64]: ...
def norm_cdf(x: ArrayLike) -> np.float64 | NDArray[np.float64]:
    """Lower tail ``P(Z ≤ x)`` of the standard normal distribution, as ``scipy.stats.norm.cdf``.

    Parameters
    ----------
    x : float or array_like
        Quantiles.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``ndtr(x)``: 0 at ``-inf``, 1 at ``+inf``, NaN at NaN; a scalar for scalar (and 0-d)
        input, a float64 array otherwise.
    """
    return _evaluate(special.ndtr, x, lower=-np.inf, at_lower=0.0, at_upper=1.0)


@overload
def chi2_sf(x: float, df: float) -> np.float64: ...
@overload
def chi2_sf(x: _Array, df: float | _Array) -> NDArray[np.float64]: ...
@overload
def chi2_sf(x: float, df: _Array) -> NDArray[np.float64]: ...
def chi2_sf(x: ArrayLike, df: ArrayLike) -> np.float64 | NDArray[np.float64]:
    """Upper tail ``P(χ²_df > x)``, as ``scipy.stats.chi2.sf(x, df)``.

    Parameters
    ----------
    x : float or array_like
        Statistics; broadcast against ``df``.
    df : float or array_like
        Degrees of freedom (positive; need not be an integer).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``chdtrc(df, x)``; 1 for ``x ≤ 0`` (a negative statistic lies below the support), 0 at
        ``+inf``, NaN where ``x`` is NaN or ``df`` is not positive.
    """
    return _evaluate(_chdtrc, x, df, lower=0.0, at_lower=1.0, at_upper=0.0)


@overload
def t_sf(x: float, df: float) -> np.float64: ...
@overload
def t_sf(x: _Array, df: float | _Array) -> NDArray[np.float64]: ...
@overload
def t_sf(x: float, df: _Array) -> NDArray[np.float64]: ...
def t_sf(x: ArrayLike, df: ArrayLike) -> np.float64 | NDArray[np.float64]:
    """Upper tail ``P(T_df > x)`` of Student's t, as ``scipy.stats.t.sf(x, df)``.

    Parameters
    ----------
    x : float or array_like
        Quantiles; broadcast against ``df``.
    df : float or array_like
        Degrees of freedom (positive; ``inf`` is the normal limit, as in scipy).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``stdtr(df, -x)``; 1 at ``-inf``, 0 at ``+inf``, NaN where ``x`` is NaN or ``df`` is not
        positive.
    """
    return _evaluate(_stdtr_upper, x, df, lower=-np.inf, at_lower=1.0, at_upper=0.0)


def _ndtr_negated(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``norm._sf``: ``ndtr(-x)``."""
    result: NDArray[np.float64] = special.ndtr(-x)
    return result


def _chdtrc(x: NDArray[np.float64], df: NDArray[Any]) -> NDArray[np.float64]:
    """``chi2._sf``: ``chdtrc(df, x)``."""
    result: NDArray[np.float64] = special.chdtrc(df, x)
    return result


def _stdtr_upper(x: NDArray[np.float64], df: NDArray[Any]) -> NDArray[np.float64]:
    """``t._sf``: ``stdtr(df, -x)``."""
    result: NDArray[np.float64] = special.stdtr(df, -x)
    return result

"""Multi-model tables: SAR | SEM | SDM side by side, and one model under several weight matrices.

Both tables are built from fitted results objects (never refitted here). The regression layout is
the engine's :func:`spatialpanel.models.summary.compare` (coefficients with stars, standard errors
in parentheses, then σ², log-likelihood, R², AIC, BIC, N, the effects and the bias correction);
:func:`spatial_parameters` gives the numbers behind the spatial parameter (ρ or λ) of each fit,
so sentences about it can cite numeric cells rather than starred text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from spatialpanel.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.results import SpatialPanelResults

__all__ = ["comparison_table", "spatial_parameters"]


def _checked(results: Mapping[str, SpatialPanelResults]) -> list[str]:
    names = [str(n) for n in results]
    if not names:
        raise ConfigError(
            "results is empty; pass a mapping of column name -> fitted result, e.g. "
            "{'SAR': sar, 'SEM': sem, 'SDM': sdm}."
        )
    return names


def comparison_table(
    results: Mapping[str, SpatialPanelResults], *, digits: int = 4
) -> pd.DataFrame:
    """Fits side by side, one column per entry of ``results`` (in its order).

    Parameters
    ----------
    results
        Column name -> fitted result, e.g. ``{"SAR": sar, "SEM": sem, "SDM": sdm}`` or
        ``{"contiguity": fit_c, "nested": fit_n}`` for a robustness table.
    digits
        Decimals of coefficients and standard errors.

    Returns
    -------
    pandas.DataFrame
        Text cells with a (term, statistic) row index: ``coef`` with stars (*** p < 0.01,
        ** p < 0.05, * p < 0.1, two-sided normal p) and ``se`` in parentheses for each parameter
        (regressors, their W·x lags, then ρ or λ), then ``sigma2``, ``loglik``, ``r2``, ``aic``,
        ``bic``, ``nobs``, ``effects`` and ``bias_correction``. Cells of parameters a model does
        not have are empty strings.
    """
    from spatialpanel.models.summary import compare

    names = _checked(results)
    table = compare(*results.values(), names=names, digits=digits)
    table.columns = pd.Index(names, name="model")
    return table


def spatial_parameters(results: Mapping[str, SpatialPanelResults]) -> pd.DataFrame:
    """The spatial parameter of each fit: name, estimate, se, z and two-sided p.

    Rows are the keys of ``results`` (index name ``fit``); fits without a spatial parameter
    (SLX) get ``parameter = ""`` and NaN numbers.
    """
    names = _checked(results)
    rows = []
    for res in results.values():
        sp = res.spec.spatial_name
        if sp and sp in res.params.index:
            rows.append(
                (
                    sp,
                    float(res.params[sp]),
                    float(res.std_errors[sp]),
                    float(res.zvalues[sp]),
                    float(res.pvalues[sp]),
                )
            )
        else:
            rows.append(("", math.nan, math.nan, math.nan, math.nan))
    return pd.DataFrame(
        rows,
        columns=["parameter", "estimate", "se", "z", "p"],
        index=pd.Index(names, name="fit"),
    )

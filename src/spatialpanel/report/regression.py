"""Journal-style regression tables: the numeric payload the stages save, and the reader's frame.

The **payload** (a table of kind ``"regression"`` in ``stages.json``; its CSV and sheet are the
full numeric detail) is a numeric frame:

* rows: a two-level index ``(part, term)``. ``part = "coef"`` rows are parameters (``term`` is
  the parameter's identifier: ``uri``, ``W*uri``, ``rho``, ``lambda``, ``cp(t-1)``,
  ``W*cp(t-1)``, ``const``); ``part = "stat"`` rows are statistics of the fit, ``term`` one of
  :data:`STATISTICS` (``n_entities``, ``n_periods``, ``nobs``, ``effects``,
  ``bias_correction``, ``r2``, ``loglik``, ``aic``, ``bic``, ``sigma2``). A one-level index means
  every row is a parameter (the effects tables: one row per variable).
* columns: a MultiIndex whose last level, ``statistic``, is ``coef`` (or ``estimate``), ``se``,
  ``z`` and ``p`` (two-sided), and whose upper levels name the printed columns: fits (``SAR``,
  ``SDM``, a weights matrix), equations (``Main``, ``W·x``) or effects (``direct``,
  ``indirect``, ``total``).
* statistic rows hold their value in the ``coef`` column of each fit (other cells NaN);
  ``effects`` and ``bias_correction`` hold the settings' identifiers (``twoway``, ``elhorst``).

:func:`regression_frame` builds the payload from fitted results; :func:`report_frame` turns a
payload into the frame of a :class:`~spatialpanel.report.document.ReportTable` of kind
``"regression"`` (labels instead of identifiers, rows tagged with their role), given a labelling
function from localisation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from spatialpanel.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.results import SpatialPanelResults

__all__ = [
    "PRINTED_STATISTICS",
    "STATISTICS",
    "is_regression_payload",
    "regression_frame",
    "report_frame",
]

#: Statistic rows of a payload and how they print (role of the reader's frame).
STATISTICS: dict[str, Literal["count", "stat", "text"]] = {
    "n_entities": "count",
    "n_periods": "count",
    "nobs": "count",
    "effects": "text",
    "bias_correction": "text",
    "r2": "stat",
    "loglik": "stat",
    "aic": "stat",
    "bic": "stat",
    "sigma2": "stat",
}
#: The statistic rows a printed regression table shows, in this order (BIC and σ² stay in the
#: CSV and the workbook).
PRINTED_STATISTICS: tuple[str, ...] = (
    "n_entities",
    "n_periods",
    "nobs",
    "effects",
    "bias_correction",
    "r2",
    "loglik",
    "aic",
)
_ESTIMATE = ("coef", "estimate")
_STATS = ("coef", "se", "z", "p")


def _order(results: Mapping[str, Any]) -> list[str]:
    """Parameters of all fits: lags, constant, regressors, W·x, then ρ/λ (first seen first)."""
    seen: list[str] = []
    for res in results.values():
        for name in res.params.index:
            if str(name) not in seen:
                seen.append(str(name))
    spatial = [n for n in seen if n in ("rho", "lambda")]
    lags = [n for n in seen if n.endswith("(t-1)")]
    rest = [n for n in seen if n not in spatial and n not in lags]
    const = [n for n in rest if n == "const"]
    main = [n for n in rest if not n.startswith("W*") and n != "const"]
    wx = [n for n in rest if n.startswith("W*")]
    return [*lags, *const, *main, *wx, *spatial]


def _fit_values(res: Any) -> dict[str, Any]:
    stats = res.fit_stats()
    out: dict[str, Any] = {k: stats.get(k) for k in STATISTICS}
    out["aic"], out["bic"] = float(res.aic), float(res.bic)
    return out


def regression_frame(results: Mapping[str, Any], *, equations: bool = False) -> pd.DataFrame:
    """The numeric payload of a regression table (see the module docstring) from fitted results.

    Parameters
    ----------
    results
        Column name -> fitted :class:`~spatialpanel.models.results.SpatialPanelResults`, in the
        order of the columns (``{"SAR": sar, "SEM": sem, "SDM": sdm}``, or one fit per weights
        matrix).
    equations
        With a single fit: two columns, ``Main`` (the regressors, lags and ρ/λ) and ``W·x``
        (each ``W*x`` on the row of ``x``), as the paper's Table 7 prints a spatial Durbin model.

    Returns
    -------
    pandas.DataFrame
        Rows ``(part, term)``, columns ``(model, statistic)`` with statistics ``coef``, ``se``,
        ``z``, ``p``; statistic rows after the parameters.
    """
    if not results:
        raise ConfigError(
            "results is empty; pass a mapping of column name -> fitted result, e.g. "
            "{'SAR': sar, 'SEM': sem, 'SDM': sdm}."
        )
    if equations and len(results) != 1:
        raise ConfigError(
            f"equations=True lays out one fit as Main and W·x columns; got {len(results)} fits."
        )
    fits: dict[str, SpatialPanelResults] = dict(results)
    order = _order(fits)
    if equations:
        res = next(iter(fits.values()))
        main = [n for n in order if not n.startswith("W*")]
        rows = main + [n[2:] for n in order if n.startswith("W*") and n[2:] not in main]
        columns = {"Main": (res, ""), "W·x": (res, "W*")}
    else:
        rows = order
        columns = {str(k): (r, "") for k, r in fits.items()}
    data: dict[tuple[str, str], list[Any]] = {}
    for col, (res, prefix) in columns.items():
        series = {
            "coef": res.params,
            "se": res.std_errors,
            "z": res.zvalues,
            "p": res.pvalues,
        }
        for stat, values in series.items():
            data[(col, stat)] = [
                float(values[prefix + n]) if prefix + n in values.index else math.nan for n in rows
            ]
        # statistic rows belong to the fit: in the Main column, blank under W·x
        fit = _fit_values(res) if prefix == "" else {}
        for stat in _STATS:
            data[(col, stat)] += [
                fit.get(k, math.nan) if stat == "coef" else math.nan for k in STATISTICS
            ]
    index = pd.MultiIndex.from_tuples(
        [("coef", n) for n in rows] + [("stat", k) for k in STATISTICS], names=["part", "term"]
    )
    frame = pd.DataFrame(data, index=index)
    frame.columns = pd.MultiIndex.from_tuples(list(data), names=["model", "statistic"])
    return frame


def is_regression_payload(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` has the payload layout: an estimate, se, z and p under every column."""
    if not isinstance(frame.columns, pd.MultiIndex):
        return False
    stats = {str(c[-1]) for c in frame.columns}
    return bool(stats & set(_ESTIMATE)) and {"p"} <= stats and bool(stats & {"se", "z"})


Labeller = Callable[[str, str], str]


def report_frame(
    payload: pd.DataFrame,
    *,
    label: Labeller,
    printed: tuple[str, ...] = PRINTED_STATISTICS,
) -> pd.DataFrame:
    """The reader's frame of a regression table (``ReportTable.kind == "regression"``).

    Parameters
    ----------
    payload
        A frame in the payload layout (one- or two-level row index).
    label
        ``label(kind, identifier) -> reader text`` for ``kind`` in ``"term"`` (a parameter,
        e.g. ``W*uri``), ``"stat"`` (a statistic row, e.g. ``nobs``), ``"value"`` (a text
        statistic's value, e.g. ``twoway``) and ``"column"`` (a column header, e.g. ``SDM``).
    printed
        The statistic rows to show, in order (those absent from the payload are skipped, and so
        are rows blank in every column).
    """
    if not is_regression_payload(payload):
        raise ConfigError(
            "a regression table needs columns (..., statistic) with coef/estimate, se or z, and "
            f"p; got columns {list(payload.columns)[:6]}."
        )
    two_level = payload.index.nlevels == 2
    parts = payload.index.get_level_values(0) if two_level else ["coef"] * len(payload)
    terms = payload.index.get_level_values(-1)
    groups: list[tuple[Hashable, ...]] = []
    for col in payload.columns:
        group = tuple(col)[:-1]
        if group not in groups:
            groups.append(group)
    cols = [
        (*(label("column", str(g)) for g in group), stat)
        for group in groups
        for stat in ("estimate", "se", "z", "p")
    ]
    rows: list[tuple[str, str]] = []
    body: list[list[Any]] = []

    arrays: dict[tuple[Hashable, ...], Any] = {}  # each column read once, not cell by cell

    def column(key: tuple[Hashable, ...]) -> Any:
        if key not in arrays:
            arrays[key] = payload[key].to_numpy() if key in payload.columns else None
        return arrays[key]

    def cell(group: tuple[Hashable, ...], stat: str, i: int) -> Any:
        names = [*_ESTIMATE] if stat == "estimate" else [stat]
        for name in names:
            values = column((*group, name))
            if values is not None:
                return values[i]
        if stat == "z":  # a payload without z: the ratio of estimate and se
            est, se = _num(cell(group, "estimate", i)), _num(cell(group, "se", i))
            return est / se if se and not math.isnan(se) else math.nan
        return math.nan

    for i, (part, term) in enumerate(zip(parts, terms, strict=True)):
        if str(part) == "coef":
            rows.append(("coef", label("term", str(term))))
            body.append([cell(g, s, i) for g in groups for s in ("estimate", "se", "z", "p")])
    stat_rows = {
        str(t): i for i, (p, t) in enumerate(zip(parts, terms, strict=True)) if p == "stat"
    }
    for name in printed:
        if name not in stat_rows:
            continue
        i = stat_rows[name]
        role = STATISTICS.get(name, "stat")
        values = [cell(g, "estimate", i) for g in groups]
        if all(_blank(v) for v in values):
            continue
        if role == "text":
            values = [v if _blank(v) else label("value", str(v)) for v in values]
        rows.append((role, label("stat", name)))
        body.append([x for v in values for x in (v, math.nan, math.nan, math.nan)])
    frame = pd.DataFrame(
        body,
        index=pd.MultiIndex.from_tuples(rows, names=["role", "row"]),
        columns=pd.MultiIndex.from_tuples(cols),
        dtype=object,
    )
    return frame


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and value.strip() in ("", "nan")


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan

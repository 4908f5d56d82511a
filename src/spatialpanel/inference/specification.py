"""A specification curve: the core regressor's effect under every defensible specification.

A specification curve (Simonsohn, Simmons & Nelson 2020) fits the same question under every
combination of defensible analytic choices and shows the whole distribution of the estimate of
interest instead of one chosen fit. Here the choices are the index weighting method (which
changes the composite-index variables of the model), the spatial weights matrix, the model kind
(SAR, SEM, SDM, SDEM, SLX) and the fixed effects.

:func:`specification_curve` fits every combination through
:func:`spatialpanel.parallel.run_many`, serially or on a Dask cluster; every fit runs under the
BLAS thread policy of :mod:`spatialpanel.threads`, with the caller's sparse factorisation
backend (see :func:`~spatialpanel.parallel.run_many`), and the effects use the delta method (no
random draws), so the table is bit for bit the same on every backend. A fit that fails is kept
as a row with ``converged = False`` and the error in ``note`` (nothing is dropped); warnings of a
fit are recorded in ``note`` too.

The estimate of interest is the effect of the core regressor ``core``: its **direct** effect
(the average own-region effect, diagonal of the effects matrix; for the SEM and the SLX the
coefficient β itself) and its **total** effect (direct + indirect; the SEM has no spillover, so
its total effect is β). Both come with delta-method standard errors, normal ``1 - alpha``
confidence intervals and two-sided p-values.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, SpatialPanelError, check_option

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.weights.core import SpatialWeights

__all__ = [
    "COLUMNS",
    "FIXED",
    "KINDS",
    "SpecificationTask",
    "curve_shares",
    "fit_specification",
    "specification_curve",
]

KINDS: tuple[str, ...] = ("sar", "sem", "sdm", "sdem", "slx")
EFFECTS: tuple[str, ...] = ("pooled", "entity", "time", "twoway", "random")
#: Fixed-effects specifications (the bias corrections apply to these only).
FIXED: tuple[str, ...] = ("entity", "time", "twoway")
#: The columns of :func:`specification_curve`'s table, in order.
COLUMNS: tuple[str, ...] = (
    "specification",
    "index_weighting",
    "weights",
    "model",
    "fixed_effects",
    "study",
    "direct",
    "direct_se",
    "direct_ci_low",
    "direct_ci_high",
    "direct_p",
    "total",
    "total_se",
    "total_ci_low",
    "total_ci_high",
    "total_p",
    "spatial",
    "loglik",
    "n",
    "converged",
    "note",
)


@dataclass(frozen=True)
class SpecificationTask:
    """One specification: the data of its index weighting, a weights matrix, a model kind and
    fixed effects (what a worker needs to fit it; picklable)."""

    method: str
    weights_name: str
    kind: str
    effects: str
    frame: pd.DataFrame
    w: SpatialWeights
    y: str
    x: tuple[str, ...]
    core: str
    bias_correction: str
    alpha: float


def fit_specification(task: SpecificationTask, seed: int) -> dict[str, Any]:
    """Fit one specification and return its row of the curve's table (without the
    ``specification`` number and the ``study`` flag).

    ``seed`` is unused (the delta method draws nothing); it is the argument
    :func:`~spatialpanel.parallel.run_many` passes.
    """
    from spatialpanel.models.model import SpatialPanelModel

    del seed

    row: dict[str, Any] = {
        "index_weighting": task.method,
        "weights": task.weights_name,
        "model": task.kind,
        "fixed_effects": task.effects,
    }
    bias = task.bias_correction if task.effects in FIXED and task.kind != "slx" else "none"
    nan = float("nan")
    empty = dict.fromkeys(COLUMNS[6:18], nan)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model_cls: Any = SpatialPanelModel
            model = model_cls(
                task.frame,
                y=task.y,
                x=list(task.x),
                w=task.w,
                model=task.kind,
                effects=task.effects,
            )
            res = model.fit(bias_correction=bias)
            eff = res.impacts(method="delta")
        except (SpatialPanelError, np.linalg.LinAlgError, FloatingPointError) as exc:
            return {**row, **empty, "n": len(task.frame), "converged": False, "note": str(exc)}
    z = _normal_quantile(1.0 - task.alpha / 2.0)
    for part in ("direct", "total"):
        est = float(eff.loc[task.core, (part, "estimate")])
        se = float(eff.loc[task.core, (part, "se")])
        row[part] = est
        row[f"{part}_se"] = se
        row[f"{part}_ci_low"] = est - z * se
        row[f"{part}_ci_high"] = est + z * se
        row[f"{part}_p"] = float(eff.loc[task.core, (part, "p")])
    spatial = [p for p in ("rho", "lambda") if p in res.params.index]
    row["spatial"] = float(res.params[spatial[0]]) if spatial else nan
    row["loglik"] = float(res.loglik)
    row["n"] = int(res.nobs)
    ok = all(math.isfinite(row[k]) for k in ("direct", "direct_se", "total", "total_se"))
    row["converged"] = ok
    notes = list(dict.fromkeys(str(w.message) for w in caught))
    if not ok:
        notes.insert(0, "non-finite effect or standard error")
    row["note"] = "; ".join(notes)
    return row


def _normal_quantile(q: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(q))


def specification_curve(
    frames: Mapping[str, pd.DataFrame],
    weights: Mapping[str, SpatialWeights],
    *,
    y: str,
    x: Sequence[str],
    core: str,
    kinds: Sequence[str] = ("sar", "sem", "sdm", "sdem"),
    effects: Sequence[str] = ("entity", "twoway"),
    bias_correction: str = "none",
    alpha: float = 0.05,
    study: tuple[str, str, str, str] | None = None,
    seed: int = 0,
    backend: str = "serial",
    scheduler: str | None = None,
    client: Any | None = None,
) -> pd.DataFrame:
    """Fit every specification and return one row per specification.

    Parameters
    ----------
    frames
        Index weighting method -> the model's data under that method (an (entity, time)
        MultiIndex frame holding ``y`` and ``x``). A study with no composite index among its
        model variables passes one frame.
    weights
        Name -> spatial weights matrix (ids in the frames' entity order).
    y, x, core
        The dependent variable, the regressors and the core regressor (one of ``x``).
    kinds
        Model kinds among ``"sar"``, ``"sem"``, ``"sdm"``, ``"sdem"``, ``"slx"``.
    effects
        Effects among ``"pooled"``, ``"entity"``, ``"time"``, ``"twoway"``, ``"random"``.
    bias_correction
        Applied to the fixed-effects fits with a spatial parameter (``"none"``, ``"elhorst"``,
        ``"transformation"``); the others are fitted without.
    alpha
        Level of the confidence intervals (``1 - alpha``) and of significance.
    study
        ``(method, weights, kind, effects)`` of the study's own specification, flagged in the
        ``study`` column; ``None`` flags none.
    seed, backend, scheduler, client
        Passed to :func:`spatialpanel.parallel.run_many` (``backend="serial"`` or ``"dask"``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: the choices (``index_weighting``, ``weights``, ``model``,
        ``fixed_effects``), ``study`` (the study's own specification), the direct and total
        effect of ``core`` with SE, confidence interval and p-value, the spatial parameter
        (ρ or λ; NaN for the SLX), the log-likelihood, ``n`` (observations), ``converged`` and
        ``note``. Rows in the order methods × weights × kinds × effects.

    Raises
    ------
    ConfigError
        An unknown kind or effects, an empty choice, ``core`` not in ``x``, or a bad backend.
    """
    from spatialpanel.parallel import run_many

    for name, values, allowed in (("kinds", kinds, KINDS), ("effects", effects, EFFECTS)):
        for value in values:
            check_option(name, value, allowed)
    for name, given in (("frames", frames), ("weights", weights), ("kinds", kinds)):
        if len(given) == 0:
            raise ConfigError(f"{name} is empty; give at least one {name[:-1]}.")
    if len(effects) == 0:
        raise ConfigError("effects is empty; give at least one, e.g. ('entity', 'twoway').")
    if core not in x:
        raise ConfigError(f"core={core!r} is not one of the regressors x={list(x)!r}; add it.")
    if not 0.0 < alpha < 1.0:
        raise ConfigError(f"alpha={alpha!r} must lie between 0 and 1, e.g. 0.05.")
    tasks = [
        SpecificationTask(
            method=m,
            weights_name=wn,
            kind=k,
            effects=e,
            frame=frames[m],
            w=weights[wn],
            y=y,
            x=tuple(x),
            core=core,
            bias_correction=bias_correction,
            alpha=float(alpha),
        )
        for m, wn, k, e in itertools.product(frames, weights, kinds, effects)
    ]
    rows = run_many(
        fit_specification,
        tasks,
        seed=seed,
        backend=backend,  # type: ignore[arg-type]
        scheduler=scheduler,
        client=client,
    )
    table = pd.DataFrame(rows)
    table.insert(0, "specification", np.arange(1, len(table) + 1, dtype=np.int64))
    choices = list(zip(*(table[c] for c in COLUMNS[1:5]), strict=True))
    table.insert(5, "study", [tuple(c) == study for c in choices])
    table["n"] = table["n"].astype(np.int64)
    table["converged"] = table["converged"].astype(bool)
    return table[list(COLUMNS)]


def curve_shares(table: pd.DataFrame, *, estimate: str = "direct", alpha: float = 0.05) -> dict:
    """What the curve says about ``estimate`` (``"direct"`` or ``"total"``).

    Returns a dict: ``n`` (specifications), ``converged``, ``reference`` (the study's own
    estimate, NaN without one), ``same_sign_significant`` (the number of converged
    specifications whose estimate has the sign of the study's and ``p < alpha``; without a
    study's specification, the sign of the median), ``share`` (that number over the converged
    ones), ``positive_significant``, ``negative_significant``, ``median``, ``low``, ``high``.
    """
    check_option("estimate", estimate, ("direct", "total"))
    ok = table[table["converged"].astype(bool)]
    values = ok[estimate].to_numpy(dtype=float)
    p = ok[f"{estimate}_p"].to_numpy(dtype=float)
    own = table.loc[table["study"].astype(bool), estimate]
    reference = float(own.iloc[0]) if len(own) else float("nan")
    sign_of = (
        reference if math.isfinite(reference) else float(np.median(values)) if len(values) else 0.0
    )
    sign = 1.0 if sign_of >= 0 else -1.0
    same = int(np.sum((np.sign(values) == sign) & (p < alpha)))
    n_ok = len(ok)
    return {
        "n": len(table),
        "converged": n_ok,
        "reference": reference,
        "sign": int(sign),
        "same_sign_significant": same,
        "share": same / n_ok if n_ok else float("nan"),
        "positive_significant": int(np.sum((values > 0) & (p < alpha))),
        "negative_significant": int(np.sum((values < 0) & (p < alpha))),
        "median": float(np.median(values)) if n_ok else float("nan"),
        "low": float(values.min()) if n_ok else float("nan"),
        "high": float(values.max()) if n_ok else float("nan"),
    }

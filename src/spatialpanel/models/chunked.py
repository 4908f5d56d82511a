"""Fixed-effects spatial panels estimated from Parquet chunk by chunk, for N·T larger than memory.

The concentrated likelihood of the fixed-effects (and pooled) models depends on the data only
through cross-products of the transformed ``[Z*, y*, (Wy)*, (WZ)*]`` (Z the regressors, W·x
included), and on ``ln|I - ρW|``. :class:`ChunkedPanelModel` therefore reads the file in passes
(:mod:`spatialpanel.models.chunked_io`) and never holds more than one period:

1. **scan**: stream record batches; per-region sums (the entity means), per-period counts,
   column statistics; refuse unknown ids, missing values and unbalanced panels.
2. **moments**: one period at a time (W·y needs all N regions of a period together): the within
   transformation in the engine's convention (``Q·(Wy)``, W applied to the raw variables;
   ``lag_convention="demeaned"`` gives ``W·(Qy)``), then the ``p x p`` triangular factor R of
   ``M = [Z*, y*, (Wy)*, (WZ)*]`` (``p = 2k + 2``) is updated by a QR of ``[R; M_t]`` (TSQR:
   ``R'R = M'M`` without forming the squares, so no digits are lost to cancellation).
   Every quantity of the engine's likelihood (OLS residual sums, ``Z'Z``, ``Z_f'Z_f``) is
   invariant under the orthogonal map ``M ↦ R``, so the rows of R are handed to the in-memory
   engine (:func:`spatialpanel.models.engine.fit_fe`) as if they were the data: the estimates
   are the in-memory estimates.
3. **G moments** (SAR/SDM only): with ``G = W(I - ρW)⁻¹`` (the engine's
   :class:`~spatialpanel.models.information.GOperator`, exactly as the in-memory information
   matrix uses it) one more pass per period accumulates the ``k x k`` matrices ``Σ_t Z_t*'GZ_t*``,
   ``Σ_t (GZ_t*)'(GZ_t*)`` and ``Σ_t (1'GZ_t*)'(1'GZ_t*)`` that the information matrix and the
   within R² need. Elhorst's two-way bias correction moves ρ, so it needs this pass twice.

Memory: O(N·k) for one period and the per-region means, O(k²) for the moments, plus what W
needs (its log-determinant and the G operator, as in memory). The moments and checks live in
:mod:`spatialpanel.models.chunked_moments`. Random effects and dynamic models are not available
here (use :class:`~spatialpanel.models.model.SpatialPanelModel`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import (
    ConfigError,
    DataError,
    EstimationError,
    WeightsError,
    check_option,
)
from spatialpanel.linalg.logdet import LogDetMethod, logdet
from spatialpanel.models.bias import elhorst_correction
from spatialpanel.models.chunked_io import (
    PanelScan,
    ReadLog,
    iter_periods,
    open_dataset,
    scan_panel,
)
from spatialpanel.models.chunked_moments import (
    GMoments,
    PeriodTransform,
    accumulate_moments,
    check_design,
    check_scaling,
    g_moments,
    lag_information,
    r2_within,
)
from spatialpanel.models.chunked_results import ChunkedPanelResults, ReadInfo
from spatialpanel.models.engine import FEData, dimensions, fit_fe
from spatialpanel.models.information import covariance_from_information, information_matrix
from spatialpanel.models.spec import (
    BIAS_CORRECTIONS,
    LAG_CONVENTIONS,
    MODELS,
    BiasCorrection,
    LagConvention,
    ModelKind,
    ModelSpec,
    check_degrees_of_freedom,
    regressors,
    require_weights,
)
from spatialpanel.threads import single_blas
from spatialpanel.weights.core import SpatialWeights

__all__ = ["ChunkedPanelModel", "fit_parquet"]

ChunkedEffects = Literal["pooled", "entity", "time", "twoway"]
_EFFECTS: tuple[str, ...] = ("pooled", "entity", "time", "twoway")
_LOGDETS: tuple[str, ...] = ("auto", "eigen", "lu", "chebyshev", "mc")


class ChunkedPanelModel:
    """A static fixed-effects spatial panel estimated from a Parquet file chunk by chunk.

    The estimates, standard errors and effects are those of
    :class:`~spatialpanel.models.model.SpatialPanelModel` on the same data (to rounding), but the
    panel is never held in memory: see the module docstring for the passes and the memory bound.

    Parameters
    ----------
    source
        A Parquet file in the long layout (one row per region-year), or a directory of Parquet
        files (hive partitions such as ``year=2020/`` allowed). Any row order; a file sorted by
        time (or at least with each period's rows together) is read in fewer scans.
    y
        Name of the dependent variable column.
    x
        Names of the regressor columns.
    w
        Spatial weights; the file's region ids (column ``entity``) must be exactly ``w.ids``.
    entity, time
        Names of the region id and period columns.
    model
        ``"sar"``, ``"sem"``, ``"sdm"``, ``"sdem"`` or ``"slx"``.
    effects
        ``"pooled"`` (with intercept), ``"entity"``, ``"time"`` or ``"twoway"`` fixed effects.
    durbin
        Regressors entering as W·x (SDM, SDEM, SLX; default all of ``x``).
    lag_convention
        ``"raw"`` (default, ``Q·(Wy)``) or ``"demeaned"`` (``W·(Qy)``, R splm's convention).
    logdet
        Log-determinant method, as for ``SpatialPanelModel``.
    batch_rows
        Largest record batch decoded at once in the streaming passes.

    Examples
    --------
    >>> model = ChunkedPanelModel("panel.parquet", y="logc", x=["logp", "logy"], w=w,
    ...                           entity="state", time="year", model="sdm")  # doctest: +SKIP
    >>> res = model.fit()  # doctest: +SKIP
    >>> res.impacts(method="delta")  # doctest: +SKIP
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        *,
        y: str,
        x: Sequence[str],
        w: SpatialWeights,
        entity: str,
        time: str,
        model: ModelKind = "sdm",
        effects: ChunkedEffects = "twoway",
        durbin: Sequence[str] | None = None,
        lag_convention: LagConvention = "raw",
        logdet: LogDetMethod = "auto",
        batch_rows: int = 131_072,
    ) -> None:
        if effects == "random":
            raise ConfigError(
                "effects='random' is not available chunk by chunk (its likelihood is not a "
                "function of the within moments); use SpatialPanelModel, or fixed effects."
            )
        check_option("model", model, MODELS)
        check_option("effects", effects, _EFFECTS)
        check_option("lag_convention", lag_convention, LAG_CONVENTIONS)
        check_option("logdet", logdet, _LOGDETS)
        require_weights(w)
        integral = isinstance(batch_rows, int | np.integer) and not isinstance(
            batch_rows, bool | np.bool_
        )
        if not integral or batch_rows < 1:
            raise ConfigError(f"batch_rows={batch_rows!r}; use a positive integer, e.g. 131072.")
        batch_rows = int(batch_rows)
        xs, dur = regressors(y=y, x=x, durbin=durbin, model=model)
        if entity == time:
            raise ConfigError(f"entity and time name the same column {entity!r}; give two columns.")
        for arg, names in (("y", [y]), ("x", list(xs))):
            for name in names:
                if name in (entity, time):
                    raise ConfigError(
                        f"{arg} names {name!r}, the {'entity' if name == entity else 'time'} "
                        "column of the panel; it cannot also be a variable of the model. Copy "
                        "it to a column of another name if you want it as a regressor."
                    )
        self._spec = ModelSpec(
            model=str(model),
            effects=str(effects),
            y=str(y),
            x=xs,
            durbin=dur,
            lag_convention=str(lag_convention),
            logdet=str(logdet),
        )
        self._source = os.fspath(source)
        self._entity, self._time = str(entity), str(time)
        self._w = w
        self._batch_rows = int(batch_rows)
        self._dataset = open_dataset(
            self._source,
            columns={"entity": [self._entity], "time": [self._time], "y": [str(y)], "x": list(xs)},
        )

    @property
    def spec(self) -> ModelSpec:
        """The specification (bias_correction is set by :meth:`fit`)."""
        return self._spec

    @property
    def w(self) -> SpatialWeights:
        """The weights (their id order is the order of every array)."""
        return self._w

    # ------------------------------------------------------------------ passes
    def _periods(self, scan: PanelScan, log: ReadLog) -> Iterator[tuple[int, NDArray[np.float64]]]:
        return iter_periods(
            self._dataset,
            scan,
            entity=self._entity,
            time=self._time,
            values=[self._spec.y, *self._spec.x],
            batch_rows=self._batch_rows,
            log=log,
        )

    @single_blas
    def fit(
        self,
        *,
        bias_correction: BiasCorrection = "none",
        logdet_order: int | None = None,
        seed: int = 0,
    ) -> ChunkedPanelResults:
        """Estimate by maximum likelihood, reading the file in passes.

        Parameters
        ----------
        bias_correction
            ``"none"`` (exact ML), ``"elhorst"`` or ``"transformation"``, as for
            :meth:`SpatialPanelModel.fit <spatialpanel.models.model.SpatialPanelModel.fit>`.
        logdet_order
            Order of the Chebyshev / Monte Carlo log-determinant approximations.
        seed
            Seed of the random probes of the approximate log-determinants.
        """
        check_option("bias_correction", bias_correction, BIAS_CORRECTIONS)
        spec = self._spec.replace(bias_correction=str(bias_correction))
        bc = spec.bias_correction
        if bc != "none" and spec.effects == "pooled":
            raise ConfigError(
                f"bias_correction={bc!r} applies to fixed effects; effects='pooled'. Use "
                "bias_correction='none'."
            )
        if bc != "none" and spec.spatial is None:
            raise ConfigError(
                f"bias_correction={bc!r} corrects the spatial parameter; model='slx' has none. "
                "Use bias_correction='none'."
            )
        w = self._w
        if w.transform == "row" and w.islands:
            raise WeightsError(
                f"w has zero rows (regions {list(w.islands)[:10]} without neighbours) under "
                "row-standardisation; link them or drop them before estimating."
            )
        log = ReadLog()
        names = [spec.y, *spec.x]
        scan = scan_panel(
            self._dataset,
            ids=w.ids,
            entity=self._entity,
            time=self._time,
            values=names,
            batch_rows=self._batch_rows,
            log=log,
        )
        n, t = scan.n, scan.t
        check_degrees_of_freedom(spec, n=n, t=t, argument="source")
        if t < 2 and spec.effects in ("entity", "twoway"):
            raise DataError(f"effects={spec.effects!r} needs at least two periods; got T = {t}.")
        check_scaling(scan, names)
        ld = None
        if spec.spatial is not None:
            ld = logdet(w.sparse, method=spec.logdet, order=logdet_order, seed=seed)  # type: ignore[arg-type]
        tr = PeriodTransform(scan, spec, w.sparse)
        mom = accumulate_moments(self._periods(scan, log), tr, scan)
        k = len(spec.coef_names)
        r = mom.r
        rz, ry, rwy, rwz = r[:, :k], r[:, k], r[:, k + 1], r[:, k + 2 :]
        check_design(rz, mom.scale, spec.coef_names, spec.effects)
        data = FEData(y=ry, wy=rwy, z=rz, wz=rwz)
        dims = dimensions(n, t, spec.effects, bc == "transformation")
        rowstd = bool(np.allclose(w.row_sums, 1.0))
        est = fit_fe(data, spec, ld, dims, row_standardised=rowstd)
        coef, delta, sigma2 = est.coef, est.spatial, est.sigma2
        gcache: dict[float, GMoments] = {}

        def gmom(d: float) -> GMoments:
            if d not in gcache:
                gcache[d] = g_moments(
                    self._periods(scan, log), tr, delta=d, time_adjust=dims.time_adjust
                )
            return gcache[d]

        def info_at(c: NDArray[np.float64], d: float | None, s2: float) -> NDArray[np.float64]:
            if spec.spatial != "lag" or d is None:
                return information_matrix(
                    kind=spec.spatial,
                    z=rz,
                    coef=c,
                    delta=d,
                    sigma2=s2,
                    w=w.sparse,
                    n_periods=t,
                    n_eff=dims.n_eff,
                    t_eff=dims.t_eff,
                    time_adjust=dims.time_adjust,
                    wz=rwz,
                )
            return lag_information(
                rz,
                c,
                d,
                s2,
                gmom(d),
                n=n,
                n_eff=dims.n_eff,
                t_eff=dims.t_eff,
                time_adjust=dims.time_adjust,
            )

        info = info_at(coef, delta, sigma2)
        if bc == "elhorst" and delta is not None:
            coef, delta, sigma2 = elhorst_correction(
                effects=spec.effects, coef=coef, delta=delta, sigma2=sigma2, info=info, n=n, t=t
            )
            info = info_at(coef, delta, sigma2)
        # residual e = y* - δ(Wy)* - Z*β (lag) or (y* - δ(Wy)*) - (Z* - δ(WZ)*)β (error), via R
        d0 = 0.0 if delta is None else float(delta)
        filt = d0 * coef if spec.spatial == "error" else np.zeros(k)
        e = ry - d0 * rwy - rz @ coef + rwz @ filt
        ssr = float(e @ e)
        tss = float(scan.m2[0])
        if not ssr > 1e-20 * max(tss, 1e-300):
            raise EstimationError(
                f"the {spec.model} model fits {spec.y!r} perfectly (σ² ≈ {sigma2:.3g}): y is an "
                "exact function of the regressors and the effects, so the likelihood is unbounded. "
                "Check that y is not built from x."
            )
        r2w = r2_within(mom, rz, ry, coef, gmom(d0) if spec.spatial == "lag" else None, d0, n * t)
        names_full = (*spec.param_names, "sigma2")
        cov_full = covariance_from_information(info, names_full)
        p = len(spec.param_names)
        values = np.concatenate([coef, [delta] if delta is not None else []])
        params = pd.Series(values, index=pd.Index(spec.param_names), name="params")
        if not (np.all(np.isfinite(values)) and np.all(np.isfinite(cov_full))):
            raise EstimationError(
                f"the estimates of the {spec.model} fit are not finite (σ² = {sigma2:.3g}); a "
                "degenerate W or extreme scaling of the data is the usual cause."
            )
        return ChunkedPanelResults(
            spec=spec,
            params=params,
            cov=pd.DataFrame(cov_full[:p, :p], index=params.index, columns=params.index),
            information=pd.DataFrame(info, index=names_full, columns=names_full),
            sigma2=float(sigma2),
            loglik=float(est.loglik),
            nobs=n * t,
            n_entities=n,
            n_periods=t,
            w=w,
            r2=1.0 - ssr / tss,
            r2_within=r2w,
            df_model=p,
            bias_correction=bc,
            logdet_method=ld.method if ld is not None else "none",
            spatial_bounds=est.bounds,
            reads=ReadInfo(
                source=self._source,
                batch_rows=self._batch_rows,
                contiguous=scan.contiguous,
                scans=log.scans,
                batches=log.batches,
                max_batch_rows=log.max_batch_rows,
                max_period_rows=log.max_period_rows,
            ),
        )


def fit_parquet(
    source: str | os.PathLike[str],
    *,
    y: str,
    x: Sequence[str],
    w: SpatialWeights,
    entity: str,
    time: str,
    model: ModelKind = "sdm",
    effects: ChunkedEffects = "twoway",
    durbin: Sequence[str] | None = None,
    lag_convention: LagConvention = "raw",
    logdet: LogDetMethod = "auto",
    batch_rows: int = 131_072,
    bias_correction: BiasCorrection = "none",
    logdet_order: int | None = None,
    seed: int = 0,
) -> ChunkedPanelResults:
    """``ChunkedPanelModel(source, ...).fit(...)`` in one call (see :class:`ChunkedPanelModel`).

    Examples
    --------
    >>> res = fit_parquet("panel.parquet", y="logc", x=["logp", "logy"], w=w,
    ...                   entity="state", time="year", model="sdm")  # doctest: +SKIP
    """
    model_ = ChunkedPanelModel(
        source,
        y=y,
        x=x,
        w=w,
        entity=entity,
        time=time,
        model=model,
        effects=effects,
        durbin=durbin,
        lag_convention=lag_convention,
        logdet=logdet,
        batch_rows=batch_rows,
    )
    return model_.fit(bias_correction=bias_correction, logdet_order=logdet_order, seed=seed)

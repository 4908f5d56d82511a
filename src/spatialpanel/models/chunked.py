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
   :class:`~spatialpanel.models.information.GOperator`, dense up to N = 3,000, sparse LU above)
   one more pass per period accumulates the ``k x k`` matrices ``Σ_t Z_t*'GZ_t*``,
   ``Σ_t (GZ_t*)'(GZ_t*)`` and ``Σ_t (1'GZ_t*)'(1'GZ_t*)`` that the information matrix and the
   within R² need. Elhorst's two-way bias correction moves ρ, so it needs this pass twice.

Memory: O(N·k) for one period and the per-region means, O(k²) for the moments, plus what W
needs (its log-determinant and G: dense N x N up to N = 1,000 / 3,000 as in memory, sparse LU
above). Random effects and dynamic models are not available here (use
:class:`~spatialpanel.models.model.SpatialPanelModel`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.errors import (
    ConfigError,
    DataError,
    EstimationError,
    NumericalWarning,
    WeightsError,
    check_option,
    did_you_mean,
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
from spatialpanel.models.chunked_results import ChunkedPanelResults, ReadInfo
from spatialpanel.models.engine import FEData, dimensions, fit_fe
from spatialpanel.models.information import (
    GOperator,
    covariance_from_information,
    information_matrix,
)
from spatialpanel.models.spec import (
    BIAS_CORRECTIONS,
    LAG_CONVENTIONS,
    MODELS,
    BiasCorrection,
    LagConvention,
    ModelKind,
    ModelSpec,
)
from spatialpanel.weights.core import SpatialWeights

__all__ = ["ChunkedPanelModel", "fit_parquet"]

ChunkedEffects = Literal["pooled", "entity", "time", "twoway"]
_EFFECTS: tuple[str, ...] = ("pooled", "entity", "time", "twoway")
_LOGDETS: tuple[str, ...] = ("auto", "eigen", "lu", "chebyshev", "mc")


@dataclass(frozen=True, eq=False)
class _Moments:
    """Pass 2: the triangular factor ``r`` of ``[Z*, y*, (Wy)*, (WZ)*]``, the column sums of
    y* and Z*, and the raw scale of every regressor (for the design check)."""

    r: NDArray[np.float64]
    sum_y: float
    sum_z: NDArray[np.float64]
    scale: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class _GMoments:
    """Pass 3 at one ρ: G's traces and the k x k moments of Z* and G·Z* (see the module doc)."""

    delta: float
    traces: tuple[float, float, float]
    gt1_sq: float
    zgz: NDArray[np.float64]
    gzgz: NDArray[np.float64]
    sgz_sgz: NDArray[np.float64]
    sum_gz: NDArray[np.float64]
    y_gz: NDArray[np.float64]


class _Transform:
    """The within transformation and spatial lags of one period, in the engine's convention."""

    def __init__(self, scan: PanelScan, spec: ModelSpec, wmat: sps.csr_array) -> None:
        self.spec = spec
        self.w = wmat
        self.dur = [spec.x.index(d) for d in spec.durbin]
        self.entity = spec.effects in ("entity", "twoway")
        self.time = spec.effects in ("time", "twoway")
        means = scan.entity_means
        self.ybar = means[:, 0]
        self.zbar = self.raw_z(means[:, 1:])

    def raw_z(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """``[const, x, W·x_durbin]`` of one period (the engine's regressors before the
        transformation)."""
        parts = [np.ones((x.shape[0], 1))] if self.spec.has_constant else []
        parts.append(x)
        if self.dur:
            parts.append(np.asarray(self.w @ x[:, self.dur], dtype=float))
        return np.concatenate(parts, axis=1)

    def _center(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        return a - a.mean(axis=0) if self.time else a

    def __call__(
        self, vals: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """``(y*, (Wy)*, Z*, (WZ)*)`` of one period, ``vals`` the ``(N, 1 + k_x)`` raw rows."""
        z = self.raw_z(vals[:, 1:])
        uy = vals[:, 0] - self.ybar if self.entity else vals[:, 0]
        uz = z - self.zbar if self.entity else z
        yt, zt = self._center(uy), self._center(uz)
        if self.spec.lag_convention == "raw":
            wyt = self._center(np.asarray(self.w @ uy, dtype=float))
            wzt = self._center(np.asarray(self.w @ uz, dtype=float))
        else:
            wyt = np.asarray(self.w @ yt, dtype=float)
            wzt = np.asarray(self.w @ zt, dtype=float)
        return yt, wyt, zt, wzt


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
        if not isinstance(w, SpatialWeights):
            raise WeightsError(
                f"w must be a spatialpanel SpatialWeights; got {type(w).__name__}. Build it with "
                "SpatialWeights.from_array(matrix, ids=ids)."
            )
        if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
            raise ConfigError(f"batch_rows={batch_rows!r}; use a positive integer, e.g. 131072.")
        xs = (str(x),) if isinstance(x, str) else tuple(str(v) for v in x)
        if not xs and model not in ("sar", "sem"):
            raise ConfigError(f"x is empty; model={model!r} needs at least one regressor.")
        if len(set(xs)) != len(xs) or y in xs:
            raise ConfigError(f"x={list(xs)} repeats a name or contains y={y!r}; list each once.")
        if model in ("sar", "sem"):
            if durbin:
                raise ConfigError(
                    f"durbin={list(durbin)} is given but model={model!r} has no W·x terms; use "
                    "model='sdm' or 'sdem', or drop durbin."
                )
            dur: tuple[str, ...] = ()
        else:
            dur = xs if durbin is None else tuple(str(d) for d in durbin)
            for d in dur:
                if d not in xs:
                    raise ConfigError(
                        f"durbin contains {d!r}, which is not in x={list(xs)}."
                        + did_you_mean(d, xs)
                    )
            if model == "slx" and not dur:
                raise ConfigError("model='slx' needs at least one W·x term; durbin is empty.")
        if entity == time:
            raise ConfigError(f"entity and time name the same column {entity!r}; give two columns.")
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

    def _moments(self, scan: PanelScan, tr: _Transform, log: ReadLog) -> _Moments:
        spec = self._spec
        k = len(spec.coef_names)
        r = np.zeros((0, 2 * k + 2))
        sum_y, sum_z = 0.0, np.zeros(k)
        nd = len(tr.dur)
        # raw W·x columns: mean, sum of squared deviations, largest magnitude (for the scale)
        wx_n, wx_mean, wx_m2, wx_max = 0, np.zeros(nd), np.zeros(nd), np.zeros(nd)
        for _, vals in self._periods(scan, log):
            yt, wyt, zt, wzt = tr(vals)
            m = np.column_stack([zt, yt, wyt, wzt])
            r = np.asarray(np.linalg.qr(np.vstack([r, m]), mode="r"), dtype=float)
            sum_y += float(yt.sum())
            sum_z += zt.sum(axis=0)
            if nd:
                wx = np.asarray(tr.w @ vals[:, 1:][:, tr.dur], dtype=float)
                bmean = wx.mean(axis=0)
                delta = bmean - wx_mean
                nb = wx.shape[0]
                new = wx_n + nb
                wx_mean = wx_mean + delta * (nb / new)
                wx_m2 = wx_m2 + np.sum((wx - bmean) ** 2, axis=0) + delta**2 * (wx_n * nb / new)
                wx_n = new
                wx_max = np.maximum(wx_max, np.abs(wx).max(axis=0))
        x_scale = np.sqrt(scan.m2[1:]) + scan.maxabs[1:]
        scale = np.concatenate(
            [[1.0] if spec.has_constant else [], x_scale, np.sqrt(wx_m2) + wx_max]
        )
        return _Moments(r=r, sum_y=sum_y, sum_z=sum_z, scale=scale)

    def _g_moments(
        self, scan: PanelScan, tr: _Transform, log: ReadLog, delta: float, time_adjust: bool
    ) -> _GMoments:
        k = len(self._spec.coef_names)
        g = GOperator(self._w.sparse, delta)
        gt1_sq = 0.0
        if time_adjust:
            col = g.apply_t(np.ones(scan.n))
            gt1_sq = float(col @ col)
        zgz, gzgz, sgz = np.zeros((k, k)), np.zeros((k, k)), np.zeros((k, k))
        sum_gz, y_gz = np.zeros(k), np.zeros(k)
        for _, vals in self._periods(scan, log):
            yt, _, zt, _ = tr(vals)
            gz = g.apply(zt)
            zgz += zt.T @ gz
            gzgz += gz.T @ gz
            cs = gz.sum(axis=0)
            sgz += np.outer(cs, cs)
            sum_gz += cs
            y_gz += yt @ gz
        return _GMoments(delta, g.traces(), gt1_sq, zgz, gzgz, sgz, sum_gz, y_gz)

    # ------------------------------------------------------------------ fit
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
        if t < 2 and spec.effects in ("entity", "twoway"):
            raise DataError(f"effects={spec.effects!r} needs at least two periods; got T = {t}.")
        _check_scaling(scan, names)
        ld = None
        if spec.spatial is not None:
            ld = logdet(w.sparse, method=spec.logdet, order=logdet_order, seed=seed)  # type: ignore[arg-type]
        tr = _Transform(scan, spec, w.sparse)
        mom = self._moments(scan, tr, log)
        k = len(spec.coef_names)
        r = mom.r
        rz, ry, rwy, rwz = r[:, :k], r[:, k], r[:, k + 1], r[:, k + 2 :]
        _check_design(rz, mom.scale, spec.coef_names, spec.effects)
        data = FEData(y=ry, wy=rwy, z=rz, wz=rwz)
        dims = dimensions(n, t, spec.effects, bc == "transformation")
        rowstd = bool(np.allclose(w.row_sums, 1.0))
        est = fit_fe(data, spec, ld, dims, row_standardised=rowstd)
        coef, delta, sigma2 = est.coef, est.spatial, est.sigma2
        gcache: dict[float, _GMoments] = {}

        def gmom(d: float) -> _GMoments:
            if d not in gcache:
                gcache[d] = self._g_moments(scan, tr, log, d, dims.time_adjust)
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
            return _lag_information(
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
        r2w = _r2_within(mom, rz, ry, coef, gmom(d0) if spec.spatial == "lag" else None, d0, n * t)
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


def _lag_information(
    rz: NDArray[np.float64],
    coef: NDArray[np.float64],
    delta: float,
    sigma2: float,
    gm: _GMoments,
    *,
    n: int,
    n_eff: int,
    t_eff: int,
    time_adjust: bool,
) -> NDArray[np.float64]:
    """The SAR/SDM information matrix of :func:`spatialpanel.models.information
    .information_matrix` from the moments (same formulas, see that module)."""
    k = rz.shape[1]
    tr_g, tr_gg, tr_gtg = gm.traces
    if time_adjust:
        inv = 1.0 / (1.0 - delta)
        tr_g -= inv
        tr_gg -= inv * inv
        tr_gtg -= gm.gt1_sq / n
    out = np.zeros((k + 2, k + 2))
    out[k, k] = t_eff * (tr_gg + tr_gtg)
    out[k, k + 1] = out[k + 1, k] = t_eff * tr_g / sigma2
    out[k + 1, k + 1] = n_eff / (2.0 * sigma2**2)
    out[:k, :k] = rz.T @ rz / sigma2
    cross = gm.zgz @ coef
    quad = float(coef @ gm.gzgz @ coef)
    if time_adjust:
        quad -= float(coef @ gm.sgz_sgz @ coef) / n
    out[:k, k] = out[k, :k] = cross / sigma2
    out[k, k] += quad / sigma2
    return out


def _r2_within(
    mom: _Moments,
    rz: NDArray[np.float64],
    ry: NDArray[np.float64],
    coef: NDArray[np.float64],
    gm: _GMoments | None,
    delta: float,
    nt: int,
) -> float:
    """Squared correlation of y* and its prediction (Z*β, or (I-δW)⁻¹Z*β = Z*β + δGZ*β)."""
    zz = rz.T @ rz
    sum_p = float(mom.sum_z @ coef)
    pp = float(coef @ zz @ coef)
    yp = float((ry @ rz) @ coef)
    if gm is not None:
        sum_p += delta * float(gm.sum_gz @ coef)
        pp += 2.0 * delta * float(coef @ gm.zgz @ coef) + delta**2 * float(coef @ gm.gzgz @ coef)
        yp += delta * float(gm.y_gz @ coef)
    m = mom.sum_y / nt
    yc_pc = yp - m * sum_p - m * mom.sum_y + nt * m * m
    yc_yc = float(ry @ ry) - nt * m * m
    pc_pc = pp - 2.0 * m * sum_p + nt * m * m
    denom = yc_yc * pc_pc
    return float(yc_pc**2 / denom) if denom > 0 else 0.0


def _check_scaling(scan: PanelScan, names: list[str]) -> None:
    """The in-memory engine's scaling warning (standard deviations more than 1e6 apart, or
    magnitudes above 1e9), from the scan's column statistics."""
    sd = np.sqrt(scan.m2 / (scan.n * scan.t))
    big = scan.maxabs
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
            stacklevel=4,
        )


def _check_design(
    rz: NDArray[np.float64], scale: NDArray[np.float64], names: tuple[str, ...], effects: str
) -> None:
    """The engine's design check (:func:`spatialpanel.models.design.check_design`) on the
    triangular factor: column norms, singular values and regressions of one column on the others
    are those of Z*, because R is an orthogonal transform of it."""
    absorbed_by = {
        "entity": "the entity fixed effects (it does not vary over time within regions)",
        "time": "the time fixed effects (it does not vary across regions within periods)",
        "twoway": "the two-way fixed effects (it varies only by region or only by period)",
    }
    norm = np.sqrt(np.sum(rz**2, axis=0))
    for j, name in enumerate(names):
        if norm[j] <= 1e-10 * max(scale[j], 1e-300):
            why = absorbed_by.get(effects, "a constant")
            raise EstimationError(
                f"regressor {name!r} is absorbed by {why}; drop it from x (or durbin) or change "
                "effects."
            )
    zs = rz / norm
    sv = np.linalg.svd(zs, compute_uv=False)
    cond = float(sv[0] / sv[-1]) if sv[-1] > 0 else np.inf
    if cond > 1e10:
        culprits = []
        for j, name in enumerate(names):
            others = np.delete(zs, j, axis=1)
            if others.shape[1] == 0:
                continue
            c, *_ = np.linalg.lstsq(others, zs[:, j], rcond=None)
            res = zs[:, j] - others @ c
            if float(res @ res) < 1e-16:
                culprits.append(name)
        raise EstimationError(
            f"the regressors are (nearly) collinear after the {effects} transformation "
            f"(condition number {cond:.3g}); involved: {culprits or list(names)}. Drop one of them."
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

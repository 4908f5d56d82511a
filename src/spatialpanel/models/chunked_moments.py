"""The moments of the chunked estimator (:mod:`spatialpanel.models.chunked`), period by period.

``accumulate_moments`` (pass 2) keeps the triangular factor R of ``[Z*, y*, (Wy)*, (WZ)*]``;
``g_moments`` (pass 3, lag models) the k x k moments of Z* and G·Z* with ``G = W(I - ρW)⁻¹``.
The remaining functions turn them into what the in-memory engine reports: the information
matrix of the lag models, the within R², and the engine's data checks (scaling warning, absorbed
and collinear regressors), each from the moments only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.models.chunked_io import PanelScan
from spatialpanel.models.design import check_columns, warn_scaling
from spatialpanel.models.information import GOperator
from spatialpanel.models.spec import ModelSpec

__all__ = [
    "GMoments",
    "Moments",
    "PeriodTransform",
    "accumulate_moments",
    "check_design",
    "check_scaling",
    "g_moments",
    "lag_information",
    "r2_within",
]


@dataclass(frozen=True, eq=False)
class Moments:
    """Pass 2: the triangular factor ``r`` of ``[Z*, y*, (Wy)*, (WZ)*]``, the column sums of
    y* and Z*, and the raw scale of every regressor (for the design check)."""

    r: NDArray[np.float64]
    sum_y: float
    sum_z: NDArray[np.float64]
    scale: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class GMoments:
    """Pass 3 at one ρ: G's traces and the k x k moments of Z* and G·Z* (see the module doc)."""

    delta: float
    traces: tuple[float, float, float]
    gt1_sq: float
    zgz: NDArray[np.float64]
    gzgz: NDArray[np.float64]
    sgz_sgz: NDArray[np.float64]
    sum_gz: NDArray[np.float64]
    y_gz: NDArray[np.float64]


class PeriodTransform:
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


def accumulate_moments(
    periods: Iterable[tuple[int, NDArray[np.float64]]], tr: PeriodTransform, scan: PanelScan
) -> Moments:
    """Pass 2: the factor R of ``[Z*, y*, (Wy)*, (WZ)*]`` by QR updates, period by period."""
    spec = tr.spec
    k = len(spec.coef_names)
    r = np.zeros((0, 2 * k + 2))
    sum_y, sum_z = 0.0, np.zeros(k)
    nd = len(tr.dur)
    # raw W·x columns: mean, sum of squared deviations, largest magnitude (for the scale)
    wx_n, wx_mean, wx_m2, wx_max = 0, np.zeros(nd), np.zeros(nd), np.zeros(nd)
    for _, vals in periods:
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
    scale = np.concatenate([[1.0] if spec.has_constant else [], x_scale, np.sqrt(wx_m2) + wx_max])
    return Moments(r=r, sum_y=sum_y, sum_z=sum_z, scale=scale)


def g_moments(
    periods: Iterable[tuple[int, NDArray[np.float64]]],
    tr: PeriodTransform,
    *,
    delta: float,
    time_adjust: bool,
) -> GMoments:
    """Pass 3 at ``delta``: G's traces and the k x k moments of Z* and G·Z*."""
    k = len(tr.spec.coef_names)
    g = GOperator(tr.w, delta)
    gt1_sq = 0.0
    if time_adjust:
        col = g.apply_t(np.ones(tr.w.shape[0]))
        gt1_sq = float(col @ col)
    zgz, gzgz, sgz = np.zeros((k, k)), np.zeros((k, k)), np.zeros((k, k))
    sum_gz, y_gz = np.zeros(k), np.zeros(k)
    for _, vals in periods:
        yt, _, zt, _ = tr(vals)
        gz = g.apply(zt)
        zgz += zt.T @ gz
        gzgz += gz.T @ gz
        cs = gz.sum(axis=0)
        sgz += np.outer(cs, cs)
        sum_gz += cs
        y_gz += yt @ gz
    return GMoments(delta, g.traces(), gt1_sq, zgz, gzgz, sgz, sum_gz, y_gz)


def lag_information(
    rz: NDArray[np.float64],
    coef: NDArray[np.float64],
    delta: float,
    sigma2: float,
    gm: GMoments,
    *,
    n: int,
    n_eff: int,
    t_eff: int,
    time_adjust: bool,
) -> NDArray[np.float64]:
    """The SAR/SDM information matrix of
    :func:`~spatialpanel.models.information.information_matrix` from the moments (same formulas,
    see that module)."""
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


def r2_within(
    mom: Moments,
    rz: NDArray[np.float64],
    ry: NDArray[np.float64],
    coef: NDArray[np.float64],
    gm: GMoments | None,
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


def check_scaling(scan: PanelScan, names: list[str]) -> None:
    """The in-memory engine's scaling warning (standard deviations more than 1e6 apart, or
    magnitudes above 1e9), from the scan's column statistics."""
    warn_scaling(np.sqrt(scan.m2 / (scan.n * scan.t)), scan.maxabs, names)


def check_design(
    rz: NDArray[np.float64], scale: NDArray[np.float64], names: tuple[str, ...], effects: str
) -> None:
    """The engine's design check (:func:`spatialpanel.models.design.check_design`) on the
    triangular factor: column norms, singular values and regressions of one column on the others
    are those of Z*, because R is an orthogonal transform of it."""
    check_columns(rz, scale, names, effects)

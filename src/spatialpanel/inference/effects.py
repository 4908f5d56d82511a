"""Direct, indirect and total effects (LeSage & Pace 2009) with delta-method or simulated inference.

For regressor k the effects matrix is ``S_k = (I − ρW)⁻¹(β_k I + θ_k W)`` (SAR: θ_k = 0; SLX and
SDEM: ρ = 0; SEM: ρ = θ_k = 0). The *direct* effect is the average diagonal element of ``S_k``,
the *total* effect the average row sum, the *indirect* effect their difference. Nothing assumes
a row-standardised W: with the eigendecomposition ``W = V Λ V⁻¹`` (computed once),

- ``tr((I − ρW)⁻¹) = Σ 1/(1 − ρλ_i)``, ``tr(W(I − ρW)⁻¹) = Σ λ_i/(1 − ρλ_i)``;
- ``1'(I − ρW)⁻¹1 = Σ c_i/(1 − ρλ_i)``, ``1'(I − ρW)⁻¹W1 = Σ c_i λ_i/(1 − ρλ_i)`` with
  ``c_i = (1'V)_i (V⁻¹1)_i``,

in complex arithmetic (real part kept), vectorised over simulation draws. The delta method's
short-run effects with W similar to a symmetric matrix need these only at ρ̂: they come exactly
from a selected inversion and one sparse LU instead (``spatialpanel.linalg.selinv``). When the
eigenvector matrix is ill-conditioned (W defective or nearly so) a dense-inverse fallback is used.

Inference: the delta method uses the analytic gradient with respect to ``(β_k, θ_k, ρ)`` and the
full covariance of the estimates (including the ρ–β block); the simulation draws the parameters
from N(estimates, cov) with a seeded generator and reports the effects *at the estimates* with
the standard deviation of the draws as standard error and the percentile interval.

Dynamic models (``y_{t-1}`` with τ, ``W·y_{t-1}`` with η): ``horizon="short"`` gives the effects
above; ``horizon="long"`` those of ``((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W)``, computed as the
static effects at ``(β/(1 − τ), θ/(1 − τ), (ρ + η)/(1 − τ))``; the delta method chains the
Jacobian of that map. For dynamic fits the simulation adds the ``mean`` and ``median`` of the
draws to each block, so that the skew of the (long-run) draw distribution is visible next to the
estimate at the estimates.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, EstimationError, NumericalWarning, did_you_mean
from spatialpanel.inference._protocols import Fitted
from spatialpanel.inference.distributions import norm_sf
from spatialpanel.linalg.selinv import PointTerms
from spatialpanel.linalg.spectrum import WeightsSpectrum
from spatialpanel.linalg.traces import SeriesTraces
from spatialpanel.threads import single_blas

__all__ = [
    "EXACT_TRACES_LIMIT",
    "EffectsMethod",
    "Horizon",
    "TraceMethod",
    "WeightsSpectrum",
    "effects_at",
    "impacts",
]

EffectsMethod = Literal["delta", "simulation"]
Horizon = Literal["short", "long"]
TraceMethod = Literal["auto", "exact", "stochastic"]
_TRACES = ("auto", "exact", "stochastic")
EXACT_TRACES_LIMIT = 3000
"""``traces="auto"`` is exact (eigenvalues) up to this N, the power series with Hutchinson
moments above (the same limit as the exact information matrix,
:data:`spatialpanel.models.information.DENSE_LIMIT`)."""
_KINDS = ("direct", "indirect", "total")


def _layout(res: Fitted) -> tuple[list[str], dict[str, str], str | None]:
    """x names, map x -> 'W*x' when present, the name of ρ (lag models only)."""
    spec = res.spec
    names = [str(n) for n in res.params.index]
    x_names = [str(v) for v in getattr(spec, "x", ())] or [
        n for n in names if not n.startswith("W*") and n not in ("rho", "lambda", "const")
    ]
    wx = {x: f"W*{x}" for x in x_names if f"W*{x}" in names}
    model = str(getattr(spec, "model", "sdm" if wx else "sar"))
    rho = "rho" if model in ("sar", "sdm") and "rho" in names else None
    return x_names, wx, rho


def _parts(
    params: NDArray[np.float64], k: int, wpos: list[int | None], has_rho: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Split parameter draws ``(D, p)`` into β ``(D, k)``, θ ``(D, k)``, ρ ``(D,)``."""
    beta = params[:, :k]
    theta = np.zeros_like(beta)
    for j, pos in enumerate(wpos):
        if pos is not None:
            theta[:, j] = params[:, pos]
    rho = params[:, -1] if has_rho else np.zeros(params.shape[0])
    return beta, theta, rho


def _dynamic_lags(res: Fitted) -> tuple[str | None, str | None]:
    """Names of τ (``"<y>(t-1)"``) and η (``"W*<y>(t-1)"``) in ``params``, or None."""
    y = getattr(res.spec, "y", None)
    names = {str(n) for n in res.params.index}
    tau, eta = f"{y}(t-1)", f"W*{y}(t-1)"
    return (tau if tau in names else None), (eta if eta in names else None)


def _long_run(
    params: NDArray[np.float64], p_base: int, tau_pos: int | None, eta_pos: int | None
) -> NDArray[np.float64]:
    """Map draws ``(D, p)`` of (β, θ, ρ, τ, η) to ``(D, p_base)`` of the long-run static form
    (β/(1 − τ), θ/(1 − τ), (ρ + η)/(1 − τ))."""
    d = params.shape[0]
    tau = params[:, tau_pos] if tau_pos is not None else np.zeros(d)
    eta = params[:, eta_pos] if eta_pos is not None else np.zeros(d)
    scale = 1.0 / (1.0 - tau)
    base = params[:, :p_base] * scale[:, None]
    base[:, -1] += eta * scale
    return np.asarray(base, dtype=float)


def _long_run_jacobian(
    est: NDArray[np.float64], p_base: int, tau_pos: int | None, eta_pos: int | None
) -> NDArray[np.float64]:
    """Jacobian ``(p_base, p)`` of :func:`_long_run` at the estimates."""
    tau = float(est[tau_pos]) if tau_pos is not None else 0.0
    scale = 1.0 / (1.0 - tau)
    jac = np.zeros((p_base, est.size))
    jac[:, :p_base] = np.eye(p_base) * scale
    if eta_pos is not None:
        jac[-1, eta_pos] = scale
    if tau_pos is not None:
        jac[:, tau_pos] = _long_run(est[None, :], p_base, tau_pos, eta_pos)[0] * scale
    return jac


def effects_at(
    beta: NDArray[np.float64],
    theta: NDArray[np.float64],
    rho: NDArray[np.float64],
    spectrum: WeightsSpectrum | SeriesTraces | PointTerms,
) -> NDArray[np.float64]:
    """Effects ``(D, 3, k)`` (direct, indirect, total) for parameter draws.

    ``beta`` and ``theta`` are ``(D, k)``, ``rho`` is ``(D,)``.
    """
    val, _ = spectrum.terms(rho)
    n = spectrum.n
    direct = (beta * val[:, [0]] + theta * val[:, [1]]) / n
    total = (beta * val[:, [2]] + theta * val[:, [3]]) / n
    return np.stack([direct, total - direct, total], axis=1)


def _delta(
    beta: NDArray[np.float64],
    theta: NDArray[np.float64],
    rho: float,
    has_rho: bool,
    wpos: list[int | None],
    cov: NDArray[np.float64],
    spectrum: WeightsSpectrum | SeriesTraces | PointTerms,
) -> NDArray[np.float64]:
    """Delta-method standard errors ``(3, k)``."""
    val, der = spectrum.terms(np.array([rho]))
    v, d = val[0], der[0]
    n = spectrum.n
    k = beta.size
    p = cov.shape[0]
    se = np.empty((3, k))
    for j in range(k):
        grads = np.zeros((2, p))  # direct, total
        grads[0, j] = v[0] / n
        grads[1, j] = v[2] / n
        if wpos[j] is not None:
            grads[0, wpos[j]] = v[1] / n
            grads[1, wpos[j]] = v[3] / n
        if has_rho:
            grads[0, -1] = (beta[j] * d[0] + theta[j] * d[1]) / n
            grads[1, -1] = (beta[j] * d[2] + theta[j] * d[3]) / n
        g3 = np.vstack([grads[0], grads[1] - grads[0], grads[1]])
        var = np.einsum("ij,jk,ik->i", g3, cov, g3)
        se[:, j] = np.sqrt(np.clip(var, 0.0, None))
    return se


@single_blas
def impacts(
    results: Fitted,
    *,
    method: EffectsMethod = "delta",
    draws: int = 1000,
    seed: int = 0,
    horizon: Horizon = "short",
    level: float = 0.95,
    traces: TraceMethod = "auto",
    probes: int = 100,
) -> pd.DataFrame:
    """Direct, indirect and total effects of each regressor, with inference.

    Parameters
    ----------
    results
        A fitted SAR, SDM, SDEM, SLX (or SEM) model: ``params``, ``cov``, ``spec``, ``w``.
    method
        ``"delta"`` (analytic gradient, full covariance) or ``"simulation"`` (parameters drawn
        from N(estimates, cov)).
    draws, seed
        Number of simulation draws and the seed of its generator (simulation only).
    horizon
        ``"short"``: the static (for dynamic models, short-run) effects. ``"long"``: the
        long-run effects of a dynamic model, ``((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W)``.
    level
        Coverage of the percentile interval reported by the simulation.
    traces
        How ``tr (I − ρW)⁻¹`` and ``tr (I − ρW)⁻¹W`` are obtained: ``"exact"`` (for the delta
        method's short-run effects with W similar to a symmetric matrix, by selected inversion
        at ρ̂, :class:`spatialpanel.linalg.selinv.PointTerms`, no O(N³) step; otherwise the
        eigenvalues of W, dense, O(N³)), ``"stochastic"`` (power series with ``probes`` seeded
        Hutchinson moments, :class:`spatialpanel.linalg.traces.SeriesTraces`; no N x N matrix) or
        ``"auto"`` (exact for N ≤ :data:`EXACT_TRACES_LIMIT`, stochastic above). The method and,
        for ``"stochastic"``, the Monte Carlo standard error of each point estimate are in
        ``out.attrs["traces"]`` and ``out.attrs["trace_error"]`` (a DataFrame like the
        estimates; the total effects are exact, error 0).
    probes
        Number of Hutchinson probes of the stochastic traces (seeded with ``seed``).

    Returns
    -------
    DataFrame
        Indexed by regressor; columns ``(direct|indirect|total) × (estimate|se|z|p)`` (p
        two-sided, normal). The simulation adds ``ci_lower`` and ``ci_upper`` (percentile
        interval of the draws) to each block; its ``estimate`` is the effect at the estimates.
        For dynamic fits it also adds ``mean`` and ``median`` of the draws.
    """
    if method not in ("delta", "simulation"):
        raise ConfigError(
            f"method={method!r} is not known; use 'delta' or 'simulation'."
            + did_you_mean(str(method), ["delta", "simulation"])
        )
    if horizon not in ("short", "long"):
        raise ConfigError(
            f"horizon={horizon!r} is not known; use 'short' or 'long'."
            + did_you_mean(str(horizon), ["short", "long"])
        )
    tau_name, eta_name = _dynamic_lags(results)
    dynamic = tau_name is not None or eta_name is not None
    long_run = horizon == "long"
    if long_run and not dynamic:
        raise ConfigError(
            "horizon='long' needs a dynamic model (y_{t-1} and W·y_{t-1} terms); this fit "
            "is static, so only horizon='short' applies."
        )
    if method == "simulation" and (int(draws) != draws or draws < 2):
        raise ConfigError(f"draws={draws!r}; use an integer of at least 2 (e.g. 1000).")
    if not 0 < level < 1:
        raise ConfigError(f"level={level!r}; use a coverage between 0 and 1, e.g. 0.95.")
    if traces not in _TRACES:
        raise ConfigError(
            f"traces={traces!r} is not known; use one of {_TRACES}."
            + did_you_mean(str(traces), _TRACES)
        )
    if int(probes) != probes or probes < 2:
        raise ConfigError(f"probes={probes!r}; use an integer of at least 2 (e.g. 100).")
    x_names, wx, rho_name = _layout(results)
    order = [*x_names, *wx.values(), *([rho_name] if rho_name else [])]
    wpos: list[int | None] = [
        (len(x_names) + list(wx).index(x)) if x in wx else None for x in x_names
    ]
    p_base = len(order)
    tau_pos = eta_pos = None
    if long_run:
        if rho_name is None:
            raise ConfigError("horizon='long' needs a spatial lag model (ρ); this fit has none.")
        tau_pos = len(order) if tau_name is not None else None
        order += [tau_name] if tau_name is not None else []
        eta_pos = len(order) if eta_name is not None else None
        order += [eta_name] if eta_name is not None else []
    est_full = results.params[order].to_numpy(dtype=float)
    cov_full = results.cov.loc[order, order].to_numpy(dtype=float)
    wmat = results.w.sparse
    n_regions = int(wmat.shape[0])
    stochastic = traces == "stochastic" or (traces == "auto" and n_regions > EXACT_TRACES_LIMIT)
    has_rho = rho_name is not None
    spectrum = _spectrum(wmat, stochastic, method == "delta" and not long_run, probes, seed)
    k = len(x_names)
    lo, hi = (
        spectrum.stable_interval
        if has_rho and not isinstance(spectrum, PointTerms)
        else (-np.inf, np.inf)
    )
    if stochastic and has_rho:
        rho_hat = float(est_full[order.index(str(rho_name))])
        if not lo < rho_hat < hi:
            raise EstimationError(
                f"ρ = {rho_hat:.4g} lies outside ({lo:.4g}, {hi:.4g}), where the power series "
                "of the stochastic traces converges; use traces='exact'."
            )
    if long_run:
        est = _long_run(est_full[None, :], p_base, tau_pos, eta_pos)[0]
        jac = _long_run_jacobian(est_full, p_base, tau_pos, eta_pos)
        cov = jac @ cov_full @ jac.T
        tau_hat = float(est_full[tau_pos]) if tau_pos is not None else 0.0
        if not (tau_hat < 1.0 and lo < est[-1] < hi):
            raise EstimationError(
                f"long-run effects do not exist at the estimates: τ = {tau_hat:.4g} and "
                f"(ρ + η)/(1 − τ) = {est[-1]:.4g} must satisfy τ < 1 and lie in "
                f"({lo:.4g}, {hi:.4g}); the dynamic model is not stable."
            )
    else:
        est, cov = est_full, cov_full
    beta, theta, rho = _parts(est[None, :], k, wpos, has_rho)
    point = effects_at(beta, theta, rho, spectrum)[0]  # (3, k)
    lower = upper = mean = median = None
    if method == "delta":
        se = _delta(beta[0], theta[0], float(rho[0]), has_rho, wpos, cov, spectrum)
    else:
        rng = np.random.default_rng(seed)
        sim = rng.multivariate_normal(est_full, cov_full, size=int(draws), method="eigh")
        ok = np.ones(sim.shape[0], dtype=bool)
        if long_run:
            if tau_pos is not None:
                ok &= sim[:, tau_pos] < 1.0
            sim = _long_run(sim, p_base, tau_pos, eta_pos)
        b, t, r = _parts(sim, k, wpos, has_rho)
        if has_rho:
            keep = ok & (r > lo) & (r < hi)
            what = "(ρ + η)/(1 − τ) (with τ < 1)" if long_run else "ρ"
            if keep.sum() < 2:
                raise EstimationError(
                    f"fewer than 2 of the {draws} simulated {what} lie in the stable interval "
                    f"({lo:.4g}, {hi:.4g}); use method='delta'."
                )
            if not keep.all():
                from spatialpanel.text import msg

                dropped, bounds = int((~keep).sum()), (f"{lo:.4g}", f"{hi:.4g}")
                quantity = msg("(ρ + η)/(1 − τ) (with τ < 1)") if long_run else "ρ"
                warnings.warn(
                    NumericalWarning(
                        f"{dropped} of {draws} simulated {what} fell outside the stable "
                        f"interval ({bounds[0]}, {bounds[1]}) and were discarded.",
                        text=msg(
                            "{k} of {n} simulated {what} fell outside the stable interval "
                            "({lo}, {hi}) and were discarded.",
                            k=dropped,
                            n=int(draws),
                            what=quantity,
                            lo=bounds[0],
                            hi=bounds[1],
                        ),
                    ),
                    stacklevel=2,
                )
                b, t, r = b[keep], t[keep], r[keep]
        eff = effects_at(b, t, r, spectrum)
        se = eff.std(axis=0, ddof=1)
        tail = (1.0 - level) / 2.0 * 100.0
        lower, upper = np.percentile(eff, [tail, 100.0 - tail], axis=0)
        if dynamic:
            mean, median = eff.mean(axis=0), np.median(eff, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, point / se, np.nan)
    pval = 2.0 * norm_sf(np.abs(z))
    blocks: dict[tuple[str, str], NDArray[np.float64]] = {}
    for i, kind in enumerate(_KINDS):
        blocks[(kind, "estimate")] = point[i]
        blocks[(kind, "se")] = se[i]
        blocks[(kind, "z")] = z[i]
        blocks[(kind, "p")] = pval[i]
        if lower is not None and upper is not None:
            blocks[(kind, "ci_lower")] = lower[i]
            blocks[(kind, "ci_upper")] = upper[i]
        if mean is not None and median is not None:
            blocks[(kind, "mean")] = mean[i]
            blocks[(kind, "median")] = median[i]
    out = pd.DataFrame(blocks, index=pd.Index(x_names, name="variable"))
    out.columns = pd.MultiIndex.from_tuples(list(blocks), names=["effect", "statistic"])
    if isinstance(spectrum, SeriesTraces):
        err = _trace_error(beta[0], theta[0], float(rho[0]), spectrum)
        out.attrs["traces"] = (
            f"stochastic (power series, {spectrum.probes} Hutchinson probes, seed {seed})"
        )
        out.attrs["trace_error"] = pd.DataFrame(
            err.T, index=pd.Index(x_names, name="variable"), columns=list(_KINDS)
        )
    elif isinstance(spectrum, PointTerms):
        out.attrs["traces"] = "exact (selected inversion)"
    else:
        out.attrs["traces"] = "exact (eigenvalues)"
    return out


def _spectrum(
    w: sps.csr_array, stochastic: bool, one_point: bool, probes: int, seed: int
) -> WeightsSpectrum | SeriesTraces | PointTerms:
    """The trace source: the power series (stochastic), exact traces at the estimate by
    selected inversion (delta method, short run, W similar to a symmetric matrix: no O(N³)
    step) or the eigenvalues of W (every other exact case, e.g. the simulation's many ρ)."""
    from spatialpanel.linalg.logdet import symmetric_scale

    if stochastic:
        return _series(w, int(probes), seed)
    scale = symmetric_scale(w) if one_point else None
    if scale is not None:
        return PointTerms(sps.csr_array(w, dtype=float), scale)
    return WeightsSpectrum.of(w)


def _series(w: sps.csr_array, probes: int, seed: int) -> SeriesTraces:
    """Power-series traces with the spectral radius (1 for a non-negative row-stochastic W)."""
    from spatialpanel.linalg.eigen import spectral_radius

    rows = np.asarray(w.sum(axis=1)).ravel()
    if np.all(w.data >= 0) and np.allclose(rows, 1.0, rtol=0.0, atol=1e-12):
        radius = 1.0
    else:
        radius = spectral_radius(w)
    return SeriesTraces.of(w, radius=radius, probes=probes, seed=seed)


def _trace_error(
    beta: NDArray[np.float64], theta: NDArray[np.float64], rho: float, series: SeriesTraces
) -> NDArray[np.float64]:
    """Monte Carlo standard errors ``(3, k)`` of the point effects (spread across probes)."""
    t0, t1, *_ = series.per_probe(np.array([rho]))
    direct = (beta[:, None] * t0[0][None, :] + theta[:, None] * t1[0][None, :]) / series.n
    se = direct.std(axis=1, ddof=1) / np.sqrt(series.probes)
    return np.vstack([se, se, np.zeros_like(se)])

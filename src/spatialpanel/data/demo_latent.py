"""Building blocks of the SYNTHETIC demo-panel generator (see ``spatialpanel.data.demo``).

Geography, latent levels, indicator transforms and the missing-cell pattern. Every function that
draws takes the one :class:`numpy.random.Generator` of the run, so the order of the calls in
:func:`spatialpanel.data.demo.generate_demo_panel` fixes the result. The constants below are the
design of the data-generating process; ``docs/demo-data.md`` lists them with their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spatialpanel.data.china import adjacency_pairs, provinces
from spatialpanel.data.demo_spec import VariableSpec

__all__ = [
    "TIME_PROFILE",
    "YEARS",
    "DemoGeography",
    "contiguity",
    "geography",
    "latent_p_terms",
    "latent_u",
    "linear_predictor",
    "missing_mask",
    "province_geography",
    "smooth",
    "spatial_ar1",
    "to_scale",
    "z_scores",
]

FloatArray = NDArray[np.float64]

YEARS: tuple[int, ...] = tuple(range(2014, 2024))

#: Common time profile tau_t (0 in 2014, 1 in 2023): yearly steps fast 2017-2020, slow 2020-2023.
_STEPS = np.array([1.0, 1.0, 1.2, 1.5, 1.5, 1.4, 0.6, 0.7, 0.8])
TIME_PROFILE: tuple[float, ...] = tuple(
    float(v) for v in np.concatenate([[0.0], np.cumsum(_STEPS)]) / _STEPS.sum()
)

#: Coarse development tier from public knowledge (not yearbook numbers); all others 0.
TIER: dict[int, float] = {
    110000: 2.0, 310000: 2.0,  # Beijing, Shanghai
    120000: 1.5, 320000: 1.5, 330000: 1.5,  # Tianjin, Jiangsu, Zhejiang
    350000: 1.0, 440000: 1.0,  # Fujian, Guangdong
    370000: 0.5, 420000: 0.5, 500000: 0.5, 150000: 0.5,  # Shandong, Hubei, Chongqing, Inner Mong.
    130000: -0.5, 140000: -0.5, 220000: -0.5, 230000: -0.5, 450000: -0.5, 630000: -0.5,
    620000: -1.0, 520000: -1.0, 540000: -1.0, 530000: -1.0,  # Gansu, Guizhou, Tibet, Yunnan
}  # fmt: skip
#: Extra growth of U in the capital region (Tianjin, Hebei, Shanxi; the paper's section 2.1).
POLICY_BONUS: dict[int, float] = {120000: 0.03, 130000: 0.02, 140000: 0.03}

# U_it = U_BASE + U_DEV dev_i + U_ETA eta_i + g_i tau_t + U_SHOCK s_it,
# g_i = U_GROWTH (1 - U_CONVERGENCE dev_i) + U_GROWTH_ETA eta'_i + bonus_i
U_BASE, U_DEV, U_ETA = 0.26, 0.075, 0.02
U_GROWTH, U_CONVERGENCE, U_GROWTH_ETA, U_SHOCK = 0.14, 0.1, 0.02, 0.012
# mu_i = P_MU0 + P_MU_DEV dev_i + P_MU_ETA eta''_i;  alpha_t = P_TREND tau_t (- COVID in 2020)
P_MU0, P_MU_DEV, P_MU_ETA, P_TREND = -0.2, 0.05, 0.015, 0.03
COVID_2020, HUBEI_2020 = 0.008, 0.02
HUBEI = 420000
AR_PHI = 0.5  # autocorrelation of every AR(1) noise series
SMOOTH_LAMBDA, NOISE_LAMBDA = 0.6, 0.3  # spatial filters of province effects and of noise


def contiguity() -> tuple[FloatArray, NDArray[np.int64]]:
    """Row-standardised contiguity (Hainan-Guangdong) and the GB/T codes in ascending order."""
    codes = provinces().index.to_numpy(dtype=np.int64)
    pos = {int(c): k for k, c in enumerate(codes)}
    a = np.zeros((codes.size, codes.size))
    for i, j in adjacency_pairs(hainan="guangdong"):
        a[pos[i], pos[j]] = a[pos[j], pos[i]] = 1.0
    return a / a.sum(axis=1, keepdims=True), codes


@dataclass(frozen=True)
class DemoGeography:
    """The regions a synthetic panel is generated on.

    Attributes
    ----------
    entity
        Name of the region column (``"province"``, ``"city"``).
    codes
        Region ids (int) in the order of the rows of ``w``.
    w
        Row-standardised contiguity matrix of the generator.
    lon, lat
        A point per region (capital or centroid), WGS84 degrees.
    tier
        Coarse development tier per region (``TIER`` for provinces).
    bonus
        Extra growth of U per region (``POLICY_BONUS``).
    covid
        Position of the region hit by the 2020 shock (Hubei / Wuhan), or ``None``.
    weights
        How ``w`` was built, for the metadata.
    """

    entity: str
    codes: NDArray[np.int64]
    w: FloatArray
    lon: FloatArray
    lat: FloatArray
    tier: FloatArray
    bonus: FloatArray
    covid: int | None
    weights: str


def province_geography() -> DemoGeography:
    """China's 31 provinces: contiguity (Hainan-Guangdong), capitals, ``TIER``."""
    w, codes = contiguity()
    prov = provinces()
    return DemoGeography(
        entity="province",
        codes=codes,
        w=w,
        lon=prov["capital_lon"].to_numpy(dtype=float),
        lat=prov["capital_lat"].to_numpy(dtype=float),
        tier=prov.index.map(lambda c: TIER.get(int(c), 0.0)).to_numpy(dtype=float),
        bonus=prov.index.map(lambda c: POLICY_BONUS.get(int(c), 0.0)).to_numpy(dtype=float),
        covid=list(codes).index(HUBEI),
        weights="row-standardised contiguity, Hainan linked to Guangdong",
    )


def _standardise(x: FloatArray) -> FloatArray:
    return (x - x.mean(axis=0)) / x.std(axis=0)


def smooth(w: FloatArray, e: FloatArray, lam: float = SMOOTH_LAMBDA) -> FloatArray:
    """Spatially autoregressive filter ``(I - lam W)^{-1} e``, each column standardised."""
    return _standardise(np.asarray(np.linalg.solve(np.eye(w.shape[0]) - lam * w, e), dtype=float))


def geography(rng: np.random.Generator, place: DemoGeography) -> dict[str, FloatArray]:
    """Region covariates: development prior ``dev``, far-west ``remote``, ``humid`` (forests).

    ``dev = std(tier + 0.3 std(lon) + 0.25 smooth)``; ``remote = max(0, (105 - lon) / 10)``;
    ``humid = std(-std(lat) + 0.5 std(lon) - remote)`` (the regions' points).
    """
    w, lon, lat, tier = place.w, place.lon, place.lat, place.tier
    field = smooth(w, rng.standard_normal((w.shape[0], 1)))[:, 0]
    dev = _standardise(tier + 0.3 * _standardise(lon) + 0.25 * field)
    remote = np.maximum(0.0, (105.0 - lon) / 10.0)  # Tibet 1.4, Xinjiang 1.7
    humid = _standardise(-_standardise(lat) + 0.5 * _standardise(lon) - remote)
    return {"dev": dev, "remote": remote, "humid": humid}


def spatial_ar1(rng: np.random.Generator, w: FloatArray, n_series: int) -> FloatArray:
    """Standardised AR(1) noise, spatially filtered by ``(I - 0.3 W)^{-1}``: (series, N, T)."""
    n, t = w.shape[0], len(YEARS)
    e = rng.standard_normal((n_series, n, t))
    out = np.empty_like(e)
    out[:, :, 0] = e[:, :, 0]
    for k in range(1, t):
        out[:, :, k] = AR_PHI * out[:, :, k - 1] + np.sqrt(1.0 - AR_PHI**2) * e[:, :, k]
    filt = np.linalg.inv(np.eye(n) - NOISE_LAMBDA * w)
    out = np.einsum("ij,sjt->sit", filt, out)
    return out / out.std(axis=(1, 2), keepdims=True)


def latent_u(
    rng: np.random.Generator, w: FloatArray, dev: FloatArray, bonus: FloatArray
) -> FloatArray:
    """Latent urban-rural integration ``U`` (N x T): level + heterogeneous growth + shocks."""
    eta = smooth(w, rng.standard_normal((w.shape[0], 2)))
    base = U_BASE + U_DEV * dev + U_ETA * eta[:, 0]
    growth = U_GROWTH * (1.0 - U_CONVERGENCE * dev) + U_GROWTH_ETA * eta[:, 1] + bonus
    shocks = U_SHOCK * spatial_ar1(rng, w, 1)[0]
    return base[:, None] + growth[:, None] * np.asarray(TIME_PROFILE)[None, :] + shocks


def latent_p_terms(
    rng: np.random.Generator, w: FloatArray, dev: FloatArray, codes: NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Province effects ``mu`` (N), time effects ``alpha`` (T) and the unit-variance shocks.

    The shocks (N x T) are standard normal except Hubei 2020, lowered by ``HUBEI_2020 / sigma``
    at the caller (a COVID-19 shock); ``alpha`` is lowered by ``COVID_2020`` in 2020.
    """
    mu = P_MU0 + P_MU_DEV * dev + P_MU_ETA * smooth(w, rng.standard_normal((w.shape[0], 1)))[:, 0]
    alpha = P_TREND * np.asarray(TIME_PROFILE)
    alpha[YEARS.index(2020)] -= COVID_2020
    shocks = rng.standard_normal((w.shape[0], len(YEARS)))
    return mu, alpha, shocks


def z_scores(latent: FloatArray) -> FloatArray:
    """Latent in units of its 2014 cross-sectional sd, centred on its 2014 mean."""
    first = latent[:, 0]
    return (latent - first.mean()) / first.std()


def linear_predictor(
    spec: VariableSpec,
    *,
    z: FloatArray | None,
    geo: dict[str, FloatArray],
    effect: FloatArray,
    noise: FloatArray,
) -> FloatArray:
    """``lp_it`` of a variable (see ``spatialpanel.data.demo_spec``); ``z`` None for controls."""
    t = (np.asarray(YEARS, dtype=float) - YEARS[0]) / (YEARS[-1] - YEARS[0])
    lp = spec.drift * t[None, :] + spec.re * effect[:, None] + spec.noise * noise
    lp = lp + spec.dev * geo["dev"][:, None] + spec.remote * geo["remote"][:, None]
    lp = lp + spec.humid * geo["humid"][:, None]
    if z is not None:
        lp = lp + spec.sign * spec.loading * z
    return lp


def _expit(x: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-x))


def to_scale(spec: VariableSpec, lp: FloatArray) -> FloatArray:
    """Map the linear predictor monotonically into the variable's plausible range."""
    lo, hi = spec.plausible
    if spec.transform == "log":  # bounded on the log scale, slope 1 in ln(x) at the centre
        lo, hi = np.log(lo), np.log(hi)
        p0 = (np.log(spec.center) - lo) / (hi - lo)
        scale = 1.0 / ((hi - lo) * p0 * (1.0 - p0))
        return np.exp(lo + (hi - lo) * _expit(np.log(p0 / (1.0 - p0)) + scale * lp))
    p0 = (spec.center - lo) / (hi - lo)
    return lo + (hi - lo) * _expit(np.log(p0 / (1.0 - p0)) + lp)


def missing_mask(
    rng: np.random.Generator, shape: tuple[int, int, int], share: float
) -> NDArray[np.bool_]:
    """Missing cells (variables, N, T), exactly ``round(share * cells)`` of them.

    Per variable-region series: at most 2 missing, never two adjacent years, never both the
    first and the last year, and a missing end year keeps the two next years observed, so linear
    interpolation and linear extrapolation from the two adjacent years always apply.
    """
    _, _, t = shape
    target = round(share * int(np.prod(shape)))
    mask = np.zeros(shape, dtype=bool)
    placed = 0
    while placed < target:
        k, i, y = (int(rng.integers(0, s)) for s in shape)
        series = mask[k, i]
        if series[y] or series.sum() >= 2:
            continue
        if (y > 0 and series[y - 1]) or (y < t - 1 and series[y + 1]):
            continue
        if (y == 0 and (series[t - 1] or series[2])) or (
            y == t - 1 and (series[0] or series[t - 3])
        ):
            continue
        series[y] = True
        placed += 1
    return mask

"""The bundled SYNTHETIC demonstration panel: China's 31 provinces x 2014-2023.

Every indicator of the two systems of Zhang, Liu & Wei (2025) (13 urban-rural integration, 12
common prosperity) and its 5 controls, in realistic units and magnitudes, generated from a latent
structure on the real geography. **The numbers are synthetic.** They are not, and do not
approximate, the China Statistical Yearbook; never cite them as facts about a province.

The generator (``docs/demo-data.md`` documents every step) draws, from one seeded
:class:`numpy.random.Generator`:

1. a development prior ``dev_i`` of each province (a coarse public-knowledge tier, capital
   longitude, a spatially smoothed random part), standardised;
2. the latent urban-rural integration level ``U_it`` (level + heterogeneous growth along a common
   time profile that is fast 2017-2020 and slows 2020-2023 + spatially filtered AR(1) shocks);
3. the five controls ``X_it`` (in their own units);
4. the latent common-prosperity level by a known spatial Durbin relation on row-standardised
   contiguity ``W`` (Hainan linked to Guangdong)::

       P_t = (I - rho W)^{-1} (beta U_t + theta W U_t + X_t gamma + mu + alpha_t + eps_t)

5. each indicator as a monotone function of its latent (falling with it for the negative ones),
   plus geography, a province effect, a common drift and AR(1) noise;
6. about 2 % missing cells, never a whole series, never two adjacent years, never both ends.

:func:`generate_demo_panel` runs it; ``scripts/make_demo_data.py`` writes the shipped files with
:func:`write_demo`; :func:`load_demo` reads the shipped panel; :func:`demo_truth` gives the true
parameters and latent levels.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.data import demo_latent as lat
from spatialpanel.data.demo_latent import TIME_PROFILE, YEARS
from spatialpanel.data.demo_spec import CONTROLS, VARIABLES, VariableSpec
from spatialpanel.errors import ConfigError

__all__ = [
    "CONTROLS",
    "DEMO_SEED",
    "DEMO_VERSION",
    "TIME_PROFILE",
    "TRUE_PARAMETERS",
    "VARIABLES",
    "YEARS",
    "DemoPanel",
    "DemoParameters",
    "DemoTruth",
    "VariableSpec",
    "demo_meta",
    "demo_truth",
    "format_demo_csv",
    "generate_demo_panel",
    "load_demo",
    "read_demo_csv",
    "variable_table",
    "write_demo",
]

DEMO_VERSION = "1"
DEMO_SEED = 20250718
CSV_NAME = "demo_panel.csv"
META_NAME = "demo_panel.meta.json"
_FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class DemoParameters:
    """True parameters of the latent spatial Durbin relation (see module docstring).

    ``gamma`` maps each control to its coefficient, in latent units per unit of the control.
    The spatial lags of the controls have true coefficient 0. The latents are on a 0-1 "index-like"
    scale; ``beta`` and ``theta`` are therefore recovered from the entropy indices only up to the
    (unknown) scale of each index, while ``rho`` and the ratio ``theta / beta`` are scale-free.
    """

    rho: float = 0.35
    beta: float = 0.6
    theta: float = 0.3
    gamma: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                "gov_intervention": 0.04,
                "openness": -0.03,
                "human_capital": 0.015,
                "industrial_structure": 0.012,
                "tech_innovation": 0.01,
            }
        )
    )
    sigma_eps: float = 0.008

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable form."""
        return {
            "rho": self.rho,
            "beta": self.beta,
            "theta": self.theta,
            "gamma": dict(self.gamma),
            "delta": dict.fromkeys(self.gamma, 0.0),
            "sigma_eps": self.sigma_eps,
        }


TRUE_PARAMETERS = DemoParameters()


@dataclass(frozen=True)
class DemoTruth:
    """What the generator knows and a study can only estimate.

    Attributes
    ----------
    parameters
        The true spatial Durbin parameters.
    latent
        Long frame with columns ``province``, ``year``, ``U`` (urban-rural integration),
        ``P`` (common prosperity) and ``dev`` (the time-invariant development prior).
    weights
        The row-standardised contiguity matrix used by the generator (31 x 31, GB/T code order).
    seed, version
        Seed and generator version.
    """

    parameters: DemoParameters
    latent: pd.DataFrame
    weights: pd.DataFrame
    seed: int
    version: str


@dataclass(frozen=True)
class DemoPanel:
    """A generated panel: the published (rounded, with missing cells) data and the truth."""

    data: pd.DataFrame
    complete: pd.DataFrame
    truth: DemoTruth


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------


def generate_demo_panel(
    *,
    seed: int = DEMO_SEED,
    parameters: DemoParameters = TRUE_PARAMETERS,
    missing_share: float = 0.02,
    geography: lat.DemoGeography | None = None,
) -> DemoPanel:
    """Generate the synthetic demonstration panel.

    Parameters
    ----------
    seed
        Seed of the one :class:`numpy.random.Generator` behind every random step. The default
        reproduces the shipped file bit for bit.
    parameters
        True parameters of the latent spatial Durbin relation.
    missing_share
        Share of variable-region-year cells set missing, in ``[0, 0.1]``.
    geography
        The regions to generate on (default: China's 31 provinces,
        :func:`~spatialpanel.data.demo_latent.province_geography`; the city example uses
        :func:`spatialpanel.data.demo_cities.city_geography`). The region column of ``data`` is
        named after its ``entity``.

    Returns
    -------
    DemoPanel
        ``data``: long frame (``province``, ``year``, the 30 variables), rounded to each
        variable's published decimals, with missing cells as NaN; ``complete``: the same before
        cells were removed; ``truth``: parameters and latent levels.
    """
    if not 0.0 <= missing_share <= 0.1:
        raise ConfigError(f"missing_share={missing_share!r} must lie in [0, 0.1]; use e.g. 0.02.")
    if not -1.0 < parameters.rho < 1.0:
        raise ConfigError(f"parameters.rho={parameters.rho!r} must lie in (-1, 1).")
    if set(parameters.gamma) != set(CONTROLS):
        raise ConfigError(
            f"parameters.gamma has the keys {sorted(parameters.gamma)}; give one coefficient for "
            f"each control {list(CONTROLS)}."
        )
    if not parameters.sigma_eps >= 0.0:
        raise ConfigError(f"parameters.sigma_eps={parameters.sigma_eps!r} must be >= 0.")
    rng = np.random.default_rng(seed)
    place = geography if geography is not None else lat.province_geography()
    w, codes = place.w, place.codes
    n, t = codes.size, len(YEARS)
    geo = lat.geography(rng, place)
    u = lat.latent_u(rng, w, geo["dev"], place.bonus)
    # province effects and AR(1) noise of every variable, drawn in one fixed order
    effects = lat.smooth(w, rng.standard_normal((n, len(VARIABLES))))
    noise = lat.spatial_ar1(rng, w, len(VARIABLES))
    position = {spec.name: k for k, spec in enumerate(VARIABLES)}

    def draw(spec: VariableSpec, z: _FloatArray | None) -> _FloatArray:
        k = position[spec.name]
        lp = lat.linear_predictor(spec, z=z, geo=geo, effect=effects[:, k], noise=noise[k])
        return lat.to_scale(spec, lp)

    values = {spec.name: draw(spec, None) for spec in VARIABLES if spec.latent is None}
    mu, alpha, shocks = lat.latent_p_terms(rng, w, geo["dev"], codes)
    eps = parameters.sigma_eps * shocks
    if place.covid is not None:
        eps[place.covid, YEARS.index(2020)] -= lat.HUBEI_2020
    xg = sum((parameters.gamma[c] * values[c] for c in CONTROLS), np.zeros((n, t)))
    rhs = parameters.beta * u + parameters.theta * (w @ u) + xg + mu[:, None] + alpha + eps
    p = np.asarray(np.linalg.solve(np.eye(n) - parameters.rho * w, rhs), dtype=float)
    z = {"U": lat.z_scores(u), "P": lat.z_scores(p)}
    values.update({s.name: draw(s, z[s.latent]) for s in VARIABLES if s.latent is not None})

    mask = lat.missing_mask(rng, (len(VARIABLES), n, t), missing_share)
    prov = np.repeat(codes, t)
    year = np.tile(np.asarray(YEARS, dtype=np.int64), n)
    complete = pd.DataFrame({place.entity: prov, "year": year})
    data = complete.copy()
    for k, spec in enumerate(VARIABLES):
        col = _quantise(values[spec.name].reshape(-1), spec.decimals)
        complete[spec.name] = col
        data[spec.name] = np.where(mask[k].reshape(-1), np.nan, col)

    latent = pd.DataFrame(
        {
            place.entity: prov,
            "year": year,
            "U": u.reshape(-1),
            "P": p.reshape(-1),
            "dev": np.repeat(geo["dev"], t),
        }
    )
    weights = pd.DataFrame(w, index=pd.Index(codes, name=place.entity), columns=codes)
    truth = DemoTruth(parameters, latent, weights, seed, DEMO_VERSION)
    return DemoPanel(data=data, complete=complete, truth=truth)


def _quantise(x: _FloatArray, decimals: int) -> _FloatArray:
    """Round exactly as the CSV writes (correctly rounded decimal string, read back)."""
    return np.array([float(f"{v:.{decimals}f}") for v in x])


# --------------------------------------------------------------------------------------------
# writing and reading
# --------------------------------------------------------------------------------------------


def format_demo_csv(data: pd.DataFrame) -> str:
    """The CSV text of a demo panel: fixed decimals per variable, empty field for missing, LF."""
    decimals = {spec.name: spec.decimals for spec in VARIABLES}
    columns = [str(data.columns[0]), "year", *decimals]
    lines = [",".join(columns)]
    cols = [data[c].to_numpy() for c in columns]
    for r in range(len(data)):
        cells = [str(int(cols[0][r])), str(int(cols[1][r]))]
        for c, name in enumerate(columns[2:], start=2):
            v = float(cols[c][r])
            cells.append("" if np.isnan(v) else f"{v:.{decimals[name]}f}")
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def demo_meta(panel: DemoPanel, csv_text: str) -> dict[str, Any]:
    """The metadata record written next to the CSV (``demo_panel.meta.json``)."""
    n_cells = len(panel.data) * len(VARIABLES)
    n_missing = int(panel.data[[s.name for s in VARIABLES]].isna().to_numpy().sum())
    return {
        "synthetic": True,
        "name": "spatialpanel synthetic demo panel",
        "note": (
            "SYNTHETIC data generated by spatialpanel.data.demo for demonstration only; "
            "not the China Statistical Yearbook and not an estimate of it."
        ),
        "generator": "spatialpanel.data.demo.generate_demo_panel",
        "version": panel.truth.version,
        "seed": panel.truth.seed,
        "provinces": 31,
        "years": [YEARS[0], YEARS[-1]],
        "missing_cells": n_missing,
        "cells": n_cells,
        "weights": "row-standardised contiguity, Hainan linked to Guangdong",
        "model": "P = rho W P + beta U + theta W U + X gamma + mu_i + alpha_t + eps",
        "true_parameters": panel.truth.parameters.as_dict(),
        "units": {spec.name: spec.unit for spec in VARIABLES},
        "sha256": hashlib.sha256(csv_text.encode("utf-8")).hexdigest(),
    }


def write_demo(directory: str | Path, *, seed: int = DEMO_SEED) -> tuple[Path, Path]:
    """Generate the panel and write ``demo_panel.csv`` and ``demo_panel.meta.json``.

    Returns the two paths. Files are written with LF line endings and UTF-8.
    """
    panel = generate_demo_panel(seed=seed)
    text = format_demo_csv(panel.data)
    meta = json.dumps(demo_meta(panel, text), indent=2) + "\n"
    directory = Path(directory)
    csv_path, meta_path = directory / CSV_NAME, directory / META_NAME
    csv_path.write_bytes(text.encode("utf-8"))
    meta_path.write_bytes(meta.encode("utf-8"))
    return csv_path, meta_path


def read_demo_csv(source: Any, *, entity: str = "province") -> pd.DataFrame:
    """Parse demo-panel CSV text (a path or a file object) exactly.

    Every number is converted by Python's correctly rounded ``float()``, so reading the text
    written by :func:`format_demo_csv` gives back the generator's values bit for bit. ``entity``
    names the region column (``"city"`` for the city example).
    """
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    out = pd.DataFrame(
        {
            entity: raw[entity].astype("int64").to_numpy(),
            "year": raw["year"].astype("int64").to_numpy(),
        }
    )
    for spec in VARIABLES:
        out[spec.name] = np.array(
            [float(v) if v else np.nan for v in raw[spec.name]], dtype=np.float64
        )
    return out


@cache
def _load() -> tuple[pd.DataFrame, str]:
    root = resources.files("spatialpanel.data.datasets")
    with root.joinpath(CSV_NAME).open("rb") as fh:
        frame = read_demo_csv(fh)
    meta = json.loads(root.joinpath(META_NAME).read_text(encoding="utf-8"))
    return frame, f"spatialpanel synthetic demo panel v{meta['version']} (seed {meta['seed']})"


def load_demo() -> pd.DataFrame:
    """The shipped SYNTHETIC demo panel, long format.

    Returns
    -------
    pandas.DataFrame
        310 rows (31 provinces x 2014-2023, sorted by province then year); columns ``province``
        (int GB/T 2260 code), ``year`` (int) and the 30 variables of
        :data:`~spatialpanel.data.demo_spec.VARIABLES` (float,
        about 2 % NaN). ``attrs["synthetic"]`` is ``True``; ``attrs["source"]`` names the
        generator version and seed. A fresh copy is returned on every call.
    """
    frame, source = _load()
    out = frame.copy()
    out.attrs = {"synthetic": True, "source": source}
    return out


def demo_truth(*, seed: int = DEMO_SEED) -> DemoTruth:
    """True parameters and latent levels behind the demo panel (regenerated; deterministic)."""
    return generate_demo_panel(seed=seed).truth


def variable_table(*, system: Literal["uri", "cp", "control"] | None = None) -> pd.DataFrame:
    """Name, system, direction, unit, plausible range and description of every variable."""
    rows = [
        {
            "variable": s.name,
            "system": s.system,
            "direction": "n/a"
            if s.system == "control"
            else ("negative" if s.sign < 0 else "positive"),
            "unit": s.unit,
            "plausible_min": s.plausible[0],
            "plausible_max": s.plausible[1],
            "decimals": s.decimals,
            "description": s.description,
        }
        for s in VARIABLES
        if system is None or s.system == system
    ]
    return pd.DataFrame(rows)

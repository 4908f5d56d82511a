"""The SYNTHETIC city-level example: China's prefecture-level cities x 2014-2023.

The generator of the provincial demo panel (:func:`spatialpanel.data.demo.generate_demo_panel`,
documented in ``docs/demo-data.md``) run on the real geography of the 296 prefecture-level cities
and municipalities of the bundled city set (:mod:`spatialpanel.data.cities`; Sansha, which
publishes no statistics, left out), with its own seed. **The numbers are synthetic**: they are not,
and do not approximate, the China City Statistical Yearbook.

What changes from the provinces (:func:`city_geography`):

- ``W``: row-standardised queen contiguity of the cities (the stored reference pairs of
  ``china_cities_contiguity.json``), a city without a neighbour among them linked to the city
  with the nearest boundary (Haikou, Sanya and Danzhou on Hainan, Karamay; the links are in the
  metadata);
- points: the cities' area centroids;
- development tier: the tier of the city's province (``spatialpanel.data.demo_latent.TIER``)
  plus 0.5 for the provincial capitals; the policy bonus of a province goes to its cities;
- the 2020 shock hits Wuhan instead of Hubei.

``scripts/make_city_example.py`` writes the bundled dataset ``china-cities-synthetic``
(``spatialpanel/data/datasets/china_cities_synthetic.csv`` and ``.meta.json``, which marks the
data synthetic) with :func:`write_city_example`; the example ``china-cities-synthetic``
(``spatialpanel run --example china-cities-synthetic``) runs the study file
``spatialpanel/study/cities_study.toml`` on it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from spatialpanel.data import demo_latent as lat
from spatialpanel.data.demo import DemoPanel, format_demo_csv, generate_demo_panel
from spatialpanel.data.demo_spec import VARIABLES

__all__ = [
    "CITY_SEED",
    "CITY_VERSION",
    "city_codes",
    "city_geography",
    "city_meta",
    "generate_city_panel",
    "write_city_example",
]

CITY_VERSION = "1"
CITY_SEED = 20250719
#: Kinds of city-level units in the example: the usual "prefecture-level and above" city panel.
LEVELS = ("municipality", "prefecture_city")
EXCLUDED = (460300,)  # Sansha: no statistics
CAPITAL_BONUS = 0.5
WUHAN = 420100
DATASET = "china-cities-synthetic"
CSV_NAME = "china_cities_synthetic.csv"
META_NAME = "china_cities_synthetic.meta.json"


def city_codes() -> list[int]:
    """Codes of the example's cities (municipalities and prefecture-level cities), ascending."""
    from spatialpanel.data.cities import cities

    table = cities()
    keep = table["level"].isin(LEVELS) & ~table["code"].isin(EXCLUDED)
    return sorted(int(c) for c in table.loc[keep, "code"])


def _capitals() -> set[int]:
    """City codes of the provincial capitals (matched by name to ``provinces.csv``)."""
    from spatialpanel.data.china import provinces
    from spatialpanel.data.cities import cities

    table = cities()
    out = set()
    for code, row in provinces().iterrows():
        same = table[
            (table["short_zh"] == row["capital_zh"])
            & (table["province_code"].astype(str) == str(code))
        ]
        if len(same) != 1:  # pragma: no cover - guarded by a test
            raise RuntimeError(f"no unique city for the capital {row['capital_zh']}")
        out.add(int(same["code"].iloc[0]))
    return out


def _links(codes: list[int]) -> tuple[np.ndarray, list[tuple[int, int, float]]]:
    """Binary contiguity among ``codes`` and the island links made (code, code, km)."""
    from spatialpanel.data.cities import city_contiguity_reference, city_set
    from spatialpanel.data.regions import nearest_links

    pos = {c: k for k, c in enumerate(codes)}
    a = np.zeros((len(codes), len(codes)))
    for i, j in city_contiguity_reference()["pairs"]:
        if i in pos and j in pos:
            a[pos[i], pos[j]] = a[pos[j], pos[i]] = 1.0
    lonely = [int(k) for k in np.flatnonzero(a.sum(axis=1) == 0)]
    links = nearest_links(city_set().boundaries(codes).geometry, lonely)
    for i, j, _ in links:
        a[i, j] = a[j, i] = 1.0
    return a, [(codes[i], codes[j], km) for i, j, km in links]


def city_geography() -> lat.DemoGeography:
    """The generator's geography for the example's cities (see the module docstring)."""
    from spatialpanel.data.cities import city_set

    codes = city_codes()
    a, links = _links(codes)
    regions = city_set()
    points = regions.coordinates(codes)
    province = [c // 10000 * 10000 for c in codes]
    capitals = _capitals()
    tier = np.array(
        [
            lat.TIER.get(p, 0.0) + (CAPITAL_BONUS if c in capitals else 0.0)
            for c, p in zip(codes, province, strict=True)
        ]
    )
    named = ", ".join(f"{i}-{j}" for i, j, _ in links)
    return lat.DemoGeography(
        entity="city",
        codes=np.asarray(codes, dtype=np.int64),
        w=a / a.sum(axis=1, keepdims=True),
        lon=points["lon"].to_numpy(dtype=float),
        lat=points["lat"].to_numpy(dtype=float),
        tier=tier,
        bonus=np.array([lat.POLICY_BONUS.get(p, 0.0) for p in province]),
        covid=codes.index(WUHAN),
        weights=(
            "row-standardised queen contiguity of the cities' bundled boundaries; cities without "
            f"a neighbour linked to the nearest city: {named}"
        ),
    )


def generate_city_panel(*, seed: int = CITY_SEED) -> DemoPanel:
    """Generate the SYNTHETIC city panel (296 cities x 2014-2023, 30 variables)."""
    return generate_demo_panel(seed=seed, geography=city_geography())


def city_meta(panel: DemoPanel, csv_text: str) -> dict[str, Any]:
    """The metadata written beside the CSV: ``"mark": "synthetic"`` marks the data synthetic,
    ``"real_counterpart"`` names the statistics they are not (see
    :func:`spatialpanel.data.bundled.real_counterpart`), ``"format": "long"`` and ``"entity"``
    tell :func:`spatialpanel.data.bundled.load_dataset` how to read the CSV."""
    n_missing = int(panel.data[[s.name for s in VARIABLES]].isna().to_numpy().sum())
    geo = city_geography()
    return {
        "name": DATASET,
        "title": (
            "SYNTHETIC panel of China's 296 prefecture-level cities and municipalities, "
            f"{lat.YEARS[0]}-{lat.YEARS[-1]}"
        ),
        "synthetic": True,
        "mark": "synthetic",
        "real_counterpart": "China City Statistical Yearbook",
        "format": "long",
        "entity": geo.entity,
        "regions": "296 prefecture-level cities and municipalities by 6-digit GB/T 2260 code",
        "note": (
            "SYNTHETIC data generated by spatialpanel.data.demo_cities on the real geography of "
            "China's prefecture-level cities, for demonstration only; not the China City "
            "Statistical Yearbook and not an estimate of it."
        ),
        "script": "scripts/make_city_example.py",
        "card": "docs/demo-data.md",
        "generator": "spatialpanel.data.demo_cities.generate_city_panel",
        "version": CITY_VERSION,
        "seed": panel.truth.seed,
        "cities": len(geo.codes),
        "years": [lat.YEARS[0], lat.YEARS[-1]],
        "missing_cells": n_missing,
        "cells": len(panel.data) * len(VARIABLES),
        "weights": geo.weights,
        "model": "P = rho W P + beta U + theta W U + X gamma + mu_i + alpha_t + eps",
        "true_parameters": panel.truth.parameters.as_dict(),
        "units": {spec.name: spec.unit for spec in VARIABLES},
        "sha256": hashlib.sha256(csv_text.encode("utf-8")).hexdigest(),
    }


def write_city_example(directory: str | Path, *, seed: int = CITY_SEED) -> tuple[Path, Path]:
    """Write ``china_cities_synthetic.csv`` and ``.meta.json`` into ``directory``."""
    panel = generate_city_panel(seed=seed)
    text = format_demo_csv(panel.data)
    meta = json.dumps(city_meta(panel, text), indent=2, ensure_ascii=False) + "\n"
    directory = Path(directory)
    csv_path, meta_path = directory / CSV_NAME, directory / META_NAME
    csv_path.write_bytes(text.encode("utf-8"))
    meta_path.write_bytes(meta.encode("utf-8"))
    return csv_path, meta_path

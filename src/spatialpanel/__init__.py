"""spatialpanel: a region-by-year panel of raw indicators to a publication-ready spatial study.

Public names are imported lazily so that ``import spatialpanel`` and ``spatialpanel --help`` stay
fast; ``sp.SpatialWeights``, ``sp.moran``, ``sp.SpatialPanelModel`` ... load their module on first
use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "SpatialPanelError": "spatialpanel.errors",
    "DataError": "spatialpanel.errors",
    "ConfigError": "spatialpanel.errors",
    "WeightsError": "spatialpanel.errors",
    "EstimationError": "spatialpanel.errors",
    "NumericalWarning": "spatialpanel.errors",
    # data
    "provinces": "spatialpanel.data.china",
    "adjacency_pairs": "spatialpanel.data.china",
    "read_panel": "spatialpanel.data.readers",
    "fill_missing": "spatialpanel.data.fill",
    "write_panel": "spatialpanel.data.writers",
    "PanelData": "spatialpanel.data.readers",
    "load_demo": "spatialpanel.data.demo",
    "RegionSet": "spatialpanel.data.regions",
    "read_regions": "spatialpanel.data.regions",
    "region_set": "spatialpanel.data.regions",
    "load_example": "spatialpanel.data.bundled",
    "examples": "spatialpanel.data.bundled",
    # indices
    "composite_index": "spatialpanel.indices.composite",
    "entropy_weights": "spatialpanel.indices.weighting",
    "critic_weights": "spatialpanel.indices.weighting",
    "topsis": "spatialpanel.indices.topsis",
    "coupling_coordination": "spatialpanel.indices.coupling",
    "obstacle_degree": "spatialpanel.indices.obstacle",
    "growth_summary": "spatialpanel.indices.growth",
    # weights
    "SpatialWeights": "spatialpanel.weights.core",
    # autocorrelation
    "moran": "spatialpanel.autocorr.moran",
    "local_moran": "spatialpanel.autocorr.local",
    "geary": "spatialpanel.autocorr.moran",
    # models and inference
    "SpatialPanelModel": "spatialpanel.models.model",
    "ChunkedPanelModel": "spatialpanel.models.chunked",
    "fit_parquet": "spatialpanel.models.chunked",
    "lm_tests": "spatialpanel.inference.lm",
    # study
    "StudyConfig": "spatialpanel.study.config",
    "load_study": "spatialpanel.study.config",
    "run_study": "spatialpanel.study.pipeline",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'spatialpanel' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

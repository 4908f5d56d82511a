"""Spatial weights: `SpatialWeights` and its builders."""

from spatialpanel.weights.core import SpatialWeights, check_ids_match

__all__ = ["SpatialWeights", "check_ids_match"]

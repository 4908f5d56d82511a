"""Spatial weights: `SpatialWeights`, its builders and its conversions."""

from spatialpanel.weights.builders import (
    EARTH_RADIUS_KM,
    china_capitals,
    china_contiguity,
    contiguity,
    economic_distance,
    economic_geographic,
    great_circle_km,
    inverse_distance,
    knn,
    period_means,
)
from spatialpanel.weights.core import SpatialWeights, check_ids_match
from spatialpanel.weights.io import (
    from_graph,
    from_libpysal_w,
    read_matrix,
    to_graph,
    to_libpysal_w,
    write_matrix,
)

__all__ = [
    "EARTH_RADIUS_KM",
    "SpatialWeights",
    "check_ids_match",
    "china_capitals",
    "china_contiguity",
    "contiguity",
    "economic_distance",
    "economic_geographic",
    "from_graph",
    "from_libpysal_w",
    "great_circle_km",
    "inverse_distance",
    "knn",
    "period_means",
    "read_matrix",
    "to_graph",
    "to_libpysal_w",
    "write_matrix",
]

"""Spatial autocorrelation: global Moran's I and Geary's C, local Moran's I and its quadrants."""

from spatialpanel.autocorr.local import (
    GEODA_CODES,
    QUADRANT_LABELS,
    benjamini_hochberg,
    local_moran,
    quadrant_counts,
    quadrant_membership,
)
from spatialpanel.autocorr.moran import geary, moran, moran_table, significance_stars

__all__ = [
    "GEODA_CODES",
    "QUADRANT_LABELS",
    "benjamini_hochberg",
    "geary",
    "local_moran",
    "moran",
    "moran_table",
    "quadrant_counts",
    "quadrant_membership",
    "significance_stars",
]

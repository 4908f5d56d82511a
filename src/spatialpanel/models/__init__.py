"""Spatial panel models by maximum likelihood.

One engine for SAR, SEM, SDM, SDEM and SLX with pooled, entity, time, two-way fixed or random
effects (the model kind is data, see :mod:`spatialpanel.models.spec`), immutable results and
regression tables. Conventions: ``docs/conventions.md``, section "Estimation".
"""

from spatialpanel.models.model import SpatialPanelModel
from spatialpanel.models.results import SpatialPanelResults
from spatialpanel.models.spec import ModelSpec
from spatialpanel.models.summary import Summary, compare

__all__ = ["ModelSpec", "SpatialPanelModel", "SpatialPanelResults", "Summary", "compare"]

"""What the inference functions read from a fitted spatial panel model (the engine's results)."""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

from spatialpanel.weights.core import SpatialWeights

__all__ = ["Fitted"]


class Fitted(Protocol):
    """The part of the engine's results object that inference uses.

    ``params`` is indexed by the x names, ``"W*<x>"`` for the Durbin terms, ``"rho"`` or
    ``"lambda"`` (and ``"const"`` for pooled or random-effects fits); ``cov`` is the covariance of
    ``params`` from the full information matrix (including the ρ–β block).
    """

    @property
    def params(self) -> pd.Series: ...

    @property
    def cov(self) -> pd.DataFrame: ...

    @property
    def loglik(self) -> float: ...

    @property
    def spec(self) -> Any: ...

    @property
    def w(self) -> SpatialWeights: ...

"""Regional disparity tools: Dagum Gini decomposition, kernel density, Markov chains, convergence.

Figures are in :mod:`spatialpanel.disparity.plots` (imported on demand, as it loads matplotlib).
"""

from spatialpanel.disparity.convergence import (
    BetaConvergence,
    SigmaConvergence,
    beta_convergence,
    panel_beta_convergence,
    sigma_convergence,
)
from spatialpanel.disparity.dagum import DagumGini, DagumGiniPanel, dagum_gini, dagum_gini_panel
from spatialpanel.disparity.kde import KernelDensity, bandwidth, kernel_density
from spatialpanel.disparity.lisa_markov import LisaMarkov, lisa_markov
from spatialpanel.disparity.markov import (
    ChiSquareTest,
    MarkovChain,
    SpatialMarkov,
    markov_chain,
    mean_first_passage,
    spatial_markov,
    steady_state,
)
from spatialpanel.disparity.spatial_beta import SpatialBetaConvergence, spatial_beta_convergence

__all__ = [
    "BetaConvergence",
    "ChiSquareTest",
    "DagumGini",
    "DagumGiniPanel",
    "KernelDensity",
    "LisaMarkov",
    "MarkovChain",
    "SigmaConvergence",
    "SpatialBetaConvergence",
    "SpatialMarkov",
    "bandwidth",
    "beta_convergence",
    "dagum_gini",
    "dagum_gini_panel",
    "kernel_density",
    "lisa_markov",
    "markov_chain",
    "mean_first_passage",
    "panel_beta_convergence",
    "sigma_convergence",
    "spatial_beta_convergence",
    "spatial_markov",
    "steady_state",
]

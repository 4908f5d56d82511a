"""Specification of the 30 variables of the SYNTHETIC demo panel (see ``spatialpanel.data.demo``).

Each variable is a monotone transform of a linear predictor into its plausible range
``[lo, hi]``::

    lp_it = sign * loading * z_it + drift * (t - 2014) / 9 + dev * dev_i + remote * remote_i
            + humid * humid_i + re * eta_i + noise * e_it

    logit:  x = lo + (hi - lo) * expit(logit(p0) + lp),          p0 = (center - lo) / (hi - lo)
    log:    ln x = ln lo + (ln hi - ln lo) * expit(logit(p0) + s * lp),
            p0 = (ln center - ln lo) / (ln hi - ln lo),  s = 1 / ((ln hi - ln lo) p0 (1 - p0))

(``s`` makes the slope of ``ln x`` in ``lp`` equal to 1 at the centre, so ``loading`` is an
elasticity there). ``z`` is the variable's latent (U or P; none for the controls) in units of its
2014 cross-sectional standard deviation, centred on its 2014 mean; ``dev``, ``remote`` and ``humid``
are province covariates; ``eta`` is a spatially smoothed province effect and ``e`` spatially
filtered AR(1) noise, both standardised. ``center`` is therefore the value of a typical province
in 2014. ``plausible`` is the documented range of values a province can take in 2014-2023 (public
knowledge of China's provinces, rounded generously); the transforms keep every value inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CONTROLS", "VARIABLES", "VariableSpec"]


@dataclass(frozen=True)
class VariableSpec:
    """One variable of the demo panel: meaning, unit, plausible range and how it is generated."""

    name: str
    system: Literal["uri", "cp", "control"]
    unit: str
    plausible: tuple[float, float]
    decimals: int
    description: str
    transform: Literal["log", "logit"]
    center: float
    latent: Literal["U", "P"] | None = None
    sign: int = 1
    loading: float = 0.0
    drift: float = 0.0
    dev: float = 0.0
    remote: float = 0.0
    humid: float = 0.0
    re: float = 0.1
    noise: float = 0.03


def _u(name: str, **kw: object) -> VariableSpec:
    return VariableSpec(name=name, system="uri", latent="U", **kw)  # type: ignore[arg-type]


def _p(name: str, **kw: object) -> VariableSpec:
    return VariableSpec(name=name, system="cp", latent="P", **kw)  # type: ignore[arg-type]


def _c(name: str, **kw: object) -> VariableSpec:
    return VariableSpec(name=name, system="control", latent=None, **kw)  # type: ignore[arg-type]


URI: tuple[VariableSpec, ...] = (
    _u(
        "ur_wage_income_ratio",
        unit="ratio (urban / rural)",
        plausible=(1.3, 9.0),
        decimals=4,
        description="Per capita wage income, urban / rural residents",
        transform="log",
        center=4.0,
        sign=-1,
        loading=0.22,
        remote=0.15,
        re=0.12,
        noise=0.03,
    ),
    _u(
        "ur_consumption_ratio",
        unit="ratio (urban / rural)",
        plausible=(1.2, 4.0),
        decimals=4,
        description="Per capita consumption expenditure, urban / rural residents",
        transform="log",
        center=2.3,
        sign=-1,
        loading=0.12,
        re=0.07,
        noise=0.02,
    ),
    _u(
        "ur_culture_consumption_ratio",
        unit="ratio (urban / rural)",
        plausible=(1.0, 6.0),
        decimals=4,
        description="Per capita education, culture and recreation expenditure, urban / rural",
        transform="log",
        center=2.4,
        sign=-1,
        loading=0.15,
        remote=0.2,
        re=0.15,
        noise=0.05,
    ),
    _u(
        "ur_engel_ratio",
        unit="ratio (urban / rural Engel coefficient)",
        plausible=(0.6, 1.2),
        decimals=4,
        description="Engel coefficient, urban / rural (rises towards 1)",
        transform="logit",
        center=0.89,
        loading=0.25,
        re=0.3,
        noise=0.1,
    ),
    _u(
        "unemployment_insurance_share",
        unit="% of population",
        plausible=(2.0, 75.0),
        decimals=2,
        description="Residents insured against unemployment / total population",
        transform="log",
        center=12.0,
        loading=0.35,
        re=0.15,
        noise=0.03,
        drift=-0.2,
    ),
    _u(
        "nonagri_value_added_share",
        unit="% of GDP",
        plausible=(70.0, 100.0),
        decimals=2,
        description="Value added of the secondary and tertiary sectors / GDP",
        transform="logit",
        center=89.0,
        loading=0.45,
        re=0.3,
        noise=0.05,
        drift=-0.3,
    ),
    _u(
        "nonagri_agri_employment_ratio",
        unit="ratio",
        plausible=(0.4, 60.0),
        decimals=3,
        description="Non-agricultural employment / agricultural employment",
        transform="log",
        center=2.5,
        loading=0.45,
        re=0.2,
        noise=0.04,
        drift=-0.5,
    ),
    _u(
        "private_cars_per_capita",
        unit="cars per person",
        plausible=(0.02, 0.40),
        decimals=4,
        description="Private car ownership / total population",
        transform="log",
        center=0.075,
        loading=0.22,
        drift=0.25,
        re=0.15,
        noise=0.03,
    ),
    _u(
        "agri_machinery_per_sown_area",
        unit="kW per hectare",
        plausible=(1.5, 35.0),
        decimals=3,
        description="Total power of agricultural machinery / crop sown area",
        transform="log",
        center=6.5,
        loading=0.05,
        remote=0.4,
        re=0.3,
        noise=0.05,
    ),
    _u(
        "park_green_area_per_capita",
        unit="m² per person",
        plausible=(5.0, 25.0),
        decimals=2,
        description="Urban park green area per capita",
        transform="log",
        center=13.0,
        loading=0.05,
        drift=0.1,
        re=0.15,
        noise=0.04,
    ),
    _u(
        "forest_coverage",
        unit="% of land area",
        plausible=(3.0, 70.0),
        decimals=2,
        description="Forest coverage rate",
        transform="logit",
        center=32.0,
        loading=0.05,
        humid=0.9,
        drift=0.05,
        re=0.35,
        noise=0.01,
    ),
    _u(
        "env_protection_expenditure_share",
        unit="% of general budget expenditure",
        plausible=(1.0, 8.0),
        decimals=3,
        description="Energy conservation and environmental protection expenditure / budget",
        transform="log",
        center=2.8,
        loading=0.05,
        remote=0.2,
        re=0.2,
        noise=0.08,
    ),
    _u(
        "waste_harmless_treatment_rate",
        unit="%",
        plausible=(40.0, 100.0),
        decimals=2,
        description="Harmless treatment rate of domestic waste",
        transform="logit",
        center=90.0,
        loading=0.5,
        drift=1.5,
        re=0.3,
        noise=0.2,
    ),
)

CP: tuple[VariableSpec, ...] = (
    _p(
        "urbanization_rate",
        unit="% of population",
        plausible=(20.0, 92.0),
        decimals=2,
        description="Urban resident population / resident population",
        transform="logit",
        center=54.0,
        loading=0.5,
        re=0.15,
        noise=0.02,
        drift=-0.5,
    ),
    _p(
        "urban_unemployment_rate",
        unit="%",
        plausible=(1.0, 5.0),
        decimals=2,
        description="Registered urban unemployment rate",
        transform="logit",
        center=3.2,
        sign=-1,
        loading=0.08,
        re=0.25,
        noise=0.08,
    ),
    _p(
        "social_security_expenditure_per_capita",
        unit="yuan per person",
        plausible=(500.0, 10000.0),
        decimals=1,
        description="Social security and employment expenditure / resident population",
        transform="log",
        center=1200.0,
        loading=0.3,
        remote=0.5,
        re=0.15,
        noise=0.05,
    ),
    _p(
        "urban_road_area_per_capita",
        unit="m² per person",
        plausible=(3.0, 30.0),
        decimals=2,
        description="Urban road area per capita",
        transform="log",
        center=15.0,
        loading=0.08,
        re=0.25,
        noise=0.03,
    ),
    _p(
        "public_transport_vehicles_per_10k",
        unit="vehicles per 10,000 people",
        plausible=(5.0, 30.0),
        decimals=2,
        description="Public transport vehicles (standard units) per 10,000 urban residents",
        transform="log",
        center=12.0,
        loading=0.08,
        re=0.2,
        noise=0.05,
    ),
    _p(
        "hospital_beds_per_1k",
        unit="beds per 1,000 people",
        plausible=(3.0, 10.0),
        decimals=3,
        description="Hospital beds per 1,000 residents",
        transform="log",
        center=4.8,
        loading=0.08,
        drift=0.2,
        re=0.1,
        noise=0.03,
    ),
    _p(
        "health_technicians_per_1k",
        unit="persons per 1,000 people",
        plausible=(3.0, 15.0),
        decimals=3,
        description="Health technicians per 1,000 residents",
        transform="log",
        center=5.5,
        loading=0.12,
        re=0.1,
        noise=0.03,
    ),
    _p(
        "public_toilets_per_10k",
        unit="toilets per 10,000 people",
        plausible=(1.0, 10.0),
        decimals=3,
        description="Public toilets per 10,000 urban residents",
        transform="log",
        center=2.8,
        loading=0.05,
        remote=0.3,
        re=0.3,
        noise=0.06,
    ),
    _p(
        "gdp_per_capita",
        unit="yuan per person (current prices)",
        plausible=(18000.0, 220000.0),
        decimals=0,
        description="Gross domestic product per capita",
        transform="log",
        center=47000.0,
        loading=0.42,
        re=0.08,
        noise=0.02,
    ),
    _p(
        "disposable_income_per_capita",
        unit="yuan per person (current prices)",
        plausible=(10000.0, 90000.0),
        decimals=0,
        description="Per capita disposable income of all residents",
        transform="log",
        center=19000.0,
        loading=0.38,
        re=0.05,
        noise=0.015,
    ),
    _p(
        "education_expenditure_share",
        unit="% of general budget expenditure",
        plausible=(9.0, 23.0),
        decimals=3,
        description="Education expenditure / budget expenditure",
        transform="logit",
        center=16.0,
        loading=0.03,
        re=0.3,
        noise=0.05,
    ),
    _p(
        "library_books_per_capita",
        unit="volumes per person",
        plausible=(0.2, 4.5),
        decimals=3,
        description="Public library holdings per capita",
        transform="log",
        center=0.55,
        loading=0.3,
        re=0.2,
        noise=0.04,
    ),
)

CONTROL_SPECS: tuple[VariableSpec, ...] = (
    _c(
        "gov_intervention",
        unit="ratio (expenditure / GDP)",
        plausible=(0.08, 1.6),
        decimals=4,
        description="General budget expenditure / GDP",
        transform="log",
        center=0.25,
        dev=-0.3,
        remote=0.7,
        re=0.15,
        noise=0.04,
    ),
    _c(
        "openness",
        unit="ratio (trade / GDP)",
        plausible=(0.005, 1.5),
        decimals=4,
        description="Total imports and exports / GDP",
        transform="log",
        center=0.18,
        dev=1.05,
        drift=-0.15,
        re=0.4,
        noise=0.08,
    ),
    _c(
        "human_capital",
        unit="years",
        plausible=(5.0, 14.0),
        decimals=3,
        description="Average years of schooling of the population aged 6 and over",
        transform="log",
        center=9.0,
        dev=0.08,
        remote=-0.08,
        drift=0.08,
        re=0.03,
        noise=0.008,
    ),
    _c(
        "industrial_structure",
        unit="ratio (tertiary / secondary)",
        plausible=(0.5, 6.0),
        decimals=4,
        description="Value added of the tertiary / the secondary sector",
        transform="log",
        center=1.0,
        dev=0.25,
        drift=0.35,
        re=0.15,
        noise=0.04,
    ),
    _c(
        "tech_innovation",
        unit="% of GDP",
        plausible=(0.1, 7.5),
        decimals=3,
        description="R&D expenditure / GDP (R&D intensity)",
        transform="log",
        center=1.3,
        dev=0.75,
        remote=-0.3,
        drift=0.2,
        re=0.25,
        noise=0.05,
    ),
)

#: The demo panel's variables, in column order, with their generating specifications.
VARIABLES: tuple[VariableSpec, ...] = URI + CP + CONTROL_SPECS
CONTROLS: tuple[str, ...] = tuple(s.name for s in CONTROL_SPECS)

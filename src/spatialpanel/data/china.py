"""China provincial reference data shipped with the package.

The 31 provincial-level regions of mainland China (GB/T 2260 codes), their regional
divisions and capitals, and their land contiguity (68 borders) with the conventions for the
island province Hainan.
Cross-checked against ``shared/reference/china`` (see ``tests/test_china.py``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import pandas as pd

from spatialpanel.errors import check_option

__all__ = ["HainanLink", "adjacency_pairs", "provinces", "region_of"]

HainanLink = Literal["guangdong", "guangdong+guangxi", "none"]
_HAINAN = 460000
_HAINAN_OPTIONS: tuple[str, ...] = ("guangdong", "guangdong+guangxi", "none")


def _read(name: str) -> pd.DataFrame:
    path = resources.files("spatialpanel.data.datasets").joinpath(name)
    with path.open("rb") as fh:
        return pd.read_csv(fh)


@cache
def _provinces() -> pd.DataFrame:
    frame = _read("provinces.csv")
    frame["code"] = frame["code"].astype(int)
    frame = frame.set_index("code", drop=False)
    frame.index.name = None
    # the 1986 three-belt division: Guangxi east, Inner Mongolia central
    frame["region_3belt_1986"] = frame["region_3belt"]
    frame.loc[450000, "region_3belt_1986"] = "east"
    frame.loc[150000, "region_3belt_1986"] = "central"
    return frame


def provinces() -> pd.DataFrame:
    """The 31 provinces, indexed by GB/T 2260 code (ascending).

    Columns: ``code``, ``name_zh``, ``name_en``, ``pinyin``, ``region_3belt`` (east 11 / central 8
    / west 12, the post-2000 division), ``region_3belt_1986`` (Guangxi east, Inner Mongolia
    central), ``region_4`` (NBS east / central / west / northeast), ``capital_en``, ``capital_zh``,
    ``capital_lat``, ``capital_lon`` (WGS84). A copy is returned; the caller may modify it.
    """
    return _provinces().copy()


def region_of(
    *, division: Literal["region_4", "region_3belt", "region_3belt_1986"] = "region_4"
) -> pd.Series:
    """Map province code -> region name for a division (NBS four regions by default)."""
    options = ("region_4", "region_3belt", "region_3belt_1986")
    check_option("division", division, options)
    return _provinces()[division].copy()


def adjacency_pairs(*, hainan: HainanLink = "guangdong") -> list[tuple[int, int]]:
    """Undirected contiguity pairs (code_a < code_b) between the 31 provinces.

    Parameters
    ----------
    hainan
        How the island province Hainan (460000) is linked: ``"guangdong"`` (the usual convention,
        the default), ``"guangdong+guangxi"`` (some studies), or ``"none"`` (Hainan is then an
        island with no neighbours; weight builders report it).

    Returns
    -------
    list of (int, int)
        The 68 land borders plus the chosen Hainan links.
    """
    check_option("hainan", hainan, _HAINAN_OPTIONS)
    frame = _read("adjacency.csv")
    keep = {"land"}
    if hainan in ("guangdong", "guangdong+guangxi"):
        keep.add("hainan_convention")
    if hainan == "guangdong+guangxi":
        keep.add("hainan_optional")
    frame = frame[frame["kind"].isin(keep)]
    return sorted(
        (min(int(a), int(b)), max(int(a), int(b)))
        for a, b in zip(frame["code_a"], frame["code_b"], strict=True)
    )

"""The study's region set, from ``[geography]`` (or China's provinces for ``entity_kind="china"``).

``[geography]`` names either a bundled set (``bundled = "china_cities"``) or the user's own
boundaries (``file = "PATH"``, relative to the study file, with ``id = "COLUMN"``, optional
``label_en``, ``label_zh``, ``aliases``, ``points`` / ``points_columns`` / ``points_id``, ``crs``
for files that declare none, ``layer`` for a GeoPackage with several).

:func:`division_groups` resolves the ``division`` of ``[disparity]`` and ``[evolution]``: one of
China's divisions, or a column of the region set. :func:`region_noun` is what the generated
sentences call the regions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spatialpanel.data.regions import RegionSet, china_provinces, read_regions, region_set
from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.config import StudyConfig
from spatialpanel.study.rules import DIVISIONS

__all__ = ["division_groups", "load_regions", "region_noun"]


def _path(config: StudyConfig, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else config.base_dir / path


def load_regions(config: StudyConfig) -> RegionSet | None:
    """The region set of a study: ``[geography]``, China's provinces, or ``None``.

    ``None`` means generic ids without boundaries: the panel's ids are kept as given and only
    ``kind = "file"`` weights can be built.
    """
    if config.has("geography"):
        geo = config.section("geography")
        if geo["bundled"] is not None:
            return region_set(str(geo["bundled"]))
        return read_regions(
            _path(config, str(geo["file"])),
            id=str(geo["id"]),
            label_en=geo["label_en"],
            label_zh=geo["label_zh"],
            aliases=list(geo["aliases"]),
            points=_path(config, str(geo["points"])) if geo["points"] else None,
            points_columns=geo["points_columns"],
            points_id=geo["points_id"],
            crs=geo["crs"],
            layer=geo["layer"],
        )
    if config.section("data")["entity_kind"] == "china":
        return china_provinces()
    return None


def division_groups(regions: RegionSet | None, division: str, *, key: str) -> str | pd.Series:
    """The groups that a ``division`` names, for the region set ``regions``.

    A column of the region set gives a Series region id -> group (for the bundled cities
    ``region_4`` etc. through their province; for the user's boundaries any of its columns). One
    of China's divisions (:data:`~spatialpanel.study.rules.DIVISIONS`) on China's provinces, or
    without a region set, is returned as its name, for
    :func:`spatialpanel.data.china.region_of`.

    Raises
    ------
    ConfigError
        If ``division`` is neither, naming ``key`` (e.g. ``"[disparity] division"``), the
        divisions and the region set's columns.
    """
    columns = [] if regions is None else [str(c) for c in regions.table.columns]
    if regions is not None and regions.name != "china_provinces" and division in columns:
        return regions.groups(division)
    if division in DIVISIONS:
        return division
    if regions is not None and division in columns:
        return regions.groups(division)
    where = (
        f"a column of the region set {regions.name!r} ({', '.join(columns)})"
        if regions is not None
        else "a column of a [geography] boundary file (the study has no [geography])"
    )
    raise ConfigError(
        f"{key} = {division!r} is neither one of China's divisions ({', '.join(DIVISIONS)}) nor "
        f"{where}." + did_you_mean(division, [*DIVISIONS, *columns])
    )


def region_noun(regions: RegionSet | None) -> str:
    """What the sentences call the regions of ``regions``: ``"provinces"`` (China's provinces),
    ``"cities"`` (the bundled prefecture-level cities) or ``"regions"`` (anything else)."""
    name = None if regions is None else regions.name
    return {"china_provinces": "provinces", "china_cities": "cities"}.get(str(name), "regions")

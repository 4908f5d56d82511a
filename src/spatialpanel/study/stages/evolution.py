"""Evolution stage: trend figures and growth tables of each composite index (Figures 1 and 2).

Reads ``ctx.scores`` (written by the indices stage) and the ``[evolution]`` section: ``provinces``
(names in English or Chinese, or GB/T 2260 codes; empty: the four highest and the four lowest in
the last year) and ``division`` (the regional division whose means are drawn, NBS four regions by
default, or a column of the ``[geography]`` region set). For each index it emits a figure of the
selected provinces, a figure of the regional means (with the mean of all provinces dashed), a
growth table by province and one by region, and sentences generated from the growth tables. The
figures and regional tables are drawn for China's provinces; other region sets (cities, the
user's boundaries) get the growth table and its sentence, which name the regions as they are
(provinces, cities or regions).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Literal

import pandas as pd

from spatialpanel.data.china import provinces
from spatialpanel.disparity._common import resolve_groups
from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.indices.growth import growth_summary
from spatialpanel.report.evolution_plots import province_trends, region_trends
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.geography import division_groups, region_noun
from spatialpanel.study.stages.indices import entity_names, index_name
from spatialpanel.text import Label, Labels, Message, Text, TextList, msg, numbers, pmsg, render

__all__ = ["run", "select_provinces"]

_ALL = "All provinces"
_REGION_ZH: dict[Hashable, str] = {
    "east": "东部",
    "central": "中部",
    "west": "西部",
    "northeast": "东北",
}


def select_provinces(wanted: list[Any], available: list[Hashable]) -> list[Hashable]:
    """Map names (English, Chinese, pinyin) or codes of ``wanted`` to entity codes."""
    prov = provinces()
    lookup: dict[str, int] = {}
    for code, row in prov.iterrows():
        for col in ("name_en", "name_zh", "pinyin"):
            lookup[str(row[col]).lower()] = int(code)  # type: ignore[call-overload]
        lookup[str(code)] = int(code)  # type: ignore[call-overload]
    out: list[Hashable] = []
    for item in wanted:
        code = lookup.get(str(item).strip().lower())
        if code is None or code not in available:
            options = [str(n) for n in prov["name_en"]]
            raise ConfigError(
                f"[evolution] provinces: {item!r} is not a province of the data; use English or "
                "Chinese names or codes." + did_you_mean(str(item), options)
            )
        out.append(code)
    return out


def run(ctx: StudyContext) -> StageOutput:
    """Draw the evolution figures and growth tables; see the module docstring."""
    cfg: dict[str, Any] = ctx.config.section("evolution")
    division = str(cfg.get("division", "region_4"))
    named = division_groups(ctx.regions, division, key="[evolution] division")
    lang: Literal["en", "zh"] = "zh" if ctx.lang == "zh" else "en"
    settings: dict[str, Any] = {"division": division, "skipped": []}
    if lang == "zh":
        from spatialpanel.report.fonts import cjk_font

        if cjk_font() is None:
            lang = "en"
            settings["skipped"].append("Chinese labels: no CJK font installed; drawn in English")
    entities = list(pd.unique(ctx.panel.index.get_level_values(0)))
    china = set(entities) <= set(provinces().index)
    key = "[evolution] division"
    groups = resolve_groups(named, pd.Index(entities), name=key) if china else None
    names = entity_names(entities, regions=ctx.regions)
    drawn = entity_names(entities, lang=lang, regions=ctx.regions)
    ids = {names[e]: e for e in entities}  # the tables name the regions; messages need ids
    noun = "provinces" if china else region_noun(ctx.regions)
    tables: list[TableArtifact] = []
    figures: list[FigureArtifact] = []
    sentences: list[Sentence] = []
    base_notes: tuple[Text, ...] = ctx.mark_notes
    for name, frame in ctx.scores.items():
        label = Label("variable", name)
        index = index_name(name, ctx.labels)
        ylabel = render(index, lang, ctx.labels)
        score = frame["score"]
        notes = base_notes
        result = ctx.results.get("indices", {}).get(name)
        if result is not None and getattr(result, "variant", "panel") == "year":
            notes = (
                msg(
                    "Per-year weights: levels compare within a year only, so growth describes "
                    "changes in relative position."
                ),
                *notes,
            )
        growth = growth_summary(score)
        growth.index = pd.Index([names[e] for e in growth.index], name=_ONE[noun])
        if groups is not None:
            growth.insert(0, "region", [groups[e] for e in entities])
        key_growth = f"{name}_growth"[:31]
        tables.append(
            TableArtifact(
                key_growth,
                _GROWTH_TITLES[noun](label),
                growth,
                (
                    *notes,
                    msg(
                        "{aagr}: compound average annual growth rate, %.",
                        aagr=pmsg("column", "aagr_pct"),
                    ),
                ),
            )
        )
        if groups is not None:
            selected = (
                select_provinces(list(cfg.get("provinces", [])), entities)
                if cfg.get("provinces")
                else _extremes(score)
            )
            fig = province_trends(
                score,
                entities=selected,
                names=drawn,
                ylabel=ylabel,
                synthetic=ctx.synthetic,
                mark=ctx.data_mark,
                lang=lang,
            )
            figures.append(
                FigureArtifact(
                    f"{name}_trend_provinces"[:31],
                    msg("{index} of selected provinces", index=index),
                    fig,
                    notes,
                )
            )
            by_region = growth_summary(score, groups=groups)
            national = growth_summary(
                score.groupby(level=1)
                .mean()
                .to_frame("s")
                .assign(e=_ALL)
                .set_index("e", append=True)
                .reorder_levels([1, 0])["s"]
            )
            by_region = pd.concat([by_region, national])
            by_region.index = pd.Index(
                [str(g).capitalize() if g != _ALL else _ALL for g in by_region.index],
                name="region",
            )
            key_region = f"{name}_growth_region"[:31]
            tables.append(
                TableArtifact(
                    key_region,
                    msg("{label}: regional means and growth", label=label),
                    by_region,
                    (*notes, msg("Unweighted means of the provinces of each region.")),
                )
            )
            figures.append(
                FigureArtifact(
                    f"{name}_trend_regions"[:31],
                    msg("{index} by region (means)", index=index),
                    region_trends(
                        score,
                        groups=groups,
                        ylabel=ylabel,
                        synthetic=ctx.synthetic,
                        mark=ctx.data_mark,
                        lang=lang,
                        group_names=_REGION_ZH if lang == "zh" else None,
                    ),
                    notes,
                )
            )
            sentences.extend(_region_sentences(name, ctx.labels, by_region, key_region))
        else:
            settings["skipped"].append(
                f"{name}: trend figures need China's province codes as entities"
            )
        sentences.extend(
            _province_sentences(name, ctx.labels, growth, key_growth, noun=noun, ids=ids)
        )
    return StageOutput(
        name="evolution",
        title=msg("Spatio-temporal evolution"),
        tables=tuple(tables),
        figures=tuple(figures),
        sentences=tuple(sentences),
        settings=settings,
    )


#: A region of each kind (the growth table's first column) and the growth table's title.
_ONE: dict[str, str] = {"provinces": "province", "cities": "city", "regions": "region"}
_GROWTH_TITLES: dict[str, Any] = {
    "provinces": lambda label: msg("{label}: growth by province", label=label),
    "cities": lambda label: msg("{label}: growth by city", label=label),
    "regions": lambda label: msg("{label}: growth by region", label=label),
}


def _extremes(score: pd.Series, k: int = 4) -> list[Hashable]:
    last = score.xs(score.index.get_level_values(1).max(), level=1).sort_values(ascending=False)
    picked = list(last.index[:k]) + [e for e in last.index[-k:] if e not in last.index[:k]]
    return picked


def _province_sentences(
    name: str,
    labels: Labels,
    growth: pd.DataFrame,
    key: str,
    *,
    noun: str = "provinces",
    ids: dict[str, Hashable] | None = None,
) -> list[Sentence]:
    """The growth sentence; ``noun`` names the regions (provinces, cities or regions) and
    ``ids`` gives the region id behind each name of the growth table."""
    g = growth.dropna(subset=["aagr_pct"]).sort_values("aagr_pct", ascending=False)
    if len(g) < 2:
        return []
    t0, t1 = int(growth["first_year"].iloc[0]), int(growth["last_year"].iloc[0])
    # the three fastest (fewer with four provinces or less: the slowest is named apart)
    top = [str(p) for p in g.index[: min(3, len(g) - 1)]]
    slow = str(g.index[-1])
    rising = int((growth["change"] > 0).sum())
    aagr = {str(k): float(v) for k, v in g["aagr_pct"].items()}

    def item(province: str) -> Message:
        return msg(
            "{region} ({value})",
            region=Label("region", str((ids or {}).get(province, province))),
            value=numbers.percent(aagr[province], 2),
        )

    n = len(growth)
    case = "all" if rising == n else "none" if rising == 0 else None
    text = msg(
        "From {t0} to {t1} the {index} rose in {k} of {n} {regions}; its average annual growth "
        "was highest in {top} and lowest in {slow}.",
        regions=pmsg("regions", noun),
        t0=t0,
        t1=t1,
        index=index_name(name, labels),
        k=rising,
        n=n,
        top=TextList(tuple(item(p) for p in top)),
        slow=item(slow),
        case=case,
    )
    sources = tuple(f"{key}:{p}:aagr_pct" for p in [*top, slow])
    return [Sentence(text, (f"{key}:*:change", *sources))]


def _region_sentences(
    name: str, labels: Labels, by_region: pd.DataFrame, key: str
) -> list[Sentence]:
    regions = by_region.drop(index=_ALL)
    t0, t1 = int(by_region["first_year"].iloc[0]), int(by_region["last_year"].iloc[0])
    order = regions.sort_values("last", ascending=False)
    ranking = TextList(
        tuple(
            msg(
                "{region} ({value})",
                region=Label("group", str(r).lower()),
                value=numbers.fixed(order.loc[r, "last"], 4),
            )
            for r in order.index
        ),
        "rank",
    )
    nat = by_region.loc[_ALL]
    aagr = {str(k): float(v) for k, v in regions["aagr_pct"].dropna().items()}
    if not aagr:
        return []
    fastest = max(aagr, key=lambda r: aagr[r])
    text = msg(
        "In {t1} the regional means of the {index} rank {ranking}; the mean of all provinces "
        "moved from {a} in {t0} to {b} in {t1}, and the {fastest} grew fastest ({g} a year).",
        t1=t1,
        index=index_name(name, labels),
        ranking=ranking,
        a=numbers.fixed(float(str(nat["first"])), 4),
        t0=t0,
        b=numbers.fixed(float(str(nat["last"])), 4),
        fastest=Label("group", fastest.lower()),
        g=numbers.percent(aagr[fastest], 2),
    )
    sources = (
        *(f"{key}:{r}:last" for r in order.index),
        f"{key}:{_ALL}:first",
        f"{key}:{_ALL}:last",
        f"{key}:{fastest}:aagr_pct",
    )
    return [Sentence(text, sources)]

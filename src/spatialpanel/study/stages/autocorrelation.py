"""Spatial autocorrelation stage: the paper's Table 3 per matrix, local Moran, Figures 3-6.

Reads ``[autocorrelation]``: ``variable`` (an index or a data column), ``weights`` (matrices for
the global statistics), ``local_weights`` (matrix of the local Moran and the scatter plots; the
first of ``weights`` when omitted), ``years`` (years of the local tables and figures; all years
when empty), ``permutations``, ``alpha`` and ``fdr``. The seed is the study's.

Outputs: one Table-3 table per matrix (all years; I with stars, sd, z, p and the permutation p),
one Geary's C table, the local Moran table, the quadrant membership table, one Moran scatter plot
per configured year, and sentences. ``ctx.results["local_moran"]`` receives the local results of
every year (columns ``entity``, ``time``, ``Ii``, ``p``, ``quadrant`` as ``"HH"``/``"LH"``/
``"LL"``/``"HL"``, ``significant``, ...) for the LISA cluster maps.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from spatialpanel.autocorr.local import local_moran, quadrant_counts, quadrant_membership
from spatialpanel.autocorr.moran import geary, moran, significance_stars
from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext

__all__ = ["run"]

_SIDES = (
    "p: two-sided, randomisation assumption (normal approximation); p_perm: two-sided "
    "permutation pseudo p-value, twice the smaller one-sided (#{as extreme} + 1)/(P + 1)."
)


def _short_zh(name: str) -> str:
    """Short Chinese province name: 北京市 -> 北京, 广西壮族自治区 -> 广西."""
    if name.endswith("自治区"):
        return name[:3] if name.startswith("内蒙古") else name[:2]
    return name[:-1] if name.endswith(("省", "市")) else name


#: Moran scatter plots of more than _LABEL_ALL regions label only the _MAX_LABELS most extreme.
_LABEL_ALL, _MAX_LABELS = 60, 30


def _labels(ctx: StudyContext, lang: str) -> dict[Hashable, str]:
    """Province display names in ``lang``; the region set's labels or ids for other regions."""
    from spatialpanel.data.china import provinces

    if ctx.regions is not None and ctx.regions.name != "china_provinces":
        labels = ctx.regions.labels(lang=lang)
        return {i: str(labels.get(i, i)) for i in ctx.panel.index.get_level_values(0).unique()}

    prov = provinces()
    column = "name_zh" if lang == "zh" else "name_en"
    ids = ctx.panel.index.get_level_values(0).unique()
    names = prov[column].to_dict()
    if lang == "zh":
        names = {k: _short_zh(str(v)) for k, v in names.items()}
    return {i: str(names.get(i, i)) for i in ids}


def _series(ctx: StudyContext, name: str) -> pd.Series:
    if name in ctx.scores or name in ctx.panel.columns:
        return ctx.variable(name)
    options = [str(o) for o in (*ctx.scores, *ctx.panel.columns)]
    raise ConfigError(
        f"[autocorrelation] variable = {name!r} is neither an index nor a data column."
        + did_you_mean(name, options)
    )


def _weights(ctx: StudyContext, name: str) -> Any:
    if name not in ctx.weights:
        raise ConfigError(
            f"[autocorrelation] refers to weights {name!r}, which the weights stage did not "
            f"build (available: {sorted(ctx.weights)})." + did_you_mean(name, sorted(ctx.weights))
        )
    return ctx.weights[name]


def _years_list(years: Sequence[Hashable]) -> str:
    return ", ".join(str(y) for y in years) if years else "none"


def run(ctx: StudyContext) -> StageOutput:
    """Compute the global and local statistics and their tables, figures and sentences."""
    from spatialpanel.report.moran_plots import moran_scatter

    cfg = ctx.config.section("autocorrelation")
    variable = str(cfg["variable"])
    names = [str(n) for n in cfg.get("weights", [])]
    local_name = str(cfg.get("local_weights") or (names[0] if names else ""))
    if not names and not local_name:
        raise ConfigError("[autocorrelation] weights is empty; name at least one matrix.")
    permutations = int(cfg.get("permutations", 999))
    alpha = float(cfg.get("alpha", 0.05))
    fdr = bool(cfg.get("fdr", False))
    series = _series(ctx, variable).astype(float)
    all_years = sorted(series.index.get_level_values(1).unique().tolist())
    wanted = list(cfg.get("years") or [])
    unknown = [y for y in wanted if y not in set(all_years)]
    if unknown:
        raise ConfigError(
            f"[autocorrelation] years {unknown} are not in the data ({all_years[0]}–"
            f"{all_years[-1]})."
        )
    years = wanted or all_years
    label = str(ctx.config.section("indices").get(variable, {}).get("label", variable))
    from spatialpanel.report.fonts import cjk_font, figure_fonts

    # Chinese names only when a CJK font can draw them in the figures
    lang = "zh" if ctx.lang == "zh" and cjk_font() is not None else "en"
    labels = _labels(ctx, lang)
    synthetic = (
        ("Synthetic data: the numbers illustrate the workflow only.",)
        if ctx.synthetic
        else ctx.mark_notes
    )
    seed = int(ctx.seed)

    tables: list[TableArtifact] = []
    sentences: list[Sentence] = []
    geary_frames = []
    for name in names:
        w = _weights(ctx, name)
        res = moran(series, w, permutations=permutations, seed=seed)
        key = f"moran_{name}"[:31]
        frame = pd.DataFrame(
            {
                "I": res["I"],
                "I_stars": [
                    f"{i:.3f}{significance_stars(p)}"
                    for i, p in zip(res["I"], res["p"], strict=True)
                ],
                "EI": res["EI"],
                "sd": res["sd"],
                "z": res["z"],
                "p": res["p"],
                "p_perm": res["p_perm"],
                "sd_norm": res["sd_norm"],
                "z_norm": res["z_norm"],
                "p_norm": res["p_norm"],
            }
        )
        notes = (
            "*** p < 0.01, ** p < 0.05, * p < 0.1 (p: randomisation assumption).",
            _SIDES,
            f"{permutations} permutations, seed {seed}; sd_norm/z_norm/p_norm: normality "
            "assumption.",
            *synthetic,
        )
        tables.append(
            TableArtifact(key, f"Global Moran's I of {label} ({name} weights)", frame, notes)
        )
        significant = [t for t, p in res["p"].items() if p < 0.05]
        i_of: dict[Hashable, float] = {t: float(v) for t, v in res["I"].items()}
        hi, lo = max(i_of, key=lambda t: i_of[t]), min(i_of, key=lambda t: i_of[t])
        when = (
            "every year"
            if len(significant) == len(res)
            else f"{len(significant)} of {len(res)} years ({_years_list(significant)})"
        )
        sentences.append(
            Sentence(
                f"With the {name} weights, Moran's I of {label} is significant at the 5% level "
                f"(two-sided) in {when}; it ranges from {i_of[lo]:.3f} ({lo}) to "
                f"{i_of[hi]:.3f} ({hi}).",
                (
                    *(f"{key}:{t}:p" for t in res.index),
                    f"{key}:{lo}:I",
                    f"{key}:{hi}:I",
                ),
            )
        )
        g = geary(series, w, permutations=0)
        geary_frames.append(
            g[["C", "EC", "sd", "z", "p"]]
            .assign(weights=name)
            .reset_index()
            .set_index(["weights", g.index.name or "time"])
        )
    if geary_frames:
        tables.append(
            TableArtifact(
                "geary",
                f"Geary's C of {label}",
                pd.concat(geary_frames),
                (
                    "C < 1: positive spatial autocorrelation; p two-sided, randomisation "
                    "assumption.",
                    *synthetic,
                ),
            )
        )

    figures: list[FigureArtifact] = []
    settings: dict[str, Any] = {
        "variable": variable,
        "weights": names,
        "local_weights": local_name,
        "years": years,
        "permutations": permutations,
        "alpha": alpha,
        "fdr": fdr,
        "seed": seed,
        "p_sidedness": _SIDES,
        "labels": lang,
    }
    if local_name:
        w = _weights(ctx, local_name)
        local = local_moran(series, w, permutations=permutations, seed=seed, alpha=alpha, fdr=fdr)
        entity_col, time_col = local.columns[0], local.columns[1]
        out = local.rename(columns={entity_col: "entity", time_col: "time"})
        out = out.rename(columns={"quadrant": "quadrant_number"})
        out["quadrant"] = out["label"]
        out["name"] = out["entity"].map(labels)
        ctx.results["local_moran"] = out
        shown = out[out["time"].isin(years)]
        lisa_cols = ["entity", "name", "time", "value", "z", "lag", "Ii", "p", "p_fdr"]
        lisa_cols += ["quadrant", "quadrant_number", "significant", "cluster", "geoda"]
        lisa_notes = (
            f"Local Moran (Anselin 1995) with the {local_name} weights; p: conditional "
            f"permutation ({permutations} draws, seed {seed}), one-sided in the direction of "
            "the observed I_i (as esda and GeoDa); p_fdr: Benjamini–Hochberg per year.",
            "quadrant_number: 1 HH, 2 LH, 3 LL, 4 HL (GeoDa codes: 1 HH, 2 LL, 3 LH, 4 HL).",
            f"significant: p{'_fdr' if fdr else ''} <= {alpha:g}.",
            *synthetic,
        )
        tables.append(
            TableArtifact(
                "local_moran",
                f"Local Moran's I of {label} ({local_name} weights)",
                shown[lisa_cols].set_index(["time", "entity"]),
                lisa_notes,
            )
        )
        members = quadrant_membership(local[local[time_col].isin(years)], labels=labels)
        counts = quadrant_counts(local[local[time_col].isin(years)])
        for lab in ("HH", "LH", "LL", "HL"):
            members[f"n_{lab}"] = counts[lab]
        tables.append(
            TableArtifact(
                "quadrants",
                f"Provinces by Moran scatter-plot quadrant, {label} ({local_name} weights)",
                members,
                (
                    "Quadrants of the Moran scatter plot (all regions, significant or not): "
                    "HH first quadrant, LH second, LL third, HL fourth.",
                    *synthetic,
                ),
            )
        )
        crowded = w.n > _LABEL_ALL
        for year in years:
            title = f"Moran scatter plot of {label}, {year} ({local_name} weights)"
            with figure_fonts(lang):
                fig = moran_scatter(
                    series,
                    w,
                    year=year,
                    labels=labels,
                    variable=label,
                    max_labels=_MAX_LABELS if crowded else None,
                )
            figures.append(
                FigureArtifact(
                    f"moran_scatter_{year}",
                    title,
                    fig,
                    (
                        "Slope of the line = Moran's I (row-standardised weights).",
                        *(
                            (
                                f"Labels: the {_MAX_LABELS} regions farthest from the origin "
                                f"(of {w.n}).",
                            )
                            if crowded
                            else ()
                        ),
                        *synthetic,
                    ),
                )
            )
        stay: dict[str, list[str]] = {"HH": [], "LL": []}
        for entity, rows in shown.groupby("entity", sort=False):
            found = set(rows["quadrant"])
            for lab in stay:
                if found == {lab}:
                    stay[lab].append(labels.get(entity, str(entity)))
        sentences.append(
            Sentence(
                f"In every year shown ({_years_list(years)}) the provinces in the high–high "
                f"quadrant are {_years_list(stay['HH'])} and those in the low–low quadrant are "
                f"{_years_list(stay['LL'])} ({local_name} weights).",
                tuple(f"quadrants:{y}:{lab}" for y in years for lab in ("HH", "LL")),
            )
        )
    return StageOutput(
        name="autocorrelation",
        title="Spatial autocorrelation",
        tables=tuple(tables),
        figures=tuple(figures),
        sentences=tuple(sentences),
        settings=settings,
    )

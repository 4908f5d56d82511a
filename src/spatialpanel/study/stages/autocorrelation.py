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

from collections.abc import Hashable
from typing import Any

import pandas as pd

from spatialpanel.autocorr.local import local_moran, quadrant_counts, quadrant_membership
from spatialpanel.autocorr.moran import geary, moran, significance_stars
from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.text import (
    Label,
    Message,
    Text,
    TextList,
    msg,
    numbers,
    pmsg,
)

__all__ = ["run"]

#: The p-values of the global Moran tables (the conventions section states it once more).
SIDES = msg(
    "{p}: two-sided, randomisation assumption (normal approximation); {p_perm}: two-sided "
    "permutation pseudo p-value, twice the smaller one-sided (k + 1)/(P + 1), k permutations at "
    "least as extreme.",
    p=pmsg("column", "p"),
    p_perm=pmsg("column", "p_perm"),
)


#: Moran scatter plots of more than _LABEL_ALL regions label only the _MAX_LABELS most extreme.
_LABEL_ALL, _MAX_LABELS = 60, 30


def _labels(ctx: StudyContext, lang: str) -> dict[Hashable, str]:
    """Region names in ``lang``: the region set's names (cities, states, the user's boundaries),
    the bundled names of China's provinces, else the ids."""
    ids = ctx.panel.index.get_level_values(0).unique()
    return {i: ctx.labels.get("region", str(i), lang) for i in ids}


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


def _lag_shift(local: pd.DataFrame, w: Any, *, weights: Label, label: Label) -> Message | None:
    """Why the Moran scatter plot's cloud sits off zero under a non-symmetric matrix.

    A row-standardised lag of standardised values averages zero only when the matrix is
    symmetric before the transform (each region weighs on the others as much as they on it).
    Under a non-symmetric matrix (the economic-geographic product W_d·diag(g_i/ḡ), which gives
    the richer regions more weight) the lag of every region can lean the same way, and a
    quadrant can stay empty; that is a property of the matrix, not an error. ``None`` for a
    symmetric matrix.
    """
    import numpy as np

    raw = w.original
    if abs(raw - raw.T).sum() < 1e-12 or local.empty:
        return None
    lags = local["lag"].to_numpy(dtype=float)
    n_pos = int((local.groupby("entity")["lag"].min() > 0).sum())
    n = int(local["entity"].nunique())
    mean = float(np.mean(lags))
    return msg(
        "The {w} matrix is not symmetric, so the spatial lag of the standardised {label} is not "
        "centred on zero: its mean over the years shown is {mean}, and {k} of {n} regions have a "
        "positive lag in every year shown. The Moran scatter plot's cloud is shifted accordingly "
        "and a quadrant can stay empty; this is a property of the matrix, not an error.",
        w=weights,
        label=label,
        mean=numbers.fixed(mean, 3),
        k=n_pos,
        n=n,
        case="all" if n_pos == n else None,
    )


def run(ctx: StudyContext) -> StageOutput:
    """Compute the global and local statistics and their tables, figures and sentences."""
    from spatialpanel.report.moran_plots import fitted_line_note, moran_spec

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
    label = Label("variable", variable)
    from spatialpanel.report.fonts import cjk_font

    # Chinese names only when a CJK font can draw them in the figures
    lang = "zh" if ctx.lang == "zh" and cjk_font() is not None else "en"
    names_en = _labels(ctx, "en")
    synthetic: tuple[Text, ...] = (
        (msg("Synthetic data: the numbers illustrate the workflow only."),)
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
        notes: tuple[Text, ...] = (
            msg("*** p < 0.01, ** p < 0.05, * p < 0.1 (p: randomisation assumption)."),
            SIDES,
            msg(
                "{n} permutations, seed {seed}; {sd}, {z}, {p}: normality assumption.",
                n=permutations,
                seed=seed,
                sd=pmsg("column", "sd_norm"),
                z=pmsg("column", "z_norm"),
                p=pmsg("column", "p_norm"),
            ),
            *synthetic,
        )
        weights = Label("weights", name)
        tables.append(
            TableArtifact(
                key,
                msg("Global Moran's I of {label} ({w} weights)", label=label, w=weights),
                frame,
                notes,
            )
        )
        significant = [t for t, p in res["p"].items() if p < 0.05]
        i_of: dict[Hashable, float] = {t: float(v) for t, v in res["I"].items()}
        hi, lo = max(i_of, key=lambda t: i_of[t]), min(i_of, key=lambda t: i_of[t])
        when = (
            msg("every year")
            if len(significant) == len(res)
            else msg("no year")
            if not significant
            else msg(
                "{k} of {n} years ({years})",
                k=len(significant),
                n=len(res),
                years=TextList(tuple(str(t) for t in significant)),
            )
        )
        sentences.append(
            Sentence(
                msg(
                    "With the {w} weights, Moran's I of {label} is significant at the 5% level "
                    "(two-sided) in {when}; it ranges from {lo} ({tlo}) to {hi} ({thi}).",
                    w=weights,
                    label=label,
                    when=when,
                    lo=numbers.fixed(i_of[lo], 3),
                    tlo=str(lo),
                    hi=numbers.fixed(i_of[hi], 3),
                    thi=str(hi),
                ),
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
                msg("Geary's C of {label}", label=label),
                pd.concat(geary_frames),
                (
                    msg(
                        "C < 1: positive spatial autocorrelation; p two-sided, randomisation "
                        "assumption."
                    ),
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
        "p_sidedness": "global: two-sided; local: one-sided, folded (conditional permutation)",
        "labels": lang,
    }
    if local_name:
        w = _weights(ctx, local_name)
        local = local_moran(series, w, permutations=permutations, seed=seed, alpha=alpha, fdr=fdr)
        entity_col, time_col = local.columns[0], local.columns[1]
        out = local.rename(columns={entity_col: "entity", time_col: "time"})
        out = out.rename(columns={"quadrant": "quadrant_number"})
        out["quadrant"] = out["label"]
        out["name"] = out["entity"].map(names_en)
        ctx.results["local_moran"] = out
        shown = out[out["time"].isin(years)]
        lisa_cols = ["entity", "name", "time", "value", "z", "lag", "Ii", "p", "p_fdr"]
        lisa_cols += ["quadrant", "quadrant_number", "significant", "cluster", "geoda"]
        local_w = Label("weights", local_name)
        lisa_notes: tuple[Text, ...] = (
            msg(
                "Local Moran (Anselin 1995) with the {w} weights; p: conditional permutation ({n} "
                "draws, seed {seed}), one-sided in the direction of the observed I_i (as esda and "
                "GeoDa); {p_fdr}: Benjamini–Hochberg per year.",
                w=local_w,
                n=permutations,
                seed=seed,
                p_fdr=pmsg("column", "p_fdr"),
            ),
            msg(
                "{quadrant_number}: 1 HH, 2 LH, 3 LL, 4 HL (GeoDa codes: 1 HH, 2 LL, 3 LH, 4 HL).",
                quadrant_number=pmsg("column", "quadrant_number"),
            ),
            msg(
                "{significant}: {p} <= {alpha}.",
                significant=pmsg("column", "significant"),
                p=pmsg("column", "p_fdr") if fdr else pmsg("column", "p"),
                alpha=f"{alpha:g}",
            ),
            *synthetic,
        )
        tables.append(
            TableArtifact(
                "local_moran",
                msg("Local Moran's I of {label} ({w} weights)", label=label, w=local_w),
                shown[lisa_cols].set_index(["time", "entity"]),
                lisa_notes,
            )
        )
        shown_local = local[local[time_col].isin(years)]
        members = quadrant_membership(shown_local, labels=names_en)
        for lab in ("HH", "LH", "LL", "HL"):  # the region lists as messages (named per language)
            lists: list[Any] = [
                TextList(
                    tuple(
                        Label("region", str(e))
                        for e in shown_local.loc[
                            (shown_local[time_col] == t) & (shown_local["label"] == lab),
                            entity_col,
                        ]
                    ),
                    "series",
                )
                for t in members.index
            ]
            members[lab] = pd.Series(lists, index=members.index, dtype=object)
        counts = quadrant_counts(local[local[time_col].isin(years)])
        for lab in ("HH", "LH", "LL", "HL"):
            members[f"n_{lab}"] = counts[lab]
        tables.append(
            TableArtifact(
                "quadrants",
                msg(
                    "Provinces by Moran scatter-plot quadrant, {label} ({w} weights)",
                    label=label,
                    w=local_w,
                ),
                members,
                (
                    msg(
                        "Quadrants of the Moran scatter plot (all regions, significant or not): "
                        "HH first quadrant, LH second, LL third, HL fourth."
                    ),
                    *synthetic,
                ),
            )
        )
        shift = _lag_shift(out[out["time"].isin(years)], w, weights=local_w, label=label)
        crowded = w.n > _LABEL_ALL
        for year in years:
            title = msg(
                "Moran scatter plot of {label}, {year} ({w} weights)",
                label=label,
                year=year,
                w=local_w,
            )
            spec = moran_spec(
                series, w, year=year, variable=label, max_labels=_MAX_LABELS if crowded else None
            )
            line = fitted_line_note(spec)
            figures.append(
                FigureArtifact(
                    f"moran_scatter_{year}",
                    title,
                    spec,
                    (
                        msg("Slope of the line = Moran's I (row-standardised weights)."),
                        *((shift,) if shift is not None else ()),
                        *((line,) if line is not None else ()),
                        *(
                            (
                                msg(
                                    "Labels: the {k} regions farthest from the origin (of {n}).",
                                    k=_MAX_LABELS,
                                    n=int(w.n),
                                ),
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
                    stay[lab].append(str(entity))

        def regions(ids: list[str]) -> TextList:
            return TextList(tuple(Label("region", i) for i in ids))

        hh, ll = stay["HH"], stay["LL"]
        case = "none" if not hh and not ll else "no_ll" if not ll else "no_hh" if not hh else None
        sentences.append(
            Sentence(
                msg(
                    "The provinces that stay in the high–high quadrant in every year shown "
                    "({years}) are {hh}; those that stay in the low–low quadrant are {ll} ({w} "
                    "weights).",
                    years=TextList(tuple(str(y) for y in years)),
                    hh=regions(hh),
                    ll=regions(ll),
                    w=local_w,
                    case=case,
                ),
                tuple(f"quadrants:{y}:{lab}" for y in years for lab in ("HH", "LL")),
            )
        )
        if shift is not None:
            sentences.append(Sentence(shift, tuple(f"local_moran:{y}:lag" for y in years)))
    return StageOutput(
        name="autocorrelation",
        title=msg("Spatial autocorrelation"),
        tables=tuple(tables),
        figures=tuple(figures),
        sentences=tuple(sentences),
        settings=settings,
    )

"""The regional-disparity stage: Dagum Gini, kernel density, Markov chains and convergence.

Driven by the ``[disparity]`` section of the study::

    [disparity]
    variables = ["cp", "uri"]        # composite indices (or raw columns)
    division = "region_4"            # region_4 | region_3belt | region_3belt_1986, or a
                                     # column of the [geography] region set
    tools = ["dagum", "kde", "markov", "convergence"]
    markov_classes = 4               # quantile classes of the Markov chains
    bandwidth = "silverman"          # silverman | scott | scipy_scott | scipy_silverman | number
    weights = "contiguity"           # [weights.NAME] for the spatial and LISA Markov chains

Optional keys read with defaults: ``markov_scheme`` (``"pooled"`` | ``"per_year"``),
``neighbour_classes`` (``"own_quantiles"`` | ``"variable_cutoffs"``), ``sigma_measure``
(``"sd"`` | ``"cv"``), ``sigma_log`` (bool), ``population`` (a raw panel column used as Dagum
population weights), ``controls`` (columns for conditional β convergence; default: the
``[model]`` controls).
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.disparity.convergence import (
    beta_convergence,
    panel_beta_convergence,
    sigma_convergence,
)
from spatialpanel.disparity.dagum import dagum_gini_panel
from spatialpanel.disparity.kde import kernel_density
from spatialpanel.disparity.lisa_markov import lisa_markov
from spatialpanel.disparity.markov import first_passage_times, markov_chain, spatial_markov
from spatialpanel.disparity.plots import plot_dagum, plot_kde_2d, plot_kde_3d, plot_sigma
from spatialpanel.disparity.spatial_beta import spatial_beta_convergence
from spatialpanel.errors import ConfigError, SpatialPanelError, did_you_mean
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext

__all__ = ["TOOLS", "run"]

TOOLS: tuple[str, ...] = ("dagum", "kde", "markov", "convergence", "coupling", "obstacle")
_PER_VARIABLE = ("dagum", "kde", "markov", "convergence")


def _key(what: str, var: str) -> str:
    """Artifact key ``<variable>_<what>`` (at most 31 characters, the Excel sheet limit)."""
    return f"{var[: max(31 - len(what) - 1, 1)]}_{what}"


def _p(p: float) -> str:
    return "p < 0.0001" if p < 1e-4 else f"p = {p:.4f}"


class _Collector:
    def __init__(self) -> None:
        self.tables: list[TableArtifact] = []
        self.figures: list[FigureArtifact] = []
        self.sentences: list[Sentence] = []
        self.results: dict[str, dict[str, Any]] = {}

    def store(self, var: str, name: str, obj: Any) -> None:
        self.results.setdefault(var, {})[name] = obj


def _groups(ctx: StudyContext, s: dict[str, Any]) -> str | pd.Series:
    """The division: a name of China's divisions, or a column of the study's region set
    (for cities ``region_4`` etc. through their province; for the user's boundaries any of its
    columns); see :func:`spatialpanel.study.geography.division_groups`."""
    from spatialpanel.study.geography import division_groups

    return division_groups(ctx.regions, str(s["division"]), key="[disparity] division")


def _settings(ctx: StudyContext) -> dict[str, Any]:
    cfg = ctx.config.section("disparity")
    s = {
        "variables": list(cfg.get("variables", ["cp", "uri"])),
        "division": cfg.get("division", "region_4"),
        "tools": list(cfg.get("tools", list(TOOLS))),
        "markov_classes": int(cfg.get("markov_classes", 4)),
        "bandwidth": cfg.get("bandwidth", "silverman"),
        "weights": cfg.get("weights", "contiguity"),
        "markov_scheme": cfg.get("markov_scheme", "pooled"),
        "neighbour_classes": cfg.get("neighbour_classes", "own_quantiles"),
        "sigma_measure": cfg.get("sigma_measure", "sd"),
        "sigma_log": bool(cfg.get("sigma_log", False)),
        "population": cfg.get("population"),
        "controls": list(
            cfg.get("controls") or ctx.config.section("model").get("controls", []) or []
        ),
        "coupling_systems": list(cfg.get("coupling_systems") or ["uri", "cp"]),
        "coupling_form": cfg.get("coupling_form", "classic"),
        "obstacle_top": int(cfg.get("obstacle_top", 3)),
    }
    unknown = [t for t in s["tools"] if t not in TOOLS]
    if unknown:
        raise ConfigError(
            f"[disparity] tools = {s['tools']!r}: {unknown} are not known; use some of {TOOLS}."
            + did_you_mean(str(unknown[0]), TOOLS)
        )
    s["lang"] = "zh" if ctx.lang == "zh" else "en"
    if s["lang"] == "zh":
        from spatialpanel.report.fonts import cjk_font

        if cjk_font() is None:  # as the evolution stage: fall back to English labels
            s["lang"] = "en"
    choices = {
        "markov_scheme": ("pooled", "per_year"),
        "neighbour_classes": ("own_quantiles", "variable_cutoffs"),
        "sigma_measure": ("sd", "cv"),
    }
    for key, options in choices.items():
        if s[key] not in options:
            raise ConfigError(
                f"[disparity] {key} = {s[key]!r} is not known; use one of {options}."
                + did_you_mean(str(s[key]), options)
            )
    if isinstance(s["bandwidth"], str):
        with contextlib.suppress(ValueError):
            s["bandwidth"] = float(s["bandwidth"])
    return s


def _variable(ctx: StudyContext, name: str) -> pd.Series:
    known = [*ctx.scores, *ctx.panel.columns]
    if name not in known:
        raise ConfigError(
            f"[disparity] variables: {name!r} is neither a composite index nor a data column."
            + did_you_mean(name, [str(k) for k in known])
        )
    return ctx.variable(name).astype(float)


def _dagum(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: _Collector
) -> None:
    pop = None
    if s["population"]:
        pop = _variable(ctx, str(s["population"]))
    res = dagum_gini_panel(series, groups=_groups(ctx, s), weights=pop)
    out.store(var, "dagum", res)
    table = res.table
    key = _key("dagum", var)
    weighting = "population-weighted" if pop is not None else "unweighted (each region counts once)"
    notes = (
        f"Dagum (1997) decomposition, {weighting}; groups: {s['division']}.",
        "G = G_w + G_nb + G_t; shares in percent of G. Pairs take the higher-mean group first.",
    )
    out.tables.append(
        TableArtifact(key, f"Dagum Gini decomposition of {var} by year", table, notes)
    )
    detail = _dagum_detail(res)
    out.tables.append(
        TableArtifact(
            _key("dagum_groups", var),
            f"Within-group and between-group Gini of {var}, relative affluence D_jh",
            detail,
            ("kind = within: G_jj of the group; kind = between: G_jh and D_jh (high–low).",),
        )
    )
    out.figures.append(
        FigureArtifact(
            _key("dagum_components", var),
            f"Dagum Gini decomposition of {var}",
            plot_dagum(res, lang=s["lang"]),
            notes,
        )
    )
    years = list(table.index)
    first, last = years[0], years[-1]
    mean_share = table[["share_w", "share_nb", "share_t"]].mean()
    out.sentences.append(
        Sentence(
            f"The overall Gini coefficient of {var} was {table.loc[first, 'G']:.4f} in {first} and "
            f"{table.loc[last, 'G']:.4f} in {last}. On average the net between-group gap "
            f"contributed {mean_share['share_nb']:.2f}%, the within-group gaps "
            f"{mean_share['share_w']:.2f}% and transvariation {mean_share['share_t']:.2f}%.",
            (f"{key}:{first}:G", f"{key}:{last}:G", f"{key}:share_nb", f"{key}:share_w"),
        )
    )
    pairs = res.by_year[last].pairs
    top = pairs.iloc[int(np.argmax(pairs["gini"].to_numpy()))]
    out.sentences.append(
        Sentence(
            f"In {last} the largest between-group Gini was between {top['high']} and "
            f"{top['low']} (G_jh = {top['gini']:.4f}, relative affluence D_jh = "
            f"{top['affluence']:.4f}).",
            (f"{_key('dagum_groups', var)}:{last}:{top['high']}–{top['low']}",),
        )
    )


def _dagum_detail(res: Any) -> pd.DataFrame:
    rows = []
    for year, r in res.by_year.items():
        for g, row in r.groups.iterrows():
            rows.append(
                {
                    "year": year,
                    "kind": "within",
                    "pair": str(g),
                    "gini": row["gini"],
                    "affluence": np.nan,
                    "contribution": row["gini"] * row["p"] * row["s"],
                }
            )
        for _, row in r.pairs.iterrows():
            rows.append(
                {
                    "year": year,
                    "kind": "between",
                    "pair": f"{row['high']}–{row['low']}",
                    "gini": row["gini"],
                    "affluence": row["affluence"],
                    "contribution": row["net_between"] + row["transvariation"],
                }
            )
    return pd.DataFrame(rows)


def _kde(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: _Collector
) -> None:
    kd = kernel_density(series, bandwidth_rule=s["bandwidth"], groups=_groups(ctx, s))
    out.store(var, "kde", kd)
    table = kd.bandwidths.join(kd.peaks)
    key = _key("kde", var)
    rule = kd.rule if kd.rule != "fixed" else f"fixed h = {s['bandwidth']}"
    notes = (
        f"Gaussian kernel; bandwidth rule: {rule} (silverman = 0.9·min(σ, IQR/1.34)·n^(−1/5), "
        "R bw.nrd0), applied per year and region.",
    )
    out.tables.append(
        TableArtifact(key, f"Kernel density of {var}: bandwidths and peaks", table, notes)
    )
    out.figures.append(
        FigureArtifact(
            _key("kde_curves", var),
            f"Kernel density of {var} by year",
            plot_kde_2d(kd, xlabel=var, lang=s["lang"]),
            notes,
        )
    )
    out.figures.append(
        FigureArtifact(
            _key("kde_surface", var),
            f"Kernel density of {var}: year–value–density",
            plot_kde_3d(kd, xlabel=var, lang=s["lang"]),
            notes,
        )
    )
    peaks = kd.peaks.loc["all"]
    years = list(peaks.index)
    first, last = years[0], years[-1]
    p0, p1 = peaks.loc[first], peaks.loc[last]
    direction = "right" if p1["peak_at"] > p0["peak_at"] else "left"
    height = "rose" if p1["peak_height"] > p0["peak_height"] else "fell"
    out.sentences.append(
        Sentence(
            f"Nationally, the main peak of the density of {var} moved {direction} from "
            f"{p0['peak_at']:.4f} in {first} to {p1['peak_at']:.4f} in {last}, and its height "
            f"{height} from {p0['peak_height']:.3f} to {p1['peak_height']:.3f}; the curve had "
            f"{int(p1['n_peaks'])} peak(s) in {last}.",
            (f"{key}:all|{first}:peak_at", f"{key}:all|{last}:peak_at"),
        )
    )


def _markov(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: _Collector
) -> None:
    k = s["markov_classes"]
    chain = markov_chain(series, k=k, classes=s["markov_scheme"])
    out.store(var, "markov", chain)
    key = _key("markov", var)
    table = chain.table()
    table.loc["steady state"] = [np.nan, *chain.steady_state.to_numpy()]
    cut_note = (
        ", ".join(f"{c:.4f}" for c in chain.cutoffs.iloc[0])
        if s["markov_scheme"] == "pooled"
        else "per year"
    )
    notes = (f"{k} quantile classes ({s['markov_scheme']}); cut-offs: {cut_note}.",)
    out.tables.append(
        TableArtifact(key, f"Markov transition probabilities of {var}", table.reset_index(), notes)
    )
    passage = first_passage_times(chain.probabilities.to_numpy())
    passage[~np.isfinite(passage)] = np.nan  # not surely reached: blank (the note says so)
    mfpt = pd.DataFrame(
        passage,
        index=chain.transitions.index,
        columns=chain.transitions.columns,
    ).reset_index()
    out.tables.append(
        TableArtifact(
            _key("markov_mfpt", var),
            f"Mean first passage times of {var} (years)",
            mfpt,
            (
                "Kemeny–Snell; diagonal: mean recurrence time. A blank cell: the column's class "
                "is not surely reached from the row's class (an infinite mean first passage "
                "time).",
            ),
        )
    )
    diag = np.diag(chain.probabilities.to_numpy())
    out.sentences.append(
        Sentence(
            f"The probability that a province stays in its class of {var} from one year to the "
            f"next ranges from {diag.min():.3f} to {diag.max():.3f}; the probability of moving "
            f"up at least one class averages {_upward(chain.probabilities.to_numpy()):.3f} over "
            f"classes C1–C{k - 1}.",
            (f"{key}:diagonal",),
        )
    )
    w = ctx.weights.get(s["weights"])
    if w is None:
        out.sentences.append(
            Sentence(
                f"Spatial and LISA Markov chains were skipped: no weights named {s['weights']!r} "
                f"(available: {sorted(ctx.weights)}).",
            )
        )
        return
    sm = spatial_markov(
        series, w, k=k, classes=s["markov_scheme"], neighbour_classes=s["neighbour_classes"]
    )
    skey = _key("spatial_markov", var)
    q, lr = sm.q_test, sm.lr_test
    snotes = (
        f"Conditioned on the class of the spatial lag ({s['weights']}, row-standardised) in the "
        f"start year; neighbour classes: {s['neighbour_classes']}.",
        f"Homogeneity: Q = {q.stat:.3f} ({_p(q.pvalue)}), LR = {lr.stat:.3f} "
        f"({_p(lr.pvalue)}), df = {q.df}.",
    )
    out.tables.append(
        TableArtifact(
            skey,
            f"Spatial Markov transition probabilities of {var}",
            _observed_rows(sm.table()).reset_index(),
            snotes,
        )
    )
    verdict = "rejected" if lr.pvalue < 0.05 else "not rejected"
    out.sentences.append(
        Sentence(
            f"That transitions of {var} do not depend on the neighbours' class is {verdict} at the "
            f"5% level (LR = {lr.stat:.3f}, Q = {q.stat:.3f}, df = {q.df}, {_p(lr.pvalue)}).",
            (f"{skey}:LR", f"{skey}:Q"),
        )
    )
    out.store(var, "spatial_markov", sm)
    lm = lisa_markov(series, w)
    out.store(var, "lisa_markov", lm)
    lkey = _key("lisa_markov", var)
    ltable = _observed_rows(lm.chain.table()).reset_index()
    types = lm.type_counts.reset_index(names="type")
    ind = lm.independence
    out.tables.append(
        TableArtifact(
            lkey,
            f"LISA Markov transition probabilities of {var}",
            ltable,
            (
                f"Quadrants HH, LH, LL, HL (own, lag); independence χ² = {ind.stat:.3f}, "
                f"df = {ind.df}, {_p(ind.pvalue)}.",
            ),
        )
    )
    tkey = _key("lisa_types", var)
    out.tables.append(
        TableArtifact(
            tkey,
            f"Space-time transition types of {var} (Rey 2001)",
            types,
            (
                "0: no move; I: own move; II: neighbours move; IIIA: both, same way; "
                "IIIB: both, opposite ways.",
            ),
        )
    )
    share0 = float(lm.type_counts["share"].to_numpy()[0])
    out.sentences.append(
        Sentence(
            f"{share0:.1f}% of the yearly LISA transitions of {var} are type 0 (neither the "
            "province nor its neighbours changed quadrant of the Moran scatterplot).",
            (f"{tkey}:0:share",),
        )
    )


def _observed_rows(table: pd.DataFrame) -> pd.DataFrame:
    """A transition table whose rows without observations (n = 0) have blank probabilities.

    The estimator gives such rows zeros; a row of 0.0000 would claim the class is never left
    and never entered, where nothing was observed.
    """
    out = table.copy()
    empty = out["n"].to_numpy() == 0
    if empty.any():
        classes = [c for c in out.columns if c != "n"]
        out[classes] = out[classes].astype(float)
        out.loc[empty, classes] = np.nan
    return out


def _upward(p: np.ndarray) -> float:
    k = p.shape[0]
    return float(np.mean([p[i, i + 1 :].sum() for i in range(k - 1)]))


def _convergence(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: _Collector
) -> None:
    sig = sigma_convergence(
        series, measure=s["sigma_measure"], log=s["sigma_log"], groups=_groups(ctx, s)
    )
    out.store(var, "sigma", sig)
    key = _key("sigma", var)
    what = "coefficient of variation" if s["sigma_measure"] == "cv" else "standard deviation"
    notes = (f"σ = {what}{' of logs' if s['sigma_log'] else ''} (ddof = 1), per year and region.",)
    out.tables.append(TableArtifact(key, f"σ convergence of {var}", sig.table, notes))
    out.figures.append(
        FigureArtifact(
            _key("sigma_trend", var),
            f"σ convergence of {var}",
            plot_sigma(sig, lang=s["lang"]),
            notes,
        )
    )
    years = list(sig.table.index)
    d0, d1 = sig.table["all"].iloc[0], sig.table["all"].iloc[-1]
    out.sentences.append(
        Sentence(
            f"The national {what} of {var} went from {d0:.4f} in {years[0]} to {d1:.4f} in "
            f"{years[-1]}, {'σ convergence' if d1 < d0 else 'no σ convergence'} over the period.",
            (f"{key}:{years[0]}:all", f"{key}:{years[-1]}:all"),
        )
    )
    rows = {
        "absolute, cross-section": beta_convergence(series),
        "absolute, panel (region FE)": panel_beta_convergence(series, effects="entity"),
        "absolute, panel (two-way FE)": panel_beta_convergence(series, effects="twoway"),
    }
    controls = [c for c in s["controls"] if c != var]
    common_note = ""
    if controls:
        frame = pd.concat([_variable(ctx, c).rename(c) for c in controls], axis=1, join="inner")
        sub = series
        if not series.index.isin(frame.index).all():  # controls on fewer years ([model] years)
            sub = series[series.index.isin(frame.index)]
            t = sub.index.get_level_values(1)
            common_note = f"Conditional rows on {t.min()}–{t.max()}, the years the controls cover."
        rows["conditional, cross-section"] = beta_convergence(sub, controls=frame)
        rows["conditional, panel (two-way FE)"] = panel_beta_convergence(
            sub, effects="twoway", controls=frame
        )
    table = pd.DataFrame({name: r.summary() for name, r in rows.items()}).T
    w = ctx.weights.get(s["weights"])
    spatial_note = f"Spatial β skipped: no weights named {s['weights']!r}."
    sdm = None
    if w is not None:
        sdm = spatial_beta_convergence(series, w, model="sdm", effects="twoway")
        row = sdm.summary()
        table.loc["spatial, SDM (two-way FE)", ["beta", "se", "p", "speed", "half_life"]] = [
            row["beta"],
            row["se"],
            row["p"],
            row["speed"],
            row["half_life"],
        ]
        table.loc["spatial, SDM (two-way FE)", "n"] = float(sdm.results.nobs)
        spatial_note = (
            f"Spatial β: SDM by ML with two-way fixed effects and W = {s['weights']} "
            f"(row-standardised), ρ = {row['spatial']:.4f}; speed from the coefficient β."
        )
    out.store(
        var, "beta", {**rows, **({"spatial, SDM (two-way FE)": sdm} if sdm is not None else {})}
    )
    table.index.name = "model"
    bkey = _key("beta", var)
    bnotes = (
        "Cross-section: annualised log growth over the period on the log initial level; speed "
        "θ = −ln(1 + βT)/T. Panel: one-year log growth on last year's log level; θ = −ln(1 + β). "
        "Half-life = ln 2 / θ. Conventional standard errors (ML for the spatial model).",
        (
            f"Conditional: controls {', '.join(controls)} (cross-section: start-year values; "
            "panel: values of the growth year)."
            if controls
            else "No controls configured: absolute convergence only."
        ),
        spatial_note,
        *((common_note,) if common_note else ()),
    )
    out.tables.append(TableArtifact(bkey, f"β convergence of {var}", table, bnotes))
    fe = rows["absolute, panel (two-way FE)"]
    if np.isfinite(fe.speed):
        tail = (
            f"a convergence speed of {fe.speed:.4f} per year and a half-life of "
            f"{fe.half_life:.1f} years"
        )
    elif fe.beta < 0:
        tail = "that 1 + β ≤ 0, so the speed and the half-life are not defined"
    else:
        tail = "no β convergence"
    out.sentences.append(
        Sentence(
            f"With region and year fixed effects, β = {fe.beta:.4f} "
            f"({_p(float(fe.pvalues['beta']))}) for {var}, implying {tail}.",
            (f"{bkey}:absolute, panel (two-way FE):beta",),
        )
    )
    if sdm is not None:
        srow = sdm.summary()
        speed = (
            f"a speed of {srow['speed']:.4f} per year (half-life {srow['half_life']:.1f} years)"
            if np.isfinite(srow["speed"])
            else "no defined speed of convergence"
        )
        out.sentences.append(
            Sentence(
                f"Allowing for spatial spillovers (SDM, ρ = {srow['spatial']:.4f}), β = "
                f"{srow['beta']:.4f} ({_p(srow['p'])}), {speed}.",
                (f"{bkey}:spatial, SDM (two-way FE):beta",),
            )
        )


def _coupling_map(
    ctx: StudyContext, systems: list[str], s: dict[str, Any]
) -> FigureArtifact | None:
    """Maps of the coupling coordination degree D for the study's map years (China only)."""
    from spatialpanel.data.geometry import boundaries
    from spatialpanel.indices.coupling import coupling_coordination
    from spatialpanel.report.maps import small_multiples

    entities = set(ctx.panel.index.get_level_values(0))
    if not entities <= set(boundaries(include_no_data=False)["code"]):
        return None
    frame = pd.concat({name: ctx.scores[name]["score"] for name in systems}, axis=1, join="inner")
    d = coupling_coordination(frame, form=s["coupling_form"]).table["D"]
    available = sorted(set(d.index.get_level_values(1)))
    wanted = [int(y) for y in ctx.config.section("autocorrelation").get("years", [])]
    years = [y for y in wanted if y in available] or [available[0], available[-1]]
    panels = {y: d.xs(y, level=1) for y in years}
    sections = ctx.config.section("indices")
    labels = [str(sections.get(n, {}).get("label") or n) for n in systems]
    title = f"Coupling coordination degree D of {' and '.join(labels)}, by province"
    fig = small_multiples(
        panels,
        kind="choropleth",
        title=title,
        legend_label="D",
        cmap="YlGnBu",
        lang=s["lang"],
        synthetic=ctx.synthetic,
        mark=ctx.data_mark,
        ncols=2 if len(panels) > 1 else 1,
    )
    notes = ("One colour scale for all years.", *ctx.mark_notes)
    return FigureArtifact("map_coupling_d", title, fig, notes)


def _index_tools(ctx: StudyContext, s: dict[str, Any], out: _Collector) -> None:
    """Coupling coordination between indices and obstacle degrees of each index (issue 9)."""
    from spatialpanel.study.stages.indices import coupling_artifacts, obstacle_artifacts

    if "coupling" in s["tools"]:
        systems = s["coupling_systems"]
        missing = [n for n in systems if n not in ctx.scores]
        if missing or len(systems) < 2:
            raise ConfigError(
                f"[disparity] coupling_systems = {systems!r}: coupling needs two or more "
                f"composite indices; {missing} are not [indices.NAME] of this study."
                + (did_you_mean(str(missing[0]), list(ctx.scores)) if missing else "")
            )
        tables, sentences = coupling_artifacts(ctx, systems, form=s["coupling_form"])
        out.tables.extend(tables)
        out.sentences.extend(sentences)
        figure = _coupling_map(ctx, systems, s)
        if figure is not None:
            out.figures.append(figure)
    if "obstacle" in s["tools"]:
        computed = ctx.results.get("indices", {})
        for name in [v for v in s["variables"] if v in ctx.scores]:
            if name not in computed:  # an index given as data: no indicator weights to use
                out.sentences.append(
                    Sentence(
                        f"No obstacle degree for {name!r}: it needs the indicator weights of an "
                        "[indices] section computed in this study."
                    )
                )
                continue
            if len(computed[name].system) < 2:  # one indicator: its obstacle degree is 100 %
                out.sentences.append(
                    Sentence(f"No obstacle degree for {name!r}: the index has one indicator.")
                )
                continue
            tables, sentences = obstacle_artifacts(ctx, name, top=s["obstacle_top"])
            out.tables.extend(tables)
            out.sentences.extend(sentences)


def run(ctx: StudyContext) -> StageOutput:
    """Run the configured disparity tools on every configured variable."""
    s = _settings(ctx)
    out = _Collector()
    tools = {"dagum": _dagum, "kde": _kde, "markov": _markov, "convergence": _convergence}
    for var in s["variables"]:
        series = _variable(ctx, var)
        for tool in [t for t in s["tools"] if t in _PER_VARIABLE]:
            try:
                tools[tool](ctx, var, series, s, out)
            except SpatialPanelError as err:  # say which variable and tool the problem is in
                raise type(err)(f"[disparity] {tool} of {var!r}: {err}") from err
    _index_tools(ctx, s, out)
    # result objects for later stages: ctx.results["disparity"][var][tool]
    ctx.results["disparity"] = {"settings": s, **out.results}
    return StageOutput(
        name="disparity",
        title="Regional disparities",
        tables=tuple(out.tables),
        figures=tuple(out.figures),
        sentences=tuple(out.sentences),
        settings={k: v for k, v in s.items() if v is not None},
    )

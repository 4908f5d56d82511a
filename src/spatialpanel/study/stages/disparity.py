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
from spatialpanel.disparity.plots import dagum_spec, kde_omitted_note, kde_spec, sigma_spec
from spatialpanel.disparity.spatial_beta import spatial_beta_convergence
from spatialpanel.errors import ConfigError, SpatialPanelError, did_you_mean
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Message, Text, TextList, msg, nmsg, numbers, pmsg

__all__ = ["TOOLS", "run"]

TOOLS: tuple[str, ...] = ("dagum", "kde", "markov", "convergence", "coupling", "obstacle")
_PER_VARIABLE = ("dagum", "kde", "markov", "convergence")


def _key(what: str, var: str) -> str:
    """Artifact key ``<variable>_<what>`` (at most 31 characters, the Excel sheet limit)."""
    return f"{var[: max(31 - len(what) - 1, 1)]}_{what}"


def _p(p: float) -> str:
    return numbers.p_value(p)


def _var(var: str) -> Label:
    return Label("variable", var)


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
        "kde_min_group_size": int(cfg.get("kde_min_group_size", 5)),
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
    division = pmsg("division", str(s["division"]))
    notes: tuple[Text, ...] = (
        msg(
            "Dagum (1997) decomposition, population-weighted; groups: {division}.",
            division=division,
        )
        if pop is not None
        else msg(
            "Dagum (1997) decomposition, unweighted (each region counts once); groups: {division}.",
            division=division,
        ),
        msg(
            "G = within-group + net between-group + transvariation Gini; shares in percent of "
            "G. Pairs take the higher-mean group first."
        ),
    )
    out.tables.append(
        TableArtifact(
            key, msg("Dagum Gini decomposition of {var} by year", var=_var(var)), table, notes
        )
    )
    detail = _dagum_detail(res)
    out.tables.append(
        TableArtifact(
            _key("dagum_groups", var),
            msg(
                "Within-group and between-group Gini of {var}, relative affluence D_jh",
                var=_var(var),
            ),
            detail,
            (
                msg(
                    "{within}: the Gini of the group; {between}: the Gini between the two groups "
                    "and their relative affluence D_jh (higher-mean group first).",
                    within=pmsg("cell", "within"),
                    between=pmsg("cell", "between"),
                ),
            ),
        )
    )
    out.figures.append(
        FigureArtifact(
            _key("dagum_components", var),
            msg("Dagum Gini decomposition of {var}", var=_var(var)),
            dagum_spec(res, groups=_group_texts(res.within_table.columns)),
            notes,
        )
    )
    years = list(table.index)
    first, last = years[0], years[-1]
    mean_share = table[["share_w", "share_nb", "share_t"]].mean()
    out.sentences.append(
        Sentence(
            msg(
                "The overall Gini coefficient of {var} was {a} in {t0} and {b} in {t1}. On average "
                "the net between-group gap contributed {x}, the within-group gaps {y} and "
                "transvariation {z}.",
                var=_var(var),
                a=numbers.fixed(table.loc[first, "G"], 4),
                t0=str(first),
                b=numbers.fixed(table.loc[last, "G"], 4),
                t1=str(last),
                x=numbers.percent(mean_share["share_nb"], 2),
                y=numbers.percent(mean_share["share_w"], 2),
                z=numbers.percent(mean_share["share_t"], 2),
            ),
            (f"{key}:{first}:G", f"{key}:{last}:G", f"{key}:share_nb", f"{key}:share_w"),
        )
    )
    pairs = res.by_year[last].pairs
    top = pairs.iloc[int(np.argmax(pairs["gini"].to_numpy()))]
    out.sentences.append(
        Sentence(
            msg(
                "In {t} the largest between-group Gini was between {high} and {low} (G_jh = {g}, "
                "relative affluence D_jh = {d}).",
                t=str(last),
                high=Label("group", str(top["high"])),
                low=Label("group", str(top["low"])),
                g=numbers.fixed(top["gini"], 4),
                d=numbers.fixed(top["affluence"], 4),
            ),
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
                    "pair": pmsg("group", str(g)),
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
                    "pair": msg(
                        "{high}–{low}",
                        high=Label("group", str(row["high"])),
                        low=Label("group", str(row["low"])),
                    ),
                    "gini": row["gini"],
                    "affluence": row["affluence"],
                    "contribution": row["net_between"] + row["transvariation"],
                }
            )
    return pd.DataFrame(rows)


def _group_texts(groups: Any) -> dict[str, Label]:
    """The readers' names of the division's groups (East, Central, ...; 东部, 中部, ...)."""
    return {str(g): Label("group", str(g)) for g in groups}


def _all_label(ctx: StudyContext) -> Message:
    """The whole sample's name in figures: "All provinces" for China's provinces."""
    from spatialpanel.data.china import provinces

    entities = set(ctx.panel.index.get_level_values(0))
    return msg("All provinces") if entities <= set(provinces().index) else msg("All regions")


def _kde(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: _Collector
) -> None:
    # a composite index lies in [0, 1]: densities boundary-corrected by reflection there
    bounded = var in ctx.scores and bool(series.between(0.0, 1.0).all())
    kd = kernel_density(
        series,
        bandwidth_rule=s["bandwidth"],
        groups=_groups(ctx, s),
        bounds=(0.0, 1.0) if bounded else None,
        min_group_size=s["kde_min_group_size"],
    )
    out.store(var, "kde", kd)
    table = kd.bandwidths.join(kd.peaks)
    key = _key("kde", var)
    rule = (
        pmsg("bandwidth", str(kd.rule))
        if kd.rule != "fixed"
        else msg("fixed h = {h}", h=str(s["bandwidth"]))
    )
    notes = (
        msg(
            "Gaussian kernel; bandwidth rule: {rule} (silverman = 0.9·min(σ, IQR/1.34)·n^(−1/5), "
            "R bw.nrd0), applied per year and region.",
            rule=rule,
        ),
    )
    out.tables.append(
        TableArtifact(
            key, msg("Kernel density of {var}: bandwidths and peaks", var=_var(var)), table, notes
        )
    )
    figure_notes: tuple[Any, ...] = notes
    if bounded:
        figure_notes += (
            msg(
                "The index lies in [0, 1]: densities are boundary-corrected by reflection at 0 "
                "and 1 (Silverman 1986, §2.10) and are zero outside."
            ),
        )
    groups = _group_texts([*kd.scopes[1:], *kd.omitted])
    omitted = kde_omitted_note(kd, scopes=groups)
    if omitted is not None:
        figure_notes += (omitted,)
    variable, everyone = Label("variable", var), _all_label(ctx)
    out.figures.append(
        FigureArtifact(
            _key("kde_curves", var),
            msg("Kernel density of {var} by year", var=_var(var)),
            kde_spec(kd, variable=variable, scopes=groups, all_label=everyone),
            figure_notes,
        )
    )
    out.figures.append(
        FigureArtifact(
            _key("kde_surface", var),
            msg("Kernel density of {var}: year–value–density", var=_var(var)),
            kde_spec(kd, variable=variable, scopes=groups, all_label=everyone, surface=True),
            figure_notes,
        )
    )
    peaks = kd.peaks.loc["all"]
    years = list(peaks.index)
    first, last = years[0], years[-1]
    p0, p1 = peaks.loc[first], peaks.loc[last]
    right = p1["peak_at"] > p0["peak_at"]
    rose = p1["peak_height"] > p0["peak_height"]
    peak: dict[str, Any] = {
        "var": _var(var),
        "a": numbers.fixed(p0["peak_at"], 4),
        "t0": str(first),
        "b": numbers.fixed(p1["peak_at"], 4),
        "t1": str(last),
        "c": numbers.fixed(p0["peak_height"], 3),
        "d": numbers.fixed(p1["peak_height"], 3),
        "peaks": nmsg(
            "the curve had {n} peak in {t}",
            "the curve had {n} peaks in {t}",
            n=int(p1["n_peaks"]),
            t=str(last),
        ),
    }
    moved = (
        msg(
            "moved right from {a} in {t0} to {b} in {t1}",
            **{k: peak[k] for k in ["a", "t0", "b", "t1"]},
        )
        if right
        else msg(
            "moved left from {a} in {t0} to {b} in {t1}",
            **{k: peak[k] for k in ["a", "t0", "b", "t1"]},
        )
    )
    height = (
        msg("rose from {c} to {d}", c=peak["c"], d=peak["d"])
        if rose
        else msg("fell from {c} to {d}", c=peak["c"], d=peak["d"])
    )
    out.sentences.append(
        Sentence(
            msg(
                "Nationally, the main peak of the density of {var} {moved}, and its height "
                "{height}; {peaks}.",
                var=peak["var"],
                moved=moved,
                height=height,
                peaks=peak["peaks"],
            ),
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
        TextList(tuple(numbers.fixed(c, 4) for c in chain.cutoffs.iloc[0]), "series")
        if s["markov_scheme"] == "pooled"
        else pmsg("markov scheme", "per year")
    )
    notes = (
        msg(
            "{k} quantile classes ({scheme}); cut-offs: {cuts}.",
            k=k,
            scheme=pmsg("markov scheme", str(s["markov_scheme"])),
            cuts=cut_note,
        ),
    )
    out.tables.append(
        TableArtifact(
            key,
            msg("Markov transition probabilities of {var}", var=_var(var)),
            table.reset_index(),
            notes,
        )
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
            msg("Mean first passage times of {var} (years)", var=_var(var)),
            mfpt,
            (
                msg(
                    "Kemeny–Snell; diagonal: mean recurrence time. A blank cell: the column's "
                    "class is not surely reached from the row's class (an infinite mean first "
                    "passage time)."
                ),
            ),
        )
    )
    diag = np.diag(chain.probabilities.to_numpy())
    out.sentences.append(
        Sentence(
            msg(
                "The probability that a province stays in its class of {var} from one year to "
                "the next ranges from {a} to {b}; the probability of moving up at least one class "
                "averages {c} over classes C1–C{k}.",
                var=_var(var),
                a=numbers.fixed(diag.min(), 3),
                b=numbers.fixed(diag.max(), 3),
                c=numbers.fixed(_upward(chain.probabilities.to_numpy()), 3),
                k=k - 1,
            ),
            (f"{key}:diagonal",),
        )
    )
    w = ctx.weights.get(s["weights"])
    if w is None:
        out.sentences.append(
            Sentence(
                msg(
                    "Spatial and LISA Markov chains were skipped: no weights named {w} "
                    "(available: {available}).",
                    w=repr(str(s["weights"])),
                    available=TextList(tuple(repr(str(n)) for n in sorted(ctx.weights)), "series"),
                ),
            )
        )
        return
    sm = spatial_markov(
        series, w, k=k, classes=s["markov_scheme"], neighbour_classes=s["neighbour_classes"]
    )
    skey = _key("spatial_markov", var)
    q, lr = sm.q_test, sm.lr_test
    snotes = (
        msg(
            "Conditioned on the class of the spatial lag ({w}, row-standardised) in the start "
            "year; neighbour classes: {classes}.",
            w=Label("weights", str(s["weights"])),
            classes=pmsg("neighbour classes", str(s["neighbour_classes"])),
        ),
        msg(
            "Homogeneity: Q = {q} ({pq}), LR = {lr} ({plr}), df = {df}.",
            q=numbers.fixed(q.stat, 3),
            pq=_p(q.pvalue),
            lr=numbers.fixed(lr.stat, 3),
            plr=_p(lr.pvalue),
            df=int(q.df),
        ),
    )
    out.tables.append(
        TableArtifact(
            skey,
            msg("Spatial Markov transition probabilities of {var}", var=_var(var)),
            _observed_rows(sm.table()).reset_index(),
            snotes,
        )
    )
    verdict = pmsg("verdict", "rejected") if lr.pvalue < 0.05 else pmsg("verdict", "not rejected")
    out.sentences.append(
        Sentence(
            msg(
                "That transitions of {var} do not depend on the neighbours' class is {verdict} at "
                "the 5% level (LR = {lr}, Q = {q}, df = {df}, {p}).",
                var=_var(var),
                verdict=verdict,
                lr=numbers.fixed(lr.stat, 3),
                q=numbers.fixed(q.stat, 3),
                df=int(q.df),
                p=_p(lr.pvalue),
            ),
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
            msg("LISA Markov transition probabilities of {var}", var=_var(var)),
            ltable,
            (
                msg(
                    "Quadrants HH, LH, LL, HL (own, lag); independence χ² = {c}, df = {df}, {p}.",
                    c=numbers.fixed(ind.stat, 3),
                    df=int(ind.df),
                    p=_p(ind.pvalue),
                ),
            ),
        )
    )
    tkey = _key("lisa_types", var)
    out.tables.append(
        TableArtifact(
            tkey,
            msg("Space-time transition types of {var} (Rey 2001)", var=_var(var)),
            types,
            (
                msg(
                    "0: no move; I: own move; II: neighbours move; IIIA: both, same way; IIIB: "
                    "both, opposite ways."
                ),
            ),
        )
    )
    share0 = float(lm.type_counts["share"].to_numpy()[0])
    out.sentences.append(
        Sentence(
            msg(
                "{share} of the yearly LISA transitions of {var} are type 0 (neither the province "
                "nor its neighbours changed quadrant of the Moran scatterplot).",
                share=numbers.percent(share0, 1),
                var=_var(var),
            ),
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
    what = (
        pmsg("measure", "coefficient of variation")
        if s["sigma_measure"] == "cv"
        else pmsg("measure", "standard deviation")
    )
    notes = (
        msg("σ = {what} of logs (ddof = 1), per year and region.", what=what)
        if s["sigma_log"]
        else msg("σ = {what} (ddof = 1), per year and region.", what=what),
    )
    out.tables.append(
        TableArtifact(key, msg("σ convergence of {var}", var=_var(var)), sig.table, notes)
    )
    out.figures.append(
        FigureArtifact(
            _key("sigma_trend", var),
            msg("σ convergence of {var}", var=_var(var)),
            sigma_spec(sig, scopes=_group_texts(sig.table.columns[1:]), all_label=_all_label(ctx)),
            notes,
        )
    )
    years = list(sig.table.index)
    d0, d1 = sig.table["all"].iloc[0], sig.table["all"].iloc[-1]
    converged = (
        pmsg("convergence", "σ convergence") if d1 < d0 else pmsg("convergence", "no σ convergence")
    )
    out.sentences.append(
        Sentence(
            msg(
                "The national {what} of {var} went from {a} in {t0} to {b} in {t1}, {verdict} "
                "over the period.",
                what=what,
                var=_var(var),
                a=numbers.fixed(d0, 4),
                t0=str(years[0]),
                b=numbers.fixed(d1, 4),
                t1=str(years[-1]),
                verdict=converged,
            ),
            (f"{key}:{years[0]}:all", f"{key}:{years[-1]}:all"),
        )
    )
    rows = {
        "absolute, cross-section": beta_convergence(series),
        "absolute, panel (region FE)": panel_beta_convergence(series, effects="entity"),
        "absolute, panel (two-way FE)": panel_beta_convergence(series, effects="twoway"),
    }
    controls = [c for c in s["controls"] if c != var]
    common_note: tuple[Message, ...] = ()
    if controls:
        frame = pd.concat([_variable(ctx, c).rename(c) for c in controls], axis=1, join="inner")
        sub = series
        if not series.index.isin(frame.index).all():  # controls on fewer years ([model] years)
            sub = series[series.index.isin(frame.index)]
            t = sub.index.get_level_values(1)
            common_note = (
                msg(
                    "Conditional rows on {a}–{b}, the years the controls cover.",
                    a=int(t.min()),
                    b=int(t.max()),
                ),
            )
        rows["conditional, cross-section"] = beta_convergence(sub, controls=frame)
        rows["conditional, panel (two-way FE)"] = panel_beta_convergence(
            sub, effects="twoway", controls=frame
        )
    table = pd.DataFrame({name: r.summary() for name, r in rows.items()}).T
    w = ctx.weights.get(s["weights"])
    spatial_note: Message = msg(
        "Spatial β skipped: no weights named {w}.", w=repr(str(s["weights"]))
    )
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
        spatial_note = msg(
            "Spatial β: SDM by ML with two-way fixed effects and W = {w} (row-standardised), "
            "ρ = {rho}; speed from the coefficient β.",
            w=Label("weights", str(s["weights"])),
            rho=numbers.fixed(row["spatial"], 4),
        )
    out.store(
        var, "beta", {**rows, **({"spatial, SDM (two-way FE)": sdm} if sdm is not None else {})}
    )
    table.index.name = "model"
    bkey = _key("beta", var)
    bnotes = (
        msg(
            "Cross-section: annualised log growth over the period on the log initial level; speed "
            "θ = −ln(1 + βT)/T. Panel: one-year log growth on last year's log level; "
            "θ = −ln(1 + β). Half-life = ln 2 / θ. Conventional standard errors (ML for the "
            "spatial model)."
        ),
        (
            msg(
                "Conditional: controls {controls} (cross-section: start-year values; panel: "
                "values of the growth year).",
                controls=TextList(tuple(_var(c) for c in controls)),
            )
            if controls
            else msg("No controls configured: absolute convergence only.")
        ),
        spatial_note,
        *common_note,
    )
    out.tables.append(
        TableArtifact(bkey, msg("β convergence of {var}", var=_var(var)), table, bnotes)
    )
    fe = rows["absolute, panel (two-way FE)"]
    tail: Message
    if np.isfinite(fe.speed):
        tail = msg(
            "a convergence speed of {speed} per year and a half-life of {half} years",
            speed=numbers.fixed(fe.speed, 4),
            half=numbers.fixed(fe.half_life, 1),
        )
    elif fe.beta < 0:
        tail = msg("that 1 + β ≤ 0, so the speed and the half-life are not defined")
    else:
        tail = pmsg("convergence", "no β convergence")
    out.sentences.append(
        Sentence(
            msg(
                "With region and year fixed effects, β = {b} ({p}) for {var}, implying {tail}.",
                b=numbers.fixed(fe.beta, 4),
                p=_p(float(fe.pvalues["beta"])),
                var=_var(var),
                tail=tail,
            ),
            (f"{bkey}:absolute, panel (two-way FE):beta",),
        )
    )
    if sdm is not None:
        srow = sdm.summary()
        speed = (
            msg(
                "a speed of {speed} per year (half-life {half} years)",
                speed=numbers.fixed(srow["speed"], 4),
                half=numbers.fixed(srow["half_life"], 1),
            )
            if np.isfinite(srow["speed"])
            else msg("no defined speed of convergence")
        )
        out.sentences.append(
            Sentence(
                msg(
                    "Allowing for spatial spillovers (SDM, ρ = {r}), β = {b} ({p}), {speed}.",
                    r=numbers.fixed(srow["spatial"], 4),
                    b=numbers.fixed(srow["beta"], 4),
                    p=_p(srow["p"]),
                    speed=speed,
                ),
                (f"{bkey}:spatial, SDM (two-way FE):beta",),
            )
        )


def _coupling_map(
    ctx: StudyContext, systems: list[str], s: dict[str, Any]
) -> FigureArtifact | None:
    """Maps of the coupling coordination degree D for the study's map years (a study with
    boundaries, see :func:`spatialpanel.study.stages.maps.drawable_regions`)."""
    from spatialpanel.indices.coupling import coupling_coordination
    from spatialpanel.report.map_geometry import source_note
    from spatialpanel.report.maps import map_spec
    from spatialpanel.study.geography import region_noun
    from spatialpanel.study.stages.maps import drawable_regions

    regions, _ = drawable_regions(ctx)
    if regions is None:
        return None
    frame = pd.concat({name: ctx.scores[name]["score"] for name in systems}, axis=1, join="inner")
    d = coupling_coordination(frame, form=s["coupling_form"]).table["D"]
    available = sorted(set(d.index.get_level_values(1)))
    wanted = [int(y) for y in ctx.config.section("autocorrelation").get("years", [])]
    years = [y for y in wanted if y in available] or [available[0], available[-1]]
    panels = {y: d.xs(y, level=1) for y in years}
    labels = TextList(tuple(_var(n) for n in systems))
    title = {
        "provinces": msg("Coupling coordination degree D of {labels}, by province", labels=labels),
        "cities": msg("Coupling coordination degree D of {labels}, by city", labels=labels),
        "regions": msg("Coupling coordination degree D of {labels}, by region", labels=labels),
    }[region_noun(regions)]
    spec = map_spec(
        panels,
        kind="choropleth",
        legend=msg("Coupling coordination degree (D)"),
        cmap="YlGnBu",
        regions=regions,
    )
    notes: tuple[Text, ...] = (
        source_note(regions),
        msg("One colour scale for all years."),
        *ctx.mark_notes,
    )
    return FigureArtifact("map_coupling_d", title, spec, notes)


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
                        msg(
                            "No obstacle degree for {name}: it needs the indicator weights of an "
                            "[indices] section computed in this study.",
                            name=_var(name),
                        )
                    )
                )
                continue
            if len(computed[name].system) < 2:  # one indicator: its obstacle degree is 100 %
                out.sentences.append(
                    Sentence(
                        msg(
                            "No obstacle degree for {name}: the index has one indicator.",
                            name=_var(name),
                        )
                    )
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
        title=msg("Regional disparities"),
        tables=tuple(out.tables),
        figures=tuple(out.figures),
        sentences=tuple(out.sentences),
        settings={k: v for k, v in s.items() if v is not None},
    )

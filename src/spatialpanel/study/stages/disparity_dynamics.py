"""The disparity stage's dynamics: Markov chains (classic, spatial, LISA) and σ and β
convergence of each variable (called by :mod:`spatialpanel.study.stages.disparity`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.disparity.convergence import (
    beta_convergence,
    panel_beta_convergence,
    sigma_convergence,
)
from spatialpanel.disparity.lisa_markov import lisa_markov
from spatialpanel.disparity.markov import first_passage_times, markov_chain, spatial_markov
from spatialpanel.disparity.plots import sigma_spec
from spatialpanel.disparity.spatial_beta import spatial_beta_convergence
from spatialpanel.study.artifacts import FigureArtifact, Sentence, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages._disparity_base import (
    Collector,
    all_label,
    artifact_key,
    division_groups,
    group_texts,
    p_text,
    var_label,
    variable_series,
)
from spatialpanel.text import Label, Message, TextList, msg, numbers, pmsg

__all__ = ["convergence", "markov"]


def markov(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: Collector
) -> None:
    k = s["markov_classes"]
    chain = markov_chain(series, k=k, classes=s["markov_scheme"])
    out.store(var, "markov", chain)
    key = artifact_key("markov", var)
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
            msg("Markov transition probabilities of {var}", var=var_label(var)),
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
            artifact_key("markov_mfpt", var),
            msg("Mean first passage times of {var} (years)", var=var_label(var)),
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
                var=var_label(var),
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
    skey = artifact_key("spatial_markov", var)
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
            pq=p_text(q.pvalue),
            lr=numbers.fixed(lr.stat, 3),
            plr=p_text(lr.pvalue),
            df=int(q.df),
        ),
    )
    out.tables.append(
        TableArtifact(
            skey,
            msg("Spatial Markov transition probabilities of {var}", var=var_label(var)),
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
                var=var_label(var),
                verdict=verdict,
                lr=numbers.fixed(lr.stat, 3),
                q=numbers.fixed(q.stat, 3),
                df=int(q.df),
                p=p_text(lr.pvalue),
            ),
            (f"{skey}:LR", f"{skey}:Q"),
        )
    )
    out.store(var, "spatial_markov", sm)
    lm = lisa_markov(series, w)
    out.store(var, "lisa_markov", lm)
    lkey = artifact_key("lisa_markov", var)
    ltable = _observed_rows(lm.chain.table()).reset_index()
    types = lm.type_counts.reset_index(names="type")
    ind = lm.independence
    out.tables.append(
        TableArtifact(
            lkey,
            msg("LISA Markov transition probabilities of {var}", var=var_label(var)),
            ltable,
            (
                msg(
                    "Quadrants HH, LH, LL, HL (own, lag); independence χ² = {c}, df = {df}, {p}.",
                    c=numbers.fixed(ind.stat, 3),
                    df=int(ind.df),
                    p=p_text(ind.pvalue),
                ),
            ),
        )
    )
    tkey = artifact_key("lisa_types", var)
    out.tables.append(
        TableArtifact(
            tkey,
            msg("Space-time transition types of {var} (Rey 2001)", var=var_label(var)),
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
                var=var_label(var),
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


def convergence(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: Collector
) -> None:
    sig = sigma_convergence(
        series, measure=s["sigma_measure"], log=s["sigma_log"], groups=division_groups(ctx, s)
    )
    out.store(var, "sigma", sig)
    key = artifact_key("sigma", var)
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
        TableArtifact(key, msg("σ convergence of {var}", var=var_label(var)), sig.table, notes)
    )
    out.figures.append(
        FigureArtifact(
            artifact_key("sigma_trend", var),
            msg("σ convergence of {var}", var=var_label(var)),
            sigma_spec(sig, scopes=group_texts(sig.table.columns[1:]), all_label=all_label(ctx)),
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
                var=var_label(var),
                a=numbers.fixed(d0, 4),
                t0=str(years[0]),
                b=numbers.fixed(d1, 4),
                t1=str(years[-1]),
                verdict=converged,
            ),
            (f"{key}:{years[0]}:all", f"{key}:{years[-1]}:all"),
        )
    )
    relative = _relative_dispersion(out, var, s, years, widened=bool(d1 > d0))
    if relative is not None:
        out.sentences.append(relative)
    rows = {
        "absolute, cross-section": beta_convergence(series),
        "absolute, panel (region FE)": panel_beta_convergence(series, effects="entity"),
        "absolute, panel (two-way FE)": panel_beta_convergence(series, effects="twoway"),
    }
    controls = [c for c in s["controls"] if c != var]
    common_note: tuple[Message, ...] = ()
    if controls:
        frame = pd.concat(
            [variable_series(ctx, c).rename(c) for c in controls], axis=1, join="inner"
        )
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
    bkey = artifact_key("beta", var)
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
                controls=TextList(tuple(var_label(c) for c in controls)),
            )
            if controls
            else msg("No controls configured: absolute convergence only.")
        ),
        spatial_note,
        *common_note,
    )
    out.tables.append(
        TableArtifact(bkey, msg("β convergence of {var}", var=var_label(var)), table, bnotes)
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
                p=p_text(float(fe.pvalues["beta"])),
                var=var_label(var),
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
                    p=p_text(srow["p"]),
                    speed=speed,
                ),
                (f"{bkey}:spatial, SDM (two-way FE):beta",),
            )
        )


def _relative_dispersion(
    out: Collector, var: str, s: dict[str, Any], years: list[Any], *, widened: bool
) -> Sentence | None:
    """When σ is the standard deviation and the Gini of the Dagum decomposition moved the other
    way over the same years, the sentence that says so: a rising mean can widen the absolute
    gaps while the relative ones narrow (and the reverse); ``None`` otherwise."""
    dagum = out.results.get(var, {}).get("dagum")
    if s["sigma_measure"] != "sd" or s["sigma_log"] or dagum is None:
        return None
    gini = dagum.table["G"]
    if years[0] not in gini.index or years[-1] not in gini.index:
        return None
    g0, g1 = float(gini.loc[years[0]]), float(gini.loc[years[-1]])
    if g1 == g0 or (g1 > g0) == widened:
        return None
    text = (
        msg(
            "Relative to the mean the gaps narrowed: the Gini coefficient of {var} fell from {a} "
            "in {t0} to {b} in {t1} while the standard deviation rose, so the absolute "
            "differences widened as the relative ones shrank.",
            var=var_label(var),
            a=numbers.fixed(g0, 4),
            t0=str(years[0]),
            b=numbers.fixed(g1, 4),
            t1=str(years[-1]),
        )
        if widened
        else msg(
            "Relative to the mean the gaps widened: the Gini coefficient of {var} rose from {a} "
            "in {t0} to {b} in {t1} while the standard deviation fell, so the absolute "
            "differences narrowed as the relative ones grew.",
            var=var_label(var),
            a=numbers.fixed(g0, 4),
            t0=str(years[0]),
            b=numbers.fixed(g1, 4),
            t1=str(years[-1]),
        )
    )
    key = artifact_key("dagum", var)
    return Sentence(text, (f"{key}:{years[0]}:G", f"{key}:{years[-1]}:G"))

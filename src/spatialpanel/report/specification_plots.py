"""The specification-curve figure (Simonsohn, Simmons & Nelson 2020).

Top panel: the estimate of every specification with its confidence interval, sorted from the
smallest to the largest, a zero line, and the study's own specification highlighted. Bottom
panel: the choices of each specification as a dot matrix (one row per choice, grouped by
dimension: index weighting, weights matrix, model, fixed effects), aligned with the estimates
above. Colour says significance: the study's sign and ``p < alpha`` (blue), not significant
(grey), the opposite sign and significant (vermilion).

:func:`specification_spec` builds the :class:`~spatialpanel.report.figspec.FigureSpec` from the
table of :func:`spatialpanel.inference.specification.specification_curve`;
:func:`draw_specification_spec` is its drawer (``"specification_curve"``); every word is a text
rendered in the figure's language, choices by their labels.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spatialpanel.report.figspec import FigureSpec, FigureText
from spatialpanel.report.style import FULL_WIDTH
from spatialpanel.text import Label, Message, msg, pmsg

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from spatialpanel.report.drawers import Words

__all__ = [
    "DIMENSIONS",
    "choice_texts",
    "draw_specification_spec",
    "plot_specification_curve",
    "specification_spec",
]

#: The dimensions of a specification (columns of the curve's table) and their names.
DIMENSIONS: dict[str, Message] = {
    "index_weighting": msg("Index weighting"),
    "weights": msg("Weights matrix"),
    "model": msg("Model"),
    "fixed_effects": msg("Fixed effects"),
}
_COLOURS = {"same": "#0072B2", "none": "#9a9a9a", "opposite": "#D55E00", "study": "#000000"}


def choice_texts(dimension: str, values: Sequence[object]) -> dict[str, FigureText]:
    """The reader text of each choice of ``dimension``: a weighting method's name, a weights
    matrix's label, a model's abbreviation, the fixed effects in words."""
    out: dict[str, FigureText] = {}
    for value in values:
        key = str(value)
        if dimension == "index_weighting":
            out[key] = pmsg("weighting method", key)
        elif dimension == "weights":
            out[key] = Label("weights", key)
        elif dimension == "model":
            out[key] = key.upper()
        else:
            out[key] = pmsg("fixed effects", key)
    return out


def specification_spec(
    table: pd.DataFrame, *, estimate: str = "direct", alpha: float = 0.05, ylabel: FigureText = ""
) -> FigureSpec:
    """The curve of ``estimate`` (``"direct"`` or ``"total"``) from the curve's table.

    Specifications that did not converge are left out of the figure (the table keeps them and
    its notes count them). The choices of a dimension with one value are not drawn.
    """
    ok = table[table["converged"].astype(bool)]
    data = pd.DataFrame(
        {
            "estimate": ok[estimate].to_numpy(dtype=float),
            "low": ok[f"{estimate}_ci_low"].to_numpy(dtype=float),
            "high": ok[f"{estimate}_ci_high"].to_numpy(dtype=float),
            "p": ok[f"{estimate}_p"].to_numpy(dtype=float),
            "study": ok["study"].to_numpy(dtype=bool),
            **{d: ok[d].astype(str).to_numpy(dtype=object) for d in DIMENSIONS},
        },
        index=pd.Index(ok["specification"].to_numpy(dtype=np.int64), name="specification"),
    )
    texts: dict[str, object] = {
        "ylabel": ylabel,
        "dimensions": dict(DIMENSIONS),
        "rank": msg("Specifications, sorted by the estimate"),
        "study": msg("The study's specification"),
        "same": msg("Same sign as the study's, significant at {level}", level=_level(alpha)),
        "none": msg("Not significant at {level}", level=_level(alpha)),
        "opposite": msg("Opposite sign, significant at {level}", level=_level(alpha)),
    }
    for d in DIMENSIONS:
        texts[f"choices:{d}"] = choice_texts(d, list(dict.fromkeys(table[d].astype(str))))
    return FigureSpec(
        drawer="specification_curve",
        data={"curve": data},
        texts=texts,  # type: ignore[arg-type]
        options={"alpha": float(alpha)},
    )


def _level(alpha: float) -> str:
    from spatialpanel.text import numbers

    return numbers.level(alpha)


def _classes(data: pd.DataFrame, alpha: float) -> np.ndarray:
    """``same`` / ``none`` / ``opposite`` per specification (sign relative to the study's
    estimate, or to the median without one)."""
    est = data["estimate"].to_numpy(dtype=float)
    own = est[data["study"].to_numpy(dtype=bool)]
    sign = np.sign(own[0]) if len(own) else np.sign(np.median(est)) if len(est) else 1.0
    sign = sign or 1.0
    sig = data["p"].to_numpy(dtype=float) < alpha
    out = np.full(len(est), "none", dtype=object)
    out[sig & (np.sign(est) == sign)] = "same"
    out[sig & (np.sign(est) != sign)] = "opposite"
    return out


def draw_specification_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`specification_spec`."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    data = spec.data["curve"]
    assert isinstance(data, pd.DataFrame)
    alpha = float(spec.options.get("alpha", 0.05))
    order = np.argsort(data["estimate"].to_numpy(dtype=float), kind="stable")
    data = data.iloc[order]
    classes = _classes(data, alpha)
    rank = np.arange(1, len(data) + 1)
    names = words.by_name(spec.texts.get("dimensions"))
    # rows of the dot matrix: the choices of every dimension with more than one choice
    rows: list[tuple[str, str, str]] = []  # (dimension, value, text)
    for d in names:
        texts = words.by_name(spec.texts.get(f"choices:{d}"))
        values = [v for v in texts if v in set(data[d])]
        if len(values) > 1:
            rows.extend((d, v, texts[v]) for v in values)
    groups = list(dict.fromkeys(r[0] for r in rows))
    n_rows = len(rows) + len(groups)
    height = 3.0 + 0.16 * n_rows
    fig = Figure(figsize=(FULL_WIDTH, height), layout="constrained")
    top, bottom = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3.0, max(0.16 * n_rows, 0.3)]}
    )
    own = data["study"].to_numpy(dtype=bool)
    est = data["estimate"].to_numpy(dtype=float)
    small = len(data) <= 60
    for cls in ("none", "opposite", "same"):
        sel = (classes == cls) & ~own
        if not sel.any():
            continue
        top.vlines(
            rank[sel],
            data["low"].to_numpy()[sel],
            data["high"].to_numpy()[sel],
            color=_COLOURS[cls],
            alpha=0.35,
            linewidth=1.0 if small else 0.7,
        )
        top.scatter(rank[sel], est[sel], s=14 if small else 7, color=_COLOURS[cls], zorder=3)
    if own.any():
        top.vlines(
            rank[own],
            data["low"].to_numpy()[own],
            data["high"].to_numpy()[own],
            color=_COLOURS["study"],
            linewidth=1.4,
            zorder=4,
        )
        top.scatter(rank[own], est[own], s=46, marker="D", color=_COLOURS["study"], zorder=5)
    top.axhline(0.0, color="#333333", linewidth=0.8, zorder=1)
    # a long label (an index's full name) wraps rather than running into the dot matrix
    top.set_ylabel(textwrap.fill(words(spec.texts.get("ylabel")), width=42))
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color=_COLOURS[c],
            markersize=4.5,
            label=words(spec.texts.get(c)),
        )
        for c in ("same", "none", "opposite")
        if (classes == c).any()
    ]
    if own.any():
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                linestyle="",
                color=_COLOURS["study"],
                markersize=5.5,
                label=words(spec.texts.get("study")),
            )
        )
    top.legend(handles=handles, loc="upper left", fontsize=7.5, handletextpad=0.3)
    # the dot matrix: a bold heading row per dimension, then one row per choice
    y = 0.0
    ticks: list[float] = []
    labels: list[str] = []
    headings: list[int] = []
    for g in groups:
        if ticks:
            bottom.axhline(y + 0.5, color="#cccccc", linewidth=0.6)
        headings.append(len(ticks))
        ticks.append(y)
        labels.append(names[g])
        y -= 1.0
        for d, v, text in (r for r in rows if r[0] == g):
            hit = data[d].to_numpy(dtype=object) == v
            bottom.scatter(
                rank[hit & ~own],
                np.full(int((hit & ~own).sum()), y),
                s=5,
                color="#444444",
                marker="o",
                linewidths=0,
            )
            bottom.scatter(
                rank[hit & own],
                np.full(int((hit & own).sum()), y),
                s=22,
                color=_COLOURS["study"],
                marker="D",
                zorder=3,
            )
            ticks.append(y)
            labels.append(text)
            y -= 1.0
    bottom.set_yticks(ticks)
    bottom.set_yticklabels(labels, fontsize=7.0)
    for i in headings:
        bottom.get_yticklabels()[i].set_fontweight("bold")
    bottom.set_ylim(y + 0.4, 0.4)
    bottom.grid(False)
    bottom.tick_params(axis="y", length=0)
    bottom.spines["left"].set_visible(False)
    bottom.set_xlabel(words(spec.texts.get("rank")))
    bottom.set_xlim(0.0, len(data) + 1.0)
    if own.any():
        for ax in (top, bottom):
            ax.axvline(
                float(rank[own][0]), color=_COLOURS["study"], linewidth=0.6, linestyle=":", zorder=0
            )
    return fig


def plot_specification_curve(
    table: pd.DataFrame,
    *,
    estimate: str = "direct",
    alpha: float = 0.05,
    ylabel: FigureText = "",
    lang: str = "en",
) -> Figure:
    """Draw the curve of a :func:`~spatialpanel.inference.specification.specification_curve`
    table in ``lang`` (a new matplotlib figure, never shown or saved)."""
    from spatialpanel.report.drawers import draw

    return draw(specification_spec(table, estimate=estimate, alpha=alpha, ylabel=ylabel), lang)

"""Spatial weights stage: build every ``[weights.NAME]`` matrix in the panel's region order.

Each matrix goes into ``ctx.weights[NAME]``; the stage's table describes them (kind, formula,
transform, non-zeros, neighbours per region, islands). Options per kind (``[weights.NAME]``):

- ``contiguity``: China's provinces: the bundled border list with ``hainan``; any other region
  set (``[geography]``): built from the boundaries, queen (``rook = true`` for rook), with
  ``islands`` = ``raise`` (default) | ``allow`` | ``nearest``;
- ``inverse_distance``: ``power`` (1 or 2), ``cutoff_km``; great-circle distances between the
  region set's points (capitals of the provinces; area centroids or the given points otherwise);
- ``knn``: ``k``;
- ``economic``: ``variable`` (period mean over the panel's years);
- ``economic_geographic``: ``variable``, ``form`` (``product`` | ``mix``), ``phi``; its
  geographic part ``W_d`` is the inverse distance ``1/d^power`` (``power``, ``cutoff_km``;
  ``power = 1`` by default);
- ``file``: ``file`` (CSV/Excel matrix with ids, relative to the study file);
- all: ``transform`` (``row`` by default), applied last.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd

from spatialpanel.errors import ConfigError, WeightsError, did_you_mean
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Message, msg, numbers, pmsg
from spatialpanel.weights import builders, io
from spatialpanel.weights.core import SpatialWeights

__all__ = ["build", "formula", "run"]

_KINDS = ("contiguity", "inverse_distance", "knn", "economic", "economic_geographic", "file")


def _years_text(ctx: StudyContext) -> str:
    years = ctx.panel.index.get_level_values(1)
    return f"{years.min()}–{years.max()}"


def _provinces(ctx: StudyContext) -> bool:
    """Whether the study's regions are China's provinces (bundled border list and capitals)."""
    if ctx.regions is None:
        return bool(ctx.config.section("data").get("entity_kind", "china") == "china")
    return ctx.regions.name == "china_provinces"


def _points(ctx: StudyContext) -> Message:
    """What the distances are measured between: capitals, area centroids or given points."""
    what = "capitals" if _provinces(ctx) or ctx.regions is None else str(ctx.regions.points)
    columns = "points from the columns "
    if what.startswith(columns):
        return msg("points from the columns {columns}", columns=what.removeprefix(columns))
    if what.startswith("points from "):
        return msg("points from {file}", file=what.removeprefix("points from "))
    return pmsg("points", what)


#: The island policies of contiguity from boundaries, as the formula's tail.
_ISLAND_POLICY: dict[str, Message | str] = {
    "raise": "",
    "allow": msg("; regions without neighbours kept with zero rows"),
    "nearest": msg("; a region without neighbours is linked to the nearest region"),
}


def formula(spec: dict[str, Any], ctx: StudyContext) -> Message:
    """A one-line description of a configured matrix (its formula and options), as a message."""
    kind = spec["kind"]
    if kind == "contiguity" and not _provinces(ctx):
        return msg(
            "w_ij = 1 if the boundaries of i and j share {share}{policy}",
            share=msg("a boundary segment (rook)")
            if spec.get("rook")
            else msg("a boundary point (queen)"),
            policy=_ISLAND_POLICY[str(spec.get("islands", "raise"))],
        )
    if kind == "contiguity":
        hainan = str(spec.get("hainan"))
        return msg(
            "w_ij = 1 if i and j share a border (Hainan linked to: {hainan})",
            hainan=pmsg("hainan", hainan),
        )
    power = spec.get("power", 1)
    exp = "" if power == 1 else f"^{power:g}"
    if kind == "inverse_distance":
        if spec.get("cutoff_km"):
            return msg(
                "w_ij = 1/d_ij{exp}, d = great-circle km between {points} (R = {r}), 0 beyond "
                "{cutoff} km",
                exp=exp,
                points=_points(ctx),
                r="6371.0088",
                cutoff=f"{spec['cutoff_km']:g}",
            )
        return msg(
            "w_ij = 1/d_ij{exp}, d = great-circle km between {points} (R = {r})",
            exp=exp,
            points=_points(ctx),
            r="6371.0088",
        )
    if kind == "knn":
        return msg(
            "w_ij = 1 if j is one of the {k} {points} nearest to i",
            k=int(spec.get("k", 4)),
            points=_points(ctx),
        )
    g: dict[str, Any] = {
        "variable": Label("variable", str(spec.get("variable"))),
        "years": _years_text(ctx),
    }
    if kind == "economic":
        return msg("w_ij = 1/|g_i − g_j|, g_i = mean of {variable} in {years}", **g)
    if kind == "economic_geographic":
        band = (
            msg(", 0 beyond {cutoff} km", cutoff=f"{spec['cutoff_km']:g}")
            if spec.get("cutoff_km")
            else ""
        )
        if spec.get("form", "product") == "mix":
            return msg(
                "W = φ·W_d + (1 − φ)·W_e, φ = {phi}; W_d = 1/d_ij{exp} (great-circle km{band}) "
                "and W_e = 1/|g_i − g_j| each row-standardised first; g_i = mean of {variable} "
                "in {years}",
                phi=f"{spec.get('phi', 0.5):g}",
                exp=exp,
                band=band,
                **g,
            )
        return msg(
            "W = W_d·diag(g_i/ḡ), W_d = 1/d_ij{exp} (great-circle km{band}), raw; g_i = mean of "
            "{variable} in {years}, ḡ = mean of g_i",
            exp=exp,
            band=band,
            **g,
        )
    return msg("read from {file}", file=str(spec.get("file")))


def _variable(ctx: StudyContext, name: str, spec_name: str) -> pd.Series:
    if name in ctx.scores or name in ctx.panel.columns:
        return ctx.variable(name)
    options = [*ctx.scores, *ctx.panel.columns]
    raise ConfigError(
        f"[weights.{spec_name}] variable = {name!r} is neither a data column nor an index."
        + did_you_mean(name, [str(o) for o in options])
    )


def _coords(ctx: StudyContext, name: str, kind: str, ids: pd.Index) -> pd.DataFrame | None:
    """The points of the panel's regions (``None``: China's bundled capitals)."""
    if _provinces(ctx):
        return None
    if ctx.regions is None:
        raise ConfigError(
            f"[weights.{name}] kind = {kind!r} needs the regions' locations: add a [geography] "
            'section (file = "BOUNDARIES.geojson", id = "COLUMN") or use kind = "file".'
        )
    return ctx.regions.coordinates(ids)


def _contiguity(
    name: str, spec: dict[str, Any], ctx: StudyContext, ids: pd.Index
) -> SpatialWeights:
    transform = spec.get("transform", "row")
    islands = spec.get("islands", "raise")
    if _provinces(ctx):
        if islands == "nearest":
            raise ConfigError(
                f"[weights.{name}] islands = 'nearest' applies to boundaries of a [geography]; "
                "for China's provinces Hainan's link is set by hainan = 'guangdong', "
                "'guangdong+guangxi' or 'none' (with islands = 'allow')."
            )
        return builders.china_contiguity(
            hainan=spec.get("hainan", "guangdong"), ids=ids, transform=transform, islands=islands
        )
    if ctx.regions is None:
        raise ConfigError(
            f"[weights.{name}] kind = 'contiguity' needs boundaries: add a [geography] section "
            '(file = "BOUNDARIES.geojson", id = "COLUMN") or use kind = "file".'
        )
    return builders.contiguity(
        ctx.regions.boundaries(ids),
        rook=bool(spec.get("rook", False)),
        transform=transform,
        islands=spec.get("islands", "raise"),
    )


def build(name: str, spec: dict[str, Any], ctx: StudyContext) -> SpatialWeights:
    """Build one configured matrix for the panel's regions, in the panel's entity order."""
    ids = pd.Index(ctx.panel.index.get_level_values(0).unique())
    kind = spec.get("kind")
    transform = spec.get("transform", "row")
    islands = spec.get("islands", "raise")
    try:
        if kind == "contiguity":
            return _contiguity(name, spec, ctx, ids)
        if kind == "inverse_distance":
            return builders.inverse_distance(
                _coords(ctx, name, kind, ids),
                ids=ids,
                power=float(spec.get("power", 1)),
                cutoff_km=spec.get("cutoff_km"),
                transform=transform,
                islands=islands,
            )
        if kind == "knn":
            return builders.knn(
                _coords(ctx, name, kind, ids), ids=ids, k=int(spec.get("k", 4)), transform=transform
            )
        if kind == "economic":
            values = _variable(ctx, spec.get("variable", "gdp_per_capita"), name)
            return builders.economic_distance(values, ids=ids, transform=transform)
        if kind == "economic_geographic":
            values = _variable(ctx, spec.get("variable", "gdp_per_capita"), name)
            geographic = builders.inverse_distance(
                _coords(ctx, name, kind, ids),
                ids=ids,
                power=float(spec.get("power", 1)),
                cutoff_km=spec.get("cutoff_km"),
                transform="none",
            )
            return builders.economic_geographic(
                values,
                geographic=geographic,
                form=spec.get("form", "product"),
                phi=float(spec.get("phi", 0.5)),
                ids=ids,
                transform=transform,
            )
        if kind == "file":
            if not spec.get("file"):
                raise ConfigError(f"[weights.{name}] kind = 'file' needs file = 'matrix.csv'.")
            path = ctx.config.base_dir / str(spec["file"])
            return io.read_matrix(path, transform=transform, islands=islands).reordered(ids)
    except WeightsError as exc:
        raise WeightsError(f"[weights.{name}]: {exc}") from exc
    raise ConfigError(
        f"[weights.{name}] kind = {kind!r} is not known; use one of {_KINDS}."
        + did_you_mean(str(kind), _KINDS)
    )


def _with_links(text: Message, source: str) -> Message:
    """The formula with the island links a contiguity builder made (named in the matrix's
    source), if any."""
    marker = "islands linked to the nearest region: "
    if marker not in source:
        return text
    return msg("{formula} ({links})", formula=text, links=source.split(marker, 1)[1][:-1])


def run(ctx: StudyContext) -> StageOutput:
    """Build every configured matrix into ``ctx.weights`` and describe them."""
    specs = ctx.config.section("weights")
    rows: list[dict[str, Hashable | float | str]] = []
    sentences: list[Sentence] = []
    for name, spec in specs.items():
        w = build(name, spec, ctx)
        ctx.weights[name] = w
        d = w.describe()
        islands = w.islands
        rows.append(
            {
                "weights": name,
                "kind": spec["kind"],
                "formula": _with_links(formula(spec, ctx), w.source),
                "transform": w.transform,
                "n": w.n,
                "nnz": d["nnz"],
                "pct_nonzero": d["pct_nonzero"],
                "neighbours_min": d["neighbours_min"],
                "neighbours_mean": d["neighbours_mean"],
                "neighbours_max": d["neighbours_max"],
                "symmetric_raw": bool(abs(w.original - w.original.T).sum() < 1e-12),
                "islands": ", ".join(str(i) for i in islands) if islands else "none",
            }
        )
        lo, hi = int(str(d["neighbours_min"])), int(str(d["neighbours_max"]))
        sentences.append(
            Sentence(
                msg(
                    "The {name} matrix ({kind}) gives each region between {lo} and {hi} "
                    "neighbours ({mean} on average).",
                    name=Label("weights", name),
                    kind=pmsg("weights kind", str(spec["kind"])),
                    lo=lo,
                    hi=hi,
                    mean=numbers.fixed(float(str(d["neighbours_mean"])), 1),
                    case="equal" if lo == hi else None,
                ),
                (
                    f"weights:{name}:neighbours_min",
                    f"weights:{name}:neighbours_max",
                    f"weights:{name}:neighbours_mean",
                ),
            )
        )
    frame = pd.DataFrame(rows).set_index("weights") if rows else pd.DataFrame()
    notes = (
        msg("Transforms are applied last, to the whole matrix (row: each row divided by its sum)."),
        msg(
            "Neighbours: non-zero weights per row. Symmetric: whether the raw (untransformed) "
            "weights are symmetric."
        ),
    )
    table = TableArtifact("weights", msg("Spatial weight matrices"), frame, notes)
    return StageOutput(
        name="weights",
        title=msg("Spatial weights"),
        tables=(table,),
        sentences=tuple(sentences),
        settings={"weights": specs, "order": "panel entity order"},
    )

"""Names in a study that must exist in its data: checked by ``spatialpanel validate``.

:func:`check_references` runs after the data stage, the composite indices and the weights
(the cheap stages, no figures): every variable, index, year and province that a later stage
would look up is looked up here, so that a study that validates does not stop half-way
through ``run``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.context import StudyContext
from spatialpanel.study.geography import division_groups

__all__ = ["check_references"]

_DISPARITY = "[disparity] division"
_EVOLUTION = "[evolution] division"


def _known(ctx: StudyContext) -> list[str]:
    return [*map(str, ctx.scores), *map(str, ctx.panel.columns)]


def _variables(ctx: StudyContext, where: str, names: Iterable[object]) -> None:
    known = _known(ctx)
    for name in names:
        if str(name) not in known:
            raise ConfigError(
                f"{where}: {name!r} is neither a composite index nor a column of the data."
                + did_you_mean(str(name), known)
            )


def _years(ctx: StudyContext, where: str, wanted: Iterable[Hashable]) -> None:
    have = sorted(ctx.panel.index.get_level_values(1).unique().tolist())
    unknown = [y for y in wanted if y not in set(have)]
    if unknown:
        raise ConfigError(
            f"{where}: the years {unknown} are not in the data ({have[0]}–{have[-1]})."
        )


def _no_islands_where_lags_are_needed(ctx: StudyContext) -> None:
    """``islands = "allow"`` keeps a matrix with zero rows for the descriptive stages (Moran's
    I, LISA, maps); the spatial models (the [model], and the robustness stage that fits it under
    every matrix) and the spatial Markov chains and spatial β-convergence of [disparity] need
    every region to have a neighbour."""
    cfg = ctx.config
    users: dict[str, str] = {}
    if cfg.has("model"):
        users = {
            name: "the spatial models of [model] (fitted under every matrix)"
            for name in ctx.weights
        }
    if cfg.has("disparity"):
        disp = cfg.section("disparity")
        spatial = [t for t in ("markov", "convergence") if t in disp["tools"]]
        if spatial and disp["weights"] in ctx.weights:
            users.setdefault(
                disp["weights"], f"the spatial {' and '.join(spatial)} tools of [disparity]"
            )
    for name, user in users.items():
        islands = list(ctx.weights[name].islands)
        if islands:
            shown = ", ".join(str(i) for i in islands[:10])
            raise ConfigError(
                f"[weights.{name}] keeps regions without neighbours ({shown}; islands = "
                f'"allow"), but {user} need every region to have a neighbour. Link it (for '
                'Hainan: hainan = "guangdong"), use a distance-based matrix, or remove its rows '
                "from the data file."
            )


def _division(ctx: StudyContext, division: str) -> None:
    """``[disparity] division``: a division or a column of the region set
    (:func:`~spatialpanel.study.geography.division_groups`) that gives every region a group."""
    import pandas as pd

    from spatialpanel.data.china import region_of

    groups = division_groups(ctx.regions, division, key=_DISPARITY)
    mapping = region_of(division=groups) if isinstance(groups, str) else groups  # type: ignore[arg-type]
    entities = ctx.panel.index.get_level_values(0).unique()
    missing = [e for e in entities if e not in mapping.index or pd.isna(mapping.get(e))]
    if not missing:
        return
    shown = ", ".join(str(e) for e in missing[:10]) + (" ..." if len(missing) > 10 else "")
    if isinstance(groups, str):
        columns = [] if ctx.regions is None else [str(c) for c in ctx.regions.table.columns]
        raise ConfigError(
            f"{_DISPARITY} = {division!r} groups China's provinces by their codes, but "
            f"{len(missing)} regions of the data are not provinces ({shown}); name a column of "
            "the [geography] region set instead"
            + (f" ({', '.join(columns)})." if columns else " (add a [geography] section).")
        )
    raise ConfigError(
        f"{_DISPARITY} = {division!r} gives no group to {len(missing)} regions ({shown}): the "
        "column is empty there. Fill it in the boundary file, or name another column."
    )


def check_references(ctx: StudyContext) -> None:
    """Refuse a name that a stage of ``run`` would not find, by section and key.

    ``ctx`` comes from the data stage with the indices and weights stages run.

    Raises
    ------
    ConfigError
        Naming the section, the key and the missing name (with the closest known ones).
    """
    cfg = ctx.config
    n = ctx.panel.index.get_level_values(0).nunique()
    for name, body in cfg.section("weights").items():
        if body["kind"] == "knn" and not body["k"] <= n - 1:
            raise ConfigError(
                f"[weights.{name}] k = {body['k']} is not allowed with {n} regions; use an "
                f"integer from 1 to {n - 1}."
            )
    _no_islands_where_lags_are_needed(ctx)
    if cfg.has("autocorrelation"):
        ac = cfg.section("autocorrelation")
        _variables(ctx, "[autocorrelation] variable", [ac["variable"]])
        _years(ctx, "[autocorrelation] years", ac["years"])
    if cfg.has("model"):
        model = cfg.section("model")
        _variables(
            ctx, "[model] y, core, controls", [model["y"], model["core"], *model["controls"]]
        )
    if cfg.has("evolution") and cfg.has("indices"):
        from spatialpanel.study.stages.evolution import select_provinces

        entities = list(ctx.panel.index.get_level_values(0).unique())
        select_provinces(list(cfg.section("evolution")["provinces"]), entities)
        division_groups(ctx.regions, cfg.section("evolution")["division"], key=_EVOLUTION)
    if cfg.has("disparity"):
        disp = cfg.section("disparity")
        _division(ctx, disp["division"])
        _variables(ctx, "[disparity] variables", disp["variables"])
        _variables(ctx, "[disparity] controls", disp["controls"] or [])
        if disp["population"]:
            _variables(ctx, "[disparity] population", [disp["population"]])

"""Streaming reads of a long panel stored in Parquet, one record batch or one period at a time.

The chunked estimator (:mod:`spatialpanel.models.chunked`) never holds the panel in memory. It
reads the file in two kinds of passes, both with column projection (only the id, time, y and x
columns are decoded):

``scan_panel`` (pass 1)
    Streams record batches of at most ``batch_rows`` rows in file order and accumulates, per
    region, the counts and sums of y and x (the entity means of the within transformation), the
    count of rows per period, and the mean, sum of squared deviations (Chan et al.'s pairwise
    update) and largest magnitude of every column. It refuses unknown region ids, missing and
    non-finite values and unbalanced panels, naming the region, year and column.
``iter_periods`` (passes 2 and 3)
    Yields the N rows of one period at a time, in the order of ``w.ids``. When pass 1 found every
    period's rows contiguous in the file (a file sorted or grouped by time, the natural layout),
    the file is streamed once in order and each period is released as soon as the next one
    starts. Otherwise every period is read with a filter on the time column (a
    ``pyarrow.dataset`` scan: any row order works, and Parquet row-group statistics let it skip
    row groups that cannot hold the period, so a file whose row groups are sorted by time is read
    cheaply; a shuffled file is scanned once per period).

At most one record batch plus one period is materialised at any time; :class:`ReadLog` records
what was read so that this can be checked (and is, in ``tests/test_chunked.py``).

pyarrow is imported lazily (``pip install 'spatialpanel[parquet]'``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, DataError, WeightsError, did_you_mean

__all__ = ["PanelScan", "ReadLog", "iter_periods", "open_dataset", "scan_panel"]


def _pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.dataset)``, or a ConfigError saying how to install them."""
    try:
        import pyarrow as pa
        import pyarrow.dataset as pds
    except ImportError as exc:  # pragma: no cover - pyarrow is installed in the test environment
        raise ConfigError(
            "reading Parquet needs pyarrow, which is not installed; install it with "
            "pip install 'spatialpanel[parquet]'."
        ) from exc
    return pa, pds


@dataclass
class ReadLog:
    """What the passes read (mutable while fitting; frozen copies go into the results).

    ``scans`` counts dataset scans (one per streaming pass, or one per period when the periods
    are read with a filter), ``batches`` the record batches decoded, ``max_batch_rows`` the
    largest of them and ``max_period_rows`` the largest number of rows held for one period.
    """

    scans: int = 0
    batches: int = 0
    max_batch_rows: int = 0
    max_period_rows: int = 0

    def batch(self, rows: int) -> None:
        """Record one decoded batch of ``rows`` rows."""
        self.batches += 1
        self.max_batch_rows = max(self.max_batch_rows, rows)


def _py(value: object) -> object:
    """numpy scalars as plain Python values (for messages and filter expressions)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def open_dataset(source: str | os.PathLike[str], *, columns: dict[str, list[str]]) -> Any:
    """Open a Parquet file (or a directory of Parquet files, hive partitions allowed) and check
    that the columns exist and that ``y`` and ``x`` are numeric.

    ``columns`` maps an argument name (``"entity"``, ``"time"``, ``"y"``, ``"x"``) to the columns
    it names; a missing column raises a ConfigError naming that argument.
    """
    pa, pds = _pyarrow()
    path = os.fspath(source)
    if not os.path.exists(path):
        raise DataError(f"source={path!r}: no such file or directory; give a Parquet file path.")
    try:
        dataset = pds.dataset(path, format="parquet", partitioning="hive")
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"source={path!r} could not be read as Parquet: {exc}") from exc
    names = list(dataset.schema.names)
    for arg, cols in columns.items():
        for col in cols:
            if col not in names:
                raise ConfigError(
                    f"{arg}: column {col!r} is not in {path!r} (columns: {names[:20]})."
                    + did_you_mean(col, names)
                )
    for arg in ("y", "x"):
        for col in columns.get(arg, []):
            typ = dataset.schema.field(col).type
            if not (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
                raise DataError(
                    f"{arg}: column {col!r} in {path!r} is not numeric (type {typ}); convert "
                    "it before estimating."
                )
    return dataset


@dataclass(frozen=True, eq=False)
class PanelScan:
    """What pass 1 learnt about the panel.

    ``entity_sums`` is ``(N, 1 + k_x)`` (y, then x) in the order of ``ids``; ``mean``, ``m2``
    (sum of squared deviations) and ``maxabs`` are per column over all N·T rows.
    """

    ids: pd.Index
    periods: pd.Index
    entity_sums: NDArray[np.float64]
    mean: NDArray[np.float64]
    m2: NDArray[np.float64]
    maxabs: NDArray[np.float64]
    contiguous: bool

    @property
    def n(self) -> int:
        """Number of regions N."""
        return len(self.ids)

    @property
    def t(self) -> int:
        """Number of periods T."""
        return len(self.periods)

    @property
    def entity_means(self) -> NDArray[np.float64]:
        """``(N, 1 + k_x)`` means over time of y and x per region."""
        return np.asarray(self.entity_sums / self.t, dtype=float)


@dataclass
class _Runs:
    """Tracks whether each period's rows are contiguous in the file."""

    contiguous: bool = True
    current: object = None
    closed: set[object] = field(default_factory=set)

    def update(self, tvals: NDArray[Any]) -> None:
        if not self.contiguous or tvals.size == 0:
            return
        starts = np.concatenate([[0], np.flatnonzero(tvals[1:] != tvals[:-1]) + 1])
        for v in tvals[starts].tolist():
            if self.current is not None and v == self.current:
                continue
            if v in self.closed:
                self.contiguous = False
                return
            if self.current is not None:
                self.closed.add(self.current)
            self.current = v


def _columns(batch: Any, names: list[str], ids_col: str, time_col: str) -> NDArray[np.float64]:
    """The value columns of a batch as an ``(m, c)`` float array; nulls raise a DataError."""
    out = np.empty((batch.num_rows, len(names)))
    for j, name in enumerate(names):
        col = batch.column(name)
        if col.null_count:
            mask = np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            i = int(np.flatnonzero(mask)[0])
            region = _py(batch.column(ids_col)[i].as_py())
            year = _py(batch.column(time_col)[i].as_py())
            raise DataError(
                f"column {name!r} has {col.null_count} missing values in a batch, e.g. region "
                f"{region!r}, year {year!r}. Fill them (spatialpanel.fill_missing) or drop "
                "those regions."
            )
        out[:, j] = col.to_numpy(zero_copy_only=False)
    return out


def _keys(batch: Any, name: str, arg: str) -> NDArray[Any]:
    col = batch.column(name)
    if col.null_count:
        raise DataError(
            f"{arg}: column {name!r} has {col.null_count} missing values; every row needs a "
            f"{arg} value."
        )
    return np.asarray(col.to_numpy(zero_copy_only=False))


def _positions(ids: pd.Index, keys: NDArray[Any], entity: str) -> NDArray[np.intp]:
    pos = np.asarray(ids.get_indexer(pd.Index(keys)), dtype=np.intp)
    if (pos < 0).any():
        unknown = [_py(v) for v in pd.unique(keys[pos < 0])[:10]]
        as_text = [str(i) for i in ids]
        if str(unknown[0]) in set(as_text):
            hint = (
                f" The values match as text: column {entity!r} holds "
                f"{type(unknown[0]).__name__} values, w.ids {type(_py(ids[0])).__name__}; "
                "convert one of them."
            )
        else:
            hint = did_you_mean(str(unknown[0]), as_text)
        raise WeightsError(
            f"entity: column {entity!r} has regions that are not ids of w: {unknown}."
            + hint
            + " Build w for the same regions (or drop those rows) so both have the same ids."
        )
    return pos


def _check_finite(
    vals: NDArray[np.float64], keys: NDArray[Any], tvals: NDArray[Any], names: list[str]
) -> None:
    bad = ~np.isfinite(vals)
    if bad.any():
        ri, ci = np.nonzero(bad)
        where = [
            f"region {_py(keys[r])!r}, year {_py(tvals[r])!r}, column {names[c]!r}"
            for r, c in zip(ri[:10], ci[:10], strict=True)
        ]
        raise DataError(
            f"the data have missing or infinite values: {'; '.join(where)}. Fill them "
            "(spatialpanel.fill_missing) or drop those regions."
        )


def scan_panel(
    dataset: Any,
    *,
    ids: pd.Index,
    entity: str,
    time: str,
    values: list[str],
    batch_rows: int,
    log: ReadLog,
) -> PanelScan:
    """Pass 1: counts, sums and checks (see the module docstring)."""
    n, c = len(ids), len(values)
    counts = np.zeros(n, dtype=np.int64)
    sums = np.zeros((n, c))
    period_counts: dict[object, int] = {}
    total = 0
    mean = np.zeros(c)
    m2 = np.zeros(c)
    maxabs = np.zeros(c)
    runs = _Runs()
    log.scans += 1
    for batch in dataset.to_batches(columns=[entity, time, *values], batch_size=batch_rows):
        m = batch.num_rows
        if m == 0:
            continue
        log.batch(m)
        keys = _keys(batch, entity, "entity")
        tvals = _keys(batch, time, "time")
        pos = _positions(ids, keys, entity)
        vals = _columns(batch, values, entity, time)
        _check_finite(vals, keys, tvals, values)
        counts += np.bincount(pos, minlength=n)
        for j in range(c):
            sums[:, j] += np.bincount(pos, weights=vals[:, j], minlength=n)
        uniq, cnt = np.unique(tvals, return_counts=True)
        for v, k in zip(uniq.tolist(), cnt.tolist(), strict=True):
            period_counts[v] = period_counts.get(v, 0) + int(k)
        runs.update(tvals)
        # Chan, Golub & LeVeque: merge the batch's mean and sum of squared deviations
        bmean = vals.mean(axis=0)
        bm2 = np.sum((vals - bmean) ** 2, axis=0)
        delta = bmean - mean
        new = total + m
        mean = mean + delta * (m / new)
        m2 = m2 + bm2 + delta**2 * (total * m / new)
        total = new
        maxabs = np.maximum(maxabs, np.abs(vals).max(axis=0))
    absent = [_py(i) for i in ids[counts == 0][:10]]
    if absent:
        raise WeightsError(
            f"the weights' ids do not match the file's regions: regions in w but not in column "
            f"{entity!r}: {absent}. Build w for the same regions (or add their rows)."
        )
    periods = pd.Index(sorted(period_counts), name=time)  # type: ignore[type-var]
    t = len(periods)
    scan = PanelScan(
        ids=ids,
        periods=periods,
        entity_sums=sums,
        mean=mean,
        m2=m2,
        maxabs=maxabs,
        contiguous=runs.contiguous,
    )
    if total != n * t or np.any(counts != t) or any(v != n for v in period_counts.values()):
        # locate the offending region-years: read the suspicious periods first (error path only)
        suspicious = [p for p in periods if period_counts[p] != n]
        rest = [p for p in periods if period_counts[p] == n]
        for p in [*suspicious, *rest]:
            for _ in iter_periods(
                dataset,
                scan,
                entity=entity,
                time=time,
                values=values,
                batch_rows=batch_rows,
                log=log,
                only=[p],
            ):
                pass
        raise DataError(  # pragma: no cover - iter_periods raises above
            f"the panel is unbalanced ({total} rows for N = {n} regions and T = {t} periods)."
        )
    return scan


def _place(
    keys: NDArray[Any], vals: NDArray[np.float64], period: object, scan: PanelScan, entity: str
) -> NDArray[np.float64]:
    """The rows of one period in the order of ``scan.ids``; missing or duplicate regions raise."""
    pos = _positions(scan.ids, keys, entity)
    n = scan.n
    seen = np.bincount(pos, minlength=n)
    if np.any(seen > 1):
        dup = [(_py(scan.ids[i]), _py(period)) for i in np.flatnonzero(seen > 1)[:10]]
        raise DataError(f"the file has duplicate (region, year) rows: {dup}; keep one row each.")
    if np.any(seen == 0):
        miss = [(_py(scan.ids[i]), _py(period)) for i in np.flatnonzero(seen == 0)[:10]]
        raise DataError(
            f"the panel is unbalanced: {int(np.sum(seen == 0))} region-years are missing in "
            f"year {_py(period)!r}, e.g. {miss}. Fill them (spatialpanel.fill_missing) or drop "
            "those regions."
        )
    out = np.empty((n, vals.shape[1]))
    out[pos] = vals
    return out


def iter_periods(
    dataset: Any,
    scan: PanelScan,
    *,
    entity: str,
    time: str,
    values: list[str],
    batch_rows: int,
    log: ReadLog,
    only: list[object] | None = None,
) -> Iterator[tuple[int, NDArray[np.float64]]]:
    """Yield ``(s, values)`` for each period: ``s`` its position in ``scan.periods`` and
    ``values`` the ``(N, len(values))`` array in the order of ``scan.ids``.

    Streams the file once when its periods are contiguous (and ``only`` is not given), else reads
    each period with a filter on ``time``.
    """
    _, pds = _pyarrow()
    cols = [entity, time, *values]
    where = {p: s for s, p in enumerate(scan.periods.tolist())}
    if scan.contiguous and only is None:
        log.scans += 1
        pieces: list[tuple[NDArray[Any], NDArray[np.float64]]] = []
        done: set[object] = set()
        held = 0
        current: object = None
        for batch in dataset.to_batches(columns=cols, batch_size=batch_rows):
            if batch.num_rows == 0:
                continue
            log.batch(batch.num_rows)
            keys = _keys(batch, entity, "entity")
            tvals = _keys(batch, time, "time")
            vals = _columns(batch, values, entity, time)
            starts = np.concatenate([[0], np.flatnonzero(tvals[1:] != tvals[:-1]) + 1])
            ends = np.append(starts[1:], tvals.size)
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                v = tvals[a].item() if hasattr(tvals[a], "item") else tvals[a]
                if pieces and v != current:
                    log.max_period_rows = max(log.max_period_rows, held)
                    yield where[current], _assemble(pieces, current, scan, entity)
                    done.add(current)
                    pieces, held = [], 0
                if v in done:
                    raise DataError(
                        f"time: the rows of year {_py(v)!r} are no longer contiguous in the "
                        "file (was it changed while fitting?); fit again."
                    )
                current = v
                pieces.append((keys[a:b], vals[a:b]))
                held += b - a
        if pieces:
            log.max_period_rows = max(log.max_period_rows, held)
            yield where[current], _assemble(pieces, current, scan, entity)
        return
    for p in scan.periods.tolist() if only is None else only:
        log.scans += 1
        keys_l: list[NDArray[Any]] = []
        vals_l: list[NDArray[np.float64]] = []
        for batch in dataset.to_batches(
            columns=cols, filter=pds.field(time) == _py(p), batch_size=batch_rows
        ):
            if batch.num_rows == 0:
                continue
            log.batch(batch.num_rows)
            keys_l.append(_keys(batch, entity, "entity"))
            vals_l.append(_columns(batch, values, entity, time))
        rows = sum(k.size for k in keys_l)
        log.max_period_rows = max(log.max_period_rows, rows)
        keys = np.concatenate(keys_l) if keys_l else np.array([], dtype=object)
        vals = np.concatenate(vals_l) if vals_l else np.empty((0, len(values)))
        yield where[p], _place(keys, vals, p, scan, entity)


def _assemble(
    pieces: list[tuple[NDArray[Any], NDArray[np.float64]]],
    period: object,
    scan: PanelScan,
    entity: str,
) -> NDArray[np.float64]:
    keys = np.concatenate([k for k, _ in pieces])
    vals = np.concatenate([v for _, v in pieces])
    return _place(keys, vals, period, scan, entity)

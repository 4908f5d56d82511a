"""Where a table's cells come from: the text of a CSV file (decoded), or a DataFrame.

:func:`decode` finds a CSV file's encoding. :func:`csv_grid` and :func:`frame_grid` give the
table as a grid of cells (a list of rows) for the layout readers; for a large table they give a
:class:`~spatialpanel.data.fastlong.ColumnarGrid` instead: the first rows as lists, the body read
column-wise (pyarrow's CSV reader for text), so that a long table of millions of cells is never
held as Python objects (:mod:`spatialpanel.data.fastlong`).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from spatialpanel.data.fastlong import FAST_CELLS, ColumnarGrid
from spatialpanel.errors import ConfigError, DataError

__all__ = ["csv_grid", "decode", "frame_grid"]

_AUTO_ENCODINGS = ("utf-8", "gbk", "gb18030")
_HEAD_ROWS = 30  # rows read as lists for the header search (which looks at the first 20)


def decode(data: bytes, *, encoding: str, file: str) -> tuple[str, str]:
    """Text of a CSV file and the encoding used."""
    if encoding != "auto":
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ConfigError(
                f"encoding={encoding!r} is not a known text encoding; use 'auto', 'utf-8', "
                "'gbk', 'gb18030' or 'utf-16'."
            ) from None
        tried: Sequence[str] = (codec,)
    elif data.startswith(codecs.BOM_UTF8):
        tried = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        tried = ("utf-16",)
    elif b"\x00" in data[:4096]:
        zeros_odd = data[1:4096:2].count(0)
        zeros_even = data[0:4096:2].count(0)
        tried = ("utf-16-le",) if zeros_odd >= zeros_even else ("utf-16-be",)
    else:
        tried = _AUTO_ENCODINGS
    failures = []
    for name in tried:
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            failures.append(f"{name} at byte {exc.start} (0x{data[exc.start]:02x})")
            continue
        if "\x00" in text:
            failures.append(f"{name} (the text holds NUL characters: a binary file?)")
            continue
        return text, name
    raise DataError(
        f"file {file!r} could not be decoded as text; tried {', '.join(failures)}. Save it as "
        "'CSV UTF-8' from Excel, or pass the right encoding=."
    )


def _csv_rows(text: str, *, file: str, tab: bool) -> list[list[object]]:
    delimiter = _delimiter(text, tab)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DataError(f"file {file!r} is not a readable CSV file: {exc}.") from exc
    return [[cell if cell.strip() else None for cell in row] for row in rows]


def _frame_rows(frame: pd.DataFrame, *, entity: str, time: str) -> list[list[object]]:
    if isinstance(frame.index, pd.MultiIndex):
        if frame.index.nlevels != 2:
            raise DataError(
                f"the DataFrame's index has {frame.index.nlevels} levels; give it an (entity, "
                "time) MultiIndex or plain columns."
            )
        flat = frame.copy()
        flat.index = flat.index.set_names([entity, time])
        flat = flat.reset_index()
    else:
        flat = frame.reset_index(drop=True)
    header: list[object] = [str(c) for c in flat.columns]
    body = flat.astype(object).to_numpy().tolist()
    return [header, *body]


def _delimiter(text: str, tab: bool) -> str:
    if tab:
        return "\t"
    # the first five non-blank lines (looked for in the first megabyte, else in the whole text)
    lines = [line for line in text[:1_000_000].splitlines() if line.strip()][:5]
    if len(lines) < 5 and len(text) > 1_000_000:
        lines = [line for line in text.splitlines() if line.strip()][:5]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_grid(
    text: str, *, file: str, tab: bool, encoded: bytes, encoding: str
) -> list[list[object]]:
    """The cells of a CSV file's text, row by row (blank cells None); a
    :class:`~spatialpanel.data.fastlong.ColumnarGrid`
    when the file is large (``encoded`` and ``encoding`` are its bytes and their codec, so that
    UTF-8 bytes go to pyarrow's reader without a copy)."""
    if len(text) < FAST_CELLS * 8:
        return _csv_rows(text, file=file, tab=tab)
    delimiter = _delimiter(text, tab)
    try:
        head_rows = list(
            itertools.islice(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), _HEAD_ROWS
            )
        )
    except csv.Error:
        return _csv_rows(text, file=file, tab=tab)
    head: list[list[object]] = [[c if c.strip() else None for c in row] for row in head_rows]

    width = [len(row) for row in head_rows]
    del text  # the closures below decode the bytes again when they need text

    def body(first: int) -> list[Any] | None:
        if first >= len(width):
            return None
        if encoding in ("utf-8", "utf-8-sig", "ascii"):
            data = encoded[3:] if encoded.startswith(codecs.BOM_UTF8) else encoded
        else:
            data = encoded.decode(encoding).encode("utf-8")
        return _arrow_csv(data, first=first, width=width[first], delimiter=delimiter)

    def materialize() -> list[list[object]]:
        return _csv_rows(encoded.decode(encoding), file=file, tab=tab)

    return ColumnarGrid(head, body=body, materialize=materialize)


def _arrow_csv(data: bytes, *, first: int, width: int, delimiter: str) -> list[Any] | None:
    """The rows from ``first`` on as string columns, or None if they are not ``width`` fields
    each (the cell-by-cell reader then says what is wrong)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=first, column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.large_string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    return [table.column(n) for n in names]


def frame_grid(frame: pd.DataFrame, *, entity: str, time: str) -> list[list[object]]:
    """A DataFrame's header and rows as a grid; a :class:`~spatialpanel.data.fastlong.ColumnarGrid`
    when it is large."""
    if frame.size < FAST_CELLS or (
        isinstance(frame.index, pd.MultiIndex) and frame.index.nlevels != 2
    ):
        return _frame_rows(frame, entity=entity, time=time)
    flat = _flat(frame, entity=entity, time=time)
    head = _frame_rows(flat.iloc[: _HEAD_ROWS - 1], entity=entity, time=time)

    def body(first: int) -> list[Any] | None:
        return [flat.iloc[first - 1 :, c] for c in range(flat.shape[1])]

    return ColumnarGrid(
        head, body=body, materialize=lambda: _frame_rows(frame, entity=entity, time=time)
    )


def _flat(frame: pd.DataFrame, *, entity: str, time: str) -> pd.DataFrame:
    if isinstance(frame.index, pd.MultiIndex):
        flat = frame.copy()
        flat.index = flat.index.set_names([entity, time])
        return flat.reset_index()
    return frame.reset_index(drop=True)

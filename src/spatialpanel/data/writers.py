"""Writing a panel back to disk in the long layout, so that
:func:`~spatialpanel.data.readers.read_panel` reads it unchanged.

CSV files are written in UTF-8 with every float in its shortest exact form (Python ``repr``).
Excel files are written with openpyxl, which stores numbers with 16 significant digits; the few
values that need 17 are patched into the sheet afterwards, so the workbook holds every float
exactly too.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd

from spatialpanel.data.validate import check_panel_frame
from spatialpanel.errors import DataError

__all__ = ["write_panel"]


def write_panel(panel: object, path: str | Path, *, sheet: str = "data") -> Path:
    """Write a panel in the long layout (entity, time, variables) to CSV (UTF-8) or ``.xlsx``.

    Parameters
    ----------
    panel
        A :class:`~spatialpanel.data.readers.PanelData` or a DataFrame with an (entity, time)
        MultiIndex and numeric columns.
    path
        Target file, ``.csv`` or ``.xlsx``; overwritten.
    sheet
        Sheet name for Excel files.

    Returns
    -------
    Path
        The path written. Missing cells are written as empty cells.
    """
    frame = check_panel_frame(getattr(panel, "frame", panel), argument="panel")
    target = Path(path)
    level_names = zip(frame.index.names, ("entity", "time"), strict=True)
    names = [str(n) if n is not None else d for n, d in level_names]
    flat = frame.copy()
    flat.index = flat.index.set_names(names)
    flat = flat.reset_index()
    suffix = target.suffix.lower()
    if suffix == ".csv":
        flat.to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
    elif suffix == ".xlsx":
        _write_xlsx(flat, target, sheet)
    else:
        raise DataError(f"write_panel writes .csv or .xlsx files, not {suffix or 'no suffix'!r}.")
    return target


def _write_xlsx(flat: pd.DataFrame, target: Path, sheet: str) -> None:
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = openpyxl.Workbook()
    ws = book.active
    if ws is None:  # pragma: no cover - a new workbook always has a sheet
        raise RuntimeError("openpyxl created a workbook without a sheet")
    ws.title = sheet
    exact: dict[str, str] = {}
    try:
        ws.append([str(c) for c in flat.columns])
        for r, row in enumerate(flat.itertuples(index=False), start=2):
            cells = [_cell(v) for v in row]
            ws.append(cells)
            for c, value in enumerate(cells, start=1):
                if isinstance(value, float) and float(f"{value:.16g}") != value:
                    exact[f"{get_column_letter(c)}{r}"] = repr(value)
    except IllegalCharacterError as exc:
        raise DataError(
            "write_panel: a name or id holds a control character that Excel cannot store "
            f"({exc}). Write a .csv file instead, or clean the names."
        ) from exc
    buffer = io.BytesIO()
    book.save(buffer)
    target.write_bytes(_patch_values(buffer.getvalue(), exact) if exact else buffer.getvalue())


def _cell(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value  # numpy scalar -> python


def _patch_values(data: bytes, exact: dict[str, str]) -> bytes:
    """Replace the stored text of the cells in ``exact`` (ref -> repr) in the first sheet."""
    member = "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                text = body.decode("utf-8")
                for ref, value in exact.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value}</v>", text, count=1
                    )
                body = text.encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()

"""Byte-reproducible zip containers (xlsx, docx): fixed timestamps in the entries and properties."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = ["normalise_zip"]

_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def normalise_zip(path: Path) -> None:
    """Rewrite a zip container (xlsx, docx) with fixed timestamps so its bytes are reproducible.

    Both the zip entries' dates and the document's created/modified properties are fixed.
    """
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    stamp = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
    items = [
        (info, stamp.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data))
        if info.filename == "docProps/core.xml"
        else (info, data)
        for info, data in items
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            new = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            zout.writestr(new, data)

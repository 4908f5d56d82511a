"""Fuzzing the readers (issue 10 §7): random and corrupted files raise only spatialpanel's own
errors, generated panels read back as generated, and accepted files round-trip unchanged
(read -> write -> read). Example counts are bounded so that the file runs in seconds."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from spatialpanel.data.china import provinces
from spatialpanel.data.readers import read_panel, write_panel
from spatialpanel.errors import DataError, SpatialPanelError

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROV = provinces()
CODES = PROV["code"].tolist()


def _spellings(code: int) -> list[str]:
    row = PROV.loc[code]
    return [
        str(code),
        str(code // 10000),
        row["name_zh"],
        row["name_en"],
        row["pinyin"],
        f" {row['name_zh']} ",
        row["name_en"].upper(),
    ]


def _read_or_own_error(path: Path, **options: object) -> None:
    with contextlib.suppress(SpatialPanelError):
        read_panel(path, **options)  # type: ignore[arg-type]


@FAST
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_raise_only_own_errors(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        _read_or_own_error(path)


def _valid_workbook() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "data"
    ws.append(["province", "year", "x"])
    for code in CODES[:3]:
        for year in (2014, 2015):
            ws.append([code, year, 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK = _valid_workbook()


@FAST
@given(cut=st.integers(min_value=0, max_value=len(WORKBOOK) - 1), flip=st.integers(0, 255))
def test_truncated_or_damaged_xlsx(cut: int, flip: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        path.write_bytes(WORKBOOK[:cut])
        with pytest.raises(DataError, match="could not be opened as an Excel workbook"):
            read_panel(path)
        damaged = bytearray(WORKBOOK)
        damaged[cut] ^= flip
        path.write_bytes(bytes(damaged))
        _read_or_own_error(path)


@FAST
@given(name=st.text(min_size=1, max_size=12).filter(lambda s: s != "data"))
def test_wrong_sheet_names(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.xlsx"
        path.write_bytes(WORKBOOK)
        with pytest.raises(DataError, match=r"has no sheet .*; its sheets are \['data'\]"):
            read_panel(path, sheet=name)


CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "—",
            "NA",
            "1,234.5",
            "12%",
            "56*",
            "x",
            "2014",
            "2015年",
            "北京",
            "全国",
            "Shanxi",
            "注：说明",
            "province",
            "year",
            "gdp",
            "gdp",
            "=1+1",
            "#N/A",
        ]
    ),
    st.text(max_size=6),
    st.integers(-10, 3000).map(str),
)


@FAST
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
def test_random_tables_raise_only_own_errors(rows: list[list[str]], encoding: str) -> None:
    text = "\n".join(",".join(f'"{c}"' if "," in c or '"' in c else c for c in row) for row in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        _read_or_own_error(path)
        book = openpyxl.Workbook()
        ws = book.active
        assert ws is not None
        for row in rows:
            # no formulas (their values are not cached) and no characters Excel cannot store
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", c.lstrip("=")) for c in row])
        book.save(Path(tmp) / "r.xlsx")
        _read_or_own_error(Path(tmp) / "r.xlsx")


@FAST
@given(names=st.lists(st.sampled_from(["gdp", "GDP", " gdp", "x", "year"]), min_size=2, max_size=4))
def test_duplicated_headers(names: list[str]) -> None:
    header = ",".join(["province", "year", *names])
    text = header + "\n" + "北京,2014," + ",".join("1" for _ in names) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        path.write_text(text, encoding="utf-8")
        keys = [n.strip() for n in names]
        if len(set(keys)) < len(keys) and "year" not in keys:
            with pytest.raises(DataError, match="duplicated header"):
                read_panel(path)
        else:
            _read_or_own_error(path)


@st.composite
def panels(draw: st.DrawFn) -> tuple[pd.DataFrame, list[list[object]]]:
    """A random panel and the rows of a long file holding it in decorated spellings."""
    codes = sorted(draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=5, unique=True)))
    first = draw(st.integers(1990, 2020))
    years = list(range(first, first + draw(st.integers(1, 4))))
    k = draw(st.integers(1, 3))
    cents = st.integers(-(10**9), 10**9)
    values = {}
    rows: list[list[object]] = [["province", "year", *(f"v{j}" for j in range(k))]]
    for code in codes:
        for year in years:
            row: list[object] = [draw(st.sampled_from(_spellings(code))), year]
            for j in range(k):
                if draw(st.integers(0, 9)) == 0:
                    values[(code, year, j)] = np.nan
                    row.append(draw(st.sampled_from(["", "—", "NA", "…", "-"])))
                    continue
                c = draw(cents)
                values[(code, year, j)] = float(f"{c / 100:.2f}")
                plain = f"{c / 100:.2f}"
                style = draw(st.sampled_from(["plain", "thousands", "foot", "full"]))
                if style == "thousands":
                    plain = f"{c / 100:,.2f}"
                elif style == "foot":
                    plain += draw(st.sampled_from(["①", "*", "†", "[1]"]))
                elif style == "full":
                    plain = plain.translate(
                        str.maketrans("0123456789.-", "０１２３４５６７８９．－")
                    )
                row.append(plain)
            rows.append(row)
    index = pd.MultiIndex.from_product([codes, years], names=["province", "year"])
    frame = pd.DataFrame(
        {f"v{j}": [values[(c, y, j)] for c, y in index] for j in range(k)}, index=index
    )
    return frame, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=panels(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_generated_panels_read_back_and_round_trip(
    case: tuple[pd.DataFrame, list[list[object]]], suffix: str
) -> None:
    expected, rows = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        text = "\n".join(",".join(f'"{c}"' if "," in str(c) else str(c) for c in r) for r in rows)
        path.write_text(text, encoding="gb18030")
        panel = read_panel(path)
        pd.testing.assert_frame_equal(panel.frame, expected, check_exact=True)
        out = write_panel(panel, Path(tmp) / f"out{suffix}")
        again = read_panel(out)
        pd.testing.assert_frame_equal(again.frame, panel.frame, check_exact=True)
        assert again.audit["step"].isin(["missing"]).sum() == 0  # written plainly
        # the same cells in the wide layout: one sheet per variable, years as columns
        wide = Path(tmp) / "wide.xlsx"
        _wide_workbook(rows).save(wide)
        pd.testing.assert_frame_equal(read_panel(wide).frame, expected, check_exact=True)


def _wide_workbook(rows: list[list[object]]) -> openpyxl.Workbook:
    header, body = rows[0], rows[1:]
    years = sorted({int(str(r[1])) for r in body})
    # the long rows come region by region, one per year; a region's first spelling labels it
    groups = [body[i : i + len(years)] for i in range(0, len(body), len(years))]
    book = openpyxl.Workbook()
    for j, name in enumerate(header[2:]):
        ws = book.active if j == 0 else book.create_sheet()
        assert ws is not None
        ws.title = str(name)
        ws.append(["地区", *(f"{y}年" for y in years)])
        for group in groups:
            ws.append([group[0][0], *(g[2 + j] for g in group)])
    return book


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(
        st.one_of(
            st.integers(-50, 10**6), st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,6}", fullmatch=True)
        ),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    values=st.lists(
        st.floats(allow_nan=True, allow_infinity=False, width=64), min_size=8, max_size=8
    ),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_generic_round_trip(ids: list[object], values: list[float], suffix: str) -> None:
    kinds = {type(i) for i in ids}
    ids = [str(i).strip() if isinstance(i, str) else i for i in ids]
    if len(kinds) > 1 or len(set(ids)) < len(ids) or any(i == "" for i in ids):
        return
    ids = sorted(ids)  # type: ignore[type-var]
    index = pd.MultiIndex.from_product([ids, [2000, 2001]], names=["id", "t"])
    frame = pd.DataFrame({"a": values[: len(index)]}, index=index)
    with tempfile.TemporaryDirectory() as tmp:
        out = write_panel(frame, Path(tmp) / f"g{suffix}")
        first = read_panel(out, entity="id", time="t", entity_kind="generic")
        second = read_panel(
            write_panel(first, Path(tmp) / f"h{suffix}"),
            entity="id",
            time="t",
            entity_kind="generic",
        )
        pd.testing.assert_frame_equal(second.frame, first.frame, check_exact=True)
        np.testing.assert_array_equal(first.frame["a"].to_numpy(), frame["a"].to_numpy())

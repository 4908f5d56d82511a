"""The column-wise reading of large long tables (spatialpanel.data.fastlong) gives what the
cell-by-cell path gives: the same panel, audit, units and source, or the same error message.

Large tables take the column path by size (``FAST_CELLS``); here the threshold is set to 0 so
that every file of the test corpus, every typed fixture and generated CSV files of every kind of
decoration and defect go through it, and the outcome is compared with the cell-by-cell path's
(the threshold set out of reach).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spatialpanel.data.sources as sources
from spatialpanel.data.readers import read_panel
from spatialpanel.errors import SpatialPanelError

DATA = Path(__file__).parent / "data"
FILES = sorted(
    p
    for folder in ("corpus", "formats")
    for p in (DATA / folder).iterdir()
    if p.suffix in (".csv", ".txt", ".tsv", ".dta", ".sav", ".parquet")
)


def _outcome(source: object, **options: object) -> object:
    try:
        panel = read_panel(source, **options)  # type: ignore[arg-type]
    except SpatialPanelError as exc:
        return (type(exc).__name__, str(exc))
    return panel


def _same(fast: object, slow: object) -> None:
    if isinstance(slow, tuple):
        assert fast == slow
        return
    assert not isinstance(fast, tuple), fast
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_exact=True)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(fast.audit, slow.audit)  # type: ignore[attr-defined]
    assert fast.units == slow.units  # type: ignore[attr-defined]
    assert fast.source == slow.source  # type: ignore[attr-defined]


def _both(source: object, monkeypatch: pytest.MonkeyPatch, **options: object) -> None:
    with monkeypatch.context() as m:
        m.setattr(sources, "FAST_CELLS", 10**15)
        slow = _outcome(source, **options)
    with monkeypatch.context() as m:
        m.setattr(sources, "FAST_CELLS", 0)
        fast = _outcome(source, **options)
    _same(fast, slow)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_files_read_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(path, monkeypatch)
    _both(path, monkeypatch, years=(2015, 2016), extra_years="drop")
    _both(path, monkeypatch, entity_kind="generic")
    _both(path, monkeypatch, totals="error")


def test_the_column_path_is_taken(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import spatialpanel.data.fastassemble as fastlong

    calls: list[int] = []
    original = fastlong.assemble_long

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "FAST_CELLS", 0)
    monkeypatch.setattr("spatialpanel.data.assemble.assemble_long", spy)
    path = tmp_path / "p.csv"
    path.write_text("province,year,x\n北京,2014,1\n北京,2015,2\n天津,2014,3\n天津,2015,4\n")
    panel = read_panel(path)
    assert calls == [1]
    assert panel.frame["x"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_dataframes_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame(
        {
            "province": ["北京", "北京", "Tianjin", "Tianjin", "全国", "全国"],
            "year": [2014, 2015, 2014, 2015, 2014, 2015],
            "x": [1.0, float("nan"), 3.0, 4.0, 9.0, 9.0],
            "y": ["1,234.5", "—", "7①", " 8 ", "1", "2"],
        }
    )
    _both(frame, monkeypatch)
    _both(frame.set_index(["province", "year"]), monkeypatch)
    _both(frame.assign(y=[True] * 6), monkeypatch)
    _both(frame.assign(x=[1.0, float("inf"), 3, 4, 5, 6]), monkeypatch)
    _both(frame.assign(year=[2014, 2015, 2014, float("nan"), 2014, 2015]), monkeypatch)
    _both(frame.assign(year=["2014", "2015", "2014", "  ", "2014", "2015"]), monkeypatch)
    _both(frame.assign(province=["北京", "北京", None, "天津", "全国", "全国"]), monkeypatch)
    _both(frame.assign(year=[2014, 2015, 2014, 2015, 2014, 2014]), monkeypatch)


@pytest.mark.parametrize("name", ["demo", "china-provinces-nbs", "china-cities-synthetic"])
def test_bundled_panels_read_the_same_both_ways(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The bundled panels as a study reads them (a DataFrame, about 10,000 to 90,000 cells,
    above ``FAST_CELLS``) and as a CSV file."""
    from spatialpanel.data.bundled import load_dataset
    from spatialpanel.data.demo import load_demo

    frame = load_demo() if name == "demo" else load_dataset(name).reset_index()
    assert frame.size >= sources.FAST_CELLS  # the column path by default
    options: dict[str, object] = {"entity": "province" if name == "demo" else "region"}
    if name == "china-cities-synthetic":
        options["entity_kind"] = "generic"
    _both(frame, monkeypatch, **options)
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    _both(path, monkeypatch, **options)


def test_region_set_labels_are_resolved_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """Labels read through a region set (here city names) become the set's ids on either path
    (the column path leaves such tables to the cell-by-cell reader, which resolves them)."""
    from spatialpanel.data.bundled import load_dataset
    from spatialpanel.data.regions import region_set

    cities = region_set("china_cities")
    frame = load_dataset("china-cities-synthetic").iloc[:, :3].reset_index()
    names = cities.table["name_zh"]
    frame["region"] = [names[code] for code in frame["region"]]
    options = {"entity": "region", "entity_kind": "generic", "regions": cities}
    _both(frame, monkeypatch, **options)
    panel = read_panel(frame, **options)  # type: ignore[arg-type]
    assert set(panel.frame.index.get_level_values(0)) <= set(cities.ids)


GOOD = st.sampled_from(
    ["1", "2.5", " 3 ", "-4e1", "1,234.5", "12%", "—", "", "  ", "NA", "7①", "\u3000", "nan"]
)
GOOD = GOOD | st.floats(-1e6, 1e6, allow_nan=False).map(repr) | st.sampled_from(["+.5", "5."])
BAD = st.sampled_from(["abc", "1e999", "(3)", "1,23", "inf", "#DIV/0!"])
REGIONS = st.sampled_from(["北京", "Beijing", "110000", "天津", "全国", "Tianjn", "", "河北省"])
YEARS = st.sampled_from(["2014", "2015", "2016", "2015年", "15", ""])


def _cell(draw: st.DrawFn) -> str:
    return draw(BAD) if draw(st.integers(0, 19)) == 0 else draw(GOOD)


@st.composite
def long_csv(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append("表1 title")
    lines.append("province,year,x,y")
    regular = draw(st.integers(0, 4)) > 0
    n_regions, n_years = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n = n_regions * n_years if regular else draw(st.integers(1, 8))
    for i in range(n):
        if regular:  # a balanced panel, region by region
            region = ["北京", "天津", "河北省"][i // n_years]
            year = ["2014", "2015", "2016"][i % n_years]
        else:
            region, year = draw(REGIONS), draw(YEARS)
        if regular and draw(st.integers(0, 9)) == 0:
            region = draw(REGIONS)  # a totals row, an unknown or blank region
        row = [region, year, _cell(draw), _cell(draw)]
        if draw(st.integers(0, 29)) == 0:
            row.append("stray")
        lines.append(",".join(f'"{c}"' if "," in c else c for c in row))
        if draw(st.integers(0, 29)) == 0:
            lines.append("注：a note")
        if draw(st.integers(0, 29)) == 0:
            lines.append("")
    if draw(st.booleans()):
        lines.append("数据来源：yearbook")
    return "\n".join(lines) + "\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=long_csv())
def test_generated_csv_files_read_the_same_both_ways(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "g.csv"
    path.write_text(text, encoding="utf-8")
    _both(path, monkeypatch)
    _both(path, monkeypatch, years=(2014, 2015), extra_years="drop", bounds={"x": (0, 100)})


def test_bulk_number_parsing_is_bit_identical_to_float() -> None:
    """Arrow's string-to-double cast rounds correctly, as Python's float() does: the plain numbers
    a file may hold (repr of doubles, fixed decimals, exponents down to subnormals, 40-digit
    mantissas, spaces and tabs around) convert to the same bits."""
    import random

    import numpy as np
    import pyarrow as pa

    from spatialpanel.data.fastlong import _strings

    rng = random.Random(20261206)
    cells = []
    for _ in range(50_000):
        k = rng.random()
        if k < 0.3:
            text = repr(rng.uniform(-1e6, 1e6))
        elif k < 0.6:
            text = f"{rng.uniform(0, 1e4):.{rng.randint(0, 12)}f}"
        elif k < 0.8:
            text = f"{rng.randint(1, 99999)}e{rng.randint(-320, 300)}"
        else:
            text = f"{rng.randint(-(10**20), 10**20)}.{rng.randint(0, 10**18)}"
        cells.append(rng.choice(["", " ", "\t"]) + text + rng.choice(["", " "]))
    column = _strings(pa.array(cells, type=pa.large_string()))
    expected = np.array([float(c) for c in cells])
    assert len(column.odd) == 0
    assert np.array_equal(column.values.view(np.int64), expected.view(np.int64))

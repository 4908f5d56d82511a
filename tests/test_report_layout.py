"""Column widths of printed tables (``report.layout``): long formulas get room, regression row
labels stay whole, a coefficient and its standard error stay together.

The weights table below is the demo's (``tables/weights.csv``, Formula column as the study
writes it); before the widths were shared by the lines they save, every text column was capped
at one common width and the Formula column of the economic-geographic matrix took 8 lines in
Word (a review of the demo's report.docx, issue 14).
"""

from __future__ import annotations

from spatialpanel.report.grid import Cell, Grid, column_texts
from spatialpanel.report.layout import Layout, column_ems, fill, pair_labels
from spatialpanel.report.measure import line_count
from spatialpanel.report.word import _PAD_PT, _SAFETY, LANDSCAPE_PT, PORTRAIT_PT, table_layout

_FORMULAS = {
    "contiguity": "w_ij = 1 if i and j share a border (Hainan linked to: Guangdong)",
    "inverse distance": "w_ij = 1/d_ij, d = great-circle km between capitals (R = 6371.0088)",
    "inverse squared distance": (
        "w_ij = 1/d_ij^2, d = great-circle km between capitals (R = 6371.0088)"
    ),
    "economic distance": "w_ij = 1/|g_i − g_j|, g_i = mean of GDP per capita in 2014–2023",
    "economic-geographic nested": (
        "W = W_d·diag(g_i/ḡ), W_d = 1/d_ij (great-circle km), raw; g_i = mean of GDP per "
        "capita in 2014–2023, ḡ = mean of g_i"
    ),
}


def _weights_grid() -> Grid:
    heads = ["Weights", "Kind", "Formula", "Transform", "N", "Non-zeros", "Non-zero (%)",
             "Min. neighbours", "Mean neighbours", "Max. neighbours", "Symmetric",
             "Islands"]  # fmt: skip
    numeric = (False, False, False, False, True, True, True, True, True, True, False, False)
    rows = []
    for name, formula in _FORMULAS.items():
        values = [name, name.split(" ")[0], formula, "row", "31", "930", "96.7742", "30",
                  "30.0000", "30", "yes", "none"]  # fmt: skip
        cells = tuple(Cell(v, numeric=n) for v, n in zip(values, numeric, strict=True))
        rows.append(((), cells))
    return Grid(stub=(), header=(tuple((h, 1) for h in heads),), rows=tuple(rows), numeric=numeric)


def _height(g: Grid, widths: tuple[float, ...], size: float) -> int:
    """Printed lines of the table: per row (header first) its tallest cell."""
    texts = column_texts(g)
    em = size * _SAFETY
    return sum(
        max(line_count(col[i], (w - _PAD_PT) / em) for col, w in zip(texts, widths, strict=True))
        for i in range(len(texts[0]))
    )


def test_the_formula_column_gets_the_room_it_needs() -> None:
    g = _weights_grid()
    layout = table_layout(g)
    assert layout is not None and layout.landscape
    widths = dict(zip(g.leaf_header(), layout.widths, strict=True))
    assert widths["Formula"] > max(widths["Weights"], widths["Kind"])
    assert sum(layout.widths) <= LANDSCAPE_PT + 1e-6
    # no formula takes more than 4 lines; the old common cap needed 8 for the nested matrix
    em = layout.size * _SAFETY
    assert max(line_count(f, (widths["Formula"] - _PAD_PT) / em) for f in _FORMULAS.values()) <= 4
    ems = column_ems(g)
    natural = [a * layout.size * _SAFETY + _PAD_PT for a, _ in ems]
    narrow = [b * layout.size * _SAFETY + _PAD_PT for _, b in ems]
    capped = fill(natural, narrow, LANDSCAPE_PT)
    assert _height(g, layout.widths, layout.size) < _height(g, capped, layout.size)
    assert (
        max(line_count(f, (capped[2] - _PAD_PT) / em) for f in _FORMULAS.values()) > 4
    )  # what the review saw


_LABELS = ["Urban-rural integration", "Government intervention", "Technological innovation",
           "W·Urban-rural integration", "W·Government intervention", "ρ"]  # fmt: skip
_MODELS = ["contiguity", "inverse distance", "inverse squared distance", "economic distance",
           "economic-geographic nested"]  # fmt: skip


def _regression_grid(labels: list[str]) -> Grid:
    rows = []
    for label in labels:
        rows.append(((label,), tuple(Cell("-0.0793", "***") for _ in _MODELS)))
        rows.append((("",), tuple(Cell("(0.0121", ")") for _ in _MODELS)))
    rows.append((("Fixed effects",), tuple(Cell("region, year", numeric=False) for _ in _MODELS)))
    return Grid(
        stub=("",),
        header=(tuple((m, 1) for m in _MODELS),),
        rows=tuple(rows),
        numeric=tuple(True for _ in _MODELS),
        rules=frozenset({len(rows) - 1}),
        regression=True,
    )


def test_regression_row_labels_never_wrap_while_a_layout_fits_them() -> None:
    """The robustness table (five weights matrices): the model headers wrap, the row labels do
    not — before, the stub shared the common cap and "Urban-rural integration" took two lines,
    its coefficient on the first and its standard error parted from it by the second."""
    g = _regression_grid(_LABELS)
    layout = table_layout(g)
    assert layout is not None and not layout.landscape
    assert not layout.wrapped[0]
    em = layout.size * _SAFETY
    assert all(line_count(label, (layout.widths[0] - _PAD_PT) / em) == 1 for label in _LABELS)
    assert sum(layout.widths) <= PORTRAIT_PT + 1e-6


def test_a_label_too_long_for_any_page_is_split_over_its_coefficient_and_se_rows() -> None:
    label = "W·Share of the urban population in the registered population of the province"
    g = _regression_grid([label, "ρ"])
    layout = Layout(False, 9.0, (80.0, *(60.0 for _ in _MODELS)), (True, *(False,) * 5))
    paired = pair_labels(g, layout, pad=_PAD_PT, scale=_SAFETY)
    first, second = paired.rows[0][0][0], paired.rows[1][0][0]
    assert first and second and f"{first} {second}" == label
    assert line_count(first, (80.0 - _PAD_PT) / (9.0 * _SAFETY)) == 1
    assert [cells for _, cells in paired.rows] == [cells for _, cells in g.rows]
    assert paired.rows[2:] == g.rows[2:]  # "ρ" fits: as it was
    whole = Layout(False, 9.0, (400.0, *(60.0 for _ in _MODELS)), (False,) * 6)
    assert pair_labels(g, whole, pad=_PAD_PT, scale=_SAFETY) is g


def _greedy_lines(text: str, width: float) -> int:
    """Greedy wrapping written out in full, piece by piece (the reference for ``line_count``,
    which returns at once for text that cannot break)."""
    from spatialpanel.report.measure import _pieces

    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for piece, space in _pieces(paragraph):
            if used and used + space + piece > width:
                lines, used = lines + 1, piece
            else:
                used += (space if used else 0.0) + piece
        total += lines
    return total


def test_line_count_shortcut_is_the_full_wrap() -> None:
    """``line_count`` skips the wrap when no line can break (the widest sum the wrap would
    compare is at most the width); at that very width, one ulp either side and across a range
    of widths it counts the lines the full greedy wrap counts."""
    import math

    from spatialpanel.report.measure import unbroken

    texts = [
        "",
        "0.2064***",
        "(0.0102)",
        *_FORMULAS.values(),
        "economic-geographic nested",
        "经济地理嵌套矩阵 nested W",
        "two\nparagraphs of text",
        "  spaced   out  ",
    ]
    for text in texts:
        _, widest = unbroken(text)
        widths = [w / 4 for w in range(1, 160)]
        if math.isfinite(widest):
            widths += [widest, math.nextafter(widest, 0), math.nextafter(widest, math.inf)]
        for width in widths:
            assert line_count(text, width) == _greedy_lines(text, width), (text, width)

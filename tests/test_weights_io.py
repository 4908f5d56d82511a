"""Conversions of SpatialWeights (libpysal Graph / W, CSV / Excel with ids) and the Cliff-Ord sums.

References: libpysal 4.14 (``W.s0/s1/s2``, ``Graph``) on the same matrices; hand-checked matrices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spatialpanel as sp
from spatialpanel.errors import WeightsError
from spatialpanel.weights import io

CHAIN = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
IDS = ["a", "b", "c", "d"]


def test_cliff_ord_sums_match_libpysal() -> None:
    w = sp.SpatialWeights.china_contiguity()
    lw = w.to_libpysal_w()
    assert w.s0 == pytest.approx(lw.s0, rel=1e-12)
    assert w.s1 == pytest.approx(lw.s1, rel=1e-12)
    assert w.s2 == pytest.approx(lw.s2, rel=1e-12)
    # hand check on the binary 4-chain: S0 = 6, S1 = ½·Σ(2w)² = ½·6·4 = 12,
    # S2 = Σ(2·degree)² = 4 + 16 + 16 + 4 = 40
    chain = sp.SpatialWeights.from_array(CHAIN, ids=IDS, transform="binary")
    assert (chain.s0, chain.s1, chain.s2) == (6.0, 12.0, 40.0)
    d = chain.describe()
    assert (d["nnz"], d["neighbours_min"], d["neighbours_max"]) == (6, 1, 2)
    assert d["neighbours_mean"] == 1.5 and d["islands"] == []


def test_graph_round_trip_with_islands() -> None:
    m = np.array([[0, 2, 0], [1, 0, 0], [0, 0, 0]], dtype=float)
    w = sp.SpatialWeights.from_array(m, ids=["x", "y", "z"], transform="none", islands="allow")
    graph = w.to_graph()
    assert list(graph.unique_ids) == ["x", "y", "z"]
    assert list(graph.isolates) == ["z"]
    np.testing.assert_array_equal(graph.sparse.toarray(), m)
    back = sp.SpatialWeights.from_graph(graph, transform="none", islands="allow")
    np.testing.assert_array_equal(back.dense, m)
    assert back.islands == ("z",)
    with pytest.raises(WeightsError, match="'z'"):
        sp.SpatialWeights.from_graph(graph)


def test_libpysal_w_round_trip_and_no_shared_state() -> None:
    import esda

    w = sp.SpatialWeights.from_array(CHAIN, ids=IDS, transform="binary")
    lw = w.to_libpysal_w()
    assert lw.id_order == IDS
    np.testing.assert_array_equal(lw.full()[0], CHAIN)
    # esda's Moran row-standardises the W it is given in place; ours must not change
    esda.Moran(np.array([1.0, 2.0, 4.0, 3.0]), lw, permutations=0)
    assert lw.transform == "R"
    np.testing.assert_array_equal(w.dense, CHAIN)
    back = sp.SpatialWeights.from_libpysal_w(lw, transform="none")
    np.testing.assert_allclose(back.dense.sum(axis=1), 1.0)  # the W's current (row) weights
    assert list(back.ids) == IDS


def test_csv_round_trip_int_ids_and_column_order(tmp_path: Path) -> None:
    w = sp.SpatialWeights.china_contiguity(transform="none")
    path = w.write(tmp_path / "w.csv")
    back = sp.SpatialWeights.read(path, transform="none")
    assert list(back.ids) == list(w.ids) and back.ids.dtype.kind == "i"
    np.testing.assert_array_equal(back.dense, w.dense)
    # columns in another order are matched by id
    text = "id,c,a,b\na,0,0,1\nb,0.5,1,0\nc,0,2,0\n"
    (tmp_path / "m.csv").write_text(text)
    m = io.read_matrix(tmp_path / "m.csv", transform="none")
    np.testing.assert_array_equal(m.dense, [[0, 1, 0], [1, 0, 0.5], [2, 0, 0]])


def test_excel_round_trip(tmp_path: Path) -> None:
    w = sp.SpatialWeights.inverse_distance(power=2)
    path = io.write_matrix(w, tmp_path / "w.xlsx", sheet_name="W")
    back = io.read_matrix(path, sheet="W", transform="none")
    np.testing.assert_allclose(back.dense, w.dense, rtol=1e-15)
    raw = io.read_matrix(io.write_matrix(w, tmp_path / "raw.xlsx", raw=True), transform="row")
    np.testing.assert_allclose(raw.dense, w.dense, rtol=1e-12)


def test_read_matrix_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("id,a,b,x\na,0,1,0\nb,1,0,0\nc,0,0,0\n")
    with pytest.raises(WeightsError, match=r"\['c'\].*\['x'\]"):
        io.read_matrix(tmp_path / "bad.csv")
    (tmp_path / "text.csv").write_text("id,a,b\na,0,yes\nb,1,0\n")
    with pytest.raises(WeightsError, match="not a number"):
        io.read_matrix(tmp_path / "text.csv")
    with pytest.raises(WeightsError, match="does not exist"):
        io.read_matrix(tmp_path / "missing.csv")
    (tmp_path / "w.txt").write_text("")
    with pytest.raises(WeightsError, match="suffix"):
        io.read_matrix(tmp_path / "w.txt")


def test_reordered_and_ids_mismatch() -> None:
    w = sp.SpatialWeights.from_array(CHAIN, ids=IDS)
    r = w.reordered(["d", "c", "b", "a"])
    np.testing.assert_allclose(r.dense, w.dense[::-1, ::-1])
    with pytest.raises(WeightsError, match=r"\['e'\].*\['d'\]"):
        w.reordered(["a", "b", "c", "e"])

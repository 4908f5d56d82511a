"""Chunked-fit inputs found in review: the panel's id/time columns named as variables, numpy
integers for batch_rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyarrow")

import spatialpanel as sp
from spatialpanel.errors import ConfigError
from tests.cigar import cigar_data, cigar_weights


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pq") / "cigar.parquet"
    cigar_data().reset_index().to_parquet(path)
    return path


def _names(path: Path) -> tuple[str, str]:
    import pandas as pd

    cols = list(pd.read_parquet(path).columns)
    return cols[0], cols[1]


def test_time_column_as_regressor_is_refused_by_name(parquet: Path) -> None:
    entity, time = _names(parquet)
    with pytest.raises(ConfigError, match=rf"x names '{time}', the time column"):
        sp.ChunkedPanelModel(
            parquet, y="logc", x=["logp", time], w=cigar_weights(), entity=entity, time=time
        )


def test_numpy_integer_batch_rows_is_accepted_and_gives_the_same_fit(parquet: Path) -> None:
    entity, time = _names(parquet)
    kw = {"y": "logc", "x": ["logp", "logy"], "w": cigar_weights(), "entity": entity, "time": time}
    a = sp.fit_parquet(parquet, batch_rows=np.int64(400), **kw)
    b = sp.fit_parquet(parquet, batch_rows=400, **kw)
    np.testing.assert_array_equal(a.params.to_numpy(), b.params.to_numpy())
    with pytest.raises(ConfigError, match="batch_rows"):
        sp.ChunkedPanelModel(parquet, batch_rows=True, **kw)

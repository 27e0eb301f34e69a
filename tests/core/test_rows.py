"""Rows: the plain-list tables the sheet readers pass around."""

from __future__ import annotations

import pandas as pd
import pytest

from icx.core.rows import Rows


def test_columns_records_and_frame() -> None:
    rows = Rows(["id", "score"], [5, 7], [["A", 3.0], ["B", None]])
    assert len(rows) == 2 and "id" in rows and "x" not in rows and not rows.empty
    assert rows.column("score") == [3.0, None] and rows.column("missing") == [None, None]
    assert rows.records() == {5: {"id": "A", "score": 3.0}, 7: {"id": "B", "score": None}}
    frame = rows.to_frame()
    assert list(frame.index) == [5, 7] and frame.index.name == "row" and frame.at[7, "score"] is None


def test_with_column_shifted_and_concat_copy() -> None:
    rows = Rows(["id"], [2, 3], [["A"], ["B"]])
    more = rows.with_column("source", ["S!A2", "S!A3"])
    assert more.columns == ["id", "source"] and rows.columns == ["id"]  # the original is untouched
    assert more.with_column("id", ["X", "Y"]).column("id") == ["X", "Y"]
    with pytest.raises(ValueError):
        rows.with_column("bad", ["only one"])
    assert rows.shifted(10).sheet_rows == [12, 13]
    joined = Rows.concat([rows, Rows(["source", "id"], [2], [["T!A2", "C"]])], ["id", "source"])
    assert joined.sheet_rows == [2, 3, 2] and joined.values == [["A", None], ["B", None], ["C", "T!A2"]]
    assert isinstance(Rows().to_frame(), pd.DataFrame) and Rows().empty


def test_rows_of_records() -> None:
    rows = Rows.of([{"id": "A", "score": 3}, {"id": "B"}], ["id", "score"], first_row=4)
    assert rows.sheet_rows == [4, 5] and rows.values == [["A", 3], ["B", None]]

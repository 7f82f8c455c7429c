"""Reading a large file in chunks: the same layout, parser and line checks as reading it whole."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from axpoc.config import ReadOptions
from axpoc.data import open_chunks, read_table, streams
from axpoc.errors import UserError, ValidationFailed

# a plant export: cp949, a title row above the header, ';' between fields, decimal commas, a code like 007
EXPORT = "2024년 3월 사출 일보;;\n금형온도;사출압력;금형번호\n" + "".join(
    f"{180 + i},{i % 10};{95 + i % 7},{i % 3};{i % 4:03d}\n" for i in range(23)
)


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "일보.csv"
    path.write_bytes(EXPORT.encode("cp949"))
    return path


def test_chunks_read_like_the_whole_file_with_the_same_detection(tmp_path: Path) -> None:
    path = _export(tmp_path)
    whole, info = read_table(path)
    table = open_chunks(path)
    chunks = list(table.chunks(5))
    assert [len(c) for c in chunks] == [5, 5, 5, 5, 3]
    assert [c.index[0] for c in chunks] == [0, 5, 10, 15, 20]  # positions: 0 is the first data row
    pd.testing.assert_frame_equal(pd.concat(chunks), whole)
    assert whole["금형온도"].tolist()[:2] == [180.0, 181.1]  # decimal commas read as numbers
    assert (table.info.encoding, table.info.separator, table.info.header_row) == ("cp949", ";", 2)
    assert table.info.notes == info.notes and table.columns == list(whole.columns) and table.n_rows == 23


def test_only_the_wanted_columns_in_their_order_and_text_columns_stay_text(tmp_path: Path) -> None:
    table = open_chunks(_export(tmp_path), text_columns=["금형번호"])
    first = next(table.chunks(4, columns=["금형번호", "금형온도"]))
    assert list(first.columns) == ["금형번호", "금형온도"]
    assert first["금형번호"].tolist() == ["000", "001", "002", "003"]
    assert pd.concat(table.column("금형번호", 10)).tolist()[-1] == "002"


def test_lines_with_more_fields_than_the_header_are_rejected_naming_them(tmp_path: Path) -> None:
    lines = ["a,b,c", *(f"{i},{i + 1},{i + 2}" for i in range(30))]
    lines[4] += ",9"  # line 5
    lines[27] = lines[27].replace(",", ",,", 1)  # line 28
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        list(open_chunks(path).chunks(10, columns=["a"]))  # reading one column must not hide them
    assert caught.value.exit_code == 1
    assert str(path) in caught.value.message and "lines 5, 28 have more fields where the header has 3" in (
        caught.value.message
    )
    path.write_text("a,b\n" + "".join(f"P{i},{i},\n" for i in range(3)), encoding="utf-8")
    with pytest.raises(ValidationFailed, match="lines 2, 3, 4 have more fields"):
        list(open_chunks(path).chunks(10))  # each line ends in a separator


def test_parquet_batches_of_the_wanted_columns(tmp_path: Path) -> None:
    path = tmp_path / "parts.parquet"
    frame = pd.DataFrame({"id": [f"P{i}" for i in range(11)], "x": np.arange(11.0), "y": np.arange(11)})
    frame.to_parquet(path)
    table = open_chunks(path)
    assert table.columns == ["id", "x", "y"] and table.n_rows == 11 and table.info.format == "parquet"
    chunks = list(table.chunks(4, columns=["x", "id"]))
    assert [c.index[0] for c in chunks] == [0, 4, 8] and list(chunks[0].columns) == ["x", "id"]
    pd.testing.assert_frame_equal(pd.concat(chunks), frame[["x", "id"]])
    assert pd.concat(table.column("id", 5)).tolist() == frame["id"].tolist()


@pytest.mark.parametrize("name", ["parts.parquet", "parts.csv"])
def test_a_column_the_file_lacks_is_named_with_the_ones_it_has(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    frame = pd.DataFrame({"id": ["P1", "P2"], "x": [1.0, 2.0]})
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False)
    table = open_chunks(path)
    with pytest.raises(UserError, match=f"{name}: lacks the column\\(s\\) 온도. The file has: id, x"):
        list(table.chunks(5, columns=["x", "온도"]))
    with pytest.raises(UserError, match="lacks the column"):
        list(table.column("온도", 5))


def test_which_files_stream(tmp_path: Path) -> None:
    text = _export(tmp_path)
    packed = tmp_path / "parts.csv.gz"
    packed.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    book = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(book)
    disguised = tmp_path / "book.csv"  # a workbook saved under a text name is read whole
    disguised.write_bytes(book.read_bytes())
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert streams(text) and streams(packed)
    assert not any(streams(p) for p in (book, disguised, empty, tmp_path, tmp_path / "none.csv"))
    assert next(open_chunks(packed).chunks(5))["b"].tolist() == [2]
    with pytest.raises(UserError, match=r"book\.xlsx: only a CSV/text or Parquet file is read in chunks"):
        open_chunks(book)


def test_declared_options_win_over_detection(tmp_path: Path) -> None:
    path = _export(tmp_path)
    table = open_chunks(path, ReadOptions(header_row=1))
    assert table.info.header_row == 1 and table.columns[0] == "2024년 3월 사출 일보"

"""Large text and Parquet files read chunk by chunk, laid out and checked as :func:`read_table` reads them.

A scorer reads millions of rows this way with flat memory. A text file gets the encoding, separator,
header row and decimal mark that :func:`read_table` would detect (``data.read`` options win) and is
parsed with the same ``pd.read_csv`` arguments; a line holding more fields than the header is refused,
naming every such line. The completeness check (:func:`check_complete`) is the caller's first step, as
it must come before anything slow (loading a model).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from axpoc.config import ReadOptions
from axpoc.data._encoding import read_sample
from axpoc.data._read import (
    ReadInfo,
    _layout,
    _sniffed_kind,
    csv_arguments,
    fields_message,
    long_lines,
    no_columns_message,
    parser_error,
)
from axpoc.errors import UserError, ValidationFailed


def streams(path: str | Path) -> bool:
    """Whether :func:`open_chunks` reads ``path``: a non-empty text (also compressed) or Parquet file.

    Workbooks, folders and globs are read whole by :func:`read_table` / :func:`read_files` instead.
    """
    path = Path(path)
    return path.is_file() and path.stat().st_size > 0 and _sniffed_kind(path) in ("text", "parquet")


def open_chunks(
    path: str | Path, options: ReadOptions | None = None, *, text_columns: list[str] | None = None
) -> ChunkedTable:
    """``path`` (see :func:`streams`) ready to be read in chunks; ``text_columns`` stay text (ids such as
    ``007``, codes that look like numbers)."""
    path = Path(path)
    options = options or ReadOptions()
    if not streams(path):
        raise UserError(
            f"{path}: only a CSV/text or Parquet file is read in chunks; read it whole with read_table."
        )
    if _sniffed_kind(path) == "parquet":
        return _ParquetChunks(path)
    return _TextChunks(path, options, text_columns=list(text_columns or []))


class ChunkedTable:
    """One file read in chunks: its ``columns``, its data rows ``n_rows`` (exact for Parquet and for a text
    file that fits the sample, else an estimate) and ``info``, how it was read."""

    path: Path
    columns: list[str]
    n_rows: int | None
    info: ReadInfo

    def chunks(self, rows: int, *, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        """The data rows in frames of ``rows``, indexed by position (0 = the first data row); ``columns``
        (default all) in that order. A malformed text line is a :class:`UserError`; lines with more
        fields than the header are data rejected (:class:`ValidationFailed`, exit 1), naming them."""
        raise NotImplementedError

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        """One column in pieces of ``rows``, for checks over the entire file (repeated ids); only that
        column is parsed, so the lines are not checked here."""
        raise NotImplementedError

    def _wanted(self, columns: list[str] | None) -> list[str]:
        """``columns`` (default all), refused naming those the file lacks and the ones it has."""
        wanted = list(self.columns) if columns is None else list(columns)
        absent = [c for c in wanted if c not in self.columns]
        if absent:
            raise UserError(
                f"{self.path}: lacks the column(s) {', '.join(absent)}. The file has: "
                f"{', '.join(self.columns[:30])}. Export those columns, or rename them."
            )
        return wanted


class _TextChunks(ChunkedTable):
    def __init__(self, path: Path, options: ReadOptions, *, text_columns: list[str]) -> None:
        layout = _layout(path, options)
        self.path, self.info, self._text_columns = path, layout.info(path, "csv"), text_columns
        self._arguments = csv_arguments(layout, options)
        self.n_rows = self._estimate_rows(layout.encoding, layout.header_row)
        try:
            self.columns = [str(c) for c in pd.read_csv(path, nrows=0, **self._arguments).columns]
        except pd.errors.EmptyDataError:
            raise UserError(no_columns_message(path, layout.header_row)) from None
        self.info.columns = len(self.columns)

    def _estimate_rows(self, encoding: str, header_row: int) -> int:
        """Lines below the header when the sample holds the whole file, else the file's size over a line's."""
        sample, complete = read_sample(self.path, encoding)
        lines = sample.splitlines() if complete else sample.splitlines()[:-1]
        if complete:
            return max(0, len(lines) - header_row)
        line_bytes = len(sample.encode(encoding, errors="replace")) / max(1, len(lines))
        return int(self.path.stat().st_size / max(1.0, line_bytes))

    def _reader(self, usecols: list[str] | None, rows: int) -> Any:
        text = [c for c in self._text_columns if usecols is None or c in usecols]
        return pd.read_csv(
            self.path,
            usecols=usecols,
            chunksize=rows,
            dtype=dict.fromkeys(text, "str") or None,
            **self._arguments,
        )

    def chunks(self, rows: int, *, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        # every field is parsed: reading only ``columns`` would make pandas drop a line's extra fields
        # without a word, and every later value of that line would sit in the wrong column
        wanted = self._wanted(columns)
        try:
            with self._reader(None, rows) as reader:
                start = 0
                for chunk in reader:
                    # a first line with one field more makes pandas take every line's first field as index
                    if not chunk.index.equals(pd.RangeIndex(start, start + len(chunk))):
                        raise self._long_lines_error() or UserError(
                            f"{self.path}: the rows could not be told apart from their header; check data.read.sep."
                        )
                    start += len(chunk)
                    yield chunk[wanted]
        except pd.errors.ParserError as exc:
            raise parser_error(
                self.path,
                exc,
                encoding=self._arguments["encoding"],
                sep=self._arguments["sep"],
                header_row=self._arguments["skiprows"] + 1,
            ) from None

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        self._wanted([name])
        with self._reader([name], rows) as reader:
            for chunk in reader:
                yield chunk[name]

    def _long_lines_error(self) -> ValidationFailed | None:
        """The lines with more fields than the header, as the data rejected error; None when there are none."""
        sep = self._arguments["sep"]
        header_row = self._arguments["skiprows"] + 1
        lines = long_lines(self.path, encoding=self._arguments["encoding"], sep=sep, header_row=header_row)
        if not lines:
            return None
        return ValidationFailed(fields_message(self.path, lines, expected=len(self.columns), sep=sep))


class _ParquetChunks(ChunkedTable):
    """Record batches of only the wanted columns; without ``pre_buffer=False`` every range read stays
    buffered and memory grows with the file."""

    def __init__(self, path: Path) -> None:
        import pyarrow
        import pyarrow.parquet as pq

        self.path, self.info = path, ReadInfo(path=path, format="parquet")
        try:
            self._file = pq.ParquetFile(path, pre_buffer=False)
        except (pyarrow.ArrowException, OSError) as exc:
            raise UserError(
                f"{path}: not a readable Parquet file ({exc}). Write it again, or export CSV."
            ) from None
        self.columns = list(self._file.schema_arrow.names)
        self.n_rows = self._file.metadata.num_rows
        self.info.rows, self.info.columns = self.n_rows, len(self.columns)

    def chunks(self, rows: int, *, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        start = 0
        for batch in self._file.iter_batches(batch_size=rows, columns=self._wanted(columns)):
            chunk = batch.to_pandas()
            chunk.index = pd.RangeIndex(start, start + len(chunk))
            start += len(chunk)
            yield chunk

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        for batch in self._file.iter_batches(batch_size=rows, columns=self._wanted([name])):
            yield batch.column(0).to_pandas()

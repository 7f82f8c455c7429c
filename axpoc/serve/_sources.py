"""Inputs of ``axpoc predict``: CSV and Parquet streamed in chunks, anything else through the training loader."""

from __future__ import annotations

import csv
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from axpoc.config import PocConfig, ReadOptions
from axpoc.errors import UserError, ValidationFailed
from axpoc.serve._model import ServedModel

_QUERY = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


class Source(Protocol):
    """Rows to score, chunk by chunk, with the row's position in the input as the frame index."""

    label: str
    columns: list[str]
    notes: list[str]
    n_rows: int | None  # data rows, or an estimate; None when unknown

    def chunks(self, columns: list[str], rows: int) -> Iterator[pd.DataFrame]: ...

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        """One column in pieces of ``rows``, for checks over the entire input (uniqueness)."""
        ...

    def digest(self) -> str: ...


class FrameSource:
    """An input already in memory: a query result, an Excel sheet, a folder of files, curve data."""

    def __init__(self, frame: pd.DataFrame, *, label: str, digest: str, notes: list[str]) -> None:
        self.frame = frame.reset_index(drop=True)
        self.label, self.notes, self._digest = label, notes, digest
        self.columns = [str(c) for c in frame.columns]
        self.n_rows: int | None = len(self.frame)

    def chunks(self, columns: list[str], rows: int) -> Iterator[pd.DataFrame]:
        for start in range(0, len(self.frame), rows):
            yield self.frame.iloc[start : start + rows][columns]

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        for start in range(0, len(self.frame), rows):
            yield self.frame[name].iloc[start : start + rows]

    def digest(self) -> str:
        return self._digest


class _FileDigest:
    """sha256 of a file's bytes, computed in a background thread while the rows are scored."""

    def __init__(self, path: Path) -> None:
        self._result: list[str] = []
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True, name="axpoc-digest")
        self._thread.start()

    def _run(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._result.append(hashlib.file_digest(handle, "sha256").hexdigest())

    def result(self) -> str:
        self._thread.join()
        return self._result[0]


_EXTRA = "\x00axpoc: fields beyond the header"
"""The name of the column that catches what a line holds beyond the header's fields (no header has it)."""


class CsvSource:
    """A text file read in chunks with the encoding, separator and header row ``read_table`` would detect."""

    def __init__(self, path: Path, options: ReadOptions, *, text_columns: list[str]) -> None:
        from axpoc.data import (
            HEADER_SCAN_ROWS,
            detect_encoding,
            detect_header_row,
            detect_separator,
            read_sample,
        )

        self.path, self.options, self.label, self.notes = path, options, str(path), []
        self.encoding = detect_encoding(path, options.encoding)
        sample, complete = read_sample(path, self.encoding)
        lines = sample.splitlines() if complete else sample.splitlines()[:-1]
        self.sep = options.sep or detect_separator(lines, exclude=options.decimal)
        header = options.header_row
        if header is None:
            rows = [
                next(csv.reader([line], delimiter=self.sep), []) for line in lines[: HEADER_SCAN_ROWS + 3]
            ]
            header = detect_header_row(rows, options) or 1
        self.header = header
        self.text_columns = text_columns
        line_bytes = len(sample.encode(self.encoding, errors="replace")) / max(1, len(lines))
        self.n_rows: int | None = len(lines) if complete else int(path.stat().st_size / max(1.0, line_bytes))
        self.columns = [str(c) for c in self._read(nrows=0).columns]
        self._digest = _FileDigest(path)

    def _read(self, **kwargs: Any) -> Any:
        usecols = kwargs.get("usecols")
        text = [c for c in self.text_columns if usecols is None or c in usecols]
        return pd.read_csv(
            self.path,
            sep=self.sep,
            encoding=self.encoding,
            skiprows=self.header - 1,
            header=0,
            keep_default_na=False,
            na_values=["", *self.options.na_values],
            decimal=self.options.decimal,
            dtype=dict.fromkeys(text, "str") or None,
            **kwargs,
        )

    def chunks(self, columns: list[str], rows: int) -> Iterator[pd.DataFrame]:
        start = 0
        for chunk in self._pieces(columns, rows):
            chunk.index = pd.RangeIndex(start, start + len(chunk))
            start += len(chunk)
            yield chunk[columns]

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        for chunk in self._pieces([name], rows, checked=False):
            yield chunk[name]

    def _pieces(self, columns: list[str], rows: int, *, checked: bool = True) -> Iterator[pd.DataFrame]:
        """The file in frames of ``rows`` rows; a malformed line is a UserError naming it.

        ``checked``: every column is read, so that lines holding more fields than the header (a stray
        separator that pushed every later value into the wrong column) are data rejected (exit 1), naming
        the lines, as training refuses them; reading only ``columns`` would make pandas drop those fields
        without a word. A pass that only looks at values (the id's repeats) reads only ``columns``.
        """
        from axpoc.data import parser_message

        try:
            with self._read(usecols=None if checked else columns, chunksize=rows, low_memory=False) as reader:
                start = 0
                for chunk in reader:
                    # a first line with one field more makes pandas take every line's first field as index
                    if checked and not chunk.index.equals(pd.RangeIndex(start, start + len(chunk))):
                        raise self._long_lines_error() or UserError(
                            f"{self.path}: the rows could not be told apart from their header; check data.read.sep."
                        )
                    start += len(chunk)
                    yield chunk
        except pd.errors.ParserError as exc:
            error = self._long_lines_error()
            if error is None:
                raise UserError(parser_message(self.path, exc, self.sep)) from None
            raise error from None

    def _long_lines_error(self) -> ValidationFailed | None:
        """The lines with more fields than the header, as the data rejected error; None when there are none."""
        from axpoc.data import fields_message, long_lines

        lines = long_lines(self.path, encoding=self.encoding, sep=self.sep, header_row=self.header)
        if not lines:
            return None
        message = fields_message(self.path, lines, expected=len(self.columns), sep=self.sep)
        return ValidationFailed(f"{message} Nothing was scored from this file.")

    def digest(self) -> str:
        return self._digest.result()


class ParquetSource:
    """A Parquet file read batch by batch, only the columns the model needs."""

    def __init__(self, path: Path) -> None:
        import pyarrow
        import pyarrow.parquet as pq

        self.path, self.label, self.notes = path, str(path), []
        try:  # without pre_buffer=False every range read stays buffered and memory grows with the file
            self.file = pq.ParquetFile(path, pre_buffer=False)
        except (pyarrow.ArrowException, OSError) as exc:
            raise UserError(
                f"{path}: not a readable Parquet file ({exc}). Write it again, or export CSV."
            ) from None
        self.columns = list(self.file.schema_arrow.names)
        self.n_rows: int | None = self.file.metadata.num_rows
        self._digest = _FileDigest(path)

    def chunks(self, columns: list[str], rows: int) -> Iterator[pd.DataFrame]:
        start = 0
        for batch in self.file.iter_batches(batch_size=rows, columns=columns):
            chunk = batch.to_pandas()
            chunk.index = pd.RangeIndex(start, start + len(chunk))
            start += len(chunk)
            yield chunk

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        for batch in self.file.iter_batches(batch_size=rows, columns=[name]):
            yield batch.column(0).to_pandas()

    def digest(self) -> str:
        return self._digest.result()


def repeated_values(pieces: Callable[[], Iterator[pd.Series]]) -> pd.Index:
    """The values that occur more than once in a column given piece by piece (``pieces()`` starts over).

    A first pass keeps only a 64-bit hash per value (8 bytes a row, whatever the ids look like); a
    second pass collects the values whose hash repeats and confirms them exactly, so a hash collision
    never rejects a row.
    """
    hashes = [
        pd.util.hash_pandas_object(piece.dropna(), index=False, categorize=False).to_numpy()
        for piece in pieces()
    ]
    ordered = np.sort(np.concatenate(hashes)) if hashes else np.empty(0, dtype=np.uint64)
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(twice):
        return pd.Index([])
    found = []
    for piece in pieces():
        present = piece.dropna()
        found.append(
            present[
                np.isin(pd.util.hash_pandas_object(present, index=False, categorize=False).to_numpy(), twice)
            ]
        )
    candidates = pd.concat(found)
    return pd.Index(candidates[candidates.duplicated(keep=False)].unique())


def is_query(text: str) -> bool:
    """``--input`` is SQL when it starts with SELECT or WITH, or carries the ``sql:`` prefix."""
    return text.startswith("sql:") or bool(_QUERY.match(text))


def open_source(config: PocConfig, text: str, *, db_url: str | None, served: ServedModel) -> Source:
    from axpoc.data import COMPRESSED_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES

    if is_query(text):
        from axpoc.data import read_sql, safe_url

        url = db_url or config.data.url
        if not url:
            raise UserError(
                "--input is a SQL query but no database is named: give --db-url "
                "'postgresql+psycopg://user:${DB_PASSWORD}@host/db' or set data.url in the config."
            )
        query = text.removeprefix("sql:").strip()
        frame = read_sql(url, query)
        label = f"{safe_url(url)} :: {query}"
        digest = hashlib.sha256(f"{label}\n{len(frame)}".encode()).hexdigest()
        return FrameSource(frame, label=label, digest=digest, notes=[])
    path = Path(text).expanduser()
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if config.data.curves is None and path.is_file() and path.stat().st_size > 0:
        if last in TEXT_SUFFIXES:
            text = [c for c, kind in served.types.items() if kind == "string"]
            return CsvSource(
                path,
                config.data.read,
                text_columns=[*([served.id_column] if served.id_column else []), *text],
            )
        if last in PARQUET_SUFFIXES:
            return ParquetSource(path)
    from axpoc.data import load_data

    # Excel sheets, folders, globs and curve data go through the training loader (labels are not needed).
    unlabelled = config.model_copy(update={"data": config.data.model_copy(update={"labels": None})})
    loaded = load_data(unlabelled, path=path)
    return FrameSource(loaded.frame, label=str(path), digest=loaded.digest, notes=loaded.notes)

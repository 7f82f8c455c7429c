"""Inputs of ``axpoc predict``: CSV and Parquet streamed in chunks, anything else through the training loader."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from axpoc.config import PocConfig, ReadOptions
from axpoc.errors import UserError, ValidationFailed
from axpoc.i18n import ReadNote
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


class FileSource:
    """A CSV/text or Parquet file streamed by :func:`axpoc.data.open_chunks`, its digest computed meanwhile."""

    def __init__(self, path: Path, options: ReadOptions, *, text_columns: list[str]) -> None:
        from axpoc.data import open_chunks

        self.path, self.label = path, str(path)
        self.table = open_chunks(path, options, text_columns=text_columns)
        self.columns, self.n_rows = self.table.columns, self.table.n_rows
        # what was detected (encoding, separator, decimal comma, header row), as the training loader notes it
        self.notes = [
            ReadNote("in_file", {"file": path.name, "note": note}) for note in self.table.info.notes
        ]
        self._digest = _FileDigest(path)

    def chunks(self, columns: list[str], rows: int) -> Iterator[pd.DataFrame]:
        try:
            yield from self.table.chunks(rows, columns=columns)
        except ValidationFailed as exc:  # lines with more fields than the header
            raise ValidationFailed(f"{exc.message} Nothing was scored from this file.") from None

    def column(self, name: str, rows: int) -> Iterator[pd.Series]:
        return self.table.column(name, rows)

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
    from axpoc.data import streams

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
    if config.data.curves is None and streams(path):
        strings = [c for c, kind in served.types.items() if kind == "string"]
        id_column = [served.id_column] if served.id_column else []
        return FileSource(path, config.data.read, text_columns=[*id_column, *strings])
    from axpoc.data import check_sheet, load_data

    # Excel sheets, folders, globs and curve data go through the training loader (labels are not needed).
    unlabelled = config.model_copy(update={"data": config.data.model_copy(update={"labels": None})})
    loaded = load_data(unlabelled, path=path)
    missing = served.missing_columns([str(c) for c in loaded.frame.columns])
    if missing:  # a workbook's summary sheet first: say which sheet holds the model's columns
        check_sheet(loaded.frame.columns, loaded.infos, missing[0], config.data.read)
    return FrameSource(loaded.frame, label=str(path), digest=loaded.digest, notes=loaded.notes)

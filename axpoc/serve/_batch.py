"""Batch scoring: a registered model over a file or a query, checked row by row, written all or nothing.

Every row is first checked against the model's data contract (its critical rules on the columns the
model reads); failing rows go to a reject file with the reasons and are never scored. Large CSV and
Parquet files stream in chunks, so memory stays flat however many rows come. File outputs are written
to a temporary file beside the target and renamed at the end; a SQL table is written in one
transaction. A failure therefore leaves the previous output, never a partial one. Each finished call
appends a line to the project's prediction log (see :mod:`axpoc.serve._predlog`).
"""

from __future__ import annotations

import codecs
import csv
import errno
import glob
import hashlib
import os
import pickle
import queue
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol

import numpy as np
import pandas as pd

from axpoc.config import PocConfig, ReadOptions
from axpoc.data import check_complete
from axpoc.data._checker import RowChecker
from axpoc.data._contract import Contract, expectations_digest
from axpoc.errors import UserError
from axpoc.serve._compiled import CACHE_FOLDER, Acceleration
from axpoc.serve._compiled import accelerate as _accelerate
from axpoc.serve._predlog import append_prediction_log, score_summary
from axpoc.serve._typed import column_types, flag_checker, input_flags, type_frame

DEFAULT_CHUNK_ROWS = 200_000
# Below this many input rows a model not compiled yet is scored by LightGBM itself: compiling a large
# forest takes longer than scoring a small file. A compiled model in the cache is used at any size.
COMPILE_MIN_ROWS = 100_000
REJECT_SUFFIX = ".rejects.csv"
INPUT_FLAGS = "input_flags"
"""Output column naming why a scored row deserves a second look (training range, unseen category)."""
_QUERY = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)
_GLOB = re.compile(r"[*?\[]")
_TABLE = re.compile(r"^[^\W\d][\w$]*(?:\.[^\W\d][\w$]*)?$")
_FILE_OUTPUTS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_OTHER_FILES = frozenset({".xlsx", ".xlsm", ".xls", ".txt", ".tsv", ".json", ".gz", ".feather"})
_INDICATOR = "missingindicator_"


# The model as it is served ---------------------------------------------------------------------------
@dataclass
class ServedModel:
    """A loaded registered version with the row checks that guard it (shared by batch and HTTP scoring).

    ``checker`` applies the contract's critical rules on the columns the model reads (features and id;
    the target and other role columns are not needed to score); ``chunk_checker`` leaves out
    uniqueness, which a streamed batch decides over the whole input instead.
    """

    model: Any
    model_name: str
    version: str
    alias: str | None
    contract: Contract | None
    loaded_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        self.checker = (
            None if self.contract is None else RowChecker(scoring_contract(self.contract, self.model))
        )
        self.chunk_checker = (
            None
            if self.contract is None
            else RowChecker(scoring_contract(self.contract, self.model, unique=False))
        )
        read = [c for c in self.model.input_columns if c != self.id_column]
        self.types = column_types(self.contract, read)
        """The training type of each column the model reads (the id is passed on as read)."""
        self.flagger = flag_checker(self.contract, read)

    @property
    def id_column(self) -> str | None:
        return self.model.id_column

    @property
    def contract_digest(self) -> str | None:
        return None if self.contract is None else self.contract.digest

    @property
    def required_columns(self) -> list[str]:
        """The model's features, then its id column: what an input must carry to be scored."""
        extra = [self.id_column] if self.id_column and self.id_column not in self.model.features else []
        return [*self.model.features, *extra]

    def unique_columns(self) -> list[str]:
        """Columns whose values must be unique across the whole input (the declared id)."""
        if self.checker is None:
            return []
        return [e.column for e in self.checker.expectations if e.kind == "unique"]

    def missing_columns(self, columns: list[str]) -> list[str]:
        present = set(columns)
        return [c for c in self.required_columns if c not in present]


def scoring_contract(contract: Contract, model: Any, *, unique: bool = True) -> Contract:
    """The contract's critical row rules on the columns the model reads (features and id).

    Column presence is left out: scoring checks it once per input, before any row, and refuses the
    whole input when a column is missing.
    """
    needed = set(model.features) | ({model.id_column} if model.id_column else set())
    kept = [
        e
        for e in contract.select(severity="critical", include_target=False)
        if set(e.columns) <= needed and e.kind != "column_exists" and (unique or e.kind != "unique")
    ]
    return contract.model_copy(update={"expectations": kept, "digest": expectations_digest(kept)})


def load_served_model(store: Any, *, version: str | None = None, alias: str = "champion") -> ServedModel:
    """A registered version (``version``) or the one an alias points to, ready to score.

    The alias is resolved to its version number first, so the version reported is the one loaded even
    when the alias moves meanwhile.
    """
    from mlflow.exceptions import MlflowException

    from axpoc.tracking import alias_version, load_poc_model

    if version is None:
        version = alias_version(store, alias)
        if version is None:
            raise UserError(
                f"The model '{store.model_name}' has no '{alias}' version in {store.tracking_uri}. Train and "
                "register one with 'axpoc run CONFIG', or name a version with --model-version."
            )
        used_alias: str | None = alias
    else:
        used_alias = None
        if not str(version).isdigit():
            raise UserError(f"--model-version: expected a version number such as 3, got '{version}'.")
    try:
        model = load_poc_model(store, str(version))
    except MlflowException:
        versions = sorted(
            int(v.version) for v in store.client.search_model_versions(f"name='{store.model_name}'")
        )
        raise UserError(
            f"Version {version} of the model '{store.model_name}' could not be loaded (it does not exist or its "
            f"files are gone). Registered versions: {', '.join(map(str, versions)) or 'none'}."
        ) from None
    except _DAMAGED as exc:
        raise UserError(
            f"Version {version} of the model '{store.model_name}' could not be loaded: its model file is damaged "
            f"or cut off ({type(exc).__name__}: {str(exc)[:200]}). Put the champion back on a sound version with "
            "'axpoc rollback CONFIG' (or name one with --model-version), or restore the project from a backup "
            "('axpoc import')."
        ) from None
    contract = (
        None if not model.contract_json else Contract.from_json(model.contract_json, source="model contract")
    )
    return ServedModel(
        model=model, model_name=store.model_name, version=str(version), alias=used_alias, contract=contract
    )


_DAMAGED: tuple[type[BaseException], ...] = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    OverflowError,
    MemoryError,
    OSError,
)
"""What unpickling a cut-off or altered model file raises (the bytes decide which)."""


def open_project_store(config: PocConfig, project_dir: Path | None = None) -> Any:
    """The tracking store of the config's project."""
    from axpoc.tracking import open_store

    return open_store(
        project_name=config.project.name,
        project_dir=config.project_dir(project_dir),
        tracking_uri=config.tracking.uri,
        registry_uri=config.tracking.registry_uri,
    )


def set_threads(model: Any, threads: int) -> None:
    """Let every estimator inside the model that predicts in parallel use ``threads`` threads."""
    roots = [model.estimator, *model.routes.values()]
    for root in roots:
        for estimator in nested_estimators(root):
            if hasattr(estimator, "get_params") and "n_jobs" in estimator.get_params(deep=False):
                estimator.set_params(n_jobs=threads)


def nested_estimators(root: Any) -> Iterator[Any]:
    """``root`` and every estimator inside it: pipeline steps, wrapped and fitted inner estimators."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        estimator = stack.pop()
        if estimator is None or id(estimator) in seen:
            continue
        seen.add(id(estimator))
        yield estimator
        for attr in ("estimator_", "estimator"):
            child = getattr(estimator, attr, None)
            if hasattr(child, "predict") or hasattr(child, "transform"):
                stack.append(child)
        steps = getattr(estimator, "steps", None)
        if isinstance(steps, list):
            stack.extend(step for _, step in steps)


# Why a row scored as it did ------------------------------------------------------------------------------
def contributions(model: Any, frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """(feature names, rows x features) contribution of each of the user's columns to each row's score.

    LightGBM models inside an axpoc pipeline: exact SHAP values (LightGBM's ``pred_contrib``) in the
    booster's raw units (log-odds for classifiers, before calibration; target units for regression),
    summed from the model's columns back to the user's (one-hot levels, missing-value indicators and
    curve features count for their source column); multiclass: the predicted class's values. Any other
    model (and per-product routed models): occlusion, the score minus the score with that column set
    missing, which the pipeline fills with the training median or the "(missing)" level.
    """
    parts = None if model.routes else _lightgbm_parts(model.estimator)
    if parts is None:
        return _occlusion(model, frame)
    prep, booster_model = parts
    positional = prep.transform(frame[model.features])
    raw = np.asarray(booster_model.predict(positional, pred_contrib=True))
    width = positional.shape[1] + 1
    if raw.shape[1] > width:  # multiclass: one block per class, the predicted class's block
        blocks = raw.reshape(len(raw), -1, width)
        chosen = np.asarray(booster_model.predict_proba(positional)).argmax(axis=1)
        raw = blocks[np.arange(len(raw)), chosen]
    sources = _positional_sources(prep)
    names = list(dict.fromkeys(sources))
    summing = np.zeros((len(sources), len(names)))
    summing[np.arange(len(sources)), [names.index(s) for s in sources]] = 1.0
    return names, raw[:, : len(sources)] @ summing


def top_contributions(names: list[str], values: np.ndarray, top: int, *, index: pd.Index) -> pd.DataFrame:
    """``top1_feature``, ``top1_contribution``, ... per row, ranked by absolute contribution."""
    top = min(top, len(names))
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]
    labels = np.asarray(names, dtype=object)[order]
    picked = np.take_along_axis(values, order, axis=1)
    columns: dict[str, Any] = {}
    for i in range(top):
        columns[f"top{i + 1}_feature"] = labels[:, i]
        columns[f"top{i + 1}_contribution"] = picked[:, i]
    return pd.DataFrame(columns, index=index)


def _lightgbm_parts(estimator: Any) -> tuple[Any, Any] | None:
    """(fitted axpoc Preprocessor, fitted LightGBM model) of a ``prep`` + ``model`` pipeline, if that is the model."""
    from sklearn.pipeline import Pipeline

    for candidate in nested_estimators(estimator):
        if not isinstance(candidate, Pipeline) or len(candidate.steps) != 2:
            continue
        prep, model = candidate.steps[0][1], candidate.steps[1][1]
        model = getattr(model, "estimator_", model)  # Resampled keeps the fitted model here
        if type(model).__module__.startswith("lightgbm") and hasattr(prep, "column_transformer_"):
            return prep, model
    return None


def _positional_sources(prep: Any) -> list[str]:
    """For each output column of the preprocessor (``f0``, ``f1``, ...), the user's column it comes from."""
    transformer = prep.column_transformer_
    raw_names = list(transformer.get_feature_names_out())
    sources = list(raw_names)
    for name, _, columns in transformer.transformers_:
        if name not in transformer.output_indices_:
            continue
        span = transformer.output_indices_[name]
        for i in range(span.start, span.stop):
            label = raw_names[i].split("__", 1)[1]
            label = label.removeprefix(_INDICATOR)
            matches = [c for c in columns if label == c or label.startswith(str(c))]
            sources[i] = str(max(matches, key=len)) if matches else label
    return sources


def _occlusion(model: Any, frame: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    base = model.predict_frame(frame)["score"].to_numpy(dtype=float)
    values = np.empty((len(frame), len(model.features)))
    for i, feature in enumerate(model.features):
        probe = frame.copy(deep=False)
        probe[feature] = None
        values[:, i] = base - model.predict_frame(probe)["score"].to_numpy(dtype=float)
    return list(model.features), values


# Inputs ------------------------------------------------------------------------------------------------
class _Source(Protocol):
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


class _FrameSource:
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


class _CsvSource:
    """A text file read in chunks with the encoding, separator and header row ``read_table`` would detect."""

    def __init__(self, path: Path, options: ReadOptions, *, text_columns: list[str]) -> None:
        from axpoc.data._encoding import detect_encoding, read_sample
        from axpoc.data._read import HEADER_SCAN_ROWS, _detect_separator, detect_header_row

        self.path, self.options, self.label, self.notes = path, options, str(path), []
        self.encoding = detect_encoding(path, options.encoding)
        sample, complete = read_sample(path, self.encoding)
        lines = sample.splitlines() if complete else sample.splitlines()[:-1]
        self.sep = options.sep or _detect_separator(lines, exclude=options.decimal)
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
        for chunk in self._pieces([name], rows):
            yield chunk[name]

    def _pieces(self, columns: list[str], rows: int) -> Iterator[pd.DataFrame]:
        """The file in frames of ``rows`` rows; a malformed line is a UserError naming it."""
        from axpoc.data._read import _parser_message

        try:
            with self._read(usecols=columns, chunksize=rows, low_memory=False) as reader:
                yield from reader
        except pd.errors.ParserError as exc:
            raise UserError(_parser_message(self.path, exc, self.sep)) from None

    def digest(self) -> str:
        return self._digest.result()


class _ParquetSource:
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


def _open_source(config: PocConfig, text: str, *, db_url: str | None, served: ServedModel) -> _Source:
    from axpoc.data._read import COMPRESSED_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES

    if is_query(text):
        from axpoc.data._sql import read_sql, safe_url

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
        return _FrameSource(frame, label=label, digest=digest, notes=[])
    path = Path(text).expanduser()
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if config.data.curves is None and path.is_file() and path.stat().st_size > 0:
        if last in TEXT_SUFFIXES:
            text = [c for c, kind in served.types.items() if kind == "string"]
            return _CsvSource(
                path,
                config.data.read,
                text_columns=[*([served.id_column] if served.id_column else []), *text],
            )
        if last in PARQUET_SUFFIXES:
            return _ParquetSource(path)
    from axpoc.data._source import load_data

    # Excel sheets, folders, globs and curve data go through the training loader (labels are not needed).
    unlabelled = config.model_copy(update={"data": config.data.model_copy(update={"labels": None})})
    loaded = load_data(unlabelled, path=path)
    return _FrameSource(loaded.frame, label=str(path), digest=loaded.digest, notes=loaded.notes)


# Outputs -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    kind: str  # "csv" | "parquet" | "sql"
    path: Path | None = None
    table: str | None = None

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else f"table {self.table}"


def parse_output(text: str) -> _Target:
    """A .csv or .parquet file, or a table name (``scores``, ``schema.scores``, or ``sql:name``)."""
    if text.startswith(("sql:", "table:")):
        name = text.split(":", 1)[1].strip()
        if not _TABLE.match(name):
            raise UserError(
                f"--output: '{name}' is not a table name (letters, digits and '_', optionally schema.table)."
            )
        return _Target("sql", table=name)
    path = Path(text).expanduser()
    suffix = path.suffix.lower()
    if suffix in _FILE_OUTPUTS:
        return _Target(_FILE_OUTPUTS[suffix], path=path)
    if suffix in _OTHER_FILES or "/" in text or "\\" in text or not _TABLE.match(text):
        raise UserError(
            f"--output '{text}': write a .csv (UTF-8 with BOM, opens in Excel) or .parquet file, or name a "
            "database table (e.g. 'quality.scores') to append to."
        )
    return _Target("sql", table=text)


class _FileSink:
    """Chunks appended to one CSV (UTF-8 with BOM, header once) or Parquet file, through Arrow's writers.

    The file is opened at the first chunk with rows, so its schema comes from real values; columns
    still without a type there (all missing) become text. An input without any row gets the header
    (CSV) or an empty table (Parquet).
    """

    def __init__(self, path: Path, kind: str, *, shown: Path, option: str) -> None:
        self.path, self.kind, self.shown, self.option = path, kind, shown, option
        self._handle: BinaryIO | None = None
        self._writer: Any = None
        self._schema: Any = None
        self._empty: pd.DataFrame | None = None

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty and self._writer is None:
            self._empty = frame
            return
        with self._failing():
            self._append(frame)

    @contextmanager
    def _failing(self) -> Iterator[None]:
        """A write that fails (disk full, file size limit, permission) as a UserError naming the output."""
        import pyarrow as pa

        try:
            yield
        except (OSError, pa.ArrowException) as exc:
            raise write_failed(self.shown, exc, option=self.option) from None

    def _append(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._writer is None:
            fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            self._schema = pa.schema(fields)
            self._writer = self._open(self._schema)
        if table.schema != self._schema:
            table = table.cast(self._schema)
        self._writer.write_table(table)

    def _open(self, schema: Any) -> Any:
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetWriter(self.path, schema)
        import pyarrow.csv as pacsv

        self._handle = self.path.open("wb")
        self._handle.write(codecs.BOM_UTF8)  # Excel on Korean Windows then reads the file as UTF-8
        return pacsv.CSVWriter(self._handle, schema)

    def close(self) -> None:
        with self._failing():
            try:
                if self._writer is None and self._empty is not None:
                    self._append(self._empty)
                if self._writer is not None:
                    self._writer.close()
            finally:
                if self._handle is not None:
                    self._handle.close()


class _SqlSink:
    """Chunks appended to a table inside one open transaction (the first one replaces the table if asked)."""

    def __init__(self, connection: Any, table: str, *, replace: bool) -> None:
        self.connection, self.replace = connection, replace
        self.schema, _, self.name = table.rpartition(".")
        self._first = True

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty and not self._first:
            return
        mode = "replace" if self._first and self.replace else "append"
        frame.to_sql(
            self.name,
            self.connection,
            schema=self.schema or None,
            if_exists=mode,
            index=False,
            chunksize=10_000,
        )
        self._first = False

    def close(self) -> None:
        """Nothing to close: the transaction commits when the caller's block ends."""


@contextmanager
def _transaction(url: str) -> Iterator[Any]:
    """One connection in one transaction; SQLite is made to include DDL (a replaced table comes back on failure)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

    from axpoc.data._sql import _DRIVERS, _parse_url

    parsed = _parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(parsed)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        extra = _DRIVERS.get(parsed.get_backend_name(), "")
        how = f"pip install 'axpoc[{extra}]'" if extra else "install the database driver"
        raise UserError(
            f"--output-url {shown}: the database driver is not installed ({exc}); {how}."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        # pysqlite commits DDL on its own; the SQLAlchemy recipe hands transaction control back to us.
        sa.event.listen(engine, "connect", lambda dbapi, _: setattr(dbapi, "isolation_level", None))
        sa.event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    try:
        with engine.begin() as connection:
            yield connection
    except SQLAlchemyError as exc:
        raise UserError(
            f"writing to {shown} failed, nothing was written: {str(getattr(exc, 'orig', exc)).splitlines()[0]}. "
            "Check the table name, the permissions and that an existing table has the same columns "
            "(or use --replace)."
        ) from None
    finally:
        engine.dispose()


@contextmanager
def _staged(path: Path, *, option: str) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it in one step when the block succeeds, else vanishes.

    Its name, ``.NAME.PID-XXXXXXXX.tmp``, carries the process id, so that a later call can tell the
    leftovers of a killed process from the file of one still writing (:func:`remove_stale_temps`).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(path, exc, option=option) from None
    tmp = path.parent / f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise write_failed(path, exc, option=option) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-)?[0-9a-f]{8}\.tmp$")
LEGACY_TEMP_AGE_S = 3600
"""Temporary files without a process id (written by axpoc before 0.x) count as stale after this long."""


def remove_stale_temps(path: Path) -> list[tuple[Path, int]]:
    """(file, bytes) of each leftover ``.NAME.*.tmp`` beside ``path`` that was removed.

    A predict killed while writing (SIGKILL, power cut) leaves its temporary file; the next predict on
    the same output removes it. The file of a process that still runs (a concurrent predict) is kept.
    """
    from axpoc.tracking import process_alive

    removed = []
    try:
        entries = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    except OSError:  # an unreadable folder: the write check says what is wrong with it
        return []
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or match["name"] != path.name:
            continue
        try:
            info = entry.stat()
            pid = match["pid"]
            stale = (
                not process_alive(int(pid))
                if pid is not None
                else time.time() - info.st_mtime > LEGACY_TEMP_AGE_S
            )
            if stale:
                entry.unlink()
                removed.append((entry, info.st_size))
        except FileNotFoundError:  # its process finished (renamed or removed it) meanwhile
            continue
    return removed


def check_output(path: Path, *, option: str) -> None:
    """Refuse, before any work, an output file that cannot be written: a folder, a path under a file,
    a folder without write permission."""
    if path.is_dir():
        raise UserError(
            f"{option} {path} is a folder; name a file in it, e.g. {path / ('scores' + (path.suffix or '.csv'))}."
        )
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(
            f"{option} {path}: {existing} is a file, not a folder, so nothing can be written under it. "
            f"Choose an output path inside a folder (e.g. {existing.parent / path.name})."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(
            f"{option} {path}: no permission to write in the folder {existing}. Choose a folder you can write "
            "to (e.g. under your home folder), or ask for write access to this one."
        )


def write_failed(path: Path, exc: BaseException, *, option: str) -> UserError:
    """The message for an output that could not be written: what the system said, that nothing changed,
    and the fix."""
    number = getattr(exc, "errno", None)
    reason = getattr(exc, "strerror", None) or str(exc).strip() or type(exc).__name__
    if number in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)):
        fix = "Free space on that drive (or raise the file size limit)"
    elif number in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "Choose a folder you can write to, or ask for write access"
    else:
        fix = "Check the path"
    return UserError(
        f"{option} {path}: writing failed ({reason}). Nothing was written: an earlier {path.name} is "
        f"unchanged and no partial file is left. {fix}, or give another {option}."
    )


# Overlapping reading and writing with scoring -------------------------------------------------------------
_END = object()


def _read_ahead(chunks: Iterator[pd.DataFrame]) -> Generator[pd.DataFrame, None, None]:
    """``chunks`` produced by a background thread one chunk ahead of the consumer, errors included.

    Closing the returned generator stops the thread and closes ``chunks`` (its open file) there.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it where the read was asked
            put(exc)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, daemon=True, name="axpoc-read")
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


class _Writer:
    """Runs write jobs in order, in one background thread with at most one job waiting (or inline).

    A failed job's exception is raised by the next ``submit`` or by ``finish``; ``stop`` abandons what
    is still queued and waits for the job in progress, so the caller can close and remove the files.
    """

    def __init__(self, *, background: bool) -> None:
        self._jobs: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = (
            threading.Thread(target=self._run, daemon=True, name="axpoc-write") if background else None
        )
        if self._thread is not None:
            self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _END:
                return
            if self._error is None:
                try:
                    job()
                except BaseException as exc:  # raised in the submitting thread, see _raise
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, job: Callable[[], Any]) -> None:
        self._raise()
        if self._thread is None:
            job()
        else:
            self._jobs.put(job)

    def finish(self) -> None:
        """Wait for every submitted job; raise the first failure."""
        self.stop(drop=False)
        self._raise()

    def stop(self, *, drop: bool) -> None:
        """End the thread after the job in progress; ``drop`` abandons the jobs still waiting."""
        if self._thread is None or not self._thread.is_alive():
            return
        while drop and not self._jobs.empty():
            self._jobs.get_nowait()
        self._jobs.put(_END)
        self._thread.join()


# The run -----------------------------------------------------------------------------------------------
@dataclass
class BatchProgress:
    """Counts so far, handed to ``on_progress`` after every chunk."""

    rows: int = 0
    scored: int = 0
    rejected: int = 0
    chunks: int = 0


@dataclass
class BatchResult:
    """What one ``predict`` call did.

    ``timings``: seconds per stage: load (the model), read (open and parse the input), check (contract
    rules, dirty numbers, uniqueness), compile (compiling or loading and verifying the compiled
    LightGBM trees, see :mod:`axpoc.serve._compiled`), score (``predict_frame`` and the output rows),
    explain, write. ``rows`` counts every data row read; ``scored + rejected + skipped_empty == rows``.
    ``input_flagged`` counts scored rows with an ``input_flags`` entry (a value outside the training range,
    a category unseen in training); ``input_flag_reasons`` counts them per column and kind.
    ``accelerated`` is "lleaves" when the compiled trees scored, else "none"; ``acceleration`` says why.
    """

    run_id: str
    model_name: str
    model_version: str
    alias: str | None
    input: str
    input_digest: str
    output: str
    rejects: str
    rows: int
    scored: int
    rejected: int
    skipped_empty: int
    flagged: int
    score: dict[str, Any]
    reject_reasons: dict[str, int]
    input_flagged: int
    input_flag_reasons: dict[str, int]
    timings: dict[str, float]
    elapsed_s: float
    notes: list[str] = field(default_factory=list)
    accelerated: str = "none"
    acceleration: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rows_per_s": self.rows_per_s}


class _Run:
    """One pass over the input: check, score, explain and write every chunk; count everything."""

    def __init__(
        self,
        served: ServedModel,
        config: PocConfig,
        *,
        run_id: str,
        explain: int,
        duplicates: dict[str, pd.Index],
        on_progress: Callable[[BatchProgress], None] | None,
        prepare: Callable[[pd.DataFrame], tuple[Any, Acceleration]],
    ) -> None:
        self.served, self.config, self.run_id = served, config, run_id
        self.explain, self.duplicates, self.on_progress = explain, duplicates, on_progress
        self.prepare = prepare
        self.scoring: Any = None  # the model that scores, chosen at the first chunk with rows to score
        self.acceleration = Acceleration("none", "no row was scored")
        self.scored_at = datetime.now().astimezone().isoformat(timespec="seconds")
        self.progress = BatchProgress()
        self.timings = dict.fromkeys(("load", "read", "check", "compile", "score", "explain", "write"), 0.0)
        self.skipped_empty = 0
        self.flagged = 0
        self.scores: list[np.ndarray] = []
        self.flags: list[np.ndarray] = []
        self.reasons: Counter[str] = Counter()
        self.dirty: dict[str, list[int]] = {}
        self.input_flagged = 0
        self.input_flag_reasons: Counter[str] = Counter()

    def stream(self, source: _Source, rows: int, sink: _FileSink | _SqlSink, rejects: _FileSink) -> None:
        """Read, score and write chunk by chunk; the next chunk is read and file outputs are written in
        background threads meanwhile (Arrow and the CSV parser release the GIL), at most one chunk ahead
        and one behind, so memory stays that of a few chunks. A database sink is written inline: its
        connection belongs to this thread."""
        reject_sink = rejects
        chunks = _read_ahead(source.chunks(self.served.required_columns, rows))
        writer = _Writer(background=isinstance(sink, _FileSink))
        try:
            while True:
                started = time.perf_counter()
                chunk = next(chunks, None)
                self.timings["read"] += time.perf_counter() - started
                if chunk is None:
                    break
                scored, rejected = self._chunk(chunk)
                started = time.perf_counter()
                writer.submit(partial(sink.write, scored))
                writer.submit(partial(reject_sink.write, rejected))
                self.timings["write"] += time.perf_counter() - started
                if self.on_progress is not None:
                    self.on_progress(self.progress)
            started = time.perf_counter()
            writer.finish()
            self.timings["write"] += time.perf_counter() - started
            if self.progress.rows == 0:
                raise UserError(f"{source.label}: no data rows were read. Check the file or query.")
        except BaseException:
            writer.stop(drop=True)
            raise
        finally:
            chunks.close()
            writer.stop(drop=False)
            sink.close()
            reject_sink.close()

    def _chunk(self, chunk: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        started = time.perf_counter()
        self.progress.chunks += 1
        self.progress.rows += len(chunk)
        empty = chunk.isna().all(axis=1).to_numpy()
        if empty.any():
            self.skipped_empty += int(empty.sum())
            chunk = chunk[~empty]
        typed = type_frame(chunk, self.served.types, self.config.data.read)
        chunk = typed.frame
        for name, (parsed, unparsable) in typed.dirty.items():
            counts = self.dirty.setdefault(name, [0, 0])
            counts[0] += parsed
            counts[1] += unparsable
        ok, reasons = self._verdict(chunk, typed.reasons)
        good = chunk[ok]
        flags = input_flags(good, self.served.flagger, language=self.config.language)
        self.input_flagged += flags.flagged
        for heads in flags.heads:
            self.input_flag_reasons.update(heads)
        self.timings["check"] += time.perf_counter() - started

        if self.scoring is None and len(good):
            started = time.perf_counter()
            self.scoring, self.acceleration = self.prepare(good)
            self.timings["compile"] += time.perf_counter() - started
        started = time.perf_counter()
        model = self.served.model
        result = (self.scoring or model).predict_frame(good)
        score = result["score"].to_numpy(dtype=float)
        decision = result["decision"].to_numpy(dtype=bool)
        self.scores.append(score)
        self.flags.append(decision)
        self.flagged += int(decision.sum())
        self.progress.scored += len(good)
        self.progress.rejected += int((~ok).sum())
        id_column = self.served.id_column
        key = {id_column: good[id_column].to_numpy()} if id_column else {"row": good.index.to_numpy() + 1}
        out = pd.DataFrame(
            {
                **key,
                "score": score,
                "prediction": result["prediction"].to_numpy(),
                "decision": decision,
                INPUT_FLAGS: flags.texts,
                "model_version": self.served.version,
                "scored_at": self.scored_at,
                "run_id": self.run_id,
            },
            index=good.index,
        )
        self.timings["score"] += time.perf_counter() - started
        if self.explain and len(good):
            started = time.perf_counter()
            names, values = contributions(model, good)
            out = out.join(top_contributions(names, values, self.explain, index=good.index))
            self.timings["explain"] += time.perf_counter() - started

        bad = chunk[~ok]
        rejected = pd.DataFrame({"row": bad.index.to_numpy() + 1}, index=bad.index)
        if id_column:
            rejected[id_column] = bad[id_column].to_numpy()
        rejected["reasons"] = reasons[~ok]
        for text in rejected["reasons"]:
            self.reasons.update(part.split(" (got ", 1)[0] for part in str(text).split("; "))
        return out, rejected

    def _verdict(self, chunk: pd.DataFrame, unreadable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ok, reasons) per row: cells the column's type cannot read (``unreadable``, from
        :func:`type_frame`), the contract's critical rules, then ids repeated anywhere in the input."""
        n = len(chunk)
        reasons = unreadable.copy()
        ok = reasons == ""
        checker = self.served.chunk_checker
        if checker is not None and n:
            bad = checker.failures(chunk).to_numpy().any(axis=1)
            if bad.any():
                found = checker.check(chunk[bad])["reasons"].to_numpy(dtype=object)
                reasons[bad] = [_joined(a, b) for a, b in zip(reasons[bad], found, strict=True)]
                ok &= ~bad
        for column, values in self.duplicates.items():
            repeated = chunk[column].isin(values).to_numpy()
            if repeated.any():
                text = (
                    f"{column}: unique (got "
                    + chunk[column][repeated].astype(str).to_numpy(dtype=object)
                    + ")"
                )
                current = reasons[repeated]
                reasons[repeated] = np.where(current == "", text, current + "; " + text)
                ok &= ~repeated
        return ok, reasons

    def notes(self) -> list[str]:
        notes = []
        if self.skipped_empty:
            notes.append(f"skipped {self.skipped_empty} empty row(s)")
        for column, values in self.duplicates.items():
            notes.append(f"{column}: {len(values)} value(s) occur more than once; those rows were rejected")
        for name, (parsed, unparsable) in self.dirty.items():
            parts = [
                f"{parsed} dirty number(s) read by the rules" if parsed else "",
                f"{unparsable} unreadable value(s) (rejected by the type check)" if unparsable else "",
            ]
            notes.append(f"{name}: " + ", ".join(p for p in parts if p))
        if self.served.checker is None:
            notes.append("the model carries no data contract: rows were not checked")
        if self.acceleration.engine == "none" and self.acceleration.boosters:
            notes.append(f"LightGBM scored uncompiled: {self.acceleration.reason}")
        return notes


def _leftover_notes(leftovers: list[tuple[Path, int]]) -> list[str]:
    if not leftovers:
        return []
    size = sum(n for _, n in leftovers) / 1e6
    names = ", ".join(path.name for path, _ in leftovers[:3])
    return [f"removed {len(leftovers)} temporary file(s) a killed predict had left ({size:,.1f} MB: {names})"]


def _joined(unreadable: str, found: str) -> str:
    """A row's reasons: cells its types cannot read, then the contract's, less 'missing value' for
    those same cells (they were set missing because they could not be read)."""
    if not unreadable:
        return found
    echoes = {f"{part.split(': ', 1)[0]}: missing value" for part in unreadable.split("; ")}
    return "; ".join([unreadable, *(p for p in found.split("; ") if p and p not in echoes)])


def predict_batch(
    config: PocConfig,
    *,
    source: str | Path,
    output: str | Path,
    project_dir: Path | None = None,
    model_version: str | None = None,
    alias: str = "champion",
    db_url: str | None = None,
    output_url: str | None = None,
    replace: bool = False,
    rejects: Path | None = None,
    explain: int = 0,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    threads: int | None = None,
    accelerate: Literal["auto", "always", "never"] = "auto",
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Score ``source`` (a file, or SQL: ``SELECT ...`` / ``sql:TABLE``) into ``output`` (.csv, .parquet or a table).

    The model is ``model_version`` or the version ``alias`` points to. Rows failing the contract's
    critical rules go to ``rejects`` (default ``<output stem>.rejects.csv``; for a table, in the
    project's ``predictions/`` folder) with their row number (1 = first data row), id and reasons.
    ``explain`` adds each row's top contributing columns (see :func:`contributions`). ``db_url`` is the
    database of a query input and ``output_url`` that of a table output (both default to ``data.url``);
    a table is appended to, with ``run_id`` telling the calls apart, unless ``replace``. ``threads``
    (default: all cores) is how many threads the model predicts with. ``accelerate``: LightGBM trees
    are scored compiled (lleaves, the ``fast`` extra) when verified equal on the input's first rows;
    "auto" compiles a model not yet in the project's cache only for inputs of ``COMPILE_MIN_ROWS`` rows
    or more, "always" at any size, "never" keeps LightGBM. ``on_progress`` is called after every chunk;
    an exception there aborts the run like any other failure: nothing is written.
    """
    started = time.perf_counter()
    if chunk_rows < 1:
        raise UserError(f"--chunk-rows must be at least 1, got {chunk_rows}.")
    if explain < 0:
        raise UserError(f"--explain must be 0 (off) or a number of columns, got {explain}.")
    if accelerate not in ("auto", "always", "never"):
        raise UserError(f"--accelerate must be auto, always or never, got '{accelerate}'.")
    target = parse_output(str(output))
    text = str(source)
    if not is_query(text) and not _GLOB.search(text) and not Path(text).is_dir():
        # a mistyped path, or a file an export or copy left cut off, is told before the model loads
        check_complete(Path(text).expanduser(), config.data.read)
    run_id = uuid.uuid4().hex
    if rejects is not None:
        rejects_path = Path(rejects).expanduser()
    elif target.path is not None:
        rejects_path = target.path.with_name(target.path.name[: -len(target.path.suffix)] + REJECT_SUFFIX)
    else:
        rejects_path = (
            config.project_dir(project_dir) / "predictions" / f"{target.table}.{run_id[:8]}{REJECT_SUFFIX}"
        )
    outputs = {"--rejects": rejects_path, **({"--output": target.path} if target.path is not None else {})}
    for option, path in outputs.items():
        check_output(path, option=option)
    leftovers = [found for path in outputs.values() for found in remove_stale_temps(path)]
    load_started = time.perf_counter()
    store = open_project_store(config, project_dir)
    served = load_served_model(store, version=model_version, alias=alias)
    threads = threads or os.cpu_count() or 1
    set_threads(served.model, threads)
    load_s = time.perf_counter() - load_started
    read_started = time.perf_counter()
    src = _open_source(config, text, db_url=db_url, served=served)
    open_s = time.perf_counter() - read_started
    missing = served.missing_columns(src.columns)
    if missing:
        raise UserError(
            f"{src.label}: lacks the column(s) {', '.join(missing)} that model version {served.version} reads "
            f"(its features and id column). The input has: {', '.join(src.columns[:30])}. Export the same columns "
            "as the training data, or rename them."
        )
    if (
        target.path is not None
        and isinstance(src, _CsvSource | _ParquetSource)
        and (target.path.resolve() == src.path.resolve())
    ):
        raise UserError(f"--output {target.path} is the input file; write the scores to another file.")

    check_started = time.perf_counter()
    duplicates = {}
    for column in served.unique_columns():
        repeated = repeated_values(lambda name=column: src.column(name, chunk_rows))
        if len(repeated):
            duplicates[column] = repeated
    cache_dir = config.project_dir(project_dir) / CACHE_FOLDER
    compile_new = accelerate == "always" or (src.n_rows or 0) >= COMPILE_MIN_ROWS

    def prepare(sample: pd.DataFrame) -> tuple[Any, Acceleration]:
        if accelerate == "never":
            return served.model, Acceleration("none", "turned off (accelerate='never')")
        return _accelerate(
            served.model, sample, cache_dir=cache_dir, threads=threads, compile_new=compile_new
        )

    run = _Run(
        served,
        config,
        run_id=run_id,
        explain=explain,
        duplicates=duplicates,
        on_progress=on_progress,
        prepare=prepare,
    )
    run.timings["load"] = load_s
    run.timings["read"] += open_s
    run.timings["check"] += time.perf_counter() - check_started

    if target.kind == "sql":
        url = output_url or db_url or config.data.url
        if not url:
            raise UserError(
                f"--output {target.table} is a table but no database is named: give --output-url (a SQLAlchemy "
                "URL such as 'postgresql+psycopg://user:${DB_PASSWORD}@host/db') or set data.url in the config."
            )
        with _staged(rejects_path, option="--rejects") as rejects_tmp, _transaction(url) as connection:
            sink: _FileSink | _SqlSink = _SqlSink(connection, str(target.table), replace=replace)
            run.stream(
                src, chunk_rows, sink, _FileSink(rejects_tmp, "csv", shown=rejects_path, option="--rejects")
            )
    else:
        assert target.path is not None
        with (
            _staged(rejects_path, option="--rejects") as rejects_tmp,
            _staged(target.path, option="--output") as output_tmp,
        ):
            run.stream(
                src,
                chunk_rows,
                _FileSink(output_tmp, target.kind, shown=target.path, option="--output"),
                _FileSink(rejects_tmp, "csv", shown=rejects_path, option="--rejects"),
            )

    digest = src.digest()
    scores = np.concatenate(run.scores) if run.scores else np.empty(0)
    flags = np.concatenate(run.flags) if run.flags else np.empty(0, dtype=bool)
    result = BatchResult(
        run_id=run_id,
        model_name=served.model_name,
        model_version=served.version,
        alias=served.alias,
        input=src.label,
        input_digest=digest,
        output=target.label,
        rejects=str(rejects_path),
        rows=run.progress.rows,
        scored=run.progress.scored,
        rejected=run.progress.rejected,
        skipped_empty=run.skipped_empty,
        flagged=run.flagged,
        score=score_summary(scores, flags),
        reject_reasons=dict(run.reasons.most_common(20)),
        input_flagged=run.input_flagged,
        input_flag_reasons=dict(run.input_flag_reasons.most_common(20)),
        timings={k: round(v, 4) for k, v in run.timings.items()},
        elapsed_s=time.perf_counter() - started,
        notes=[*src.notes, *run.notes(), *_leftover_notes(leftovers)],
        accelerated=run.acceleration.engine,
        acceleration=run.acceleration.to_dict(),
    )
    append_prediction_log(
        config.project_dir(project_dir),
        {
            "kind": "batch",
            "run_id": run_id,
            "model_name": result.model_name,
            "model_version": result.model_version,
            "alias": result.alias,
            "input": result.input,
            "input_digest": digest,
            "output": result.output,
            "rows": result.rows,
            "scored": result.scored,
            "rejected": result.rejected,
            "skipped_empty": result.skipped_empty,
            "flagged": result.flagged,
            "input_flagged": result.input_flagged,
            "score": result.score,
            "elapsed_s": round(result.elapsed_s, 3),
        },
    )
    return result

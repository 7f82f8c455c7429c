"""Batch scoring: a registered model over a file or a query, checked row by row, written all or nothing.

Every row is first checked against the model's data contract (its critical rules on the columns the
model reads); failing rows go to a reject file with the reasons and are never scored. Large CSV and
Parquet files stream in chunks, so memory stays flat however many rows come. File outputs are written
to a temporary file beside the target and renamed at the end; a SQL table is written in one
transaction. A failure therefore leaves the previous output, never a partial one. Each finished call
appends a line to the project's prediction log (see :mod:`axpoc.serve._predlog`).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.data import check_complete
from axpoc.errors import UserError
from axpoc.i18n import BatchNote
from axpoc.serve._compiled import CACHE_FOLDER, Acceleration
from axpoc.serve._compiled import accelerate as _accelerate
from axpoc.serve._model import ServedModel, load_served_model, open_project_store, set_threads
from axpoc.serve._predlog import append_prediction_log, score_summary
from axpoc.serve._run import INPUT_FLAGS, BatchProgress, Run
from axpoc.serve._sinks import (
    FileSink,
    SqlSink,
    Target,
    leftover_notes,
    parse_output,
    prepare_outputs,
    staged,
    transaction,
)
from axpoc.serve._sources import FileSource, Source, is_query, open_source, repeated_values

DEFAULT_CHUNK_ROWS = 200_000
# Below this many input rows a model not compiled yet is scored by LightGBM itself: compiling a large
# forest takes longer than scoring a small file. A compiled model in the cache is used at any size.
COMPILE_MIN_ROWS = 100_000
REJECT_SUFFIX = ".rejects.csv"
_GLOB = re.compile(r"[*?\[]")


@dataclass
class BatchOutcome:
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

    @classmethod
    def of(cls, run: Run, src: Source, *, output: str, rejects: Path, started: float) -> BatchOutcome:
        """The result of a finished ``run`` over ``src`` (the input's digest is awaited here)."""
        scores = np.concatenate(run.scores) if run.scores else np.empty(0)
        flags = np.concatenate(run.flags) if run.flags else np.empty(0, dtype=bool)
        served = run.served
        return cls(
            run_id=run.run_id,
            model_name=served.model_name,
            model_version=served.version,
            alias=served.alias,
            input=src.label,
            input_digest=src.digest(),
            output=output,
            rejects=str(rejects),
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
            notes=[*src.notes, *run.notes()],
            accelerated=run.acceleration.engine,
            acceleration=run.acceleration.to_dict(),
        )


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
) -> BatchOutcome:
    """Score ``source`` (a file, or SQL: ``SELECT ...`` / ``sql:TABLE``) into ``output`` (.csv, .parquet or a table).

    The model is ``model_version`` or the version ``alias`` points to. Rows failing the contract's
    critical rules go to ``rejects`` (default ``<output stem>.rejects.csv``; for a table, in the
    project's ``predictions/`` folder) with their row number (1 = first data row), id and reasons.
    ``explain`` adds each row's top contributing columns (see :func:`axpoc.explain.contributions`). ``db_url`` is the
    database of a query input and ``output_url`` that of a table output (both default to ``data.url``);
    a table is appended to, with ``run_id`` telling the calls apart, unless ``replace``. ``threads``
    (default: all cores) is how many threads the model predicts with. ``accelerate``: LightGBM trees
    are scored compiled (lleaves, the ``fast`` extra) when verified equal on the input's first rows;
    "auto" compiles a model not yet in the project's cache only for inputs of ``COMPILE_MIN_ROWS`` rows
    or more, "always" at any size, "never" keeps LightGBM. ``on_progress`` is called after every chunk;
    an exception there aborts the run like any other failure: nothing is written.
    """
    started = time.perf_counter()
    _check_options(chunk_rows=chunk_rows, explain=explain, accelerate=accelerate)
    target = parse_output(str(output))
    text = str(source)
    if not is_query(text) and not _GLOB.search(text) and not Path(text).is_dir():
        # a mistyped path, or a file an export or copy left cut off, is told before the model loads
        check_complete(Path(text).expanduser(), config.data.read)
    run_id = uuid.uuid4().hex
    rejects_path = _rejects_path(config, project_dir, target, rejects, run_id)
    leftovers = prepare_outputs({"--output": target.path, "--rejects": rejects_path})
    load_started = time.perf_counter()
    served = load_served_model(open_project_store(config, project_dir), version=model_version, alias=alias)
    threads = threads or os.cpu_count() or 1
    set_threads(served.model, threads)
    load_s = time.perf_counter() - load_started
    src = _open_input(config, text, db_url=db_url, served=served, target=target)
    check_started = time.perf_counter()
    run = Run(
        served,
        config,
        run_id=run_id,
        explain=explain,
        duplicates=_duplicates(served, src, chunk_rows),
        on_progress=on_progress,
        prepare=_preparer(
            served, config.project_dir(project_dir), src, accelerate=accelerate, threads=threads
        ),
    )
    run.timings["load"] = load_s
    run.timings["read"] += check_started - load_started - load_s
    run.timings["check"] += time.perf_counter() - check_started
    if target.kind == "sql":
        url = output_url or db_url or config.data.url
        if not url:
            raise UserError(
                f"--output {target.table} is a table but no database is named: give --output-url (a SQLAlchemy "
                "URL such as 'postgresql+psycopg://user:${DB_PASSWORD}@host/db') or set data.url in the config."
            )
        with staged(rejects_path, option="--rejects") as rejects_tmp, transaction(url) as connection:
            sink: FileSink | SqlSink = SqlSink(
                connection,
                str(target.table),
                replace=replace,
                added_columns=(INPUT_FLAGS, *([config.columns.time] if config.columns.time else [])),
            )
            run.stream(
                src, chunk_rows, sink, FileSink(rejects_tmp, "csv", shown=rejects_path, option="--rejects")
            )
    else:
        assert target.path is not None
        with (
            staged(rejects_path, option="--rejects") as rejects_tmp,
            staged(target.path, option="--output") as output_tmp,
        ):
            sink = FileSink(output_tmp, target.kind, shown=target.path, option="--output")
            run.stream(
                src, chunk_rows, sink, FileSink(rejects_tmp, "csv", shown=rejects_path, option="--rejects")
            )
    result = BatchOutcome.of(run, src, output=target.label, rejects=rejects_path, started=started)
    result.notes.extend(leftover_notes(leftovers))
    entry = {
        "kind": "batch",
        **{k: getattr(result, k) for k in _LOGGED},
        "elapsed_s": round(result.elapsed_s, 3),
    }
    append_prediction_log(config.project_dir(project_dir), entry)
    return result


_LOGGED = [
    "run_id",
    "model_name",
    "model_version",
    "alias",
    "input",
    "input_digest",
    "output",
    "rows",
    "scored",
    "rejected",
    "skipped_empty",
    "flagged",
    "input_flagged",
    "score",
]
"""The fields of a :class:`BatchOutcome` that each call appends to the prediction log."""


def _check_options(*, chunk_rows: int, explain: int, accelerate: str) -> None:
    if chunk_rows < 1:
        raise UserError(f"--chunk-rows must be at least 1, got {chunk_rows}.")
    if explain < 0:
        raise UserError(f"--explain must be 0 (off) or a number of columns, got {explain}.")
    if accelerate not in ("auto", "always", "never"):
        raise UserError(f"--accelerate must be auto, always or never, got '{accelerate}'.")


def _rejects_path(
    config: PocConfig, project_dir: Path | None, target: Target, rejects: Path | None, run_id: str
) -> Path:
    """``--rejects``, else beside the output file, else (a table output) in the project's predictions/ folder."""
    if rejects is not None:
        return Path(rejects).expanduser()
    if target.path is not None:
        return target.path.with_name(target.path.name[: -len(target.path.suffix)] + REJECT_SUFFIX)
    return config.project_dir(project_dir) / "predictions" / f"{target.table}.{run_id[:8]}{REJECT_SUFFIX}"


def _open_input(
    config: PocConfig, text: str, *, db_url: str | None, served: ServedModel, target: Target
) -> Source:
    """The input, refused when it lacks a column the model reads or is the output file itself."""
    src = open_source(config, text, db_url=db_url, served=served)
    missing = served.missing_columns(src.columns)
    if missing:
        raise UserError(
            f"{src.label}: lacks the column(s) {', '.join(missing)} that model version {served.version} reads "
            f"(its features and id column). The input has: {', '.join(src.columns[:30])}. Export the same columns "
            "as the training data, or rename them."
        )
    if (
        target.path is not None
        and isinstance(src, FileSource)
        and (target.path.resolve() == src.path.resolve())
    ):
        raise UserError(f"--output {target.path} is the input file; write the scores to another file.")
    return src


def _duplicates(served: ServedModel, src: Source, chunk_rows: int) -> dict[str, pd.Index]:
    """Per unique column (the id), the values that occur more than once anywhere in the input."""
    duplicates = {}
    for column in served.unique_columns():
        repeated = repeated_values(lambda name=column: src.column(name, chunk_rows))
        if len(repeated):
            duplicates[column] = repeated
    return duplicates


def _preparer(
    served: ServedModel, project: Path, src: Source, *, accelerate: str, threads: int
) -> Callable[[pd.DataFrame], tuple[Any, Acceleration]]:
    """What picks the scoring engine at the first chunk: compiled trees (see ``accelerate``) or the model."""
    compile_new = accelerate == "always" or (src.n_rows or 0) >= COMPILE_MIN_ROWS

    def prepare(sample: pd.DataFrame) -> tuple[Any, Acceleration]:
        if accelerate == "never":
            return served.model, Acceleration("none", BatchNote("turned_off"))
        return _accelerate(
            served.model, sample, cache_dir=project / CACHE_FOLDER, threads=threads, compile_new=compile_new
        )

    return prepare

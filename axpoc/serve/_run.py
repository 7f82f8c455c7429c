"""One pass of ``axpoc predict`` over its input: type, check, score, flag, explain and write every chunk."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.data import no_rows_error
from axpoc.explain import contributions
from axpoc.i18n import BatchNote
from axpoc.serve._compiled import Acceleration
from axpoc.serve._model import ServedModel
from axpoc.serve._sinks import FileSink, SqlSink
from axpoc.serve._sources import Source
from axpoc.serve._threads import Writer, read_ahead
from axpoc.serve._typed import input_flags, type_frame

INPUT_FLAGS = "input_flags"
"""Output column naming why a scored row deserves a second look (training range, unseen category)."""


@dataclass
class BatchProgress:
    """Counts so far, handed to ``on_progress`` after every chunk."""

    rows: int = 0
    scored: int = 0
    rejected: int = 0
    chunks: int = 0


class Run:
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
        self.time_column: str | None = None
        """``columns.time`` when the input holds it: each part's production time goes to the output beside
        its id (the field report places parts still awaiting results in their week by it)."""

    def stream(self, source: Source, rows: int, sink: FileSink | SqlSink, rejects: FileSink) -> None:
        """Read, score and write chunk by chunk; the next chunk is read and file outputs are written in
        background threads meanwhile (Arrow and the CSV parser release the GIL), at most one chunk ahead
        and one behind, so memory stays that of a few chunks. A database sink is written inline: its
        connection belongs to this thread."""
        reject_sink = rejects
        wanted = list(self.served.required_columns)
        time_column = self.config.columns.time
        if time_column and time_column in source.columns:
            self.time_column = time_column
            wanted += [] if time_column in wanted else [time_column]
        chunks = read_ahead(source.chunks(wanted, rows))
        writer = Writer(background=isinstance(sink, FileSink))
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
                raise no_rows_error(source.label)
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
        times = None
        if self.time_column is not None:  # passed through as read, never checked or typed unless a feature
            times = chunk[self.time_column]
            if self.time_column not in self.served.required_columns:
                chunk = chunk.drop(columns=[self.time_column])
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
        self.input_flag_reasons.update(flags.reasons)
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
        if times is not None and self.time_column is not None:
            key[self.time_column] = times.loc[good.index].astype("string").to_numpy()
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
            out = out.join(contributions(model, good).top(self.explain, index=good.index))
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
        """What the run noticed, as phrases: English in ``--json`` and the log, the config's language on
        the console."""
        notes: list[str] = []
        if self.skipped_empty:
            notes.append(BatchNote("skipped_empty", {"n": self.skipped_empty}))
        for column, values in self.duplicates.items():
            notes.append(BatchNote("duplicates", {"column": column, "n": len(values)}))
        for name, (parsed, unparsable) in self.dirty.items():
            parts = [
                *([BatchNote("dirty_read", {"n": parsed})] if parsed else []),
                *([BatchNote("dirty_unreadable", {"n": unparsable})] if unparsable else []),
            ]
            said = parts[0] if len(parts) == 1 else BatchNote("both", {"first": parts[0], "second": parts[1]})
            notes.append(BatchNote("dirty", {"column": name, "parts": said}))
        if self.served.checker is None:
            notes.append(BatchNote("no_contract"))
        if self.acceleration.engine == "none" and self.acceleration.boosters:
            notes.append(BatchNote("uncompiled", {"reason": self.acceleration.reason}))
        return notes


def _joined(unreadable: str, found: str) -> str:
    """A row's reasons: cells its types cannot read, then the contract's, less 'missing value' for
    those same cells (they were set missing because they could not be read)."""
    if not unreadable:
        return found
    echoes = {f"{part.split(': ', 1)[0]}: missing value" for part in unreadable.split("; ")}
    return "; ".join([unreadable, *(p for p in found.split("; ") if p and p not in echoes)])

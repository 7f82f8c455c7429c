"""Later-arriving outcomes joined to the parts the model scored, kept in the project's field folder.

A plant learns what a scored part really was days later (an inspection result, a customer return, a
measured dimension). `record_outcomes` joins such a file to the scored rows by id and keeps every
row it cannot join somewhere named: a result for an id that was never scored and is not history before
deployment goes to ``field/unknown_outcomes.csv``, a repeated line is counted, a changed result replaces
the earlier one and says so. Nothing is dropped without a count and a sentence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.errors import UserError, ValidationFailed
from axpoc.field._text import ids_text, say

FIELD_FOLDER = "field"
OUTCOMES_FILE = "outcomes.parquet"
UNKNOWN_FILE = "unknown_outcomes.csv"
SCORED_COLUMNS = ("score", "prediction", "decision", "model_version", "scored_at", "run_id")
"""What ``axpoc predict`` writes beside the id (see axpoc.serve)."""
STORED = ("id", "part_time", "label", "measure", "arrived", "source", "recorded_at")


def field_folder(project_dir: Path) -> Path:
    return Path(project_dir) / FIELD_FOLDER


def scored_sources(log_entries: list[dict[str, Any]]) -> list[str]:
    """The outputs of the project's scoring calls (prediction log entries), oldest first, each once."""
    sources: list[str] = []
    for entry in log_entries:
        output = str(entry.get("output") or "")
        if entry.get("kind") != "batch" or not entry.get("scored") or not output:
            continue
        source = "sql:" + output.removeprefix("table ") if output.startswith("table ") else output
        if source not in sources:
            sources.append(source)
    return sources


def read_scored(
    config: PocConfig, sources: list[str], *, db_url: str | None = None
) -> tuple[pd.DataFrame, int]:
    """Every scored part of ``sources`` (prediction files, or ``sql:TABLE``), one row per id (the latest
    scoring wins), and how many parts were scored more than once."""
    from axpoc.data import read_sql, read_table

    if not sources:
        raise UserError(say("no_scores", config.language))
    key = config.columns.id or "id"
    frames = []
    for source in sources:
        if source.startswith("sql:"):
            url = db_url or config.data.url
            if not url:
                raise UserError(say("scores_table_url", config.language, source=source))
            frame = read_sql(url, source[4:])
        else:
            path = Path(source).expanduser()
            if not path.is_file():
                raise UserError(say("scores_missing", config.language, source=source))
            frame, _ = read_table(path)
        missing = [c for c in (key, "score", "decision", "scored_at") if c not in frame.columns]
        if missing:
            raise UserError(say("scores_columns", config.language, source=source, missing=", ".join(missing)))
        kept = [c for c in SCORED_COLUMNS if c in frame.columns]
        part = frame[[key, *kept]].rename(columns={key: "id"})
        # the production time predict copies from columns.time (outputs of an older axpoc lack it)
        time = config.columns.time
        part["part_time"] = _times(
            frame, time if time != key else None, Path(source), config.language, strict=False
        )
        frames.append(part)
    scored = pd.concat(frames, ignore_index=True)
    scored["id"] = id_text(scored["id"])
    scored["decision"] = scored["decision"].map(_truth).astype(bool)
    if "model_version" in scored:  # a CSV read back gives 1.0 for version "1"
        scored["model_version"] = scored["model_version"].astype(str).str.removesuffix(".0")
    scored["scored_at"] = pd.to_datetime(scored["scored_at"], utc=True, errors="coerce").dt.tz_convert(None)
    scored = scored.sort_values("scored_at", kind="stable")
    rescored = int(scored["id"].duplicated().sum())
    return scored.drop_duplicates("id", keep="last").reset_index(drop=True), rescored


def id_text(ids: pd.Series) -> pd.Series:
    """Ids as text, the same however a file typed them: an id column with an empty cell reads as floats
    (``100001.0``), which must still match ``100001``; an empty id stays missing."""
    if pd.api.types.is_float_dtype(ids):
        whole = ids.dropna()
        if len(whole) and (whole == whole.round()).all():
            ids = ids.astype("Int64")
    text = ids.astype("string").str.strip()
    return text.where(text.notna() & (text != ""), None).astype(object)


def _truth(value: object) -> bool:
    """A decision cell as written to CSV (``True``), Parquet (bool) or a database (0/1)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) if pd.notna(value) else False


def read_outcomes(project_dir: Path) -> pd.DataFrame:
    """The outcomes recorded so far (empty when none)."""
    path = field_folder(project_dir) / OUTCOMES_FILE
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in STORED})
    return pd.read_parquet(path)


@dataclass
class OutcomeResult:
    """What one ``axpoc outcomes`` call recorded; every input row is in exactly one count of ``rows``."""

    file: str
    rows: int
    field: int
    baseline: int
    unknown: int
    no_id: int
    duplicated: int
    conflicting: int
    updated: int
    repeated: int
    partial: int
    late: int
    rescored: int
    awaiting: int
    recorded_total: int
    store: str
    unknown_file: str | None
    unknown_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, **asdict(self)}


def record_outcomes(
    config: PocConfig,
    data: Path,
    *,
    project_dir: Path,
    scored: pd.DataFrame,
    rescored: int = 0,
    arrived: datetime | None = None,
    model: Any = None,
) -> OutcomeResult:
    """Join the outcome file ``data`` to ``scored`` by id and add it to the project's outcome store.

    ``model`` (the champion): its classes are the results the file may hold (see :func:`known_labels`)."""
    from axpoc.data import check_sheet, no_rows_error, read_table, write_atomic

    language = config.language
    deployed = _deployed(config)
    frame, info = read_table(Path(data), config.data.read)
    check_sheet(frame.columns, [info], config.columns.id or "id", config.data.read)
    if frame.empty:
        raise no_rows_error(str(data))
    incoming = _outcome_rows(config, frame, Path(data), arrived=arrived)
    _check_labels(config, incoming["label"], Path(data), known_labels(config, scored, model))
    rows = len(incoming)
    no_id = incoming["id"].isna()
    kept_apart = [incoming[no_id].assign(reason="no id")]
    incoming = incoming[~no_id].copy()
    incoming["id"] = incoming["id"].astype(str)
    compared = ["label", "measure", "part_time"]
    exact = incoming.duplicated(["id", *compared], keep="last")
    duplicated_ids = incoming.loc[exact, "id"].tolist()
    incoming = incoming[~exact]
    clash = incoming["id"].duplicated(keep="last")
    conflicting_ids = incoming.loc[clash, "id"].tolist()
    incoming = incoming[~clash]

    # a result without its own time is placed by the part's production time, else by when it was scored
    by_id = scored.set_index("id")
    scored_at = by_id["part_time"].fillna(by_id["scored_at"]) if "part_time" in by_id else by_id["scored_at"]
    known = incoming["id"].isin(scored_at.index)
    incoming.loc[known & incoming["part_time"].isna(), "part_time"] = incoming.loc[
        known & incoming["part_time"].isna(), "id"
    ].map(scored_at)
    before = ~known & (incoming["part_time"] < pd.Timestamp(deployed))
    unknown = ~known & ~before
    kept_apart.append(incoming[unknown].assign(reason="not scored, not history before field.deployed"))
    unknown_ids = incoming.loc[unknown, "id"].tolist()
    incoming = incoming[~unknown]

    store = read_outcomes(project_dir)
    earlier = store.set_index("id") if len(store) else None
    updated_ids, repeated_ids = [], []
    if earlier is not None:
        again = incoming[incoming["id"].isin(earlier.index)]
        for row in again.itertuples():
            old = earlier.loc[row.id]
            same = all(_same(getattr(row, c), old[c]) for c in compared)
            (repeated_ids if same else updated_ids).append(row.id)
        incoming = incoming[~incoming["id"].isin(repeated_ids)]
        store = store[~store["id"].isin(updated_ids)]
    incoming["recorded_at"] = pd.Timestamp.now().floor("s")
    merged = (
        pd.concat([store, incoming[list(STORED)]], ignore_index=True)
        if len(store)
        else incoming[list(STORED)]
    )
    folder = field_folder(project_dir)
    store_path = write_atomic(folder / OUTCOMES_FILE, lambda tmp: merged.to_parquet(tmp, index=False))
    apart = pd.concat(kept_apart, ignore_index=True)
    unknown_path = None
    if len(apart):
        unknown_path = folder / UNKNOWN_FILE
        previous = pd.read_csv(unknown_path, dtype=str) if unknown_path.exists() else None
        table = apart.astype(str) if previous is None else pd.concat([previous, apart.astype(str)])
        write_atomic(unknown_path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig"))

    partial_label = incoming["label"].isna()
    partial_measure = (
        incoming["measure"].isna() if config.field.monitor is not None else partial_label & False
    )
    partial = partial_label | partial_measure
    delay = (incoming["arrived"] - incoming["part_time"]).dt.total_seconds() / 86400
    late = delay > config.field.outcome_delay_days
    with_outcome = set(merged["id"])
    awaiting = int((~scored["id"].isin(with_outcome)).sum())
    notes = [
        say(
            "outcomes_summary",
            language,
            rows=rows,
            field=int(known.sum()),
            baseline=int(before.sum()),
            unknown=len(unknown_ids),
        )
    ]
    counts = [
        ("outcomes_duplicated", duplicated_ids),
        ("outcomes_conflicting", conflicting_ids),
        ("outcomes_updated", updated_ids),
    ]
    notes += [say(code, language, n=len(ids), ids=ids_text(ids)) for code, ids in counts if ids]
    if repeated_ids:
        notes.append(say("outcomes_repeated", language, n=len(repeated_ids)))
    if unknown_ids:
        notes.append(
            say(
                "outcomes_unknown", language, n=len(unknown_ids), path=unknown_path, ids=ids_text(unknown_ids)
            )
        )
    if no_id.any():
        shown = ids_text((np.flatnonzero(no_id.to_numpy()) + 1).tolist())
        notes.append(say("outcomes_no_id", language, n=int(no_id.sum()), path=unknown_path, rows=shown))
    if partial.any():
        notes.append(
            say(
                "outcomes_partial",
                language,
                n=int(partial.sum()),
                no_label=int(partial_label.sum()),
                no_measure=int(partial_measure.sum()),
            )
        )
    if late.any():
        notes.append(say("outcomes_late", language, n=int(late.sum()), days=config.field.outcome_delay_days))
    if rescored:
        notes.append(say("outcomes_rescored", language, n=rescored))
    if awaiting:
        notes.append(say("outcomes_awaiting", language, n=awaiting))
    return OutcomeResult(
        file=str(data),
        rows=rows,
        field=int(known.sum()),
        baseline=int(before.sum()),
        unknown=len(unknown_ids),
        no_id=int(no_id.sum()),
        duplicated=len(duplicated_ids),
        conflicting=len(conflicting_ids),
        updated=len(updated_ids),
        repeated=len(repeated_ids),
        partial=int(partial.sum()),
        late=int(late.sum()),
        rescored=rescored,
        awaiting=awaiting,
        recorded_total=len(merged),
        store=str(store_path),
        unknown_file=str(unknown_path) if unknown_path else None,
        unknown_ids=unknown_ids[:50],
        notes=notes,
    )


def label_key(value: object) -> str:
    """A result label as text, ``1.0`` read as ``1`` (a label column with gaps reads as floats), as the field
    report compares it with the defect class."""
    return str(value).strip().removesuffix(".0")


def known_labels(config: PocConfig, scored: pd.DataFrame, model: Any = None) -> list[str] | None:
    """The results an outcome file may hold (as :func:`label_key`): ``model``'s classes as training encoded
    them (its defect and good label, or every class), else the config's defect class and the labels predict
    wrote beside the scores. None where no such list can tell a good part from an unknown word: a
    regression's measured value, a multiclass task without its model, a binary one with a single label known."""
    task = config.target.task
    if task == "regression":
        return None
    if model is not None:
        labels = list(model.classes) if task == "multiclass" else [model.positive_label, model.negative_label]
    elif task == "multiclass":
        return None
    else:
        predicted = scored["prediction"].dropna().tolist() if "prediction" in scored else []
        labels = [config.target.positive_class, *predicted]
    known = sorted({label_key(v) for v in labels if v is not None and not pd.isna(v)})
    return known if len(known) >= 2 else None


def _check_labels(config: PocConfig, labels: pd.Series, path: Path, known: list[str] | None) -> None:
    """Refuse a file with a result the model does not know (``ng``, ``불량``, ``?``): only the exact defect
    class counts as a defect, so such a row would pass as a good part and skew every realised KPI. An empty
    result is a result not yet known and stays allowed."""
    if known is None:
        return
    present = labels.notna()
    unknown = present & ~labels.where(present, "").map(label_key).isin(known)
    if not unknown.any():
        return
    counts = labels[unknown].value_counts()
    values = ", ".join(f"{value!r} ({n})" for value, n in counts.head(8).items())
    raise ValidationFailed(
        say(
            "unknown_labels",
            config.language,
            path=path,
            column=config.target.column,
            n=int(unknown.sum()),
            rows=ids_text((np.flatnonzero(unknown.to_numpy()) + 1).tolist()),
            values=values,
            known=", ".join(map(repr, known)),
        )
    )


def _same(a: object, b: object) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return bool(a == b)


def _deployed(config: PocConfig) -> Any:
    if config.field.deployed is None:
        raise UserError(say("no_deployed", config.language))
    return config.field.deployed


def _outcome_rows(
    config: PocConfig, frame: pd.DataFrame, path: Path, *, arrived: datetime | None
) -> pd.DataFrame:
    """The file's rows in the store's shape (id, part_time, label, measure, arrived, source), checked."""
    language = config.language
    key = config.columns.id or "id"
    label = config.target.column
    monitor = config.field.monitor.column if config.field.monitor is not None else None
    columns = ", ".join(map(str, frame.columns[:30]))
    if key not in frame.columns:
        raise UserError(say("no_id_column", language, path=path, column=key, columns=columns))
    if label not in frame.columns and (monitor is None or monitor not in frame.columns):
        raise UserError(
            say("no_result_column", language, path=path, label=label, measure=monitor or "-", columns=columns)
        )
    out = pd.DataFrame({"id": id_text(frame[key])})
    out["part_time"] = _times(frame, config.columns.time, path, language)
    out["label"] = (
        frame[label].map(lambda v: None if pd.isna(v) else str(v).strip()) if label in frame else None
    )
    out["measure"] = _numbers(frame, monitor, path, language)
    when = _times(frame, config.field.arrived_column, path, language)
    out["arrived"] = when.fillna(pd.Timestamp(arrived or datetime.now()).floor("s"))
    out["source"] = path.name
    return out


def _times(
    frame: pd.DataFrame, column: str | None, path: Path, language: str, *, strict: bool = True
) -> pd.Series:
    """``column`` as date-times (NaT where absent); a value that is no date is refused naming the file and
    column, or with ``strict=False`` (a time copied into predict's output) left unknown."""
    if column is None or column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    values = pd.to_datetime(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any() and strict:
        samples = ids_text(frame.loc[bad, column].astype(str).unique(), 3)
        raise UserError(
            say("bad_time", language, path=path, column=column, n=int(bad.sum()), samples=samples)
        )
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(None)
    return values.astype("datetime64[ns]")


def _numbers(frame: pd.DataFrame, column: str | None, path: Path, language: str) -> pd.Series:
    if column is None or column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
    if bad.any() or not np.isfinite(values.dropna()).all():
        bad = bad | ~np.isfinite(values.fillna(0))
        rows = ids_text((np.flatnonzero(bad.to_numpy()) + 1).tolist())
        samples = ids_text(frame.loc[bad, column].astype(str).unique(), 3)
        raise UserError(
            say(
                "bad_measure",
                language,
                path=path,
                column=column,
                n=int(bad.sum()),
                rows=rows,
                samples=samples,
            )
        )
    return values.astype(float)

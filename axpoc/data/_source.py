"""A config's ``data`` section as one frame: read, clean numbers, build curves, join labels, parse time."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_cell, is_curve_column
from axpoc.config import CurveSource, LabelJoin, PocConfig, ReadOptions
from axpoc.data._numbers import DirtyReport, clean_numbers
from axpoc.data._read import ReadInfo, no_rows_error, read_files, read_table, sheets_holding
from axpoc.data._roles import SOURCE_COLUMN
from axpoc.data._times import parse_time_column
from axpoc.errors import UserError
from axpoc.i18n import ReadNote

_GLOB_CHARS = re.compile(r"[*?\[]")
_MAX_LISTED = 5


@dataclass
class LoadedData:
    """The data of a run and how it was obtained; ``digest`` identifies its content (curves included)."""

    frame: pd.DataFrame
    infos: list[ReadInfo] = field(default_factory=list)
    dirty: DirtyReport = field(default_factory=DirtyReport)
    notes: list[str] = field(default_factory=list)
    source_label: str = ""
    source_uri: str = ""
    """Where the rows came from as an absolute ``file://`` URI (or the database URL without its password);
    empty for demo data. Lineage records this, not the label, which may be relative to the config's folder."""
    digest: str = ""


def load_data(config: PocConfig, *, path: str | Path | None = None) -> LoadedData:
    """Load the data a config describes; ``path`` replaces ``data.path`` (new data, same read options).

    ``path`` is taken as given (relative to the working folder), unlike ``data.path``, which is relative
    to the config's folder. Order: read, clean dirty numbers (ids, groups, products and the time column
    are left alone), build one row per cycle when ``data.curves`` is set, join ``data.labels``, parse the
    time column. Label keys missing from the label table leave those rows unlabelled, with a note (new
    data to score has no labels yet); a data file whose name ``file_key_regex`` does not match is an error.
    """
    data = config.data
    loaded = LoadedData(frame=pd.DataFrame())
    if path is not None or data.path is not None:
        where = Path(path).expanduser() if path is not None else config.resolve(data.path or "")
        frame = _read_path(where, data.read, loaded)
        if path is None and data.labels is None:
            check_sheet(frame.columns, loaded.infos, config.target.column, data.read)
        loaded.source_label = str(path if path is not None else data.path)
        loaded.source_uri = where.resolve().as_uri()
        if SOURCE_COLUMN not in frame.columns and _needs_file_names(config):
            frame[SOURCE_COLUMN] = where.name
    elif data.url is not None:
        from axpoc.data._sql import read_sql, safe_url

        frame = read_sql(data.url, data.query or "")
        loaded.source_label = f"{safe_url(data.url)} :: {data.query}"
        loaded.source_uri = safe_url(data.url)
    else:
        frame = _demo(config, loaded)
    cols = config.columns
    keep = {c for c in (cols.id, cols.time, cols.group, cols.product) if c}
    frame, loaded.dirty = clean_numbers(frame, data.read, exclude=keep)
    if data.curves is not None:
        frame = _curves(frame, data.curves, config, loaded)
    if data.labels is not None:
        frame = _join_labels(frame, data.labels, config, loaded)
    if frame.empty:
        raise no_rows_error(loaded.source_label)
    if cols.time is not None and cols.time in frame.columns:
        frame[cols.time] = parse_time_column(frame[cols.time], fmt=cols.time_format)
        if not pd.api.types.is_datetime64_any_dtype(frame[cols.time]):
            loaded.notes.append(
                f"time column '{cols.time}' holds numbers, not dates: used only to order rows"
            )
    loaded.notes.extend(loaded.dirty.notes())
    loaded.frame = frame.reset_index(drop=True)
    loaded.digest = frame_digest(loaded.frame)
    return loaded


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 over column names and values (array cells by their bytes): equal data, equal digest."""
    digest = hashlib.sha256(repr(frame.shape).encode())
    for name in frame.columns:
        digest.update(str(name).encode("utf-8") + b"\x00")
        column = frame[name]
        if is_curve_column(column):
            for cell in column:
                if not is_curve_cell(cell):  # a cycle without this channel
                    digest.update(b"\xff" * 8)
                    continue
                array = np.asarray(cell, dtype="float64")
                digest.update(len(array).to_bytes(8, "little") + array.tobytes())
        else:
            digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _read_path(where: Path, options: ReadOptions, loaded: LoadedData) -> pd.DataFrame:
    """One file as it is; a folder or glob stacked, with ``SOURCE_COLUMN`` naming each row's file."""
    if where.is_file() or not (where.is_dir() or _GLOB_CHARS.search(str(where))):
        frame, info = read_table(where, options)
        infos = [info]
    else:
        frame, infos = read_files(where, options)
    loaded.infos.extend(infos)
    loaded.notes.extend(
        ReadNote("in_file", {"file": info.path.name, "note": note}) for info in infos for note in info.notes
    )
    return frame


def check_sheet(columns: Iterable[object], infos: list[ReadInfo], column: str, read: ReadOptions) -> None:
    """A workbook read from its first sheet without ``column``, which a later sheet has: say which sheet.

    Summaries often come first in a workbook and the rows on a later sheet; the plain "not in the data"
    message would list the summary's columns and leave the user guessing. Every verb that reads a workbook
    asks for the column it needs (training and retrain the target, predict a column the model reads,
    outcomes the id), so the same workbook gets the same answer in each.
    """
    if column in {str(c) for c in columns} or read.sheet is not None:
        return
    if len(infos) != 1 or infos[0].sheet is None:
        return
    info = infos[0]
    names, holding = sheets_holding(
        info.path, column, read, engine="xlrd" if info.format == "xls" else "openpyxl"
    )
    if len(names) < 2 or not holding:
        return
    raise UserError(
        f"{info.path}: sheet '{info.sheet}' (the first of {len(names)}: {', '.join(repr(n) for n in names)}) "
        f"has no column '{column}'; sheet '{holding[0]}' has it. Set data.read.sheet: {holding[0]} in the "
        "config (or move that sheet to the front of the workbook)."
    )


def _needs_file_names(config: PocConfig) -> bool:
    labels, curves = config.data.labels, config.data.curves
    per_file = curves is not None and curves.format == "per_file" and curves.path is None
    return per_file or (labels is not None and labels.file_key_regex is not None)


def demo_frame(process: str, *, rows: int, defect_rate: float, drift: float, seed: int) -> pd.DataFrame:
    """Synthetic data from a process template's generator: ``data.demo`` and ``axpoc demo`` both use it."""
    from axpoc.process import load_process

    template = load_process(process)
    if template.generate is None:
        raise UserError(
            f"process '{process}' has no demo-data generator; pick one of the process templates "
            "(or set data.path to your own data instead of data.demo)."
        )
    return template.generate(rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)


def _demo(config: PocConfig, loaded: LoadedData) -> pd.DataFrame:
    demo = config.data.demo
    assert demo is not None  # the schema guarantees exactly one source
    frame = demo_frame(
        config.process, rows=demo.rows, defect_rate=demo.defect_rate, drift=demo.drift, seed=demo.seed
    )
    loaded.source_label = f"demo:{config.process}(rows={demo.rows}, defect_rate={demo.defect_rate}, drift={demo.drift}, seed={demo.seed})"
    return frame


def _compile(pattern: str, key: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UserError(f"{key}: '{pattern}' is not a valid regular expression ({exc}).") from None
    if compiled.groups < 1:
        raise UserError(
            f"{key}: '{pattern}' needs one group in parentheses marking the key, e.g. 'experiment_(\\d+)'."
        )
    return compiled


def _keys_from_names(names: pd.Series, pattern: str, key: str) -> pd.Series:
    """The first group of ``pattern`` in each file name; digits-only keys become integers."""
    regex = _compile(pattern, key)
    found: dict[str, str] = {}
    for name in pd.unique(names):
        match = regex.search(Path(str(name)).name)
        if match is None:
            raise UserError(
                f"{key} '{pattern}' does not match the data file name '{name}'. It must match every data file "
                "(e.g. 'experiment_(\\d+)' for experiment_01.csv); move other files out of the folder."
            )
        found[str(name)] = match[1]
    keys = names.astype(str).map(found)
    return keys.astype("int64") if all(k.isdigit() for k in found.values()) else keys


def _curves(frame: pd.DataFrame, spec: CurveSource, config: PocConfig, loaded: LoadedData) -> pd.DataFrame:
    if spec.path is None:
        if spec.format == "per_file" and SOURCE_COLUMN not in frame.columns:
            raise UserError(
                "data.curves: format 'per_file' needs per-cycle files: set data.path to their folder or glob, "
                "or data.curves.path."
            )
        return _to_cycles(frame, spec, config, loaded)
    table = _read_path(config.resolve(spec.path), spec.read, loaded)
    table, dirty = clean_numbers(table, spec.read, exclude={spec.cycle})
    loaded.dirty = loaded.dirty.merge(dirty)
    cycles = _to_cycles(table, spec, config, loaded)
    if SOURCE_COLUMN in frame.columns:  # the data's own file names win over the curve files'
        cycles = cycles.drop(columns=SOURCE_COLUMN, errors="ignore")
    return _join(frame, cycles, key=spec.cycle, what="data.curves", loaded=loaded)


def _to_cycles(table: pd.DataFrame, spec: CurveSource, config: PocConfig, loaded: LoadedData) -> pd.DataFrame:
    """One row per cycle; each channel a column of 1-D float arrays, ordered by ``spec.index`` if set."""
    key = spec.cycle
    table = _check_long(table, spec) if spec.format == "long" else _with_file_keys(table, spec)
    unkeyed = table[key].isna()
    if unkeyed.any():
        loaded.notes.append(f"curves: dropped {int(unkeyed.sum())} rows without a cycle key '{key}'")
        table = table[~unkeyed]
    if spec.index:
        table = table.sort_values(spec.index, kind="stable")
    if spec.format == "long":
        available = [str(c) for c in pd.unique(table[spec.channel])]
        not_scalar = {key, spec.channel, spec.value, spec.index}
    else:
        available = [
            str(c)
            for c in table.columns
            if c not in {key, spec.index, SOURCE_COLUMN}
            and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c])
        ]
        not_scalar = {key, spec.index, *available}
    unknown = [c for c in spec.channels if c not in available]
    if unknown:
        raise UserError(
            f"data.curves.channels: {', '.join(unknown)} not in the data; channels there: {', '.join(available)}."
        )
    channels = list(spec.channels) or available
    cycles = table.groupby(key, sort=False)
    order = pd.unique(table[key])
    if spec.format == "long":
        values = table[spec.value].to_numpy(dtype="float64")
        positions = table.groupby([key, spec.channel], sort=False).indices
        arrays = {
            ch: [values[positions[(c, ch)]] if (c, ch) in positions else None for c in order]
            for ch in channels
        }
    else:
        rows = cycles.indices
        arrays = {ch: [table[ch].to_numpy(dtype="float64")[rows[c]] for c in order] for ch in channels}
    result = pd.DataFrame({key: order})
    scalars = _per_cycle_scalars(cycles, [c for c in table.columns if c not in not_scalar], config, loaded)
    if not scalars.empty:
        result = result.join(scalars, on=key)
    clash = [ch for ch in channels if ch in result.columns]
    if clash:
        raise UserError(
            f"data.curves: channel names {', '.join(clash)} are also column names; rename one of them."
        )
    for ch, cells in arrays.items():
        column = np.empty(len(cells), dtype=object)
        column[:] = cells
        result[ch] = column
    loaded.notes.append(f"curves: {len(order)} cycles x {len(channels)} channels ({spec.format})")
    return result


def _check_long(table: pd.DataFrame, spec: CurveSource) -> pd.DataFrame:
    needed = [c for c in (spec.cycle, spec.channel, spec.value, spec.index) if c]
    missing = [c for c in needed if c not in table.columns]
    if missing or spec.channel is None or spec.value is None:
        raise UserError(
            f"data.curves: a long table needs the columns {', '.join(needed)} (missing: {', '.join(missing) or '-'}); "
            f"it has: {', '.join(map(str, table.columns[:20]))}. Set data.curves.cycle, index, channel and value."
        )
    if not pd.api.types.is_numeric_dtype(table[spec.value]):
        raise UserError(
            f"data.curves: the value column '{spec.value}' is not numeric; see the dirty-number report."
        )
    table = table.copy()
    table[spec.channel] = table[spec.channel].astype(str)
    return table


def _with_file_keys(table: pd.DataFrame, spec: CurveSource) -> pd.DataFrame:
    """Per-file curves: the cycle key from each file name (its regex group, else the name before the dots)."""
    table = table.copy()
    names = table[SOURCE_COLUMN]
    if spec.file_key_regex:
        table[spec.cycle] = _keys_from_names(names, spec.file_key_regex, "data.curves.file_key_regex")
    else:
        table[spec.cycle] = names.map(lambda name: Path(str(name)).name.split(".")[0])
    return table


def _per_cycle_scalars(
    cycles: pd.api.typing.DataFrameGroupBy, others: list[str], config: PocConfig, loaded: LoadedData
) -> pd.DataFrame:
    """Columns constant within each cycle are kept; the time column keeps each cycle's first value."""
    if not others:
        return pd.DataFrame()
    varying = cycles[others].nunique(dropna=False).max()
    time = config.columns.time
    keep = [c for c in others if varying[c] <= 1 or c == time]
    dropped = [c for c in others if c not in keep]
    if dropped:
        loaded.notes.append(
            f"curves: dropped {', '.join(map(str, dropped))}: they vary within a cycle and are not channels"
        )
    if time in keep and varying[time] > 1:
        loaded.notes.append(f"curves: time column '{time}' takes each cycle's first value")
    return cycles[keep].first()


def _join_labels(frame: pd.DataFrame, spec: LabelJoin, config: PocConfig, loaded: LoadedData) -> pd.DataFrame:
    labels = _read_path(config.resolve(spec.path), spec.read, loaded)
    labels, dirty = clean_numbers(labels, spec.read, exclude={spec.key})
    loaded.dirty = loaded.dirty.merge(dirty)
    if spec.key not in labels.columns:
        raise UserError(
            f"data.labels.key: column '{spec.key}' is not in {spec.path}; it has: {', '.join(map(str, labels.columns))}."
        )
    if spec.file_key_regex:
        if SOURCE_COLUMN not in frame.columns:
            raise UserError(
                "data.labels.file_key_regex takes keys from data file names, but this data was not read from "
                "files. Drop file_key_regex and join on a key column, or set data.path."
            )
        keys = _keys_from_names(frame[SOURCE_COLUMN], spec.file_key_regex, "data.labels.file_key_regex")
        if spec.key in frame.columns and not frame[spec.key].astype(str).equals(keys.astype(str)):
            raise UserError(
                f"data.labels: the data already has a column '{spec.key}' that differs from the key taken from "
                "the file names. Rename that column, or drop file_key_regex to join on it."
            )
        frame = frame.copy()
        frame[spec.key] = keys
    return _join(frame, labels, key=spec.key, what="data.labels", loaded=loaded)


def _join(
    left: pd.DataFrame, right: pd.DataFrame, *, key: str, what: str, loaded: LoadedData
) -> pd.DataFrame:
    """Left join on ``key``, one right row per key; rows without a match stay, with a note."""
    if key not in left.columns:
        raise UserError(
            f"{what}: the data has no key column '{key}' to join on; it has: {', '.join(map(str, left.columns[:20]))}."
        )
    clash = [str(c) for c in right.columns if c != key and c in left.columns]
    if clash:
        raise UserError(f"{what}: columns {', '.join(clash)} are in both tables; rename or drop them in one.")
    unkeyed = right[key].isna()
    if unkeyed.any():
        loaded.notes.append(f"{what}: ignored {int(unkeyed.sum())} rows without a '{key}'")
        right = right[~unkeyed]
    dupes = right[key][right[key].duplicated()].unique()
    if len(dupes):
        raise UserError(
            f"{what}: key '{key}' repeats in the joined table: {_listed(dupes)}. Each key must appear once."
        )
    right = right.copy()
    if pd.api.types.is_numeric_dtype(right[key]) != pd.api.types.is_numeric_dtype(left[key]):
        left, right[key] = left.copy(), right[key].astype(str)
        left[key] = left[key].astype(str)
    joined = left.merge(right, on=key, how="left", validate="many_to_one", indicator="_merge_side")
    lost = joined["_merge_side"] == "left_only"
    if lost.any():
        where = joined.loc[lost, SOURCE_COLUMN if SOURCE_COLUMN in left.columns else key]
        loaded.notes.append(
            f"{what}: {int(lost.sum())} rows have no match for '{key}' ({_listed(pd.unique(where))})"
        )
    unused = set(right[key]) - set(left[key])
    if unused:
        loaded.notes.append(
            f"{what}: {len(unused)} keys have no data rows ({_listed(sorted(unused, key=str))})"
        )
    return joined.drop(columns="_merge_side")


def _listed(values: Iterable[object]) -> str:
    items = [str(v) for v in values]
    return ", ".join(items[:_MAX_LISTED]) + (
        f" ... ({len(items)} in all)" if len(items) > _MAX_LISTED else ""
    )

"""Demo data as files: what a trainer hands out to practise ingestion (Korean encodings included)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from axpoc._columns import curve_columns
from axpoc.config import PocConfig
from axpoc.data import demo_frame
from axpoc.errors import UserError
from axpoc.process import load_process

_CODE = re.compile(r"^(.*?)(\d+)$")


def follow(frame: pd.DataFrame, reference: pd.DataFrame, *, roles: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` as the export that comes after ``reference``: ids continue after its last id, times start
    whole days after its last time (so shift hours stay), group codes (lots, tools) continue after its last.

    Why: demo data that repeats the training data's ids, times and lots is not new data: ``retrain`` would
    replace training rows with it and ``drift`` would compare a period with itself.
    """
    moved = frame.copy()
    key, time, group = roles.get("id"), roles.get("time"), roles.get("group")
    if key in moved and key in reference and pd.api.types.is_integer_dtype(moved[key]):
        moved[key] = moved[key] - moved[key].min() + reference[key].max() + 1
    if time in moved and time in reference:
        days = (reference[time].max() - moved[time].min()) // pd.Timedelta(days=1) + 1
        moved[time] = moved[time] + pd.Timedelta(days=max(int(days), 0))
    if group in moved and group in reference:
        moved[group] = _codes_after(moved[group], reference[group])
    return moved


def _codes_after(codes: pd.Series, earlier: pd.Series) -> pd.Series:
    """Codes such as ``R24-0003`` renumbered to follow the last of ``earlier``; other codes get ``N-`` in front."""
    values = pd.unique(pd.concat([codes, earlier]).astype(str))
    if not all(_CODE.match(value) for value in values):
        return "N-" + codes.astype(str)
    last = max(int(_CODE.match(value)[2]) for value in pd.unique(earlier.astype(str)))

    def renumber(code: str) -> str:
        prefix, digits = _CODE.match(code).groups()
        return f"{prefix}{int(digits) + last:0{len(digits)}d}"

    return codes.astype(str).map(renumber)


def split_curves(frame: pd.DataFrame, *, cycle: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Scalar columns as one table, curve columns (array cells) as a long table (cycle, index, channel, value)."""
    curve_cols = curve_columns(frame)
    if not curve_cols:
        return frame, None
    parts = []
    keys = frame[cycle].to_numpy()
    for channel in curve_cols:
        arrays = frame[channel].to_list()
        lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        parts.append(
            pd.DataFrame(
                {
                    cycle: np.repeat(keys, lengths),
                    "index": np.concatenate([np.arange(n) for n in lengths]),
                    "channel": channel,
                    "value": np.concatenate(arrays),
                }
            )
        )
    return frame.drop(columns=curve_cols), pd.concat(parts, ignore_index=True)


def write_demo_data(
    process: str,
    out: Path,
    *,
    rows: int,
    defect_rate: float,
    drift: float,
    seed: int,
    encoding: str = "utf-8-sig",
    after: PocConfig | None = None,
) -> dict:
    """Write a process's demo data as a file; what it says under ``feeds`` is how configs read it back.

    Parquet keeps the sensor curves in the same file (one list column per channel), so the file goes to
    ``--data`` of ``retrain``, ``drift`` and ``predict`` of the process's example config as it is. CSV and
    Excel cannot hold arrays: the curves go to a long side table ``<name>_curves.csv`` (cycle, index,
    channel, value), the form a config reads with ``data.curves``; that pair is for practising ingestion.
    ``after`` (a config with ``data.demo`` of the same process) makes the file that config's next export.
    """
    from axpoc.data import output_file, write_table

    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".parquet"):
        raise UserError(f"--out {out}: use a .csv, .xlsx or .parquet file name.")
    out = output_file(out, option="--out", example=f"{process}_demo.parquet")
    template = load_process(process)
    frame = demo_frame(process, rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)
    if after is not None:
        frame = follow(frame, _demo_of(after, process), roles=template.roles)
    cycle = template.roles.get("id") or frame.columns[0]
    if suffix == ".parquet":
        write_table(frame, out)
        _, curves = split_curves(frame.head(1), cycle=cycle)
        channels = [] if curves is None else sorted(set(curves["channel"]))
        return {
            "path": out,
            "rows": len(frame),
            "columns": list(frame.columns),
            "curves": channels,
            "feeds": f"--data {out} as it is (retrain, drift, predict -i)"
            + ("; the curves are kept in the file" if channels else ""),
        }
    scalars, curves = split_curves(frame, cycle=cycle)
    if suffix == ".xlsx":
        scalars.to_excel(out, index=False)
    else:
        scalars.to_csv(out, index=False, encoding=encoding)
    written: dict = {"path": out, "rows": len(scalars), "columns": list(scalars.columns), "curves": []}
    if curves is None:
        written["feeds"] = f"--data {out} (retrain, drift, predict -i)"
        return written
    curve_path = out.with_name(f"{out.stem}_curves.csv")
    curves.to_csv(curve_path, index=False, encoding=encoding)
    written["curves"] = sorted(set(curves["channel"]))
    written["curves_path"] = curve_path
    written["data_curves"] = {"path": curve_path.name, "cycle": cycle, "index": "index"}
    written["feeds"] = (
        f"a config with data.path: {out.name} and data.curves: {{path: {curve_path.name}, cycle: {cycle}, "
        f"index: index}}; for --data of retrain, drift or predict write .parquet, which keeps the curves "
        "in one file"
    )
    return written


def _demo_of(config: PocConfig, process: str) -> pd.DataFrame:
    """The demo data a config trains on, for ``--after``."""
    demo = config.data.demo
    if demo is None or config.process != process:
        raise UserError(
            f"--after: the config's data is {'demo data of ' + repr(config.process) if demo else 'not demo data'}; "
            f"--after takes a config with data.demo of process '{process}' (e.g. configs/examples/{process}.yaml)."
        )
    return demo_frame(process, rows=demo.rows, defect_rate=demo.defect_rate, drift=demo.drift, seed=demo.seed)

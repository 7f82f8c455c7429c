"""Demo data as files: what a trainer hands out to practise ingestion (Korean encodings included)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from axpoc.errors import UserError
from axpoc.process import load_process


def demo_frame(process: str, *, rows: int, defect_rate: float, drift: float, seed: int) -> pd.DataFrame:
    template = load_process(process)
    if template.generate is None:
        raise UserError(f"process '{process}' has no demo-data generator; pick one of the process templates.")
    return template.generate(rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)


def split_curves(frame: pd.DataFrame, *, cycle: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Scalar columns as one table, curve columns (array cells) as a long table (cycle, index, channel, value)."""
    curve_cols = [
        c for c in frame.columns if frame[c].dtype == object and isinstance(frame[c].iloc[0], np.ndarray)
    ]
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
) -> dict:
    template = load_process(process)
    frame = demo_frame(process, rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)
    cycle = template.roles.get("id") or frame.columns[0]
    scalars, curves = split_curves(frame, cycle=cycle)
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        scalars.to_excel(out, index=False)
    elif suffix == ".parquet":
        scalars.to_parquet(out, index=False)
    elif suffix in (".csv", ".txt"):
        scalars.to_csv(out, index=False, encoding=encoding)
    else:
        raise UserError(f"--out {out}: use a .csv, .xlsx or .parquet file name.")
    written = {"path": out, "rows": len(scalars), "columns": list(scalars.columns)}
    if curves is not None:
        curve_path = out.with_name(f"{out.stem}_curves.csv")
        curves.to_csv(curve_path, index=False, encoding=encoding)
        written["curves_path"] = curve_path
    return written

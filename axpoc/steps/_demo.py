"""Demo data as files: what a trainer hands out to practise ingestion (Korean encodings included)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from axpoc._columns import curve_columns
from axpoc.config import PocConfig
from axpoc.data import demo_frame, write_table
from axpoc.errors import UserError
from axpoc.i18n import ConsoleText
from axpoc.process import ProcessTemplate, load_process

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
    from axpoc.data import output_file

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
            "feeds": ConsoleText("feeds_parquet_curves" if channels else "feeds_parquet", {"out": out}),
        }
    scalars, curves = split_curves(frame, cycle=cycle)
    if suffix == ".xlsx":
        scalars.to_excel(out, index=False)
    else:
        scalars.to_csv(out, index=False, encoding=encoding)
    written: dict = {"path": out, "rows": len(scalars), "columns": list(scalars.columns), "curves": []}
    if curves is None:
        written["feeds"] = ConsoleText("feeds_file", {"out": out})
        return written
    curve_path = out.with_name(f"{out.stem}_curves.csv")
    curves.to_csv(curve_path, index=False, encoding=encoding)
    written["curves"] = sorted(set(curves["channel"]))
    written["curves_path"] = curve_path
    written["data_curves"] = {"path": curve_path.name, "cycle": cycle, "index": "index"}
    written["feeds"] = ConsoleText(
        "feeds_curves", {"name": out.name, "curves": curve_path.name, "cycle": cycle}
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


WORKDAYS_PER_WEEK = 5
LATE_SHARE = 0.01
"""Share of field-period outcomes that come in two weeks later than the rest (a re-inspection, a return)."""


def write_field_demo(
    config: PocConfig,
    out_dir: Path,
    *,
    weeks: int = 4,
    baseline_weeks: int = 2,
    parts_per_day: int = 120,
    drift_week: int | None = 3,
    delay_days: int = 3,
    seed: int = 0,
) -> dict:
    """A field period for a demo config: the baseline weeks' inspection history, the parts made each week
    after ``field.deployed`` (to score) and the outcomes that come back each week, ``delay_days`` later.

    Why: ``outcomes`` and ``field-report`` need what a plant has after deployment; the demo gives the same
    shapes with known physics. In week ``drift_week`` the process drifts (the process's ``drift`` mechanism,
    twice the defect rate); outcome files carry what a real feed carries: a repeated line, an id never
    scored, results without the measurement and results arriving weeks late. Parts made in the last
    ``delay_days`` have no outcome yet (the report estimates them).
    """
    demo, deployed = config.data.demo, config.field.deployed
    template = load_process(config.process)
    if demo is None or template.generate is None or template.quality is None:
        raise UserError(
            f"--field: the config's data is not demo data of a process with a field period (data.demo and "
            f"process '{config.process}'); use configs/examples/<process>.yaml."
        )
    if deployed is None:
        raise UserError(
            "--field: the config has no field.deployed (the day the model went live); add e.g. "
            "'field: {deployed: 2024-03-25}' to the config."
        )
    for name, value, low in (
        ("--weeks", weeks, 1),
        ("--baseline-weeks", baseline_weeks, 1),
        ("--parts-per-day", parts_per_day, 50),
    ):
        if value < low:
            raise UserError(f"{name} must be at least {low}, got {value}.")
    history = demo_frame(
        config.process, rows=demo.rows, defect_rate=demo.defect_rate, drift=demo.drift, seed=demo.seed
    )
    roles = template.roles
    start = pd.Timestamp(deployed) - pd.Timedelta(weeks=baseline_weeks)
    if start <= history[roles["time"]].max():
        raise UserError(
            f"field.deployed {deployed}: the {baseline_weeks} baseline week(s) before it would overlap the "
            f"training data (it ends {history[roles['time']].max():%Y-%m-%d}); deploy later or use fewer "
            "--baseline-weeks."
        )
    out_dir = Path(out_dir).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    days = [
        start + pd.Timedelta(days=7 * w + d)
        for w in range(baseline_weeks + weeks)
        for d in range(WORKDAYS_PER_WEEK)
    ]
    made, earlier = [], history
    for number, day in enumerate(days):
        week = (day - pd.Timestamp(deployed)).days // 7 + 1  # 1 = the first field week; <= 0 baseline
        drifting = drift_week is not None and week == drift_week
        frame = template.generate(
            rows=parts_per_day,
            defect_rate=min(demo.defect_rate * (2 if drifting else 1), 0.45),
            drift=1.5 if drifting else 0.0,
            seed=seed * 10_000 + number + 1,
        )
        frame = follow(frame, earlier, roles=roles)
        frame[roles["time"]] = frame[roles["time"]] - frame[roles["time"]].min().normalize() + day
        quality = template.quality
        frame[quality.name] = (
            quality.measure(frame, rng) if quality.measure is not None else frame[quality.name]
        )
        frame["_week"] = week
        made.append(frame)
        earlier = frame
    parts = pd.concat(made, ignore_index=True)
    time, key = roles["time"], roles["id"]
    lag = pd.to_timedelta(rng.uniform(1, max(delay_days, 1) + 1, len(parts)), unit="D")
    late = (parts["_week"] > 0) & (rng.uniform(size=len(parts)) < LATE_SHARE)
    lag = lag + pd.to_timedelta(np.where(late, 14, 0), unit="D")
    parts[config.field.arrived_column] = (parts[time] + lag).dt.floor("min")
    outcome_cols = [key, time, *_label_columns(template), template.quality.name, config.field.arrived_column]
    outcome_cols = list(dict.fromkeys(outcome_cols))
    written: dict = {"deployed": str(deployed), "files": {}}
    baseline = parts[parts["_week"] <= 0]
    written["files"]["history"] = write_table(baseline[outcome_cols], out_dir / "history.csv")
    end = pd.Timestamp(deployed) + pd.Timedelta(weeks=weeks)
    scored_cols = [c for c in history.columns if c not in _label_columns(template)]
    for week in range(1, weeks + 1):
        batch = parts[parts["_week"] == week]
        written["files"][f"parts_week{week}"] = write_table(
            batch[scored_cols], out_dir / f"parts_week{week}.parquet"
        )
        week_end = pd.Timestamp(deployed) + pd.Timedelta(weeks=week)
        arrived = parts[config.field.arrived_column]
        came = parts[
            (parts["_week"] > 0)
            & (arrived >= week_end - pd.Timedelta(weeks=1))
            & (arrived < min(week_end, end))
        ]
        outcomes = came[outcome_cols].copy()
        if week == 2 and len(outcomes) > 3:  # what a real feed carries: see the docstring
            repeated = outcomes.iloc[[0]]
            unknown = outcomes.iloc[[1]].assign(**{key: parts[key].max() + 1000})
            outcomes.iloc[2:4, outcomes.columns.get_loc(template.quality.name)] = np.nan
            outcomes = pd.concat([outcomes, repeated, unknown], ignore_index=True)
        written["files"][f"outcomes_week{week}"] = write_table(outcomes, out_dir / f"outcomes_week{week}.csv")
    written["parts"] = int((parts["_week"] > 0).sum())
    written["baseline_parts"] = len(baseline)
    written["awaiting_outcomes"] = int(
        ((parts["_week"] > 0) & (parts[config.field.arrived_column] >= end)).sum()
    )
    written["drift_week"] = drift_week
    return written


def _label_columns(template: ProcessTemplate) -> list[str]:
    """The template's outcome columns (its targets): measured after the part is made, never scored on."""
    return [c.name for c in template.columns if c.kind == "target"]

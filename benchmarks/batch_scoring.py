"""End-to-end batch scoring: ``axpoc predict`` file to file, contract check and reject file included.

Run by hand: ``python benchmarks/batch_scoring.py [--rows 1000000] [--big-rows 5000000] [--keep DIR]``.
A LightGBM champion of 500 trees x 31 leaves on 20 features is trained on synthetic process data,
registered in a throw-away project and promoted (LightGBM's own ``Booster.predict`` on a numpy array,
all cores, is timed too: the uncompiled ceiling). Then ``axpoc predict`` runs as its own process:

1. ``first_call``: a Parquet file of ``--rows`` parts with an empty compile cache, so LightGBM's trees
   are compiled (lleaves, the ``fast`` extra) inside the call;
2. ``steady``: the same rows as CSV and as Parquet with the compiled model in the project's cache
   (0.1 % of the rows break a declared limit and land in the reject file);
3. ``big``: a Parquet file of ``--big-rows`` parts in one call, for memory.

Each run reports rows per second over the wall clock of the whole process (start-up, imports, model
load, read, check, compile, score, write, exit), the per-stage timings ``axpoc predict --json`` prints,
``fixed_s`` (start-up and load, the cost a call pays whatever its size), ``rows_per_s_streaming``
(rows over read + check + score + write), whether the compiled path was used and why, and the
process's peak resident memory (``wait4``). The 1-minute load average is printed before and after:
other processes on the machine slow every figure. Results go to ``benchmarks/results/batch_scoring.json``.

Targets: >= 200,000 rows/s on Parquet; 5 million rows in one call with peak memory under 4 GiB.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

RESULTS = Path(__file__).resolve().parent / "results" / "batch_scoring.json"
N_FEATURES, TREES, LEAVES = 20, 500, 31
FEATURES = [f"센서{i:02d}" for i in range(N_FEATURES)]
LIMITS = {name: {"min": -8.0, "max": 8.0} for name in FEATURES[:5]}
BAD_SHARE = 0.001
_REGISTER = (
    "import typer; from axpoc.cli._serve_verbs import register; app = typer.Typer(); register(app); "
    "app.command('noop')(lambda: None); app()"
)


def axpoc_command() -> list[str]:
    """``python -m axpoc`` once ``predict``/``serve`` are registered on the CLI, else the verbs attached directly."""
    from axpoc.cli import app

    names = {command.name or getattr(command.callback, "__name__", "") for command in app.registered_commands}
    return [sys.executable, "-m", "axpoc"] if "predict" in names else [sys.executable, "-c", _REGISTER]


def parts(n: int, *, seed: int, start: int = 0) -> pd.DataFrame:
    """``n`` parts: an id and 20 standardised sensor values, some of them correlated."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(n, N_FEATURES))
    values[:, 5:10] += 0.6 * values[:, :5]
    frame = pd.DataFrame(values, columns=FEATURES)
    frame.insert(0, "part_id", [f"P{start + i:09d}" for i in range(n)])
    return frame


def build_champion(folder: Path, *, train_rows: int = 100_000, seed: int = 0) -> dict[str, Any]:
    """A project under ``folder`` whose champion is a 500 x 31 LightGBM; returns the config path and model facts."""
    import mlflow

    from axpoc.artifact import PocModel
    from axpoc.config import load_config
    from axpoc.data._contract import build_contract
    from axpoc.models import build_pipeline
    from axpoc.tracking import log_poc_model, open_store, promote, register_version

    folder.mkdir(parents=True, exist_ok=True)
    train = parts(train_rows, seed=seed)
    x = train[FEATURES].to_numpy()
    logit = -4.0 + 1.2 * x[:, 0] - 0.8 * x[:, 1] * x[:, 2] + np.sin(2 * x[:, 3]) + 0.5 * x[:, 4] ** 2
    train["불량"] = (
        np.random.default_rng(seed + 1).uniform(size=train_rows) < 1 / (1 + np.exp(-logit))
    ).astype(int)
    raw = {
        "project": {"name": "bench_batch", "dir": "."},
        "data": {"path": "train.parquet"},
        "target": {"column": "불량", "task": "binary"},
        "columns": {"id": "part_id", "limits": LIMITS},
    }
    config_path = folder / "bench.yaml"
    config_path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    train.to_parquet(folder / "train.parquet")
    config = load_config(config_path)
    params = {"n_estimators": TREES, "num_leaves": LEAVES, "min_child_samples": 20, "learning_rate": 0.05}
    pipeline = build_pipeline(
        "lightgbm", params, frame=train, features=FEATURES, task="binary", n_jobs=os.cpu_count()
    )
    started = time.perf_counter()
    pipeline.fit(train[FEATURES], train["불량"].to_numpy())
    fit_s = time.perf_counter() - started
    booster = pipeline.named_steps["model"].booster_
    leaves = [tree["num_leaves"] for tree in booster.dump_model()["tree_info"]]
    probe = parts(200_000, seed=seed + 2)[FEATURES].to_numpy()
    started = time.perf_counter()
    booster.predict(probe, num_threads=os.cpu_count())
    predict_only = len(probe) / (time.perf_counter() - started)
    model = PocModel(
        estimator=pipeline,
        task="binary",
        features=list(FEATURES),
        target="불량",
        family="lightgbm",
        classes=[0, 1],
        positive_label=1,
        negative_label=0,
        threshold=0.5,
        id_column="part_id",
        contract_json=build_contract(train, config).to_json(),
    )
    store = open_store(project_name="bench_batch", project_dir=folder)
    requirements = [f"{n}=={importlib.metadata.version(n)}" for n in ("lightgbm", "scikit-learn", "pandas")]
    with mlflow.start_run(experiment_id=store.experiment_id):
        uri = log_poc_model(model, input_example=train[FEATURES].head(5), pip_requirements=requirements)
    version = register_version(store, uri, tags={"axpoc.family": "lightgbm"})
    promote(store, version, reason="benchmark")
    return {
        "config": str(config_path),
        "trees": booster.num_trees(),
        "mean_leaves": float(np.mean(leaves)),
        "features": N_FEATURES,
        "train_rows": train_rows,
        "fit_s": round(fit_s, 1),
        "lightgbm_predict_only_rows_per_s": round(predict_only),
    }


def write_inputs(
    folder: Path, rows: int, *, seed: int, csv: bool, group_rows: int = 250_000
) -> dict[str, Path]:
    """A Parquet file (and the same rows as CSV) of ``rows`` parts, written group by group to stay small in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = {"parquet": folder / f"parts_{rows}.parquet"}
    if csv:
        paths["csv"] = folder / f"parts_{rows}.csv"
    for path in paths.values():
        path.unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    writer = None
    try:
        for start in range(0, rows, group_rows):
            frame = parts(min(group_rows, rows - start), seed=seed + start, start=start)
            bad = rng.random(len(frame)) < BAD_SHARE
            frame.loc[bad, FEATURES[0]] = 99.0  # outside the declared limit: rejected
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(paths["parquet"], table.schema)
            writer.write_table(table, row_group_size=group_rows)
            if csv:
                frame.to_csv(paths["csv"], mode="a", header=start == 0, index=False)
    finally:
        if writer is not None:
            writer.close()
    return paths


def run_predict(config: str, source: Path, output: Path) -> dict[str, Any]:
    """``axpoc predict --json`` as a child process: its wall clock, peak memory and report."""
    command = [*axpoc_command(), "predict", config, "--input", str(source), "--output", str(output), "--json"]
    out_file = output.with_suffix(".json")
    started = time.perf_counter()
    with out_file.open("w") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    if code != 0:
        raise RuntimeError(f"axpoc predict exited {code}: {' '.join(command)}")
    report = json.loads(out_file.read_text(encoding="utf-8"))
    timings = report["timings"]
    streaming = sum(timings.get(k, 0.0) for k in ("read", "check", "score", "write"))
    return {
        "format": source.suffix.lstrip("."),
        "rows": report["rows"],
        "scored": report["scored"],
        "rejected": report["rejected"],
        "input_mib": round(source.stat().st_size / 2**20, 1),
        "wall_s": round(wall, 2),
        "rows_per_s": round(report["rows"] / wall),
        "rows_per_s_inside": round(report["rows_per_s"]),
        "rows_per_s_streaming": round(report["rows"] / streaming) if streaming else None,
        "elapsed_inside_s": round(report["elapsed_s"], 2),
        "fixed_s": round(wall - report["elapsed_s"] + timings["load"], 2),
        "timings_s": timings,
        "accelerated": report.get("accelerated", "none"),
        "acceleration": report.get("acceleration", {}).get("reason", ""),
        "peak_rss_mib": round(usage.ru_maxrss / 1024),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the CSV and Parquet throughput runs"
    )
    parser.add_argument(
        "--big-rows", type=int, default=5_000_000, help="rows of the one-call memory run (0 = skip)"
    )
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    work = args.keep or Path(tempfile.mkdtemp(prefix="axpoc-bench-batch-"))
    load_at_start = round(os.getloadavg()[0], 2)
    print(f"load average (1 min) at start: {load_at_start}")
    runs: dict[str, Any] = {}

    def record(name: str, config: str, source: Path, output: Path) -> None:
        runs[name] = run_predict(config, source, output)
        print(name, json.dumps(runs[name], ensure_ascii=False))

    try:
        model = build_champion(work / "project")
        print(
            f"champion: {model['trees']} trees, {model['mean_leaves']:.1f} leaves on average, fit {model['fit_s']} s"
        )
        shutil.rmtree(work / "project" / ".axpoc" / "compiled", ignore_errors=True)
        inputs = write_inputs(work, args.rows, seed=1, csv=True)
        record("first_call_parquet", model["config"], inputs["parquet"], work / "scores_first.parquet")
        for kind in ("csv", "parquet"):
            record(f"steady_{kind}", model["config"], inputs[kind], work / f"scores_{kind}.{kind}")
        if args.big_rows:
            big = write_inputs(work, args.big_rows, seed=2, csv=False)
            record("big_parquet", model["config"], big["parquet"], work / "scores_big.parquet")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    steady = runs["steady_parquet"]
    biggest = runs.get("big_parquet", steady)
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "lleaves": _version("lleaves"),
            "load_avg_1m_at_start": load_at_start,
            "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        },
        "model": model,
        "runs": runs,
        "targets": {
            f"parquet {steady['rows']} rows, steady state, >= 200000 rows/s": steady["rows_per_s"] >= 200_000,
            f"parquet {biggest['rows']} rows >= 200000 rows/s": biggest["rows_per_s"] >= 200_000,
            f"{biggest['rows']} rows in one call, peak < 4096 MiB": biggest["peak_rss_mib"] < 4096,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result["targets"], ensure_ascii=False))
    print(f"load average (1 min) at end: {result['machine']['load_avg_1m_at_end']}")
    print(f"written: {RESULTS}")


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    main()

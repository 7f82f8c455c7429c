"""The fixed cost of one ``axpoc predict`` call: what a 10-row input pays before and after its rows.

Run by hand: ``python benchmarks/predict_startup.py [--repeats 5] [--train-rows 20000] [--keep DIR]``.
The champion is the one of ``batch_scoring.py`` (LightGBM, 500 trees x 31 leaves on 20 features),
registered and promoted in a throw-away project; the input is a 10-row Parquet file. After one warm-up
call (disk cache, bytecode), each repeat runs:

1. ``axpoc predict --json`` as its own process, timed by this one: ``wall_s`` from start to exit,
   ``before_s`` (interpreter start, imports, argument parsing: wall clock until the JSON report minus
   the call's own ``elapsed_s``), ``load_s`` (the report's "load" stage: store opened, alias resolved,
   model loaded), ``rest_s`` (the rest of the call: read, check, score, write) and ``shutdown_s`` (from
   the last line of the report to the process's exit);
2. the same steps one by one in a child process (``stages``): ``import axpoc.cli``, ``import
   axpoc.serve`` (what the verb imports), reading the config, opening the store, loading the served
   model, each timed with ``time.perf_counter`` and listed with the heavy packages loaded by then; its
   exit is timed too. The garbage collector is handled as the CLI does (paused during start-up, the
   heap frozen before exit), so the stages add up to ``before_s + load_s + shutdown_s``.

Medians over the repeats are printed with the 1-minute load average (other processes on a shared
machine slow every figure) and written to ``benchmarks/results/predict_startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from batch_scoring import axpoc_command, build_champion, parts

RESULTS = Path(__file__).resolve().parent / "results" / "predict_startup.json"
_HEAVY = ("pandas", "sklearn", "lightgbm", "mlflow", "sqlalchemy", "alembic", "scipy", "pyarrow")
_STAGES = """
import gc, json, sys, time
from pathlib import Path
gc.disable()
started = time.perf_counter()
heavy = {heavy!r}
def loaded():
    return sorted(name for name in heavy if name in sys.modules)
marks = {{}}
def mark(name, since):
    marks[name] = round(time.perf_counter() - since, 4)
    marks[name + ":packages"] = loaded()
    return time.perf_counter()
t = time.perf_counter()
import axpoc.cli
t = mark("import_cli", t)
from axpoc.config import load_config
from axpoc.serve import load_served_model
from axpoc.serve._model import open_project_store
t = mark("import_serve", t)
config = load_config(Path({config!r}))
t = mark("load_config", t)
store = open_project_store(config)
t = mark("open_store", t)
served = load_served_model(store)
t = mark("load_model", t)
marks["total"] = round(time.perf_counter() - started, 4)
marks["version"] = served.version
sys.stdout.write(json.dumps(marks) + "\\n")
sys.stdout.flush()
gc.freeze()
"""


def timed_process(command: list[str]) -> tuple[float, float, str]:
    """(seconds to the end of the report, seconds from there to the exit, stdout) of one child process.

    The report ends with a line ``}`` (``--json``) or is one line (the stage script); what follows until
    the process ends is interpreter shutdown.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    lines, printed = [], None
    for line in process.stdout:
        lines.append(line)
        if line.rstrip() == "}" or (line.startswith("{") and line.rstrip().endswith("}")):
            printed = time.perf_counter()
    code = process.wait()
    exited = time.perf_counter()
    if code != 0 or printed is None:
        raise RuntimeError(f"exit {code}: {' '.join(command)}")
    return printed - started, exited - printed, "".join(lines)


def predict_once(config: str, source: Path, output: Path) -> dict[str, float]:
    command = [*axpoc_command(), "predict", config, "--input", str(source), "--output", str(output), "--json"]
    to_report, shutdown, text = timed_process(command)
    report = json.loads(text)
    elapsed = report["elapsed_s"]
    load = report["timings"]["load"]
    return {
        "wall_s": to_report + shutdown,
        "before_s": to_report - elapsed,
        "load_s": load,
        "rest_s": elapsed - load,
        "shutdown_s": shutdown,
        "fixed_s": to_report + shutdown - (elapsed - load),
    }


def stages_once(config: str) -> dict[str, Any]:
    script = _STAGES.format(heavy=_HEAVY, config=config)
    to_report, shutdown, text = timed_process([sys.executable, "-c", script])
    marks = json.loads(text)
    return {**marks, "start_s": to_report - marks["total"], "shutdown_s": shutdown}


def medians(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in rows[0].items():
        if isinstance(value, float):
            out[key] = round(statistics.median(row[key] for row in rows), 3)
        else:
            out[key] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="calls per measurement (medians are reported)")
    parser.add_argument("--train-rows", type=int, default=20_000, help="rows the champion is trained on")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (reused)")
    parser.add_argument("--label", default="", help="a name for this measurement in the results file")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    work = args.keep or Path(tempfile.mkdtemp(prefix="axpoc-bench-startup-"))
    load_at_start = round(os.getloadavg()[0], 2)
    print(f"load average (1 min) at start: {load_at_start}")
    try:
        config = work / "project" / "bench.yaml"
        if not config.exists():
            build_champion(work / "project", train_rows=args.train_rows)
        source = work / "parts_10.parquet"
        parts(10, seed=3).to_parquet(source)
        output = work / "scores_10.parquet"
        predict_once(str(config), source, output)  # warm-up: disk cache and bytecode
        calls = [predict_once(str(config), source, output) for _ in range(args.repeats)]
        stages = [stages_once(str(config)) for _ in range(args.repeats)]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    result = {
        "label": args.label,
        "repeats": args.repeats,
        "cpus": os.cpu_count(),
        "load_avg_1m_at_start": load_at_start,
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "predict_10_rows": medians(calls),
        "stages": medians(stages),
    }
    print("predict (10 rows), medians:", json.dumps(result["predict_10_rows"]))
    print("stages, medians:", json.dumps(result["stages"]))
    print(f"load average (1 min) at end: {result['load_avg_1m_at_end']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()

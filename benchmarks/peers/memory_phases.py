"""Where axpoc's peak memory in the peers run comes from: resident memory after each phase of its worker.

Runs what ``workers/axpoc_worker.py`` runs (one thread, the benchmark's budget) for one data set and
seed, and prints the process's resident memory (``VmRSS``) and high-water mark (``VmHWM``) after the
interpreter starts, after importing pandas, axpoc and the model libraries, after ``prepare`` and after
the comparison, so the peak can be put down to the venv's libraries, the data or the search.

    AXPOC_DATA_DIR=../shared/data python benchmarks/peers/memory_phases.py --dataset demo_cnc_machining
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def memory() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process, MiB."""
    status = Path("/proc/self/status").read_text()
    rss, hwm = (int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) / 1024 for k in ("VmRSS", "VmHWM"))
    return rss, hwm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="demo_cnc_machining")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=60.0)
    args = ap.parse_args()
    phases: list[tuple[str, float, float, float]] = []
    started = time.perf_counter()

    def mark(name: str) -> None:
        phases.append((name, time.perf_counter() - started, *memory()))

    mark("interpreter")
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    mark("numpy + pandas")
    import sklearn.ensemble
    import sklearn.linear_model  # noqa: F401

    mark("scikit-learn")
    import lightgbm  # noqa: F401

    mark("lightgbm")
    from splits import configured, datasets

    import axpoc

    mark("axpoc")
    config = configured(datasets()[args.dataset], seed=args.seed, budget_s=args.budget)
    prepared = axpoc.prepare(config)
    mark("prepare (read, clean, split)")
    comparison = axpoc.run_comparison(config, prepared)
    mark(f"comparison (chose {comparison.chosen.name})")
    print(f"{args.dataset} seed {args.seed}: phase | seconds | VmRSS MiB | VmHWM MiB")
    for name, seconds, rss, hwm in phases:
        print(f"{name} | {seconds:.1f} | {rss:.0f} | {hwm:.0f}")


if __name__ == "__main__":
    main()

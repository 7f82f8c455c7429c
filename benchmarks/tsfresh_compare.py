"""Speed of `CurveFeatures` against tsfresh (EfficientFCParameters), 100 cycles x 3 channels x 2,000 samples.

tsfresh is no dependency of axpoc: it runs in a venv of its own, ``/tmp/tsfresh-venv``, which this
script creates on first use (``python -m venv`` plus ``pip install tsfresh "pandas<3"``; tsfresh does
not support pandas 3). Run by hand from the project venv::

    python benchmarks/tsfresh_compare.py

The curves come from `signal_features.make_cycles` (seeded); they travel to the tsfresh venv as a
temporary .npz file, where this same file runs again as a worker (``--worker``) that imports only
numpy, pandas and tsfresh. Both sides run on one thread (tsfresh ``n_jobs=0``, no progress bar,
OMP/MKL/OpenBLAS/numba pools at 1): with its default worker pool tsfresh stalls on two shared cores.
Prints samples per second for both and the ratio; writes ``benchmarks/results/tsfresh_compare.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
import venv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "tsfresh_compare.json"
TSFRESH_VENV = Path("/tmp/tsfresh-venv")
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
}


def tsfresh_python() -> Path:
    """The tsfresh venv's interpreter, creating the venv and installing tsfresh when it is missing."""
    python = TSFRESH_VENV / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(TSFRESH_VENV)
    probe = subprocess.run([python, "-c", "import tsfresh"], capture_output=True, check=False)
    if probe.returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "--quiet", "tsfresh", "pandas<3"], check=True)
    return python


def run_worker(npz: Path, out: Path) -> None:
    """Inside the tsfresh venv: time tsfresh's extract_features on the saved curves (long format)."""
    import pandas as pd
    import tsfresh
    from tsfresh import extract_features
    from tsfresh.feature_extraction import EfficientFCParameters

    data = np.load(npz)
    n_cycles, n_samples = data[data.files[0]].shape
    long = pd.DataFrame(
        {
            "id": np.tile(np.repeat(np.arange(n_cycles), n_samples), len(data.files)),
            "time": np.tile(np.arange(n_samples), n_cycles * len(data.files)),
            "kind": np.repeat(data.files, n_cycles * n_samples),
            "value": np.concatenate([data[name].ravel() for name in data.files]),
        }
    )
    options = {
        "column_id": "id",
        "column_sort": "time",
        "column_kind": "kind",
        "column_value": "value",
        "default_fc_parameters": EfficientFCParameters(),
        "n_jobs": 0,
        "disable_progressbar": True,
    }
    extract_features(long[long["id"] < 2], **options)  # warm-up: imports, caches
    began, began_cpu = time.perf_counter(), time.process_time()
    table = extract_features(long, **options)
    result = {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - began_cpu,
        "n_features": int(table.shape[1]),
        "tsfresh": tsfresh.__version__,
        "pandas": pd.__version__,
    }
    out.write_text(json.dumps(result), encoding="utf-8")


def time_curve_features(curves: dict[str, np.ndarray], repeats: int = 5) -> tuple[float, float, int]:
    """Best wall and CPU seconds of CurveFeatures.fit_transform, and its number of features."""
    from signal_features import curve_frame
    from threadpoolctl import threadpool_limits

    from axpoc.features import CurveFeatures

    frame = curve_frame(curves)
    with threadpool_limits(1):
        n_features = CurveFeatures(passthrough=False).fit_transform(frame).shape[1]
        wall, cpu = [], []
        for _ in range(repeats):
            began, began_cpu = time.perf_counter(), time.process_time()
            CurveFeatures(passthrough=False).fit_transform(frame)
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    return min(wall), min(cpu), n_features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--worker", nargs=2, type=Path, metavar=("NPZ", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(*args.worker)
        return

    from signal_features import make_cycles

    curves = make_cycles(args.cycles, args.samples, seed=0)
    total = args.cycles * args.samples * len(curves)
    with tempfile.TemporaryDirectory() as folder:
        npz, out = Path(folder) / "curves.npz", Path(folder) / "tsfresh.json"
        np.savez(npz, **curves)
        env = {**os.environ, **ONE_THREAD}
        env.pop("PYTHONPATH", None)
        command = [tsfresh_python(), Path(__file__).resolve(), "--worker", npz, out]
        subprocess.run(command, env=env, check=True)
        tsfresh = json.loads(out.read_text(encoding="utf-8"))
    ours_seconds, ours_cpu, ours_features = time_curve_features(curves)

    result = {
        "cycles": args.cycles,
        "channels": len(curves),
        "samples_per_cycle": args.samples,
        "total_samples": total,
        "curve_features_seconds": round(ours_seconds, 5),
        "curve_features_samples_per_second": round(total / ours_seconds),
        "curve_features_samples_per_cpu_second": round(total / ours_cpu),
        "curve_features_n_features": ours_features,
        "tsfresh_seconds": round(tsfresh["seconds"], 3),
        "tsfresh_samples_per_second": round(total / tsfresh["seconds"]),
        "tsfresh_samples_per_cpu_second": round(total / tsfresh["cpu_seconds"]),
        "tsfresh_n_features": tsfresh["n_features"],
        "tsfresh_version": tsfresh["tsfresh"],
        "speed_ratio": round(tsfresh["seconds"] / ours_seconds, 1),
        "speed_ratio_cpu": round(tsfresh["cpu_seconds"] / ours_cpu, 1),
        "threads": 1,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_speed_ratio": 20,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{total:,} samples ({args.cycles} cycles x {len(curves)} channels x {args.samples} samples), one thread"
    )
    print(
        f"CurveFeatures: {total / ours_seconds / 1e6:8.2f} million samples/s "
        f"({ours_seconds:.4f} s, {ours_features} features)"
    )
    print(
        f"tsfresh {tsfresh['tsfresh']} EfficientFCParameters: {total / tsfresh['seconds'] / 1e6:8.3f} million "
        f"samples/s ({tsfresh['seconds']:.2f} s, {tsfresh['n_features']} features)"
    )
    print(f"speed ratio: {result['speed_ratio']}x (CPU time: {result['speed_ratio_cpu']}x)")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

"""`CurveFeatures` against tsfresh, like for like: the same features, the same curves, one thread each.

tsfresh's ``MinimalFCParameters`` holds ten features; six of them are also `CurveFeatures` features
with the same definition, and those six are the like-for-like set both compute here:

    tsfresh             CurveFeatures   definition (x: one curve)
    mean                mean            np.mean(x)
    median              q50             np.median(x)
    standard_deviation  std             np.std(x)  (population)
    root_mean_square    rms             sqrt(mean(x**2))
    maximum             max             np.max(x)
    minimum             min             np.min(x)

The other four (``sum_values``, ``length``, ``variance``, ``absolute_maximum``) are arithmetic on these
and have no feature of their own in CurveFeatures; tsfresh's whole ``MinimalFCParameters`` is timed
too and reported in feature values per second beside the six.

For each set: wall and CPU seconds (best of ``--repeats``), samples per second (curve samples read)
and feature values per second (cycles x channels x features written); and the largest difference
between the two tools' values of each of the six, which must be rounding only.

tsfresh is no dependency of axpoc (it does not support pandas 3): it runs in its own venv, built by
``benchmarks/peers/setup_envs.py`` (``--peers tsfresh``; this script builds it when missing). The
curves (`signal_features.make_cycles`, seeded) travel to it as a temporary .npz file, where this same
file runs again as a worker (``--worker``) that imports only numpy, pandas and tsfresh and writes its
feature values back. Both sides run on one thread (tsfresh ``n_jobs=0``, OMP/MKL/OpenBLAS/numba at 1).

    AXPOC_DATA_DIR=../shared/data nice -n 15 python benchmarks/tsfresh_compare.py

Writes ``benchmarks/results/tsfresh_compare.json``; the machine's load average is recorded with it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "tsfresh_compare.json"
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
}
EQUAL_WITHIN = 1e-9  # relative: rounding of a different summation order, nothing more
# tsfresh name -> CurveFeatures name, where the definitions coincide.
SAME = {
    "mean": "mean",
    "median": "q50",
    "standard_deviation": "std",
    "root_mean_square": "rms",
    "maximum": "max",
    "minimum": "min",
}


def run_worker(npz: Path, out: Path, repeats: int) -> None:
    """Inside the tsfresh venv: time the six and MinimalFCParameters; save the six's values."""
    import pandas as pd
    import tsfresh
    from tsfresh import extract_features
    from tsfresh.feature_extraction import MinimalFCParameters

    data = np.load(npz)
    channels = list(data.files)
    n_cycles, n_samples = data[channels[0]].shape
    long = pd.DataFrame(
        {
            "id": np.tile(np.repeat(np.arange(n_cycles), n_samples), len(channels)),
            "time": np.tile(np.arange(n_samples), n_cycles * len(channels)),
            "kind": np.repeat(channels, n_cycles * n_samples),
            "value": np.concatenate([data[name].ravel() for name in channels]),
        }
    )
    common = {
        "column_id": "id",
        "column_sort": "time",
        "column_kind": "kind",
        "column_value": "value",
        "n_jobs": 0,
        "disable_progressbar": True,
    }
    sets = {"same6": dict.fromkeys(SAME), "minimal": MinimalFCParameters()}
    result: dict[str, object] = {"tsfresh": tsfresh.__version__, "pandas": pd.__version__}
    for name, parameters in sets.items():
        extract_features(long[long["id"] < 2], default_fc_parameters=parameters, **common)  # warm-up
        wall, cpu = [], []
        for _ in range(repeats):
            began, began_cpu = time.perf_counter(), time.process_time()
            table = extract_features(long, default_fc_parameters=parameters, **common)
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        result[name] = {"seconds": min(wall), "cpu_seconds": min(cpu), "n_features": int(table.shape[1])}
        if name == "same6":
            table = table.sort_index()
            values = {
                f"{channel}__{feature}": table[f"{channel}__{feature}"].to_numpy(dtype=float).tolist()
                for channel in channels
                for feature in SAME
            }
            result["values"] = values
    out.write_text(json.dumps(result), encoding="utf-8")


def time_curve_features(
    curves: dict[str, np.ndarray], repeats: int
) -> tuple[float, float, int, dict[str, np.ndarray]]:
    """Best wall and CPU seconds of CurveFeatures(the six).fit_transform, its width and its values."""
    from signal_features import curve_frame
    from threadpoolctl import threadpool_limits

    from axpoc.features import CurveFeatures

    frame = curve_frame(curves)
    make = lambda: CurveFeatures(features=tuple(SAME.values()), passthrough=False)  # noqa: E731
    with threadpool_limits(1):
        table = make().fit_transform(frame)
        wall, cpu = [], []
        for _ in range(repeats):
            began, began_cpu = time.perf_counter(), time.process_time()
            make().fit_transform(frame)
            wall.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    values = {column: table[column].to_numpy(dtype=float) for column in table.columns}
    return min(wall), min(cpu), table.shape[1], values


def differences(ours: dict[str, np.ndarray], theirs: dict[str, list[float]]) -> dict[str, float]:
    """Largest difference per feature, over cycles and channels, relative to the values' size (at least 1)."""
    worst: dict[str, float] = {}
    for column, values in theirs.items():
        channel, feature = column.rsplit("__", 1)
        reference = np.asarray(values)
        gap = np.max(np.abs(ours[f"{channel}__{SAME[feature]}"] - reference)) / max(
            1.0, np.abs(reference).max()
        )
        worst[feature] = max(worst.get(feature, 0.0), float(gap))
    return worst


def _rates(seconds: float, cpu: float, *, samples: int, values: int, n_features: int) -> dict[str, object]:
    return {
        "n_features_per_channel": n_features,
        "seconds": round(seconds, 5),
        "cpu_seconds": round(cpu, 5),
        "samples_per_second": round(samples / seconds),
        "samples_per_cpu_second": round(samples / cpu),
        "feature_values_per_second": round(values / seconds),
        "feature_values_per_cpu_second": round(values / cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", nargs=3, metavar=("NPZ", "OUT", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(Path(args.worker[0]), Path(args.worker[1]), int(args.worker[2]))
        return
    sys.path.insert(0, str(HERE / "peers"))
    from setup_envs import ensure
    from signal_features import make_cycles

    load_before = os.getloadavg()
    curves = make_cycles(args.cycles, args.samples, seed=0)
    n_channels = len(curves)
    samples = args.cycles * args.samples * n_channels
    with tempfile.TemporaryDirectory(prefix="bench-tsfresh-") as folder:
        npz, out = Path(folder) / "curves.npz", Path(folder) / "tsfresh.json"
        np.savez(npz, **curves)
        env = {**os.environ, **ONE_THREAD}
        env.pop("PYTHONPATH", None)
        command = [ensure("tsfresh"), Path(__file__).resolve(), "--worker", npz, out, str(args.repeats)]
        subprocess.run(command, env=env, check=True)
        tsfresh = json.loads(out.read_text(encoding="utf-8"))
    seconds, cpu, width, ours = time_curve_features(curves, args.repeats)
    gaps = differences(ours, tsfresh["values"])
    cells = args.cycles * n_channels
    axpoc_same = _rates(seconds, cpu, samples=samples, values=cells * len(SAME), n_features=len(SAME))
    tsfresh_rates = {
        name: _rates(
            tsfresh[name]["seconds"],
            tsfresh[name]["cpu_seconds"],
            samples=samples,
            values=args.cycles * tsfresh[name]["n_features"],
            n_features=tsfresh[name]["n_features"] // n_channels,
        )
        for name in ("same6", "minimal")
    }
    result = {
        "cycles": args.cycles,
        "channels": n_channels,
        "samples_per_cycle": args.samples,
        "total_samples": samples,
        "repeats": args.repeats,
        "threads": 1,
        "features": SAME,
        "curve_features_same6": axpoc_same,
        "tsfresh_same6": tsfresh_rates["same6"],
        "tsfresh_minimal": tsfresh_rates["minimal"],
        "speed_ratio_same6": round(tsfresh["same6"]["seconds"] / seconds, 1),
        "speed_ratio_same6_cpu": round(tsfresh["same6"]["cpu_seconds"] / cpu, 1),
        "max_relative_difference": gaps,
        "values_equal": all(gap <= EQUAL_WITHIN for gap in gaps.values()),
        "tsfresh_version": tsfresh["tsfresh"],
        "tsfresh_pandas": tsfresh["pandas"],
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    assert width == len(SAME) * n_channels
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{samples:,} samples ({args.cycles} cycles x {n_channels} channels x {args.samples}), one thread, "
        f"best of {args.repeats}; load average before {result['load_average_before']}, "
        f"after {result['load_average_after']}"
    )
    for label, rates in (
        ("CurveFeatures, the six", axpoc_same),
        (f"tsfresh {tsfresh['tsfresh']}, the six", tsfresh_rates["same6"]),
        (f"tsfresh {tsfresh['tsfresh']}, MinimalFCParameters", tsfresh_rates["minimal"]),
    ):
        print(
            f"{label:42s} {rates['n_features_per_channel']:3d} features/channel  {rates['seconds']:9.4f} s "
            f"({rates['cpu_seconds']:.4f} CPU s)  "
            f"{rates['samples_per_second'] / 1e6:9.2f} M samples/s  "
            f"{rates['feature_values_per_second'] / 1e3:10.1f} k feature values/s; per CPU second "
            f"{rates['samples_per_cpu_second'] / 1e6:.2f} M samples, "
            f"{rates['feature_values_per_cpu_second'] / 1e3:.1f} k feature values"
        )
    print(
        f"speed ratio on the six: {result['speed_ratio_same6']}x (CPU time {result['speed_ratio_same6_cpu']}x)"
    )
    print(
        "largest relative |CurveFeatures - tsfresh| per feature: "
        + ", ".join(f"{k} {v:.2e}" for k, v in gaps.items())
        + f"; equal: {result['values_equal']}"
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

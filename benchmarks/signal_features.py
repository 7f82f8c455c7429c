"""Throughput of `CurveFeatures`: 10,000 cycles x 3 channels x 2,000 samples (60 million samples).

Run by hand: ``python benchmarks/signal_features.py [--profile]``. Times ``fit_transform`` (what a
pipeline calls when it trains) as the best of 3 runs after one warm-up, prints samples per second and
writes ``benchmarks/results/signal_features.json``. A second figure times cycles of unequal lengths
(1,900 to 2,000 samples, 101 distinct lengths). ``--profile`` prints where the time goes (cProfile).
Target: at least 20 million samples per second on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "signal_features.json"
CHANNELS = ("캐비티압력", "사출속도", "금형온도")


def make_cycles(n_cycles: int, n_samples: int, *, seed: int = 0) -> dict[str, np.ndarray]:
    """Plausible injection-moulding curves per channel as (n_cycles, n_samples) arrays.

    Cavity pressure rises after the melt reaches the sensor, peaks, holds and decays as the part
    cools; injection speed follows a ramp-plateau profile that drops at switch-over; the mould
    temperature lags the injection with a first-order response. Each cycle draws its own timing,
    amplitudes and noise, and a few percent carry a defect-like short shot (lower, earlier peak).
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n_samples)

    def draw(mean: float, spread: float) -> np.ndarray:
        return rng.normal(mean, spread, (n_cycles, 1))

    short = rng.random((n_cycles, 1)) < 0.03
    start, peak_at = draw(0.08, 0.01), draw(0.25, 0.015) - 0.05 * short
    peak = draw(420.0, 15.0) * np.where(short, 0.7, 1.0)
    rise = 1.0 / (1.0 + np.exp(-(t - (start + peak_at) / 2) / (0.15 * (peak_at - start))))
    hold = np.where(t < peak_at, 1.0, np.exp(-(t - peak_at) / draw(0.35, 0.03)))
    pressure = peak * rise * hold * (t > start) + rng.normal(0.0, 2.0, (n_cycles, n_samples))

    switch = peak_at - draw(0.03, 0.005)
    speed_top = draw(80.0, 3.0)
    speed = speed_top * np.clip(t / 0.04, 0.0, 1.0) * np.where(t < switch, 1.0, 0.08)
    speed += 1.5 * np.sin(2 * np.pi * draw(90.0, 5.0) * t) + rng.normal(0.0, 0.8, (n_cycles, n_samples))

    lag = np.clip(t - start, 0.0, None)
    temperature = draw(60.0, 0.8) + draw(8.0, 0.5) * (1 - np.exp(-lag / 0.1)) * np.exp(-lag / 1.5)
    temperature += rng.normal(0.0, 0.05, (n_cycles, n_samples))
    return dict(zip(CHANNELS, (pressure, speed, temperature), strict=True))


def curve_frame(curves: dict[str, np.ndarray], *, lengths: np.ndarray | None = None) -> pd.DataFrame:
    """The project's curve layout: one row per cycle, each cell its own 1-D array (cut to ``lengths``)."""
    n_cycles, n_samples = next(iter(curves.values())).shape
    lengths = np.full(n_cycles, n_samples) if lengths is None else lengths
    rng = np.random.default_rng(1)
    columns: dict[str, np.ndarray] = {
        "보압설정": rng.normal(300.0, 5.0, n_cycles),
        "사출시간": rng.normal(1.2, 0.02, n_cycles),
    }
    for name, values in curves.items():
        cells = (row[:size].copy() for row, size in zip(values, lengths, strict=True))
        columns[name] = np.fromiter(cells, dtype=object, count=n_cycles)
    return pd.DataFrame(columns)


def best_time(frame: pd.DataFrame, repeats: int = 3) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``fit_transform`` over ``repeats`` runs after a warm-up.

    CPU time is reported too because the reference machine is shared: wall time then includes waits
    for a core, CPU time does not.
    """
    from axpoc.features import CurveFeatures

    CurveFeatures().fit_transform(frame)
    wall, cpu = [], []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        CurveFeatures().fit_transform(frame)
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return min(wall), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--profile", action="store_true", help="print the top functions by own time")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits

    curves = make_cycles(args.cycles, args.samples)
    frame = curve_frame(curves)
    total = args.cycles * len(CHANNELS) * args.samples
    with threadpool_limits(1):
        if args.profile:
            from axpoc.features import CurveFeatures

            profiler = cProfile.Profile(time.process_time)  # CPU time: robust on a shared machine
            profiler.runcall(CurveFeatures().fit_transform, frame)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        seconds, cpu_seconds = best_time(frame)
        lengths = np.random.default_rng(2).integers(args.samples - 100, args.samples + 1, args.cycles)
        ragged_frame = curve_frame(curves, lengths=lengths)
        ragged_total = int(lengths.sum()) * len(CHANNELS)
        ragged_seconds, ragged_cpu_seconds = best_time(ragged_frame)

    result = {
        "cycles": args.cycles,
        "channels": len(CHANNELS),
        "samples_per_cycle": args.samples,
        "total_samples": total,
        "fit_transform_seconds": round(seconds, 4),
        "fit_transform_cpu_seconds": round(cpu_seconds, 4),
        "samples_per_second": round(total / seconds),
        "samples_per_cpu_second": round(total / cpu_seconds),
        "ragged_lengths": f"{args.samples - 100}..{args.samples}",
        "ragged_total_samples": ragged_total,
        "ragged_fit_transform_seconds": round(ragged_seconds, 4),
        "ragged_samples_per_second": round(ragged_total / ragged_seconds),
        "ragged_samples_per_cpu_second": round(ragged_total / ragged_cpu_seconds),
        "threads": 1,
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "target_samples_per_second": 20_000_000,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for label, count, wall, cpu in (
        ("equal lengths", total, seconds, cpu_seconds),
        (f"lengths {result['ragged_lengths']}", ragged_total, ragged_seconds, ragged_cpu_seconds),
    ):
        print(
            f"CurveFeatures fit_transform, {label}: {count:,} samples in {wall:.3f} s = "
            f"{count / wall / 1e6:.1f} million samples/s ({count / cpu / 1e6:.1f} per CPU second)"
        )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

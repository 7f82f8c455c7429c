"""Single-row latency of ``axpoc serve``, measured by a client in its own process after a warm-up.

Run by hand: ``python benchmarks/serving_latency.py [--requests 1000] [--repeats 5] [--warmup 200]``.
The champion is the one of ``batch_scoring.py`` (LightGBM, 500 trees x 31 leaves on 20 features).
``axpoc serve`` runs as a child process on a free loopback port with its defaults (access log on,
contract checks on, alias watch every 5 s); this process sends one-row ``POST /predict`` requests over a
kept-alive connection, one after another, and times each from send to parsed answer. Prints p50, p95,
p99 and max per repeat and over all repeats, and the load average (as ``uptime`` shows it) before and
after, since other processes on a shared machine move the tail; writes
``benchmarks/results/serving_latency.json``.
Then, in this process, the same rows go through the steps of one request (JSON rows to a frame, the
contract check, ``PocModel.predict_frame``, the answer records) to show where the time goes.
``--compare-mlflow`` also times plain ``mlflow models serve`` (no contract check) on the same rows.

Target: p99 < 20 ms on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from batch_scoring import FEATURES, axpoc_command, build_champion, parts

RESULTS = Path(__file__).resolve().parent / "results" / "serving_latency.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(
    client: httpx.Client, process: subprocess.Popen[bytes], log: Path, timeout_s: float = 120
) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"axpoc serve did not come up:\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            ready = client.get("/health").status_code == 200
        except httpx.TransportError:
            ready = False
        if ready:
            return
        time.sleep(0.2)


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    return [round(value, 2) for value in os.getloadavg()]


def percentiles(ms: np.ndarray) -> dict[str, float]:
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {
        "p50_ms": round(float(p50), 3),
        "p95_ms": round(float(p95), 3),
        "p99_ms": round(float(p99), 3),
        "max_ms": round(float(ms.max()), 3),
        "mean_ms": round(float(ms.mean()), 3),
    }


def measure(client: httpx.Client, payloads: list[dict[str, Any]]) -> np.ndarray:
    """Milliseconds per request, one request at a time; every answer must be a 200 with one prediction."""
    times = np.empty(len(payloads))
    for i, payload in enumerate(payloads):
        started = time.perf_counter()
        response = client.post("/predict", json=payload)
        body = response.json()
        times[i] = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or len(body["predictions"]) != 1:
            raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:300]}")
    return times


def breakdown(config: str, payloads: list[dict[str, Any]]) -> dict[str, float]:
    """Mean milliseconds per one-row request of each step ``POST /predict`` takes, in this process."""
    from axpoc.config import load_config
    from axpoc.serve._http import _check, _frame, _records
    from axpoc.serve._model import load_served_model, open_project_store, set_threads
    from axpoc.serve._typed import Flags

    served = load_served_model(open_project_store(load_config(config)))
    set_threads(served.model, 1)
    totals = dict.fromkeys(("json_to_frame", "contract_check", "predict_frame", "answer"), 0.0)
    for payload in payloads:
        marks = [time.perf_counter()]
        frame = _frame(served, [payload])
        marks.append(time.perf_counter())
        _check(served, frame)
        marks.append(time.perf_counter())
        result = served.model.predict_frame(frame)
        marks.append(time.perf_counter())
        _records(served, frame, result, None, Flags(1))
        marks.append(time.perf_counter())
        for key, start, end in zip(totals, marks, marks[1:], strict=False):
            totals[key] += end - start
    return {key: round(value / len(payloads) * 1000, 3) for key, value in totals.items()}


def mlflow_latency(work: Path, payloads: list[dict[str, Any]], repeats: int, warmup: int) -> dict[str, float]:
    """The same single-row requests against ``mlflow models serve`` of the champion (``dataframe_records``)."""
    port = free_port()
    uri = f"sqlite:///{work / 'project' / 'mlflow.db'}"
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": uri,
        "MLFLOW_REGISTRY_URI": uri,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    log = work / "mlflow-serve.log"
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "models",
        "serve",
        "-m",
        "models:/bench_batch@champion",
        "--env-manager",
        "local",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with log.open("w") as handle:
        process = subprocess.Popen(
            command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"mlflow models serve did not come up:\n{log.read_text()[-3000:]}")
                try:
                    ready = client.get("/ping").status_code == 200
                except httpx.TransportError:
                    ready = False
                if ready:
                    break
                time.sleep(0.3)
            bodies = [{"dataframe_records": [p]} for p in payloads]
            times = []
            for i in range(warmup + repeats * len(bodies)):
                started = time.perf_counter()
                response = client.post("/invocations", json=bodies[i % len(bodies)])
                response.json()
                if i >= warmup:
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"mlflow answered {response.status_code}: {response.text[:300]}")
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    return percentiles(np.asarray(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="single-row requests per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    parser.add_argument("--compare-mlflow", action="store_true", help="also time plain 'mlflow models serve'")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    load_before = load_average()
    print(f"load average before: {load_before}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="axpoc-bench-serve-"))
    process = None
    try:
        model = build_champion(work / "project")
        pool = parts(args.requests, seed=7)
        payloads = [
            {"part_id": pid, **dict(zip(FEATURES, map(float, values), strict=True))}
            for pid, values in zip(pool["part_id"], pool[FEATURES].to_numpy(), strict=True)
        ]
        port = free_port()
        log = work / "serve.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [*axpoc_command(), "serve", model["config"], "--port", str(port)],
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            wait_ready(client, process, log)
            measure(client, (payloads * (args.warmup // len(payloads) + 1))[: args.warmup])
            repeats = [measure(client, payloads) for _ in range(args.repeats)]
        process.terminate()
        process.wait(timeout=30)
        process = None
        steps = breakdown(model["config"], payloads)
        mlflow = mlflow_latency(work, payloads, args.repeats, args.warmup) if args.compare_mlflow else None
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    per_repeat = [percentiles(r) for r in repeats]
    overall = percentiles(np.concatenate(repeats))
    for i, figures in enumerate(per_repeat, start=1):
        print(f"repeat {i}: {figures}")
    print(f"all {args.repeats} x {args.requests}: {overall}")
    print(f"steps of one request, in process (mean ms): {steps}")
    load_after = load_average()
    print(f"load average after: {load_after}")
    if mlflow is not None:
        print(f"plain mlflow models serve, same rows: {mlflow}")
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_avg_1m_at_end": load_after[0],
            "load_avg_1_5_15m_before": load_before,
            "load_avg_1_5_15m_after": load_after,
        },
        "model": model,
        "requests_per_repeat": args.requests,
        "warmup": args.warmup,
        "repeats": per_repeat,
        "overall": overall,
        "steps_in_process_mean_ms": steps,
        "mlflow_models_serve": mlflow,
        "targets": {"p99 < 20 ms": overall["p99_ms"] < 20},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result["targets"]), f"written: {RESULTS}")


if __name__ == "__main__":
    main()

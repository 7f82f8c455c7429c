"""Scale-out figures: tuning with 1 and 2 processes, the RDB storage's cost per trial, server vs SQLite.

Run by hand on the machine to measure (never in the test suite):

    AXPOC_TEST_PG_URL=postgresql+psycopg://axpoc:axpoc@127.0.0.1:5432/axpoc python benchmarks/scale_out.py

It starts its own ``mlflow server`` on that PostgreSQL (backend in the database's default schema, Optuna's
studies in schema ``optuna``: both keep an ``alembic_version`` table) and measures

1. trials per minute and the time to the same leaderboard (the same number of counted trials of one
   candidate) with the coordinating ``axpoc run`` alone and with one ``axpoc worker`` beside it;
2. the overhead per trial of Optuna's RDB storage (PostgreSQL, with heartbeats) against in-memory, on an
   objective that does nothing;
3. the wall time of one ``axpoc run`` against the server and against the default SQLite store.

The machine's cores and load averages are written beside every figure: on a shared 2-core machine a second
worker competes with the first for the same cores, so it shows the overhead of coordination more than the
speed-up a second PC brings. Results: ``benchmarks/results/scale_out.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DEMO = {
    "process": "injection_molding",
    "data": {"demo": {"rows": 1500, "defect_rate": 0.1, "seed": 3}},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "columns": {"id": "shot_id", "time": "timestamp", "exclude": ["defect_type", "cavity_pressure", "lot"]},
    "split": {"cv_folds": 3},
    "kpi": {"gates": {"roc_auc": ">= 0.5"}},
}


def load() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"cores": os.cpu_count() or 0, "load_1m": one, "load_5m": five, "load_15m": fifteen}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database: str, folder: Path) -> tuple[subprocess.Popen, str]:
    """The README's ``mlflow server`` on a free port; returns the process (own group) and its URL."""
    import httpx

    port = free_port()
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "mlflow", "server", "--backend-store-uri", database, "--serve-artifacts",
            "--artifacts-destination", str(folder / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("w"),
        env=env,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit(f"mlflow server did not start; see {folder / 'server.log'}")


def optuna_url(database: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.begin() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS optuna"))
    engine.dispose()
    return f"{database}{'&' if '?' in database else '?'}options=-csearch_path%3Doptuna"


def write_config(folder: Path, settings: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "poc.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def axpoc(*args: Any) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    return subprocess.Popen(
        [sys.executable, "-m", "axpoc", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finished(proc: subprocess.Popen) -> dict[str, Any]:
    out, err = proc.communicate(timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"axpoc exited {proc.returncode}:\n{err[-3000:]}")
    return json.loads(out)


def tuning(work: Path, *, url: str, database: str, storage: str, trials: int, workers: int) -> dict[str, Any]:
    """One comparison of one candidate with ``trials`` trials, by the run alone or with ``workers - 1``."""
    from mlflow import MlflowClient

    name = f"scale-{workers}w-{uuid.uuid4().hex[:6]}"
    settings = {
        **DEMO,
        "project": {"name": name},
        "candidates": [{"name": "lightgbm", "params": {"n_estimators": 60}}],
        "tuning": {"trials": trials, "storage": storage, "heartbeat_s": 5},
        "tracking": {"uri": url, "database": database, "snapshot_max_mb": 0},
    }
    before = load()
    helpers = [
        axpoc(
            "worker",
            write_config(work / name / f"w{i}", settings),
            "--json",
            "--project-dir",
            work / name / f"w{i}",
        )
        for i in range(workers - 1)
    ]
    started = time.monotonic()
    run = finished(axpoc("run", write_config(work / name / "run", settings), "--until", "compare", "--json",
                         "--project-dir", work / name / "run"))  # fmt: skip
    wall = time.monotonic() - started
    joined = [finished(proc) for proc in helpers]
    metrics = MlflowClient(url).get_run(run["run_id"]).data.metrics
    compare_s = metrics["compare_elapsed_s"]
    board = run["leaderboard"][0]
    return {
        "workers": workers,
        "trials": trials,
        "completed_trials_on_board": board["trials"],
        "pruned": board.get("pruned"),
        "best_average_precision": board.get("average_precision"),
        "compare_s": compare_s,
        "trials_per_minute": 60 * trials / compare_s,
        "run_wall_s": wall,
        "trials_by_worker": [j["trials"] for j in joined],
        "load_before": before,
        "load_after": load(),
    }


def storage_overhead(storage: str, *, trials: int) -> dict[str, Any]:
    """Milliseconds per trial of an objective that does nothing: in memory vs the RDB with heartbeats."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)

    def objective(trial: optuna.Trial) -> float:
        return trial.suggest_float("x", 0.0, 1.0)

    out: dict[str, Any] = {"trials": trials, "load_before": load()}
    for label, make in (
        ("in_memory", lambda: optuna.create_study()),
        (
            "postgresql",
            lambda: optuna.create_study(study_name=f"overhead-{uuid.uuid4().hex[:8]}", storage=storage),
        ),
        (
            "postgresql_heartbeat",
            lambda: optuna.create_study(
                study_name=f"overhead-{uuid.uuid4().hex[:8]}",
                storage=optuna.storages.RDBStorage(storage, heartbeat_interval=10, grace_period=20),
            ),
        ),
    ):
        study = make()
        started = time.perf_counter()
        study.optimize(objective, n_trials=trials)
        out[f"{label}_ms_per_trial"] = 1000 * (time.perf_counter() - started) / trials
    out["overhead_ms_per_trial"] = out["postgresql_heartbeat_ms_per_trial"] - out["in_memory_ms_per_trial"]
    out["heartbeat_ms_per_trial"] = out["postgresql_heartbeat_ms_per_trial"] - out["postgresql_ms_per_trial"]
    out["load_after"] = load()
    return out


def run_server_vs_sqlite(work: Path, *, url: str, database: str, repeats: int) -> dict[str, Any]:
    """Wall seconds of one ``axpoc run`` (the whole flow, logistic, 3 trials) per store, each ``repeats`` times."""
    times: dict[str, list[float]] = {"sqlite": [], "server": []}
    for _ in range(repeats):
        for store in ("sqlite", "server"):
            name = f"store-{store}-{uuid.uuid4().hex[:6]}"
            settings = {
                **DEMO,
                "project": {"name": name},
                "candidates": ["logistic"],
                "tuning": {"trials": 3},
            }
            settings["tracking"] = {"snapshot_max_mb": 0}
            if store == "server":
                settings["tracking"] |= {"uri": url, "database": database}
            folder = work / name
            started = time.monotonic()
            finished(axpoc("run", write_config(folder, settings), "--json", "--project-dir", folder))
            times[store].append(time.monotonic() - started)
    return {
        "repeats": repeats,
        "sqlite_s": times["sqlite"],
        "server_s": times["server"],
        "sqlite_median_s": statistics.median(times["sqlite"]),
        "server_median_s": statistics.median(times["server"]),
        "load_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", default=os.environ.get("AXPOC_TEST_PG_URL"), help="PostgreSQL URL (a database you own)"
    )
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--overhead-trials", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "scale_out")
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("give --pg or AXPOC_TEST_PG_URL: a PostgreSQL database this benchmark may write")
    storage = optuna_url(args.pg)
    with tempfile.TemporaryDirectory(prefix="axpoc-scale-out-") as tmp:
        work = Path(tmp)
        server, url = start_server(args.pg, work)
        try:
            results = {
                "machine": load(),
                "tuning": [
                    tuning(work, url=url, database=args.pg, storage=storage, trials=args.trials, workers=n)
                    for n in (1, 2)
                ],
                "storage_overhead": storage_overhead(storage, trials=args.overhead_trials),
                "run_store": run_server_vs_sqlite(work, url=url, database=args.pg, repeats=args.repeats),
            }
        finally:
            os.killpg(server.pid, signal.SIGKILL)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Scale-out (benchmarks/scale_out.py)",
        "",
        f"Machine: {results['machine']['cores']} cores, load {results['machine']['load_1m']:.2f} / "
        f"{results['machine']['load_5m']:.2f} / {results['machine']['load_15m']:.2f} (1/5/15 min) at the start.",
        "",
        "| processes | trials counted | of them completed (rest pruned) | compare s | trials/min | best AP | trials by the worker | load before -> after (1 min) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["tuning"]:
        lines.append(
            f"| {row['workers']} | {row['trials']} | {row['completed_trials_on_board']} | {row['compare_s']:.1f} | "
            f"{row['trials_per_minute']:.1f} | {row['best_average_precision']:.4f} | {row['trials_by_worker']} | "
            f"{row['load_before']['load_1m']:.2f} -> {row['load_after']['load_1m']:.2f} |"
        )
    over = results["storage_overhead"]
    store = results["run_store"]
    lines += [
        "",
        f"Optuna storage, {over['trials']} trials of an empty objective: in memory "
        f"{over['in_memory_ms_per_trial']:.1f} ms/trial, PostgreSQL {over['postgresql_ms_per_trial']:.1f} ms/trial, "
        f"PostgreSQL with heartbeats (as axpoc uses it) {over['postgresql_heartbeat_ms_per_trial']:.1f} ms/trial "
        f"(overhead {over['overhead_ms_per_trial']:.1f} ms, of it heartbeats {over['heartbeat_ms_per_trial']:.1f} ms); "
        f"load {over['load_before']['load_1m']:.2f} -> {over['load_after']['load_1m']:.2f}.",
        "",
        f"One `axpoc run` (whole flow, {store['repeats']} repeats): SQLite median {store['sqlite_median_s']:.1f} s "
        f"{[round(t, 1) for t in store['sqlite_s']]}, server median {store['server_median_s']:.1f} s "
        f"{[round(t, 1) for t in store['server_s']]}; load after {store['load_after']['load_1m']:.2f}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

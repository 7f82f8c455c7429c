"""Peers measured side by side: axpoc, FLAML, AutoGluon, PyCaret and two default GBDTs on identical rows.

For every data set and split seed, axpoc's own ``prepare`` writes the train and test rows once
(`splits.write_split`); then every tool runs on them, one at a time, in its own process (the peers in
their own virtual environments, built by ``setup_envs.py``), one thread, the same budget. Each tool
writes its test-part predictions; this runner scores all of them with axpoc's KPI code, pairs axpoc
with every other tool in a bootstrap on the same test rows (whole groups resampled where the split is
grouped), and records wall time and CPU time of each tool's process (``os.wait4``) and its peak memory
(reported by the worker itself: see `common.peak_mib`).

Seeds below 100 form the main block, 100 and above the fresh-seed block (seeds no heuristic was ever
tuned on); they are reported separately. ``--stability N`` runs axpoc N times in all on the first seed
of each data set and reports the spread of the chosen model's test score.

    python benchmarks/peers/setup_envs.py            # once: the peers' environments
    OMP_WAIT_POLICY=PASSIVE python benchmarks/peers/run.py --stability 3
    python benchmarks/peers/run.py --datasets injection_molding_lens_quality --seeds 0 --budget 15 \
        --out benchmarks/results/peers_smoke --title "SMOKE RUN"

Writes OUT.json, OUT.md, OUT.png and OUT_predictions.parquet (every run's test-part predictions;
default OUT ``benchmarks/results/peers``); the splits, each tool's own files and logs go under ``--work`` (default ``benchmarks/peers/.work``, git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from setup_envs import env_python  # noqa: E402
from splits import GROUP, TARGET, datasets, write_split  # noqa: E402

TOOLS = ("axpoc", "flaml", "autogluon", "pycaret", "lightgbm", "hgb")
PEERS = ("flaml", "autogluon", "pycaret")
MAIN_SEEDS, FRESH_SEEDS = (0, 1, 2, 3, 4), (100, 101, 102, 103, 104)
FRESH_FROM = 100
THREADS = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
}


def _worker(tool: str) -> tuple[Path, list[str]]:
    """The interpreter and script of one tool; the peers run in their own environments."""
    workers = HERE / "workers"
    if tool == "axpoc":
        return Path(sys.executable), [str(workers / "axpoc_worker.py")]
    if tool in ("lightgbm", "hgb"):
        return Path(sys.executable), [str(workers / "floor_worker.py"), "--library", tool]
    return env_python(tool), [str(workers / f"{tool}_worker.py")]


def run_tool(
    tool: str, split: Path, *, budget_s: float, seed: int, out: Path, trials: int | None = None
) -> dict[str, Any]:
    """Run one tool in its own process; its exit, wall/CPU seconds and peak RSS (MiB).

    ``peak_mib`` is what the worker measured of itself and its children; ``wait4_maxrss_mib`` (kept for
    comparison) is no measure of the tool: it starts from this runner's own high-water mark.

    ``trials`` (axpoc only) tunes by trial count instead of the clock; the budget then only sizes the
    stop of a runaway process.
    """
    python, script = _worker(tool)
    if not python.exists():
        return {"status": "skipped", "reason": f"{python} missing: run benchmarks/peers/setup_envs.py"}
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [str(python), *script, "--split", str(split), "--budget", str(budget_s), "--seed", str(seed)]
    command += ["--out", str(out)]
    if tool == "autogluon":
        command += ["--scratch", str(out.parent)]
    if tool == "axpoc" and trials:
        command += ["--trials", str(trials)]
    env = {**os.environ, **THREADS, "PYTHONPATH": str(HERE.parents[1])}
    if "AXPOC_DATA_DIR" in env:  # a relative data folder must survive the worker's own cwd
        env["AXPOC_DATA_DIR"] = str(Path(env["AXPOC_DATA_DIR"]).resolve())
    limit = 3 * budget_s + 300  # a tool that overruns this much is stopped and counted as failed
    log = out.with_suffix(".log")
    started = time.perf_counter()
    with log.open("w") as fh:
        proc = subprocess.Popen(
            command, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=out.parent, start_new_session=True
        )  # cwd: PyCaret writes logs.log where it runs
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > limit and not killed:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.1)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    facts: dict[str, Any] = {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "wait4_maxrss_mib": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB; includes the runner's size
        "predictions": str(out),
        "log": str(log),
    }
    if killed or proc.returncode != 0 or not out.exists():
        tail = log.read_text(errors="replace").splitlines()[-8:]
        why = f"stopped after {limit:.0f} s" if killed else f"exit {proc.returncode}"
        return {**facts, "status": "failed", "reason": why, "log_tail": tail}
    facts["facts"] = json.loads(out.with_suffix(".json").read_text())
    return {**facts, "peak_mib": facts["facts"].get("peak_mib"), "status": "ok"}


def _digest(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def run_key(tool: str, meta: dict[str, Any], args: argparse.Namespace) -> str:
    """What a finished run depends on: the tool and its code, the rows, the budget (and axpoc's config).

    A run is reused only under the same key, so a protocol longer than one sitting can be stopped and
    resumed without mixing in runs of other code, rows or budgets: axpoc's runs are keyed by the git
    tree of ``axpoc/`` and the data set's config file; the peers by their env's pins; the floors by the
    project's library versions.
    """
    rows = (meta["train_rows"], meta["test_rows"], meta.get("task"), meta.get("primary"))
    if tool == "axpoc":
        code: Any = [axpoc_tree(), Path(meta["config"]).read_text(encoding="utf-8")]
    elif tool in PEERS:
        stamp = env_python(tool).parents[1] / ".pins.json"
        code = stamp.read_text() if stamp.exists() else "missing"
    else:
        code = versions([tool])
    return _digest(tool, code, rows, args.budget, args.trials if tool == "axpoc" else None)


def axpoc_tree() -> str:
    """The git tree hash of ``axpoc/``: changes exactly when axpoc's code does (a dirty tree never matches)."""
    root = HERE.parents[1]
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "axpoc"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = subprocess.run(
        ["git", "rev-parse", "HEAD:axpoc"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    return f"{tree}+dirty{time.time()}" if dirty else tree


def cached_run(
    tool: str, split: Path, meta: dict[str, Any], args: argparse.Namespace, *, seed: int, out: Path
) -> dict[str, Any]:
    """``run_tool``, or the same run finished earlier under the same key (unless ``--fresh``).

    A failed run is tried again by the next run; with ``--no-run`` it is reported with its reason and a
    run not stored yet is only marked pending: the tables of what is done so far.

    Each run is stored beside its predictions with when it ran and the machine's load before and
    after, and its CPU share (CPU s / wall s: a tool that got less than one core shows it).
    """
    key = run_key(tool, meta, args)
    record = out.with_suffix(".run.json")
    kept = json.loads(record.read_text()) if record.exists() and not args.fresh else {}
    done = (
        kept.get("key") == key and kept["run"]["status"] == "ok" and Path(kept["run"]["predictions"]).exists()
    )
    if done or (args.no_run and kept.get("key") == key):  # a stored failure is reported with its reason
        return {**kept["run"], "reused": True}
    if args.no_run:
        return {"status": "pending", "reason": "not run yet"}
    load_before = os.getloadavg()[0]
    ran_at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    run = run_tool(tool, split, budget_s=args.budget, seed=seed, out=out, trials=args.trials)
    run.update(ran_at=ran_at, load_before=round(load_before, 2), load_after=round(os.getloadavg()[0], 2))
    if run.get("wall_s"):
        run["cpu_share"] = round(run["cpu_s"] / run["wall_s"], 3)
    record.write_text(json.dumps({"key": key, "run": run}, indent=1, default=str) + "\n", encoding="utf-8")
    return run


def tool_output(meta: dict[str, Any], predictions: Path) -> np.ndarray:
    """A tool's saved test-part output: values (regression), scores (binary) or class probabilities."""
    frame = pd.read_parquet(predictions)
    if meta["task"] == "regression":
        return frame["pred"].to_numpy(dtype=float)
    if meta["task"] in ("binary", "anomaly"):
        return frame["score"].to_numpy(dtype=float)
    return frame[[str(c) for c in meta["classes"]]].to_numpy(dtype=float)


def _what_metric_reads(meta: dict[str, Any], out: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Scores for AP/AUC, values for regression, the argmax class for the multiclass label metrics."""
    return classes[np.argmax(out, axis=1)] if meta["task"] == "multiclass" else out


def paired_difference(
    meta: dict[str, Any], test: pd.DataFrame, a: np.ndarray, b: np.ndarray
) -> dict[str, Any]:
    """Tool a minus tool b on the same test rows (outputs as :func:`tool_output` reads them): the paired
    bootstrap (1000 resamples, whole groups where the split is grouped) and whether a is significantly worse."""
    from axpoc.compare import Scorer
    from axpoc.kpi import paired_bootstrap_diff

    classes = np.asarray(meta["classes"])
    diff = paired_bootstrap_diff(
        meta["primary"],
        test[TARGET].to_numpy(),
        _what_metric_reads(meta, a, classes),
        _what_metric_reads(meta, b, classes),
        groups=test[GROUP].to_numpy() if GROUP in test else None,
        n_boot=1000,
        random_state=0,
        labels=list(classes) if meta["task"] == "multiclass" else None,
    )
    higher = Scorer.for_task(meta["task"], meta["primary"]).higher_is_better
    return {
        "diff": diff.point,
        "low": diff.low,
        "high": diff.high,
        "significantly_worse": bool(diff.high < 0 if higher else diff.low > 0),
    }


def best_other(runs: dict[str, dict[str, Any]], *, higher: bool, tool: str = "axpoc") -> str | None:
    """The tool other than ``tool`` with the best test score on this seed (None when no other has one)."""
    others = {t: r for t, r in runs.items() if t != tool and r.get("score") is not None}
    return (max if higher else min)(others, key=lambda t: others[t]["score"]) if others else None


def score_seed(meta: dict[str, Any], split: Path, runs: dict[str, dict[str, Any]]) -> dict[str, int | None]:
    """Every finished tool's primary metric on the test part, and axpoc minus each in a paired bootstrap.

    Returns the evidence the test part holds: rows, groups (grouped splits) and, for a classifier, the
    rarest class's count (see :func:`smallest_test_part`)."""
    from axpoc.compare import Scorer

    test = pd.read_parquet(split / "test.parquet")
    y = test[TARGET].to_numpy()
    classes = np.asarray(meta["classes"])
    scorer = Scorer.for_task(meta["task"], meta["primary"])
    outputs = {}
    for tool, run in runs.items():
        if run["status"] == "ok":
            outputs[tool] = tool_output(meta, Path(run["predictions"]))
            run["score"] = scorer.score(y, outputs[tool], classes)
    for tool, out in outputs.items():
        if tool != "axpoc" and "axpoc" in outputs:
            d = paired_difference(meta, test, outputs["axpoc"], out)
            runs[tool]["axpoc_minus"] = {
                "diff": d["diff"],
                "low": d["low"],
                "high": d["high"],
                "axpoc_significantly_worse": d["significantly_worse"],
            }
    return {
        "rows": len(test),
        "groups": int(test[GROUP].nunique()) if GROUP in test else None,
        "rarest_class": int(test[TARGET].value_counts().min()) if meta["task"] != "regression" else None,
    }


def run_all(
    args: argparse.Namespace, progress: Callable[[list[dict[str, Any]]], None]
) -> list[dict[str, Any]]:
    """One record per data set and seed (and per stability repeat): meta, and every tool's run.

    ``progress`` gets the records so far after each finished seed, so a stopped run leaves its tables.
    """
    known = datasets()
    records: list[dict[str, Any]] = []
    for name in args.datasets:
        for seed in args.seeds:
            split = args.work / "splits" / name / f"seed{seed}"
            meta = write_split(name, known[name], seed=seed, budget_s=args.budget, folder=split)
            runs: dict[str, dict[str, Any]] = {}
            for tool in args.tools:
                out = args.work / "runs" / name / f"seed{seed}" / f"{tool}.parquet"
                runs[tool] = cached_run(tool, split, meta, args, seed=seed, out=out)
                print(
                    f"[{name} seed {seed}] {tool}: {runs[tool]['status']} {runs[tool].get('reason', '')}"
                    f" wall {runs[tool].get('wall_s', '-')} s"
                    + (" (finished earlier, reused)" if runs[tool].get("reused") else ""),
                    flush=True,
                )
            test_part = score_seed(meta, split, runs)
            records.append(
                {
                    "dataset": name,
                    "seed": seed,
                    "repeat": 0,
                    "split": str(split),
                    "meta": _short(meta),
                    "runs": runs,
                    "test_part": test_part,
                }
            )
            progress(records)
        if args.stability and "axpoc" in args.tools:
            seed = args.seeds[0]
            split = args.work / "splits" / name / f"seed{seed}"
            meta = json.loads((split / "meta.json").read_text())
            for repeat in range(1, args.stability):  # the seed's own run is the first
                out = args.work / "runs" / name / f"seed{seed}" / f"axpoc_repeat{repeat}.parquet"
                runs = {"axpoc": cached_run("axpoc", split, meta, args, seed=seed, out=out)}
                test_part = score_seed(meta, split, runs)
                records.append(
                    {
                        "dataset": name,
                        "seed": seed,
                        "repeat": repeat,
                        "split": str(split),
                        "meta": _short(meta),
                        "runs": runs,
                        "test_part": test_part,
                    }
                )
                print(f"[{name} seed {seed}] axpoc repeat {repeat}: {runs['axpoc'].get('score')}", flush=True)
            progress(records)
    return records


def _short(meta: dict[str, Any]) -> dict[str, Any]:
    drop = ("train_rows", "test_rows")
    return {
        **{k: v for k, v in meta.items() if k not in drop},
        "n_train": len(meta["train_rows"]),
        "n_test": len(meta["test_rows"]),
        # Seeds that give the same test rows are one split counted twice (a group split of unequal
        # groups places them largest first, so its seed may change nothing): the summary counts them.
        "test_digest": hashlib.sha1(json.dumps(meta["test_rows"]).encode()).hexdigest()[:12],
    }


# --- summary ----------------------------------------------------------------------------------------


def summarise(records: list[dict[str, Any]], tools: list[str]) -> list[dict[str, Any]]:
    """Per data set and block: mean ± sd per tool, axpoc's rank, seeds where axpoc is significantly worse
    than that seed's best other tool, and the mean wall/CPU/peak memory."""
    from axpoc.compare import Scorer

    out = []
    main = [r for r in records if r["repeat"] == 0]
    for name in dict.fromkeys(r["dataset"] for r in main):
        for block, pick in (("main", lambda s: s < FRESH_FROM), ("fresh", lambda s: s >= FRESH_FROM)):
            rows = [r for r in main if r["dataset"] == name and pick(r["seed"])]
            if not rows:
                continue
            meta = rows[0]["meta"]
            higher = Scorer.for_task(meta["task"], meta["primary"]).higher_is_better
            entry: dict[str, Any] = {
                "dataset": name,
                "block": block,
                "seeds": [r["seed"] for r in rows],
                "primary": meta["primary"],
                "higher_is_better": higher,
                "distinct_test_parts": len({r["meta"]["test_digest"] for r in rows}),
                "test_part": smallest_test_part(rows),
                "tools": {},
            }
            for tool in tools:
                done = [r["runs"][tool] for r in rows if r["runs"].get(tool, {}).get("status") == "ok"]
                scores = [d["score"] for d in done if d.get("score") is not None and np.isfinite(d["score"])]
                entry["tools"][tool] = {
                    "n": len(scores),
                    "mean": float(np.mean(scores)) if scores else None,
                    "sd": float(np.std(scores, ddof=1)) if len(scores) > 1 else None,
                    **{
                        k: float(np.mean([d[k] for d in done])) if done else None
                        for k in ("wall_s", "cpu_s", "peak_mib", "cpu_share")
                        if all(d.get(k) is not None for d in done)
                    },
                    "not_run": sorted(
                        {
                            r["runs"][tool].get("reason", "")
                            for r in rows
                            if r["runs"].get(tool, {}).get("status") != "ok"
                        }
                    ),
                }
            ranked = sorted(
                (t for t, v in entry["tools"].items() if v["mean"] is not None),
                key=lambda t: entry["tools"][t]["mean"],
                reverse=higher,
            )
            entry["axpoc_rank"] = ranked.index("axpoc") + 1 if "axpoc" in ranked else None
            entry["ranked"] = ranked
            worse, judged = 0, 0
            for r in rows:
                best = best_other(r["runs"], higher=higher)
                if best is None or "axpoc_minus" not in r["runs"][best]:
                    continue
                worse += int(r["runs"][best]["axpoc_minus"]["axpoc_significantly_worse"])
                judged += 1
            entry["axpoc_significantly_worse_than_best"] = worse
            entry["seeds_judged"] = judged
            out.append(entry)
    return out


def smallest_test_part(rows: list[dict[str, Any]]) -> dict[str, int | None]:
    """The least evidence any seed's test part holds (the parts :func:`score_seed` measured). Four test
    groups give a paired bootstrap four units to resample: its "significantly worse" is then a weak
    statement, and the tables show it beside the verdicts."""
    parts = [r["test_part"] for r in rows]
    return {
        key: None if any(p[key] is None for p in parts) else min(p[key] for p in parts)
        for key in ("rows", "groups", "rarest_class")
    }


def _test_part_text(part: dict[str, int | None]) -> str:
    words = [f"{part['rows']:,} rows"]
    if part["groups"] is not None:
        words.append(f"{part['groups']} groups")
    if part["rarest_class"] is not None:
        words.append(f"rarest class {part['rarest_class']}")
    return ", ".join(words)


def _ahead(tools: dict[str, Any], tool: str, sign: int) -> float | None:
    """axpoc's mean minus a tool's, signed so that positive is axpoc ahead."""
    theirs = tools.get(tool, {}).get("mean")
    return None if theirs is None else sign * (tools["axpoc"]["mean"] - theirs)


def paired_over_seeds(
    records: list[dict[str, Any]], entry: dict[str, Any], tool: str | None, sign: int
) -> dict[str, float] | None:
    """axpoc minus ``tool`` seed by seed (positive = axpoc ahead): the mean and its 95 % t interval over
    the block's seeds, so a mean target met or missed by less than the seeds' own noise says so."""
    from scipy import stats

    if tool is None:
        return None
    diffs = [
        sign * (r["runs"]["axpoc"]["score"] - r["runs"][tool]["score"])
        for r in records
        if r["dataset"] == entry["dataset"]
        and r["repeat"] == 0
        and r["seed"] in entry["seeds"]
        and r["runs"].get("axpoc", {}).get("score") is not None
        and r["runs"].get(tool, {}).get("score") is not None
    ]
    if len(diffs) < 2:
        return None
    mean = float(np.mean(diffs))
    half = float(stats.t.ppf(0.975, len(diffs) - 1) * np.std(diffs, ddof=1) / np.sqrt(len(diffs)))
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": len(diffs)}


def targets(
    summary: list[dict[str, Any]], records: list[dict[str, Any]], budget_s: float
) -> list[dict[str, Any]]:
    """Issue 16's targets per data set and block, each with the margin it was met or missed by.

    Score: axpoc's mean over seeds against the best AutoML peer's mean and each default GBDT's (signed so
    that positive is axpoc ahead); significance: seeds where axpoc is significantly worse than the best
    other tool; budget: axpoc's comparisons (its own ``compare_s``) over budget + 10 %; memory: axpoc's
    mean peak against the lightest AutoML peer's. A target without the runs to judge it is ``None``.
    """
    out = []
    for entry in summary:
        tools, sign = entry["tools"], 1 if entry["higher_is_better"] else -1
        ours = tools.get("axpoc", {})
        if ours.get("mean") is None:
            continue

        peers = [t for t in PEERS if tools.get(t, {}).get("mean") is not None]
        best = max(peers, key=lambda t: sign * tools[t]["mean"]) if peers else None
        light = [t for t in PEERS if tools.get(t, {}).get("peak_mib") is not None]
        lightest = min(light, key=lambda t: tools[t]["peak_mib"]) if light else None
        compare = [
            r["runs"]["axpoc"]["facts"]["compare_s"]
            for r in records
            if r["dataset"] == entry["dataset"]
            and r["repeat"] == 0
            and r["seed"] in entry["seeds"]
            and r["runs"].get("axpoc", {}).get("status") == "ok"
        ]
        out.append(
            {
                "dataset": entry["dataset"],
                "block": entry["block"],
                "best_peer": best,
                "ahead_of_best_peer": _ahead(tools, best, sign) if best else None,
                "ahead_of_lightgbm": _ahead(tools, "lightgbm", sign),
                "ahead_of_hgb": _ahead(tools, "hgb", sign),
                "paired_over_seeds": {
                    name: paired_over_seeds(records, entry, tool, sign)
                    for name, tool in (("best_peer", best), ("lightgbm", "lightgbm"), ("hgb", "hgb"))
                },
                "seeds_significantly_worse": entry["axpoc_significantly_worse_than_best"],
                "seeds": entry["seeds_judged"],
                "compare_s_max": max(compare) if compare else None,
                "over_budget_runs": sum(c > 1.1 * budget_s for c in compare),
                "lightest_peer": lightest,
                "peak_mib_over_lightest": (
                    ours["peak_mib"] - tools[lightest]["peak_mib"]
                    if lightest and ours.get("peak_mib") is not None
                    else None
                ),
            }
        )
    return out


def stability(records: list[dict[str, Any]], summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spread of axpoc's chosen model's test score over repeats of one config and seed.

    Beside the spread: the seed-to-seed sd of the main block (the noise a verdict must live with),
    whether every repeat chose the same model (family and parameters), and each repeat's trials per
    candidate, which show when the clock decided: under ``tuning.budget_s`` a busy machine runs fewer
    trials, and a different winner follows from different trials, not from different data.
    """
    out = []
    for name in dict.fromkeys(r["dataset"] for r in records if r["repeat"] > 0):
        seed = min(x["seed"] for x in records if x["dataset"] == name and x["repeat"] > 0)
        runs = [
            r["runs"]["axpoc"]
            for r in records
            if r["dataset"] == name and r["seed"] == seed and r["runs"]["axpoc"].get("score") is not None
        ]
        scores = [run["score"] for run in runs]
        if not scores:  # no repeat of this data set has run yet
            continue
        facts = [run.get("facts", {}) for run in runs]
        choices = [json.dumps([f.get("chosen"), f.get("params")], sort_keys=True, default=str) for f in facts]
        trials = [
            {
                row["candidate"]: int(row["trials"])
                for row in f.get("leaderboard", [])
                if row.get("status") == "ok" and np.isfinite(row.get("trials", np.nan))
            }
            for f in facts
        ]
        seed_sd = next(
            (s["tools"]["axpoc"]["sd"] for s in summary if s["dataset"] == name and s["block"] == "main"),
            None,
        )
        spread = float(np.ptp(scores)) if scores else None
        same = len(set(choices)) == 1
        out.append(
            {
                "dataset": name,
                "seed": seed,
                "scores": scores,
                "chosen": [f.get("chosen") for f in facts],
                "same_choice": same,
                "trials_per_candidate": trials,
                "clock_decided": not same and len({json.dumps(t, sort_keys=True) for t in trials}) > 1,
                "budget_s": facts[0].get("budget_s") if facts else None,
                "spread": spread,
                "sd": float(np.std(scores, ddof=1)) if len(scores) > 1 else None,
                "seed_to_seed_sd": seed_sd,
                "within_seed_noise": None if seed_sd is None or spread is None else spread <= seed_sd,
            }
        )
    return out


def _signed(value: float | None, paired: dict[str, float] | None) -> str:
    """A target's signed difference of means, with its interval over seeds where there is one."""
    if value is None:
        return "-"
    return f"{value:+.3f}" + (f" [{paired['low']:+.3f}, {paired['high']:+.3f}]" if paired else "")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(payload: dict[str, Any]) -> str:
    """The tables of peers.md, every figure from this run's records."""
    between = payload.get("ran_between") or [payload["started"], payload["finished"]]
    lines = [
        f"# {payload['title']}",
        "",
        f"Runs between {between[0]} and {between[-1]} on {payload['machine']}; budget "
        f"{payload['budget_s']:.0f} s per tool, one thread, tools run one at a time. This sitting "
        f"{payload['started']} - {payload['finished']}, load average (1/5/15 min) before "
        f"{payload['load_before']}, after {payload['load_after']}; each run's own load and CPU share are "
        "in the JSON.",
        "",
        f"Runs done: {payload['runs_done']} of {payload['runs_planned']} planned"
        + (
            f" (**PARTIAL**: data sets {', '.join(payload['datasets'])}, seeds {payload['seeds']})"
            if payload["runs_done"] < payload["runs_planned"]
            else ""
        )
        + f"; {payload['runs_reused']} stored runs reused from earlier sittings (same code, rows and budget).",
        "",
        "Versions: " + "; ".join(f"{k} {v}" for k, v in payload["versions"].items()),
        "",
    ]
    tools = payload["tools"]
    lines += [
        "## Summary: mean ± sd over seeds of each block (rank of axpoc; seeds where axpoc is significantly "
        "worse than that seed's best other tool)",
        "",
        "| data set | block | metric | "
        + " | ".join(tools)
        + " | axpoc's rank | axpoc significantly worse | smallest test part |",
        "|---|---|---|" + "---|" * len(tools) + "---|---|---|",
    ]
    for entry in payload["summary"]:
        cells = []
        for tool in tools:
            v = entry["tools"][tool]
            cell = "-" if v["mean"] is None else f"{v['mean']:.3f}" + (f" ± {v['sd']:.3f}" if v["sd"] else "")
            cells.append(
                cell + (f" (n={v['n']})" if v["mean"] is not None and v["n"] != len(entry["seeds"]) else "")
            )
        ranked = entry["axpoc_rank"] is not None
        arrow = "↑" if entry["higher_is_better"] else "↓"
        lines.append(
            f"| {entry['dataset']} | {entry['block']} | {entry['primary']} {arrow} | "
            + " | ".join(cells)
            + " | "
            + (f"{entry['axpoc_rank']} of {len(entry['ranked'])} | " if ranked else "- | ")
            + (
                f"{entry['axpoc_significantly_worse_than_best']} of {entry['seeds_judged']} |"
                if ranked
                else "- |"
            )
            + f" {_test_part_text(entry['test_part'])} |"
        )
    lines.append("")
    for entry in payload["summary"]:
        arrow = "higher is better" if entry["higher_is_better"] else "lower is better"
        lines += [
            f"## {entry['dataset']} ({entry['block']} block, seeds {entry['seeds']}; "
            f"{entry['primary']}, {arrow})",
            "",
            "| tool | n | mean | sd | wall s | CPU s | CPU share | peak MiB | not run |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for tool in tools:
            v = entry["tools"][tool]
            lines.append(
                f"| {tool} | {v['n']} | {_fmt(v['mean'])} | {_fmt(v['sd'])} | {_fmt(v.get('wall_s'), 1)} | "
                f"{_fmt(v.get('cpu_s'), 1)} | {_fmt(v.get('cpu_share'), 2)} | {_fmt(v.get('peak_mib'), 0)} | "
                f"{'; '.join(v['not_run'])} |"
            )
        lines += [
            "",
            f"axpoc's rank by mean: {entry['axpoc_rank']} of {len(entry['ranked'])} "
            f"({' > '.join(entry['ranked'])}); seeds where axpoc is significantly worse than that seed's "
            f"best other tool: {entry['axpoc_significantly_worse_than_best']} of {entry['seeds_judged']}. "
            f"Distinct test parts among these seeds: {entry['distinct_test_parts']}; the smallest holds "
            f"{_test_part_text(entry['test_part'])}.",
            "",
        ]
    if payload["targets"]:
        lines += [
            "## Targets (issue 16): positive = axpoc ahead",
            "",
            "Each mean difference is followed by its 95 % t interval over the block's seeds (axpoc minus the "
            "tool seed by seed): an interval across 0 means the seeds cannot tell the two means apart.",
            "",
            "| data set | block | axpoc - best AutoML peer | axpoc - default LightGBM | axpoc - default HGB "
            "| seeds significantly worse than the best tool | comparisons over budget + 10 % (longest s) "
            "| peak MiB over the lightest AutoML peer |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for t in payload["targets"]:
            signed = {
                key: _signed(t[f"ahead_of_{key}"], t.get("paired_over_seeds", {}).get(key))
                for key in ("best_peer", "lightgbm", "hgb")
            }
            memory = t["peak_mib_over_lightest"]
            lines.append(
                f"| {t['dataset']} | {t['block']} | {signed['best_peer']} ({t['best_peer'] or '-'}) | "
                f"{signed['lightgbm']} | {signed['hgb']} | "
                f"{t['seeds_significantly_worse']} of {t['seeds']} | {t['over_budget_runs']} "
                f"({_fmt(t['compare_s_max'], 1)}) | "
                f"{'-' if memory is None else f'{memory:+.0f}'} ({t['lightest_peer'] or '-'}) |"
            )
        lines.append("")
    lines += [
        "## Per seed: axpoc minus each tool (paired bootstrap, 95 %)",
        "",
        "| data set | seed | tool | tool score | axpoc - tool | interval | axpoc significantly worse |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in payload["records"]:
        if r["repeat"]:
            continue
        ours = r["runs"].get("axpoc", {}).get("score")
        lines.append(f"| {r['dataset']} | {r['seed']} | axpoc | {_fmt(ours)} | | | |")
        for tool, run in r["runs"].items():
            if tool == "axpoc":
                continue
            d = run.get("axpoc_minus")
            if d is None:
                lines.append(
                    f"| {r['dataset']} | {r['seed']} | {tool} | {run['status']}: {run.get('reason', '')} "
                    "| | | |"
                )
                continue
            lines.append(
                f"| {r['dataset']} | {r['seed']} | {tool} | {_fmt(run['score'])} | {d['diff']:+.3f} | "
                f"[{d['low']:+.3f}, {d['high']:+.3f}] | {'yes' if d['axpoc_significantly_worse'] else 'no'} |"
            )
    if payload["stability"]:
        lines += [
            "",
            "## Run-to-run stability of axpoc (same config and seed)",
            "",
            "Tuning: "
            + (
                f"by trial count ({payload['axpoc_trials']} trials per candidate, no clock)"
                if payload.get("axpoc_trials")
                else f"by the clock (tuning.budget_s {payload['budget_s']:.0f} s)"
            )
            + ".",
            "",
            "| data set | seed | scores | chosen | same choice | spread | sd | seed-to-seed sd (main block) "
            "| spread within it | trials per candidate, each repeat |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for s in payload["stability"]:
            trials = " / ".join(
                ", ".join(f"{k} {v}" for k, v in t.items()) for t in s["trials_per_candidate"]
            )
            within = {None: "-", True: "yes", False: "no"}[s["within_seed_noise"]]
            lines.append(
                f"| {s['dataset']} | {s['seed']} | {', '.join(_fmt(x) for x in s['scores'])} | "
                f"{', '.join(map(str, s['chosen']))} | {'yes' if s['same_choice'] else 'no'} | "
                f"{_fmt(s['spread'])} | {_fmt(s['sd'])} | {_fmt(s['seed_to_seed_sd'])} | {within} | {trials} |"
            )
    return "\n".join(lines) + "\n"


def plot(payload: dict[str, Any], path: Path) -> None:
    """One panel per data set and block (main and fresh side by side, four panels a row): each seed's test
    score per tool as a dot, the mean as a bar; the axis spans every dot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = payload["summary"]
    columns = min(4, max(len(panels), 1))
    rows = -(-max(len(panels), 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.6 * rows), squeeze=False)
    tools = payload["tools"]
    for ax, entry in zip(axes.flat, panels, strict=False):
        means = [entry["tools"][t]["mean"] or np.nan for t in tools]
        ax.bar(
            range(len(tools)),
            means,
            color=["tab:red" if t == "axpoc" else "tab:gray" for t in tools],
            alpha=0.5,
        )
        shown = [m for m in means if np.isfinite(m)]
        for i, tool in enumerate(tools):
            pts = [
                r["runs"][tool]["score"]
                for r in payload["records"]
                if r["dataset"] == entry["dataset"]
                and r["repeat"] == 0
                and r["seed"] in entry["seeds"]
                and r["runs"].get(tool, {}).get("score") is not None
            ]
            ax.plot([i] * len(pts), pts, "k.", ms=5)
            shown += [v for v in pts if np.isfinite(v)]
        if shown:
            low, high = min(shown), max(shown)
            pad = 0.08 * (high - low) + 0.01
            ax.set_ylim(low - pad, high + pad)
        ax.set_xticks(range(len(tools)), tools, rotation=30, fontsize=8)
        arrow = "higher is better" if entry["higher_is_better"] else "lower is better"
        ax.set_title(
            f"{entry['dataset']}\n{entry['block']} seeds, {entry['primary']} ({arrow})", fontsize=8.5
        )
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.suptitle(payload["title"], fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def prediction_table(records: list[dict[str, Any]], path: Path) -> None:
    """Every finished run's test-part predictions in one long Parquet file, beside the results.

    One row per data set, seed, repeat, tool and test row: ``row`` is the row's position in axpoc's
    prepared frame, ``y`` the encoded target, ``output`` what the tool predicted as a list (one Parquet
    type for every task): [P(class 1)], [the value], or the class probabilities in the order of the
    JSON's ``meta.classes``.
    """
    parts = []
    for record in records:
        test = pd.read_parquet(Path(record["split"]) / "test.parquet")
        rows = json.loads((Path(record["split"]) / "meta.json").read_text())["test_rows"]
        meta = record["meta"]
        for tool, run in record["runs"].items():
            if run["status"] != "ok":
                continue
            out = tool_output(meta, Path(run["predictions"]))
            parts.append(
                pd.DataFrame(
                    {
                        "dataset": record["dataset"],
                        "seed": record["seed"],
                        "repeat": record["repeat"],
                        "tool": tool,
                        "row": rows,
                        "y": test[TARGET].to_numpy(),
                        "output": [np.atleast_1d(row).tolist() for row in out],
                    }
                )
            )
    if parts:
        pd.concat(parts, ignore_index=True).to_parquet(path)


def versions(tools: list[str]) -> dict[str, str]:
    """The installed version of every tool run (the peers from their own environments' setup status)."""
    import importlib.metadata as md

    out = {
        "axpoc": md.version("axpoc") if _installed("axpoc") else "tree",
        "lightgbm": md.version("lightgbm"),
        "scikit-learn": md.version("scikit-learn"),
    }
    status = HERE / ".envs" / "status.json"
    known = json.loads(status.read_text()) if status.exists() else {}
    for peer in PEERS:
        if peer in tools:
            got = known.get(peer, {}).get("versions", {})
            out[f"{peer} env"] = ", ".join(f"{k} {v}" for k, v in got.items()) or "not installed"
    return out


def _installed(name: str) -> bool:
    import importlib.metadata as md

    try:
        md.version(name)
    except md.PackageNotFoundError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=list(datasets()), choices=list(datasets()))
    ap.add_argument("--seeds", nargs="+", type=int, default=[*MAIN_SEEDS, *FRESH_SEEDS])
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per tool and split")
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=list(TOOLS))
    ap.add_argument(
        "--stability", type=int, default=0, help="run axpoc N times in all on the first seed of each data set"
    )
    ap.add_argument(
        "--out", type=Path, default=HERE.parent / "results" / "peers", help="stem of .json/.md/.png"
    )
    ap.add_argument("--work", type=Path, default=HERE / ".work", help="splits, predictions and logs")
    ap.add_argument("--title", default="Peers side by side (benchmarks/peers/run.py)")
    ap.add_argument(
        "--trials",
        type=int,
        default=None,
        help="axpoc tunes by this trial count per candidate instead of the clock (repeatable)",
    )
    ap.add_argument("--fresh", action="store_true", help="run every tool again, even when a run is stored")
    ap.add_argument(
        "--no-run", action="store_true", help="run nothing: write the tables of the runs stored so far"
    )
    args = ap.parse_args(argv)
    args.work = args.work.resolve()  # the workers run in their own output folders
    for name, value in THREADS.items():
        os.environ.setdefault(name, value)
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()
    planned = len(args.datasets) * (len(args.seeds) * len(args.tools) + max(args.stability - 1, 0))

    def write(records: list[dict[str, Any]]) -> dict[str, Any]:
        summary = summarise(records, args.tools)
        runs = [run for r in records for run in r["runs"].values()]
        payload = {
            "title": args.title,
            "started": started,
            "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{os.cpu_count()} CPUs, {platform.platform()}",
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "budget_s": args.budget,
            "axpoc_trials": args.trials,
            "seeds": args.seeds,
            "datasets": args.datasets,
            "tools": args.tools,
            "runs_done": sum(run["status"] != "pending" for run in runs),
            "runs_planned": planned,
            "runs_reused": sum(bool(run.get("reused")) for run in runs),
            "ran_between": [min(ran), max(ran)]
            if (ran := [x["ran_at"] for x in runs if "ran_at" in x])
            else [],
            "versions": versions(args.tools),
            "summary": summary,
            "targets": targets(summary, records, args.budget),
            "stability": stability(records, summary),
            "records": records,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".json").write_text(
            json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8"
        )
        args.out.with_suffix(".md").write_text(markdown(payload), encoding="utf-8")
        plot(payload, args.out.with_suffix(".png"))
        prediction_table(records, Path(f"{args.out}_predictions.parquet"))
        return payload

    print(markdown(write(run_all(args, write))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Why does axpoc end below default LightGBM / HistGradientBoosting on ai4i2020? Nested CV, training parts only.

No reported test part is read. For each split seed, axpoc's own split gives the training part (7,500
rows); that part is cut into ``--outer`` stratified folds. On each outer fold's training rows axpoc runs
its real comparison (`axpoc.run_comparison`: same candidates, same inner CV, same 1-SE guard, same
blend), and every "arm" below is refitted on those rows and scored on the held outer fold:

- ``chosen``: what axpoc picked (family, tuned or defaults, or the blend);
- ``<family>:defaults``, ``<family>:tuned_top`` (the best inner-CV trial, before the guard),
  ``<family>:guarded`` (what the 1-SE guard kept);
- ``ensemble`` when the blend was built;
- ``floor_lightgbm``, ``floor_hgb``: library defaults with native categories, as the peers runner's floors;
- ``lightgbm:library_params``: LightGBM's library defaults inside axpoc's pipeline (one-hot ``Type``),
  which separates axpoc's LightGBM defaults from its preprocessing.

The mean outer score of each arm, its paired difference to each floor (mean and standard error over all
outer folds), its inner-CV score (optimism = inner - outer) and how often each choice was made are
printed and written to ``--out``. Tuning runs by trial count (``tuning.budget_s`` null), so the
diagnosis is repeatable and does not depend on the machine's load.

    AXPOC_DATA_DIR=../shared/data nice -n 15 python benchmarks/ai4i_diagnosis.py --seeds 0 1 2 3 4
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# One thread, as in the peers runner, set before scikit-learn loads OpenMP (main also limits the pools):
# OpenMP threads that spin while waiting make a shared machine many times slower.
for _name, _value in (("OMP_NUM_THREADS", "1"), ("OMP_WAIT_POLICY", "PASSIVE")):
    os.environ.setdefault(_name, _value)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "peers"), str(HERE / "peers" / "workers")]

CONFIG = HERE.parent / "configs" / "examples" / "realdata" / "ai4i2020.yaml"


def _arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=CONFIG)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--outer", type=int, default=5, help="outer folds inside each training part")
    ap.add_argument("--trials", type=int, default=None, help="tuning.trials (default: the config's)")
    ap.add_argument("--candidates", nargs="+", default=None, help="override the config's candidates")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "ai4i_diagnosis.json")
    ap.add_argument(
        "--summary", type=Path, default=None, help="print the summary of a written --out, run nothing"
    )
    ap.add_argument("--markdown", action="store_true", help="with --summary: also the README's table")
    ap.add_argument(
        "--fixed-only", action="store_true", help="only the untuned arms and floors (minutes, not hours)"
    )
    return ap.parse_args()


def diagnosis_config(path: Path, *, seed: int, trials: int | None, candidates: list[str] | None) -> Any:
    """The data set's config for one seed, one thread, tuned by trial count (no clock)."""
    from splits import configured

    from axpoc.config import CandidateConfig

    config = configured(path, seed=seed, budget_s=60.0)
    tuning = config.tuning.model_copy(update={"budget_s": None, "trials": trials or config.tuning.trials})
    update: dict[str, Any] = {"tuning": tuning}
    if candidates:
        update["candidates"] = [CandidateConfig(name=name) for name in candidates]
    return config.model_copy(update=update)


def _floors(
    X: pd.DataFrame, y: np.ndarray, Xt: pd.DataFrame, *, scorer: Any, yt: np.ndarray, classes: np.ndarray
) -> dict[str, float]:
    """The peers runner's floors (library defaults, native categories) on the same rows."""
    from floor_worker import as_categories, floor_model

    from axpoc.compare import model_output

    names = {c: f"f{i}" for i, c in enumerate(X.columns)}
    Xc, Xtc = as_categories(X.rename(columns=names), Xt.rename(columns=names))
    out = {}
    for library in ("lightgbm", "hgb"):
        model = floor_model(library, regression=scorer.task == "regression").fit(Xc, y)
        out[f"floor_{library}"] = scorer.score(yt, model_output(model, Xtc, scorer.task), classes)
    return out


def outer_folds(config: Any, prepared: Any, n_folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Outer folds of the training part, as positions in it: whole groups when the split is grouped,
    stratified for a class target, plain shuffled folds for a number."""
    from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

    train = prepared.train
    group = config.columns.group
    if group and group in train.columns:
        folds = GroupKFold(n_folds, shuffle=True, random_state=1000 + seed)
        return list(folds.split(train, groups=train[group].astype(str).to_numpy()))
    if config.target.task == "regression":
        return list(KFold(n_folds, shuffle=True, random_state=1000 + seed).split(train))
    return list(
        StratifiedKFold(n_folds, shuffle=True, random_state=1000 + seed).split(train, prepared.y_train)
    )


def _outer_fold(
    config: Any, prepared: Any, train_rows: np.ndarray, held_rows: np.ndarray, *, compare: bool
) -> dict[str, Any]:
    """axpoc's comparison on ``train_rows`` (positions in the frame); every arm scored on ``held_rows``.

    Without ``compare`` only the fixed arms run (no tuning): LightGBM variants and the floors.
    """
    import axpoc
    from axpoc.compare import Scorer, model_output
    from axpoc.models import build_pipeline, get_family

    split = dataclasses.replace(prepared.split, train_index=train_rows, test_index=held_rows)
    inner = dataclasses.replace(prepared, split=split)
    started = time.perf_counter()
    comparison = axpoc.run_comparison(config, inner) if compare else None
    compare_s = time.perf_counter() - started
    features = list(inner.roles.features)
    X, y = inner.train[features].reset_index(drop=True), inner.y_train
    Xt, yt = inner.test[features], inner.y_test
    task, classes = config.target.task, np.asarray(prepared.target.classes)
    scorer = Scorer.for_task(task, config.kpi.primary)
    share = 1.0 if task == "regression" else float(np.bincount(y).min() / len(y))

    def outer_score(family: str, params: dict[str, Any]) -> float:
        model = build_pipeline(
            get_family(family),
            params,
            frame=X,
            features=features,
            task=task,
            random_state=config.tuning.seed,
            n_jobs=1,
            class_weight="balanced" if share < 0.2 else None,
            resample=config.tuning.resample,
        ).fit(X, y)
        return float(scorer.score(yt, model_output(model, Xt, task), classes))

    n_classes = 0 if task == "regression" else len(np.unique(y))
    arms = _fixed_arms(outer_score, n_rows=len(X), n_features=len(features), n_classes=n_classes, task=task)
    for name, value in _floors(X, y, Xt, scorer=scorer, yt=yt, classes=classes).items():
        arms[name] = {"inner": float("nan"), "outer": float(value)}
    if comparison is None:
        return {"compare_s": compare_s, "higher_is_better": scorer.higher_is_better, "arms": arms}
    for result in comparison.results:
        if not result.ok:
            continue
        if result.name == "ensemble":
            arms["ensemble"] = {
                "inner": result.interval.mean,
                "outer": outer_score("ensemble", result.params),
            }
            continue
        options = {option.tag: option for option in result.options}
        top, first = options["tuned"], options.get("defaults", options["tuned"])
        values = result.trials.dropna(subset=["value"])
        inner_first = float(values.loc[values["number"] == values["number"].min(), "value"].iloc[0])
        inner_top = float(values["value"].max() if scorer.higher_is_better else values["value"].min())
        for tag, params, inner_value in (
            ("defaults", first.params, inner_first),
            ("tuned_top", top.params, inner_top),
            ("guarded", result.params, result.interval.mean),
        ):
            arms[f"{result.name}:{tag}"] = {"inner": inner_value, "outer": outer_score(result.name, params)}
    chosen = comparison.chosen
    arms["chosen"] = {
        "inner": chosen.interval.mean,
        "outer": float(scorer.score(yt, model_output(comparison.model, Xt, task), classes)),
    }
    _policies(arms, higher=scorer.higher_is_better)
    if chosen.name == "ensemble":
        kind = "blend"
    else:
        kind = "defaults" if chosen.params == chosen.defaults else "tuned"
    return {
        "chosen": chosen.name,
        "chosen_kind": kind,
        "chosen_label": chosen.label,
        "guard_notes": {r.name: str(r.reason) for r in comparison.results if r.reason},
        "compare_s": compare_s,
        "higher_is_better": scorer.higher_is_better,
        "held_positives": int(np.sum(yt == 1)),
        "arms": arms,
    }


def _fixed_arms(
    outer_score: Any, *, n_rows: int, n_features: int, n_classes: int, task: str
) -> dict[str, dict[str, Any]]:
    """Untuned LightGBM variants inside axpoc's pipeline, which take its defaults apart.

    axpoc's LightGBM defaults differ from the library's in two ways here (300 trees at learning rate
    0.05 instead of 100 at 0.1; ``colsample_bytree`` 0.8 instead of 1.0); each is swapped alone.
    """
    from axpoc.models import get_family

    ours = get_family("lightgbm").defaults(
        task=task, n_rows=n_rows, n_features=n_features, n_classes=n_classes
    )
    library = {"class_weight": None} if task == "binary" else {}
    variants = {
        "lightgbm:ours_recomputed": ours,
        "lightgbm:library_params": library,
        "lightgbm:ours_colsample_1": {**ours, "colsample_bytree": 1.0},
        "lightgbm:ours_100_trees_lr_0.1": {**ours, "n_estimators": 100, "learning_rate": 0.1},
        "lightgbm:library_colsample_0.8": {**library, "colsample_bytree": 0.8},
    }
    return {
        name: {"inner": float("nan"), "outer": outer_score("lightgbm", p)} for name, p in variants.items()
    }


def _policies(arms: dict[str, dict[str, Any]], *, higher: bool) -> None:
    """What simpler choice rules would have picked from the same runs (by inner CV) and scored outside.

    ``policy:defaults_only`` takes the family with the best inner defaults (no tuning),
    ``policy:no_guard`` the best tuned trial of any family (no 1-SE guard), ``policy:no_blend`` the best
    guarded family (axpoc without the blend).
    """
    sign = 1 if higher else -1
    for policy, tag in (("defaults_only", "defaults"), ("no_guard", "tuned_top"), ("no_blend", "guarded")):
        pool = {k: v for k, v in arms.items() if k.endswith(f":{tag}") and np.isfinite(v["inner"])}
        if pool:
            best = max(pool, key=lambda k: sign * pool[k]["inner"])
            arms[f"policy:{policy}"] = {**pool[best], "picked": best}


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per arm: outer mean, inner mean, optimism, paired differences to the floors (mean, se, wins).

    A held fold whose metric is undefined (a grouped fold without a defect has no average precision) is
    left out of the means and counted in ``undefined``.
    """
    arms = sorted({name for r in records for name in r["arms"]})
    out: dict[str, Any] = {
        "arms": {},
        "choices": Counter(f"{r['chosen']} ({r['chosen_kind']})" for r in records if "chosen" in r),
    }
    for name in arms:
        rows = [r["arms"][name] for r in records if name in r["arms"]]
        outer = np.array([a["outer"] for a in rows], dtype=float)
        inner = np.array([a["inner"] for a in rows], dtype=float)
        entry: dict[str, Any] = {
            "n": int(np.isfinite(outer).sum()),
            "undefined": int((~np.isfinite(outer)).sum()),
            "outer_mean": float(np.nanmean(outer)) if np.isfinite(outer).any() else float("nan"),
            "inner_mean": float(np.nanmean(inner)) if np.isfinite(inner).any() else float("nan"),
        }
        entry["optimism"] = entry["inner_mean"] - entry["outer_mean"]
        for floor in ("floor_lightgbm", "floor_hgb"):
            paired = [
                (r["arms"][name]["outer"], r["arms"][floor]["outer"]) for r in records if name in r["arms"]
            ]
            sign = 1 if records[0].get("higher_is_better", True) else -1
            diff = np.array([sign * (a - b) for a, b in paired], dtype=float)  # > 0: the arm is better
            diff = diff[np.isfinite(diff)]
            entry[f"vs_{floor}"] = {
                "mean": float(diff.mean()) if len(diff) else float("nan"),
                "se": float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan"),
                "wins": int((diff > 0).sum()),
                "losses": int((diff < 0).sum()),
            }
        if rows and "picked" in rows[0]:
            entry["picked"] = Counter(a["picked"] for a in rows)
        out["arms"][name] = entry
    return out


def print_summary(summary: dict[str, Any], records: list[dict[str, Any]]) -> None:
    """The evidence as one table: arms sorted by outer score."""
    seeds = sorted({r["seed"] for r in records})
    print(
        f"\n{len(records)} outer folds (seeds {seeds}); scores on held outer folds of the training parts only"
    )
    print("choices:", dict(summary["choices"]))
    kept = [
        (family, r["arms"][f"{family}:tuned_top"]["outer"] - r["arms"][f"{family}:defaults"]["outer"])
        for r in records
        for family, note in r.get("guard_notes", {}).items()
        if "defaults kept" in note and f"{family}:tuned_top" in r["arms"]
    ]
    if kept:
        gains = np.array([gain for _, gain in kept])
        print(
            f"1-SE guard kept the defaults in {len(kept)} family-folds; there the best tuned trial scored "
            f"{gains.mean():+.4f} on the held fold on average (better in {int((gains > 0).sum())})"
        )
    head = f"{'arm':34s} {'outer':>6s} {'inner':>6s} {'optim':>6s} {'- floor LGBM (se) w/l':>24s} {'- floor HGB (se) w/l':>24s}"
    print("differences to the floors: > 0 and wins when the arm is better (lower is better for errors)")
    print(head)
    sign = 1 if records[0].get("higher_is_better", True) else -1
    ranked = sorted(summary["arms"].items(), key=lambda kv: -sign * kv[1]["outer_mean"])  # best first
    for name, e in ranked:
        cells = []
        for floor in ("floor_lightgbm", "floor_hgb"):
            d = e[f"vs_{floor}"]
            cells.append(f"{d['mean']:+.4f} ({d['se']:.4f}) {d['wins']:2d}/{d['losses']:<2d}")
        print(
            f"{name:34s} {e['outer_mean']:6.3f} {e['inner_mean']:6.3f} {e['optimism']:+6.3f} "
            f"{cells[0]:>24s} {cells[1]:>24s}"
        )
        if "picked" in e:
            print(f"{'':34s} picked: {dict(e['picked'])}")


def _write(args: argparse.Namespace, records: list[dict[str, Any]]) -> dict[str, Any]:
    summary = summarise(records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {"args": {k: str(v) for k, v in vars(args).items()}, "summary": summary, "records": records},
        indent=1,
        default=float,
    )
    args.out.write_text(text, encoding="utf-8")
    return summary


def main() -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        run(_arguments())


def markdown_table(summary: dict[str, Any], records: list[dict[str, Any]]) -> str:
    """The summary as a Markdown table (arms best first), as quoted in benchmarks/README.md."""
    sign = 1 if records[0].get("higher_is_better", True) else -1
    lines = [
        "| arm | held-fold score | inner CV | - default LightGBM (se), better/worse | - default HGB (se), better/worse |",
        "|---|---|---|---|---|",
    ]
    for name, e in sorted(summary["arms"].items(), key=lambda kv: -sign * kv[1]["outer_mean"]):
        cells = [
            f"{d['mean']:+.4f} ({d['se']:.4f}), {d['wins']}/{d['losses']}"
            for d in (e["vs_floor_lightgbm"], e["vs_floor_hgb"])
        ]
        inner = "" if np.isnan(e["inner_mean"]) else f"{e['inner_mean']:.3f}"
        picked = f" (picked {', '.join(f'{k} {v}' for k, v in e['picked'].items())})" if "picked" in e else ""
        lines.append(f"| `{name}`{picked} | {e['outer_mean']:.3f} | {inner} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> None:
    """The diagnosis (or, with ``--summary``, the printout of a written one)."""
    if args.summary:
        written = json.loads(args.summary.read_text(encoding="utf-8"))
        summary = summarise(written["records"])
        print_summary(summary, written["records"])
        if args.markdown:
            print(markdown_table(summary, written["records"]))
        return
    import axpoc

    records = []
    seeds = {}
    for seed in args.seeds:
        config = diagnosis_config(args.config, seed=seed, trials=args.trials, candidates=args.candidates)
        prepared = axpoc.prepare(config)
        rows = np.asarray(prepared.split.train_index)
        seeds[seed] = (config, prepared, rows, outer_folds(config, prepared, args.outer, seed))
    for fold in range(args.outer):  # fold-major: a run stopped early has covered every seed
        for seed, (config, prepared, rows, folds) in seeds.items():
            fit, held = folds[fold]
            record = _outer_fold(
                config, prepared, np.sort(rows[fit]), np.sort(rows[held]), compare=not args.fixed_only
            )
            record.update(seed=seed, fold=fold)
            records.append(record)
            chose = (
                f"chose {record['chosen_label']} ({record['chosen_kind']}), " if "chosen" in record else ""
            )
            print(
                f"seed {seed} fold {fold}: {chose}compare {record['compare_s']:.0f} s, outer "
                + ", ".join(f"{k} {v['outer']:.3f}" for k, v in record["arms"].items()),
                flush=True,
            )
            _write(args, records)  # after every fold: a stopped run keeps what it measured
    summary = _write(args, records)
    print_summary(summary, records)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()

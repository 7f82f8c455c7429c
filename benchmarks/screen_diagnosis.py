"""Does the group-level screen help the model axpoc chooses? Nested CV, training parts only.

The peers run lost on cnc_turning_surface_roughness_12L14 split seed 3 after the screen left the cutting
conditions (Vc, f, d: one value per run 'Number') out of every candidate. Whether the screen's rule is
right is asked here **without reading any reported test part**, as ``ai4i_diagnosis.py`` asks its
question: each split seed's training part is cut into ``--outer`` group folds; axpoc's real comparison
(the screen, the inner grouped CV, the 1-SE guard, the blend) runs on each outer fold's training groups,
tuned by trial count (repeatable, no clock); the configuration it chose is then refitted on those rows
twice, with and without the group-level columns, and both are scored on the held groups.

Per held fold that gives three policies for the same chosen configuration: ``screen`` (the column set
the screen decided), ``always_keep`` and ``always_drop``. The summary is their mean held-fold score and
the paired difference of each to ``screen`` (mean, standard error, folds better / worse), overall and on
the folds where the screen dropped the columns. Caveat: where the screen dropped them the configuration
was chosen without them, so ``always_keep`` there refits a choice made for the other column set.

    AXPOC_DATA_DIR=../shared/data python benchmarks/screen_diagnosis.py --seeds 0 1 2 3 4 100 101 102 103 104
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

for _name, _value in (("OMP_NUM_THREADS", "1"), ("OMP_WAIT_POLICY", "PASSIVE")):
    os.environ.setdefault(_name, _value)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "peers"), str(HERE / "peers" / "workers")]

CONFIG = HERE.parent / "configs" / "examples" / "realdata" / "cnc_turning_surface_roughness_12L14.yaml"
POLICIES = ("screen", "always_keep", "always_drop")


def _arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=CONFIG)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 100, 101, 102, 103, 104])
    ap.add_argument("--outer", type=int, default=3, help="outer group folds inside each training part")
    ap.add_argument("--trials", type=int, default=None, help="tuning.trials (default: the config's)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "screen_diagnosis.json")
    ap.add_argument("--summary", type=Path, default=None, help="print the summary of a written --out")
    return ap.parse_args()


def _screen_note(comparison: Any) -> Any:
    from axpoc.compare import ScreenNote

    return next((n for n in comparison.notes if isinstance(n, ScreenNote)), None)


def outer_fold(config: Any, prepared: Any, fit_rows: np.ndarray, held_rows: np.ndarray) -> dict[str, Any]:
    """axpoc's comparison on ``fit_rows``; its chosen configuration with and without the group-level
    columns, scored on ``held_rows`` (positions in the prepared frame)."""
    import axpoc
    from axpoc.compare import Scorer, model_output
    from axpoc.data import group_level_columns
    from axpoc.models import build_pipeline

    split = dataclasses.replace(prepared.split, train_index=fit_rows, test_index=held_rows)
    inner = dataclasses.replace(prepared, split=split)
    comparison = axpoc.run_comparison(config, inner)
    features = list(inner.roles.features)
    X, y = inner.train[features].reset_index(drop=True), inner.y_train
    Xt, yt = inner.test[features], inner.y_test
    task, classes = config.target.task, np.asarray(prepared.target.classes)
    scorer = Scorer.for_task(task, config.kpi.primary)
    columns = group_level_columns(X, features, inner.train[config.columns.group].astype(str).to_numpy())
    note = _screen_note(comparison)
    decision = note.code if note is not None else "no_screen"
    chosen = comparison.chosen

    def held_score(names: list[str]) -> float:
        model = build_pipeline(
            chosen.name,
            chosen.params,
            frame=X[names],
            features=names,
            task=task,
            random_state=config.tuning.seed,
        ).fit(X[names], y)
        return float(scorer.score(yt, model_output(model, Xt[names], task), classes))

    keep = held_score(features)
    drop = held_score([f for f in features if f not in columns])
    return {
        "decision": decision,
        "note": str(note) if note is not None else "",
        "columns": columns,
        "chosen": chosen.label,
        "held_groups": int(inner.test[config.columns.group].nunique()),
        "higher_is_better": scorer.higher_is_better,
        "metric": scorer.primary,
        "scores": {
            "screen": drop if decision == "dropped" else keep,
            "always_keep": keep,
            "always_drop": drop,
        },
    }


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per policy and fold subset: mean held-fold score and the paired difference to ``screen``."""
    sign = 1 if records and records[0]["higher_is_better"] else -1
    out: dict[str, Any] = {}
    for subset, rows in (
        ("all folds", records),
        ("folds where the screen dropped", [r for r in records if r["decision"] == "dropped"]),
    ):
        entry: dict[str, Any] = {"folds": len(rows)}
        if rows:
            base = np.array([r["scores"]["screen"] for r in rows])
            for policy in POLICIES:
                values = np.array([r["scores"][policy] for r in rows])
                gain = sign * (values - base)  # > 0: the policy is better than the screen
                entry[policy] = {
                    "mean": float(values.mean()),
                    "better_than_screen": float(gain.mean()),
                    "se": float(gain.std(ddof=1) / np.sqrt(len(gain))) if len(gain) > 1 else float("nan"),
                    "better": int((gain > 0).sum()),
                    "worse": int((gain < 0).sum()),
                }
        out[subset] = entry
    return out


def markdown(summary: dict[str, Any], metric: str) -> str:
    lines = [
        f"| folds | n | policy | held-fold {metric} | better than the screen (se) | folds better / worse |",
        "|---|---|---|---|---|---|",
    ]
    for subset, entry in summary.items():
        for policy in POLICIES:
            if policy in entry:
                e = entry[policy]
                lines.append(
                    f"| {subset} | {entry['folds']} | `{policy}` | {e['mean']:.3f} | "
                    f"{e['better_than_screen']:+.3f} ({e['se']:.3f}) | {e['better']} / {e['worse']} |"
                )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> None:
    if args.summary:
        written = json.loads(args.summary.read_text(encoding="utf-8"))
        print(markdown(summarise(written["records"]), written["metric"]))
        return
    from ai4i_diagnosis import diagnosis_config, outer_folds

    import axpoc

    records: list[dict[str, Any]] = []
    metric = ""
    for seed in args.seeds:
        config = diagnosis_config(args.config, seed=seed, trials=args.trials, candidates=None)
        prepared = axpoc.prepare(config)
        rows = np.asarray(prepared.split.train_index)
        for fold, (fit, held) in enumerate(outer_folds(config, prepared, args.outer, seed)):
            record = outer_fold(config, prepared, np.sort(rows[fit]), np.sort(rows[held]))
            record.update(seed=seed, fold=fold)
            records.append(record)
            metric = record["metric"]
            print(
                f"seed {seed} fold {fold}: screen {record['decision']} {record['columns']}, chose "
                f"{record['chosen']}; held {metric} "
                + ", ".join(f"{k} {v:.3f}" for k, v in record["scores"].items()),
                flush=True,
            )
            args.out.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "args": {k: str(v) for k, v in vars(args).items()},
                "metric": metric,
                "records": records,
            }
            args.out.write_text(json.dumps(payload, indent=1, default=float) + "\n", encoding="utf-8")
    print(markdown(summarise(records), metric))
    print(f"written: {args.out}")


def main() -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        run(_arguments())


if __name__ == "__main__":
    main()

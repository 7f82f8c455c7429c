"""Where axpoc loses in a peers run: each seed where it is significantly worse than that seed's best tool.

Reads a results file of ``run.py`` (``benchmarks/results/peers.json`` by default) and the stored
splits and predictions it names, runs nothing, and writes ``<stem>_losses.{json,md}``: per losing seed
axpoc's choice and its cross-validated leaderboard (what it decided on, inside the training part), and
for a grouped regression, per test group the mean truth against both tools' mean predictions.

For every regression data set with a loss it also measures, on every seed, how far each tool's
per-group mean predictions spread compared with the truth's (1 = follows the groups, 0 = one value for
all): a model chosen by group cross-validation on a dozen groups may shrink towards the overall mean,
which wins when the test groups sit near it and loses when they do not.

For scale, the same count for every tool: on how many seeds each one is significantly worse than that
seed's best *other* tool. The best of five others is picked on the same test rows it is then compared on,
so even a tool as good as the rest is "significantly worse" on some seeds; axpoc's count means something
only beside the others'.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import best_other, paired_difference, tool_output  # noqa: E402
from splits import GROUP, TARGET  # noqa: E402


def group_means(record: dict[str, Any], tool: str) -> pd.DataFrame:
    """Per test group: rows, mean truth and the tool's mean prediction."""
    test = pd.read_parquet(Path(record["split"]) / "test.parquet")
    pred = pd.read_parquet(record["runs"][tool]["predictions"])["pred"].to_numpy(dtype=float)
    frame = pd.DataFrame({"group": test[GROUP].to_numpy(), "truth": test[TARGET].to_numpy(), "pred": pred})
    return frame.groupby("group").agg(rows=("truth", "size"), truth=("truth", "mean"), pred=("pred", "mean"))


def spread_ratio(means: pd.DataFrame) -> float | None:
    """sd of the per-group mean predictions over sd of the per-group mean truths."""
    truth_sd = float(means["truth"].std(ddof=0))
    return float(means["pred"].std(ddof=0)) / truth_sd if truth_sd > 0 else None


def every_tool(results: dict[str, Any]) -> dict[str, dict[str, list[int]]]:
    """Per data set and tool: [seeds where it is significantly worse than the seed's best other tool,
    seeds judged] (main and fresh blocks together)."""
    from axpoc.compare import Scorer

    counts: dict[str, dict[str, list[int]]] = {}
    for record in (r for r in results["records"] if r["repeat"] == 0):
        meta, runs = record["meta"], record["runs"]
        done = {t: r for t, r in runs.items() if r.get("status") == "ok" and r.get("score") is not None}
        if len(done) < 2:
            continue
        higher = Scorer.for_task(meta["task"], meta["primary"]).higher_is_better
        test = pd.read_parquet(Path(record["split"]) / "test.parquet")
        outputs = {t: tool_output(meta, Path(r["predictions"])) for t, r in done.items()}
        for tool in done:
            best = best_other(done, higher=higher, tool=tool)
            worse = paired_difference(meta, test, outputs[tool], outputs[best])["significantly_worse"]
            tally = counts.setdefault(record["dataset"], {}).setdefault(tool, [0, 0])
            tally[0] += int(worse)
            tally[1] += 1
    return counts


def explain(results: dict[str, Any]) -> dict[str, Any]:
    """The losing seeds and, per regression data set with a loss, every seed's spread ratios."""
    from axpoc.compare import Scorer

    losses: list[dict[str, Any]] = []
    spread: dict[str, list[dict[str, Any]]] = {}
    main = [
        r
        for r in results["records"]
        if r["repeat"] == 0 and r["runs"].get("axpoc", {}).get("score") is not None
    ]
    for record in main:
        meta, runs = record["meta"], record["runs"]
        higher = Scorer.for_task(meta["task"], meta["primary"]).higher_is_better
        best = best_other(runs, higher=higher)
        if best is None or not runs[best].get("axpoc_minus", {}).get("axpoc_significantly_worse"):
            continue
        facts = runs["axpoc"].get("facts", {})
        entry: dict[str, Any] = {
            "dataset": record["dataset"],
            "seed": record["seed"],
            "metric": meta["primary"],
            "axpoc": runs["axpoc"]["score"],
            "best_tool": best,
            "best_score": runs[best]["score"],
            "axpoc_minus_best": runs[best]["axpoc_minus"],
            "chosen": facts.get("chosen"),
            "notes": facts.get("notes", []),  # recorded by runs since 2026-12-07 05:10 UTC
            "params": facts.get("params"),
            "cv_top": [
                {"candidate": row["candidate"], "cv": row.get(meta["primary"]), "trials": row.get("trials")}
                for row in facts.get("leaderboard", [])[:3]
            ],
        }
        if meta["task"] == "regression" and meta.get("grouped"):
            a, b = group_means(record, "axpoc"), group_means(record, best)
            entry["groups"] = [
                {
                    "group": str(g),
                    "rows": int(a.loc[g, "rows"]),
                    "truth": a.loc[g, "truth"],
                    "axpoc": a.loc[g, "pred"],
                    best: b.loc[g, "pred"],
                }
                for g in a.index
            ]
            spread.setdefault(record["dataset"], [])
        losses.append(entry)
    for name, rows in spread.items():
        for record in (r for r in main if r["dataset"] == name):
            meta = record["meta"]
            higher = Scorer.for_task(meta["task"], meta["primary"]).higher_is_better
            best = best_other(record["runs"], higher=higher)
            rows.append(
                {
                    "seed": record["seed"],
                    "axpoc": record["runs"]["axpoc"]["score"],
                    "best_tool": best,
                    "best_score": record["runs"][best]["score"],
                    "axpoc_spread": spread_ratio(group_means(record, "axpoc")),
                    "best_spread": spread_ratio(group_means(record, best)),
                }
            )
    return {
        "source": results.get("title"),
        "ran_between": results.get("ran_between"),
        "losses": losses,
        "spread": spread,
        "every_tool": every_tool(results),
    }


def markdown(found: dict[str, Any]) -> str:
    """The losing seeds as tables (numbers rounded for reading; the JSON keeps them whole)."""
    lines = ["# Where axpoc loses", "", f"Runs between {found['ran_between']}.", ""]
    counts = found["every_tool"]
    tools = list(dict.fromkeys(t for per in counts.values() for t in per))
    lines += [
        "## Every tool: seeds where it is significantly worse than that seed's best other tool",
        "",
        "| data set | " + " | ".join(tools) + " |",
        "|---|" + "---|" * len(tools),
    ]
    for name, per in counts.items():
        lines.append(
            f"| {name} | " + " | ".join("{} of {}".format(*per.get(t, [0, 0])) for t in tools) + " |"
        )
    totals = {t: [sum(per.get(t, [0, 0])[i] for per in counts.values()) for i in (0, 1)] for t in tools}
    lines += ["| **all** | " + " | ".join("**{} of {}**".format(*totals[t]) for t in tools) + " |", ""]
    if not found["losses"]:
        return "\n".join([*lines, "axpoc is significantly worse than the best tool on no seed.", ""])
    for loss in found["losses"]:
        d = loss["axpoc_minus_best"]
        lines += [
            f"## {loss['dataset']}, seed {loss['seed']}",
            "",
            f"{loss['metric']}: axpoc {loss['axpoc']:.3f}, {loss['best_tool']} {loss['best_score']:.3f}; "
            f"axpoc - {loss['best_tool']} {d['diff']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}]. "
            f"axpoc chose `{loss['chosen']}`; its CV leaderboard (training part): "
            + ", ".join(f"{c['candidate']} {c['cv']:.3f} ({c['trials']} trials)" for c in loss["cv_top"])
            + ".",
            "",
            *(f"- {note}" for note in loss["notes"]),
            *([""] if loss["notes"] else []),
        ]
        if "groups" in loss:
            best = loss["best_tool"]
            lines += [
                f"| test group | rows | mean truth | axpoc mean prediction | {best} mean prediction |",
                "|---|---|---|---|---|",
            ]
            lines += [
                f"| {g['group']} | {g['rows']} | {g['truth']:.2f} | {g['axpoc']:.2f} | {g[best]:.2f} |"
                for g in loss["groups"]
            ]
            lines.append("")
    for name, rows in found["spread"].items():
        lines += [
            f"## {name}: spread of the per-group mean predictions / the truth's, every seed",
            "",
            "| seed | axpoc | best other tool | axpoc's spread | best tool's spread |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['seed']} | {r['axpoc']:.3f} | {r['best_tool']} {r['best_score']:.3f} | "
            f"{r['axpoc_spread']:.2f} | {r['best_spread']:.2f} |"
            for r in rows
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=HERE.parents[0] / "results" / "peers.json")
    args = ap.parse_args()
    found = explain(json.loads(args.results.read_text(encoding="utf-8")))
    stem = args.results.with_suffix("")
    Path(f"{stem}_losses.json").write_text(
        json.dumps(found, indent=1, default=float) + "\n", encoding="utf-8"
    )
    Path(f"{stem}_losses.md").write_text(markdown(found), encoding="utf-8")
    print(markdown(found))


if __name__ == "__main__":
    main()

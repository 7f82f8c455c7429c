"""A blend of the finished candidates, chosen greedily on their out-of-fold outputs (no extra fits).

Forward selection with replacement (Caruana et al., 2004): start from the best candidate and keep adding
the configuration whose inclusion most improves the mean fold score of the averaged outputs; one added
twice weighs double. The pool holds each candidate's tuned best and, when tuning moved away from them,
its defaults: a tuned and an untuned model of one family often err differently. Selection stops when nothing improves, after ``MAX_STEPS`` additions, or when a
new member's refit would not fit in the time left. Fold scores of the blend come from the same folds
as everyone else's, so the leaderboard's paired test against it is fair; its small optimism (members
and weights are picked on those folds) is why it needs a real improvement to be kept at all.

On ai4i2020 (5 split seeds) averaging two default GBDTs lifts test average precision by ~0.01 over
either alone: different libraries make different mistakes on rare failures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from axpoc.compare._scoring import Scorer
from axpoc.compare._search import BlendOption, CandidateResult, Splits, fold_ratio
from axpoc.compare._stats import corrected_interval
from axpoc.i18n import CompareNote

MAX_STEPS = 8
MAX_MEMBERS = 3
MIN_GAIN = 1e-4


def _fold_scores(
    out: np.ndarray, y: np.ndarray, classes: np.ndarray, splits: Splits, scorer: Scorer, names: list[str]
) -> dict[str, np.ndarray]:
    return {
        name: np.array(
            [scorer.score(y[valid], out[valid], classes, name) for _, valid in splits], dtype=float
        )
        for name in names
    }


def _mean_primary(
    out: np.ndarray, y: np.ndarray, classes: np.ndarray, splits: Splits, scorer: Scorer
) -> float:
    """The selection criterion; only the primary metric is computed while searching."""
    scores = _fold_scores(out, y, classes, splits, scorer, [scorer.primary])[scorer.primary]
    return float(np.nanmean(scores)) if np.isfinite(scores).any() else float("nan")


@dataclass(frozen=True)
class _Entry:
    """One configuration in the pool: a candidate's tuned best or its defaults."""

    key: str
    label: str
    result: CandidateResult
    option: BlendOption


def _pool(results: list[CandidateResult]) -> list[_Entry]:
    """Every finished candidate's best configuration, plus its defaults when tuning moved away from them."""
    entries = []
    for result in results:
        if not (result.ok and result.oof is not None and np.isfinite(result.fit_time_s)):
            continue
        options = result.options or [
            BlendOption("tuned", result.params, result.oof, result.fit_time_s, result.predict_time_ms_per_1k)
        ]
        for option in options:
            suffix = "" if option.tag == "tuned" else f" ({option.tag})"
            entries.append(_Entry(result.name + suffix, result.label + suffix, result, option))
    return entries


def select_blend(
    results: list[CandidateResult],
    *,
    name: str,
    y: np.ndarray,
    classes: np.ndarray,
    splits: Splits,
    scorer: Scorer,
    affordable_s: float = float("inf"),
) -> CandidateResult:
    """The blend as a candidate result: ``params["members"]`` rebuilds it; status "skipped" when it does not help.

    ``affordable_s`` caps the predicted refit time of all members together (their mean fold fit time,
    scaled to all rows), so the blend never breaks the comparison's budget.
    """
    skipped = CandidateResult(name=name, label="Ensemble", status="skipped")
    finished = [r for r in results if r.ok]
    if len(finished) < 2:
        skipped.reason = CompareNote("blend_too_few")
        return skipped
    pool = {entry.key: entry for entry in _pool(finished)}
    sign = 1 if scorer.higher_is_better else -1
    leader = max((e.result for e in pool.values()), key=lambda r: sign * r.interval.mean)
    scale = 1 + 1 / max(len(splits) - 1, 1)
    counts: Counter[str] = Counter({leader.name: 1})
    blend = np.asarray(pool[leader.name].option.oof, dtype=float)
    best = _mean_primary(blend, y, classes, splits, scorer)
    for _ in range(MAX_STEPS):
        n = sum(counts.values())
        step: tuple[float, str, np.ndarray] | None = None
        for key, entry in pool.items():
            new_member = key not in counts
            cost = scale * sum(pool[m].option.fit_time_s for m in {*counts, key})
            if new_member and (len(counts) >= MAX_MEMBERS or cost > affordable_s):
                continue
            candidate = (blend * n + np.asarray(entry.option.oof, dtype=float)) / (n + 1)
            value = _mean_primary(candidate, y, classes, splits, scorer)
            if step is None or scorer.better(value, step[0]):
                step = (value, key, candidate)
        gain = sign * (step[0] - best) if step else -np.inf
        if step is None or not gain > MIN_GAIN:
            break
        best, blend = step[0], step[2]
        counts[step[1]] += 1
    if len(counts) < 2:
        skipped.reason = CompareNote("blend_no_gain", {"leader": leader.name})
        return skipped
    members = [pool[key] for key in counts]
    metrics = _fold_scores(blend, y, classes, splits, scorer, scorer.names)
    return CandidateResult(
        name=name,
        label="Ensemble: " + " + ".join(f"{m.label} ×{counts[m.key]}" for m in members),
        status="ok",
        reason=CompareNote("blend", {"n": len(counts)}),
        params={
            "members": [
                {"family": m.result.name, "params": dict(m.option.params), "weight": counts[m.key]}
                for m in members
            ]
        },
        fold_scores=metrics[scorer.primary],
        fold_metrics=metrics,
        oof=blend,
        interval=corrected_interval(metrics[scorer.primary], test_train_ratio=fold_ratio(splits)),
        n_trials=sum(counts.values()),
        fit_time_s=sum(m.option.fit_time_s for m in members),
        predict_time_ms_per_1k=sum(m.option.predict_ms_per_1k for m in members),
        pip_requirements=tuple(dict.fromkeys(req for m in members for req in m.result.pip_requirements)),
    )

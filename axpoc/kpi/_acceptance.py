"""Acceptance rules that guard every model, on top of the gates a project configures.

An empty gate set must never mean "pass". Before a model replaces today's practice, a plant asks:

* ``beats_no_model``: does it cost less than every policy that needs no model (today's practice, inspect
  everything, inspect nothing, and for a sampling baseline the best sampling rate)? Judged on the upper
  bound of the paired interval of (model - policy) cost per part on the same test rows, at the test part's
  defect share. Without unit costs
  the KPI is escapes per 1000 parts, and a model can only be weighed against policies that inspect no
  more parts than it flags (inspect nothing, random inspection of as many parts, today's practice when it
  inspects no more): fewer escapes bought with more inspection needs costs to judge.
* ``catches_defects``: is the share of each defect class's parts it flags at least a stated floor
  (:data:`DEFAULT_MIN_RECALL`), with at least one caught? A model that flags nothing never passes.
* ``beats_trivial``: is it better on the primary metric than the prior / most frequent class / mean model,
  judged on the bound of a paired bootstrap interval on the same test rows?
* ``enough_evidence``: does the test part hold enough defect cases of each class for an exact one-sided
  binomial test of "recall above the floor" to have the stated power (:func:`required_defects`)? Below it
  the verdict is "insufficient evidence", with how many more defect cases to collect.

Where one label belongs to a whole group (a tool worn or not, an experiment) and the split keeps groups
whole, the independent units are the groups: ``catches_defects``, ``enough_evidence`` and whether the model
caught any defect at all (``saving_vs_best_policy``) count groups instead of rows, a group caught when at
least half its rows are flagged.

Which rules apply: classification (binary, anomaly, multiclass) gets all four; a multiclass target
without ``defect_classes`` has no cost (``beats_no_model`` is not applicable) and ``catches_defects`` and
``enough_evidence`` then ask it of every class (its own class predicted). A regression target gets
``beats_trivial`` (the training mean); with spec limits the out-of-spec parts are its defects and the other
three rules apply to them too.

Each result is a :class:`GateResult` of kind ``"rule"``; pure functions on arrays, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from axpoc.i18n import Phrase, Reason, RuleText, joined
from axpoc.kpi._business import Baseline, ClassCosts, CostModel, Volumes
from axpoc.kpi._definitions import KPIS, Undefined
from axpoc.kpi._gates import GateResult
from axpoc.kpi._metrics import (
    paired_bootstrap_diff,
    paired_mean_diff,
    point_metric,
)

RULES = ("beats_no_model", "catches_defects", "beats_trivial", "enough_evidence")
"""The built-in rules, in the order the report lists them."""
DEFAULT_MIN_RECALL = 0.3
"""A model that finds fewer than 3 in 10 defects of a kind is no defect detector, whatever its accuracy;
raise it (``kpi.rules.catches_defects.min_recall``) where escapes are expensive."""
DEFAULT_POWER = 0.8
DEFAULT_ALPHA = 0.05
PLANNING_STEP = 0.2
"""The evidence test plans for a recall at least this far above the floor."""
PLANNING_CAP = 0.9
"""... and at most this: no model is planned to find more than 9 in 10 defects, however lucky its test."""

_MAX_DEFECTS = 20_000
"""Where the evidence search stops: a floor so close to 1 needs more defects than any PoC collects."""

POLICY_NAMES = ("today", "inspect_all", "inspect_none", "best_sampling", "same_workload")


def rule_of(result_name: str) -> str:
    """The built-in rule a result row belongs to (``beats_today`` -> ``beats_no_model``)."""
    if result_name in RULES:
        return result_name
    if result_name.startswith("beats_") and result_name.removeprefix("beats_") in POLICY_NAMES:
        return "beats_no_model"
    return result_name.split("[", 1)[0]


def _fmt(x: float) -> str:
    return "–" if not math.isfinite(x) else (f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.4g}")


def _rule(name: str, op: str, value: float, used: float, passed: bool, reason: str) -> GateResult:
    return GateResult(name, op, 0.0, float(value), float(used), bool(passed), reason, kind="rule")


def switched_off(name: str, reason: str) -> GateResult:
    """The row of a rule the user switched off in the config, with their reason for the report."""
    return _rule(name, "", math.nan, math.nan, True, RuleText("off", {"reason": reason}))


def not_applicable(name: str, why: str) -> GateResult:
    """The row of a rule that cannot apply to this task or target, saying why."""
    return _rule(name, "", math.nan, math.nan, True, RuleText("not_applicable", {"why": why}))


# ---------------------------------------------------------------- beats every no-model policy


@dataclass(frozen=True)
class UnitCosts:
    """The unit costs a decision is priced with, every one known."""

    inspection: float
    escape: float
    false_alarm: float

    @classmethod
    def of(cls, cost: CostModel | None) -> UnitCosts | None:
        """The cost model's unit costs, or None when any is missing (then escapes are compared instead)."""
        if cost is None or cost.inspection_cost is None or cost.escape_cost is None:
            return None
        if cost.false_alarm_cost is None:
            return None
        return cls(cost.inspection_cost, cost.escape_cost, cost.false_alarm_cost)


@dataclass(frozen=True)
class Policy:
    """A way to decide what to inspect without a model: a share of parts, finding a share of their defects."""

    name: str
    inspected_share: float
    detection_rate: float

    def row_cost(self, defects: np.ndarray, unit: UnitCosts) -> np.ndarray:
        """Expected cost of each part under this policy (the baseline formula, per row)."""
        caught = self.inspected_share * self.detection_rate
        return self.inspected_share * unit.inspection + defects * (1 - caught) * unit.escape

    def row_escapes(self, defects: np.ndarray) -> np.ndarray:
        """Expected escapes per 1000 parts, per row."""
        return 1000 * defects * (1 - self.inspected_share * self.detection_rate)


def model_row_cost(defects: np.ndarray, flagged: np.ndarray, unit: UnitCosts) -> np.ndarray:
    """Expected cost of each part under the model (:data:`~axpoc.kpi.MODEL_COST_FORMULA`, per row)."""
    f, y = flagged.astype(float), defects.astype(float)
    return f * unit.inspection + f * (1 - y) * unit.false_alarm + y * (1 - f) * unit.escape


def no_model_policies(
    baseline: Baseline, *, cost: CostModel | None, defect_share: float, flagged_share: float
) -> tuple[list[Policy], bool]:
    """The policies a model must beat, and whether today's practice is among them.

    With costs: today's practice, inspect everything (finding the baseline's ``detection_rate`` of the
    defects, as mass inspection does today), inspect nothing and, for a sampling baseline, the best
    sampling rate (cost is linear in the rate, so it is 0 or 1). Without costs only policies inspecting no
    more parts than the model flags are comparable: inspect nothing, random inspection of as many parts,
    and today's practice when it inspects no more. Policies with the same inspected share and catch rate
    are listed once.
    """
    today = Policy("today", baseline.inspected_share, baseline.detection_rate)
    unit = UnitCosts.of(cost)
    if unit is not None:
        policies = [
            today,
            Policy("inspect_all", 1.0, baseline.detection_rate),
            Policy("inspect_none", 0.0, 0.0),
        ]
        if baseline.mode == "sample":
            worth = unit.inspection < defect_share * baseline.detection_rate * unit.escape
            policies.append(Policy("best_sampling", 1.0 if worth else 0.0, baseline.detection_rate))
        comparable_today = True
    else:
        comparable_today = today.inspected_share <= flagged_share
        policies = [Policy("inspect_none", 0.0, 0.0), Policy("same_workload", flagged_share, 1.0)]
        if comparable_today:
            policies.insert(0, today)
    seen: set[tuple[float, float]] = set()
    unique = []
    for policy in policies:
        key = (policy.inspected_share, policy.inspected_share * policy.detection_rate)
        if key not in seen:
            seen.add(key)
            unique.append(policy)
    return unique, comparable_today


@dataclass(frozen=True)
class PolicyComparison:
    """The ``beats_<policy>`` rows and who earns the saving: the best no-model policy or the model."""

    rules: list[GateResult]
    kpis: dict[str, float] = field(default_factory=dict)
    """``no_model_saving`` and ``saving_vs_best_policy`` (per month); Undefined with a reason when unknown."""
    best_policy: str | None = None


def beats_no_model(
    defects: Any,
    flagged: Any,
    *,
    baseline: Baseline,
    cost: CostModel | None = None,
    volumes: Volumes | None = None,
    groups: Any = None,
    block_size: int | None = None,
    n_boot: int = 1000,
    alpha: float = DEFAULT_ALPHA,
    label_groups: Any = None,
) -> PolicyComparison:
    """Is the model cheaper (or, without costs, leaking fewer defects) than every no-model policy?

    One row per policy; each passes only when the upper bound of the paired interval of (model - policy)
    on the same test rows is below 0. The interval holds the test part's defect share fixed
    (post-stratified resamples): it measures how sure the model's catches and false alarms are at this
    plant's defect rate, not how the defect rate moves between lots, which would make inspecting nothing
    look as good as any detector whenever a resample happens to hold few defects. Money is per month when the volumes are known, else per part. The
    saving over today's practice splits into what the cheapest no-model policy saves already
    (``no_model_saving``) and what the model adds (``saving_vs_best_policy``, undefined when the model
    catches no defect: then nothing it saves needs a model). ``label_groups`` (the group of every row, where
    the label is the group's) says a defect is a group: it counts as caught as :func:`defect_catches` says.
    """
    y, f = np.asarray(defects).astype(float), np.asarray(flagged).astype(float)
    if y.size == 0:
        raise ValueError("the no-model comparison needs at least one part, got none")
    policies, comparable_today = no_model_policies(
        baseline, cost=cost, defect_share=float(y.mean()), flagged_share=float(f.mean())
    )
    unit = UnitCosts.of(cost)
    per_month = (volumes or Volumes()).parts_per_month
    comparison = _judge_policies(
        model_rows=model_row_cost(y, f, unit) if unit is not None else 1000 * y * (1 - f),
        policy_rows={p.name: p.row_cost(y, unit) if unit is not None else p.row_escapes(y) for p in policies},
        strata=y,
        money=unit is not None,
        per_month=per_month,
        currency=cost.currency if cost else "KRW",
        catches_any=_catches_any(y, f, label_groups),
        resample={"groups": groups, "block_size": block_size, "n_boot": n_boot, "alpha": alpha},
    )
    if not comparable_today:
        why = RuleText(
            "today_needs_costs",
            {"today": f"{baseline.inspected_share:.0%}", "model": f"{float(f.mean()):.1%}"},
        )
        comparison.rules.insert(0, not_applicable("beats_today", why))
    return comparison


def beats_no_model_by_class(
    y_true: Any,
    y_pred: Any,
    *,
    class_costs: ClassCosts,
    baseline: Baseline,
    cost: CostModel | None = None,
    volumes: Volumes | None = None,
    groups: Any = None,
    block_size: int | None = None,
    n_boot: int = 1000,
    alpha: float = DEFAULT_ALPHA,
    label_groups: Any = None,
) -> PolicyComparison:
    """:func:`beats_no_model` for a multiclass model priced with a per-class cost matrix.

    The policies are today's practice, inspect everything and inspect nothing, each priced by
    :meth:`ClassCosts.policy_rows` (a detected defect sorted correctly, the rest passed as the good
    class; ``inspection_cost`` per inspected part, 0 when not given); the model by
    :meth:`ClassCosts.model_rows`. The interval holds each class's share fixed. A sampling baseline needs
    no best-rate policy: cost is linear in the rate, so its best is inspect everything or nothing.
    """
    actual = np.asarray(y_true)
    if actual.size == 0:
        raise ValueError("the no-model comparison needs at least one part, got none")
    inspection = (cost.inspection_cost if cost else None) or 0.0
    shares = {
        "today": (baseline.inspected_share, baseline.detection_rate),
        "inspect_all": (1.0, baseline.detection_rate),
        "inspect_none": (0.0, 0.0),
    }
    policy_rows: dict[str, np.ndarray] = {}
    seen: set[tuple[float, float]] = set()
    for name, (share, found) in shares.items():
        if (share, share * found) not in seen:
            seen.add((share, share * found))
            policy_rows[name] = class_costs.policy_rows(
                actual, inspected_share=share, detection_rate=found, inspection_cost=inspection
            )
    defect = class_costs.is_defect(actual)
    return _judge_policies(
        model_rows=class_costs.model_rows(actual, y_pred),
        policy_rows=policy_rows,
        strata=np.unique(actual.astype(str), return_inverse=True)[1],
        money=True,
        per_month=(volumes or Volumes()).parts_per_month,
        currency=cost.currency if cost else "KRW",
        catches_any=_catches_any(
            defect, ~np.isin(np.asarray(y_pred).astype(str), str(class_costs.ok_class)), label_groups
        ),
        resample={"groups": groups, "block_size": block_size, "n_boot": n_boot, "alpha": alpha},
    )


def _catches_any(defects: np.ndarray, flagged: np.ndarray, label_groups: Any) -> bool:
    """Whether the model caught at least one defect, counted where the label is defined: a part, or (with
    ``label_groups``) a group with at least half its rows flagged, as ``catches_defects`` counts it."""
    caught, _ = defect_catches(np.asarray(defects).astype(bool), flagged, [True], groups=label_groups)[True]
    return caught > 0


def _judge_policies(
    *,
    model_rows: np.ndarray,
    policy_rows: dict[str, np.ndarray],
    strata: np.ndarray,
    money: bool,
    per_month: float | None,
    currency: str,
    catches_any: bool,
    resample: dict[str, Any],
) -> PolicyComparison:
    """One ``beats_<policy>`` row per policy from per-part costs (or escapes) on the same rows, and the
    split of the saving into ``no_model_saving`` and ``saving_vs_best_policy``."""
    scale = per_month if money and per_month is not None else 1.0
    model_mean = float(model_rows.mean()) * scale
    rows = []
    means: dict[str, float] = {}
    for name, rows_of_policy in policy_rows.items():
        est = paired_mean_diff(model_rows, rows_of_policy, strata=strata, **resample)
        diff, low, high = (float(v) * scale for v in est)
        means[name] = float(rows_of_policy.mean()) * scale
        values = {
            "policy_name": name,
            "model": _fmt(model_mean),
            "policy": _fmt(means[name]),
            "diff": _fmt(diff),
            "low": _fmt(low),
            "high": _fmt(high),
            "unit": f"{currency}/month" if scale != 1.0 else f"{currency}/part",
        }
        reason = RuleText("beats_cost" if money else "beats_escapes", values)
        passed = math.isfinite(high) and high < 0
        rows.append(_rule(f"beats_{name}", "<", diff, high, passed, reason))
    best = min(means, key=means.__getitem__)
    kpis: dict[str, float] = {}
    if money and per_month is not None:
        kpis["no_model_saving"] = means["today"] - means[best]
        kpis["saving_vs_best_policy"] = (
            means[best] - model_mean if catches_any else Undefined(RuleText("model_catches_none"))
        )
    else:
        missing = "kpi.costs" if not money else "kpi.volumes.parts_per_day"
        for name in ("no_model_saving", "saving_vs_best_policy"):
            kpis[name] = Undefined(Reason("missing_inputs", {"kpi": name, "missing": missing}))
    return PolicyComparison(rules=rows, kpis=kpis, best_policy=best)


# ---------------------------------------------------------------- catches defects, enough evidence


def defect_catches(
    y_true: Any, caught: Any, classes: Sequence[Any], *, groups: Any = None
) -> dict[Any, tuple[int, int]]:
    """Per class in ``classes``: (parts of the class that ``caught`` marks, parts of the class).

    With ``groups`` (the group of every row, where each group holds one label: a tool is worn or not) the
    counts are groups, the independent units: a group of the class is caught when at least half its rows
    are (its pooled verdict).
    """
    y, c = np.asarray(y_true), np.asarray(caught).astype(bool)
    if groups is None:
        return {cls: (int((c & (y == cls)).sum()), int((y == cls).sum())) for cls in classes}
    import pandas as pd

    rows = pd.DataFrame({"y": y, "caught": c.astype(float)})
    units = rows.groupby(np.asarray(groups), sort=False).agg(y=("y", "first"), caught=("caught", "mean"))
    return {
        cls: (int((units["caught"][units["y"] == cls] >= 0.5).sum()), int((units["y"] == cls).sum()))
        for cls in classes
    }


def _recall_text(code: str, cls: Any, caught: int, total: int, floor: float, unit: str | None) -> RuleText:
    recall = caught / total if total else math.nan
    values = {"cls": cls, "caught": caught, "total": total, "recall": _fmt(recall), "floor": _fmt(floor)}
    return RuleText(code, values if unit is None else values | {"unit": unit})


def _row_name(rule: str, cls: Any, many: bool) -> str:
    return f"{rule}[{cls}]" if many else rule


def catches_defects(
    catches: Mapping[Any, tuple[int, int]],
    *,
    min_recall: float = DEFAULT_MIN_RECALL,
    every_class: bool = False,
    unit: str | None = None,
) -> list[GateResult]:
    """One row per defect class: passes when at least one is caught and the recall reaches ``min_recall``.

    ``every_class`` says the classes are all classes of a multiclass target whose defect classes are unknown
    (then "caught" means predicted as its own class). ``unit`` names the group column when ``catches``
    counts groups (:func:`defect_catches` with groups: the label is the group's); the sentence says so.
    """
    if not 0 < min_recall < 1:
        raise ValueError(f"min_recall must be between 0 and 1, got {min_recall}")
    rows = []
    many = len(catches) > 1
    for cls, (caught, total) in catches.items():
        name = _row_name("catches_defects", cls, many)
        if total == 0:
            rows.append(
                _rule(name, ">=", math.nan, math.nan, False, RuleText("no_defect_in_test", {"cls": cls}))
            )
            continue
        recall = caught / total
        code = "recall_class" if every_class else "recall"
        reason = _recall_text(
            code if unit is None else f"{code}_groups", cls, caught, total, min_recall, unit
        )
        row = GateResult(
            name, ">=", min_recall, recall, recall, caught > 0 and recall >= min_recall, reason, "rule"
        )
        rows.append(row)
    return rows


def required_defects(
    min_recall: float,
    planned_recall: float,
    *,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
    max_n: int = 20_000,
) -> int | None:
    """Fewest defect cases for an exact one-sided binomial test of recall > ``min_recall`` to reach ``power``
    when the true recall is ``planned_recall``; None when even ``max_n`` are not enough.

    For each n the test rejects when at least k of n are caught, k the smallest count with
    P(X >= k | min_recall) <= alpha; its power is P(X >= k | planned_recall).
    """
    from scipy.stats import binom

    if not 0 <= min_recall < planned_recall <= 1:
        raise ValueError(
            f"expected 0 <= min_recall < planned_recall <= 1, got {min_recall}, {planned_recall}"
        )
    n = np.arange(1, max_n + 1)
    k = binom.ppf(1 - alpha, n, min_recall) + 1
    reached = np.flatnonzero(binom.sf(k - 1, n, planned_recall) >= power)
    return int(n[reached[0]]) if reached.size else None


def planned_recall(observed: float, min_recall: float) -> float:
    """The recall the evidence test plans for: the observed one, at least :data:`PLANNING_STEP` above the
    floor (a model just above it would need hundreds of cases) and at most :data:`PLANNING_CAP` (or halfway
    from a floor above that cap to 1), so always above the floor."""
    seen = observed if math.isfinite(observed) else 0.0
    cap = max(PLANNING_CAP, (1 + min_recall) / 2)
    return min(cap, max(seen, min_recall + PLANNING_STEP))


def enough_evidence(
    catches: Mapping[Any, tuple[int, int]],
    *,
    min_recall: float = DEFAULT_MIN_RECALL,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
    test_share: float = 0.25,
    unit: str | None = None,
) -> tuple[list[GateResult], Phrase | None]:
    """Rows per defect class, and the "insufficient evidence" sentence (None when every class has enough).

    The sentence says how many more defect cases to collect: the shortfall in the test part, and about
    ``shortfall / test_share`` in the whole data, since only that share of new cases lands in the test part.
    ``unit`` names the group column when ``catches`` counts groups (:func:`defect_catches` with groups);
    the sentences then say groups were counted, and ``test_share`` is the test part's share of the groups.
    """
    if not 0 < test_share <= 1:
        raise ValueError(f"test_share must be in (0, 1], got {test_share}")
    rows, short = [], []
    many = len(catches) > 1
    for cls, (caught, total) in catches.items():
        planned = planned_recall(caught / total if total else math.nan, min_recall)
        need = required_defects(min_recall, planned, alpha=alpha, power=power, max_n=_MAX_DEFECTS)
        need = need if need is not None else _MAX_DEFECTS
        values = {
            "cls": cls,
            "have": total,
            "need": need,
            "floor": _fmt(min_recall),
            "power": _fmt(power),
            "alpha": _fmt(alpha),
            "planned": f"{planned:.2f}",
        }
        if unit is not None:
            values["unit"] = unit
        passed = total >= need
        rows.append(
            GateResult(
                _row_name("enough_evidence", cls, many),
                ">=",
                need,
                total,
                total,
                passed,
                RuleText("enough" if unit is None else "enough_groups", values),
                "rule",
            )
        )
        if not passed:
            more = need - total
            values |= {"more": more, "more_total": math.ceil(more / test_share)}
            short.append(RuleText("insufficient" if unit is None else "insufficient_groups", values))
    return rows, (joined(*short) if short else None)


# ---------------------------------------------------------------- beats a trivial model


def trivial_outputs(
    task: str, y_train: Any, n: int, *, labels: Sequence[Any] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Trivial models fitted on the training part, as kind -> (predictions, scores) for ``n`` test rows.

    binary/anomaly: the defect share as a constant score with the majority label, and (for metrics the
    majority leaves undefined, such as precision) flagging every part; multiclass: the most frequent class
    with the class shares as probabilities; regression: the training mean.
    """
    y = np.asarray(y_train)
    if y.size == 0:
        raise ValueError("a trivial model needs training rows, got none")
    if task == "regression":
        return {"mean": (np.full(n, float(np.mean(y.astype(float)))), None)}
    if task == "multiclass":
        classes = np.asarray(labels) if labels is not None else np.unique(y)
        shares = np.array([(y == c).mean() for c in classes])
        majority = classes[int(np.argmax(shares))]
        return {"majority": (np.full(n, majority, dtype=classes.dtype), np.tile(shares, (n, 1)))}
    share = float(np.mean(y.astype(float)))
    majority = int(share > 0.5)
    score = np.full(n, share)
    return {"prior": (np.full(n, majority), score), "flag_all": (np.ones(n, dtype=int), score)}


def beats_trivial(
    metric: str,
    y_true: Any,
    model_output: Any,
    trivial: Mapping[str, tuple[np.ndarray, np.ndarray | None]],
    *,
    groups: Any = None,
    block_size: int | None = None,
    n_boot: int = 1000,
    alpha: float = DEFAULT_ALPHA,
    labels: Sequence[Any] | None = None,
) -> GateResult:
    """Is the model better than the first trivial model on which ``metric`` is defined, by a paired
    bootstrap on the same test rows? ``model_output`` is what ``metric`` reads: labels/values or scores."""
    kpi = KPIS.get(metric)
    if kpi is None or kpi.reads not in ("labels", "scores"):
        return not_applicable("beats_trivial", RuleText("metric_not_resamplable", {"metric": metric}))
    higher = kpi.higher_is_better
    model_value = point_metric(metric, y_true, model_output, labels=labels)
    if math.isnan(model_value):
        why = RuleText("model_undefined", {"metric": metric, "why": getattr(model_value, "reason", "")})
        return _rule("beats_trivial", ">" if higher else "<", math.nan, math.nan, False, why)
    usable = [
        (kind, score if kpi.reads == "scores" else pred)
        for kind, (pred, score) in trivial.items()
        if (score if kpi.reads == "scores" else pred) is not None
    ]
    defined = [(k, v) for k, v in usable if not math.isnan(point_metric(metric, y_true, v, labels=labels))]
    kind, values = (defined or usable)[0]
    est = paired_bootstrap_diff(
        metric,
        y_true,
        model_output,
        values,
        groups=groups,
        block_size=block_size,
        n_boot=n_boot,
        alpha=alpha,
        labels=labels,
    )
    point, low, high = (float(v) for v in est)
    bound = low if higher else high
    passed = math.isfinite(bound) and (bound > 0 if higher else bound < 0)
    text = RuleText(
        "beats_trivial",
        {
            "metric": metric,
            "model": _fmt(model_value),
            "trivial": _fmt(model_value - point),
            "trivial_kind": kind,
            "diff": _fmt(point),
            "low": _fmt(low),
            "high": _fmt(high),
            "higher": higher,
        },
    )
    return _rule("beats_trivial", ">" if higher else "<", point, bound, passed, text)

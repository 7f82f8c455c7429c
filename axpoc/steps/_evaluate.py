"""Evaluate: the decision rule from out-of-fold outputs, then KPIs and gates on the untouched test part."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc import __version__
from axpoc.artifact import OofCalibratedClassifier, PocModel
from axpoc.config import PocConfig
from axpoc.errors import ConfigError
from axpoc.i18n import Phrase, Reason, RuleNote, RuleText
from axpoc.kpi import (
    KPIS,
    Baseline,
    ClassCosts,
    CostModel,
    GateResult,
    SpecLimits,
    Volumes,
    anomaly_threshold,
    beats_no_model,
    beats_no_model_by_class,
    beats_trivial,
    bootstrap_ci,
    business_kpis,
    calibrate_oof,
    capability,
    capability_passed,
    catches_defects,
    class_cost_matrix,
    class_cost_saving,
    compute_metrics,
    control_signals,
    cost_optimal_threshold,
    defect_catches,
    enough_evidence,
    evaluate_gates,
    flag_kpis,
    not_applicable,
    regression_flags,
    switched_off,
    trivial_outputs,
    undefined_business_kpis,
    undefined_reason,
)


def check_kpi_inputs(config: PocConfig, gates: dict[str, str]) -> None:
    """Before any training: a gate on a KPI whose inputs the config leaves out (costs, volumes, spec limits,
    ``Kpi.needs``), or on a KPI the task does not define, is a config error."""
    for gate in gates:
        kpi = KPIS[gate]
        missing = kpi.missing(lambda key: _lookup(config, key))
        if missing:
            raise ConfigError(
                f"kpi.gates.{gate} needs {', '.join(missing)}; add them to the config (unit costs in "
                f"{config.kpi.costs.currency}, parts per day, target.spec with lsl/usl) or remove the gate."
            )
        task = "binary" if config.target.task == "anomaly" else config.target.task
        if task not in kpi.tasks and config.target.task not in kpi.tasks:
            raise ConfigError(f"kpi.gates.{gate}: {gate} is not defined for a {config.target.task} task.")


def _lookup(config: PocConfig, dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


@dataclass
class Evaluation:
    model: PocModel
    threshold_note: str
    predictions: pd.DataFrame
    kpis: dict[str, float]
    cis: dict[str, tuple[float, float]]
    gates: list[Any]
    """The configured gates, then the built-in acceptance rules (``GateResult.kind == "rule"``)."""
    gates_passed: bool
    """Every gate and rule passed; never true for an empty list."""
    formulas: dict[str, str] = field(default_factory=dict)
    threshold_curve: pd.DataFrame | None = None
    capability: dict[str, Any] = field(default_factory=dict)
    control: dict[str, Any] = field(default_factory=dict)
    confusion: pd.DataFrame | None = None
    undefined: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    evidence: Phrase | None = None
    """"근거 부족 / insufficient evidence" with how many more defect cases to collect; None when enough."""
    per_class: pd.DataFrame | None = None
    """multiclass: one row per class (support, recall, precision, defect class or not)."""


def _decision_rule(
    config: PocConfig, prepared: Any, comparison: Any
) -> tuple[Any, float | None, bool, str, Any]:
    """(estimator, threshold, calibrated, note, cost curve) from the winner's out-of-fold outputs.

    The note is a :class:`RuleNote` (its ``str`` is the English sentence, ``.text("ko")`` the Korean one),
    or ``""`` for a task without a threshold.
    """
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import FixedThresholdClassifier

    task = config.target.task
    model, oof = comparison.model, comparison.chosen.oof
    y = prepared.y_train
    if task in ("multiclass", "regression"):
        return model, None, False, "", None
    seen = ~np.isnan(oof)
    if task == "anomaly":
        good = seen & (y == 0)
        t = anomaly_threshold(oof[good], false_alarm_rate=config.kpi.anomaly_false_alarm_rate)
        note = RuleNote("anomaly", {"threshold": float(t), "rate": config.kpi.anomaly_false_alarm_rate})
        return model, float(t), False, note, None
    calibrator, threshold, method, result = _pick_threshold(config, y[seen], oof[seen])
    curve = None
    if result is not None:
        curve = result.curve
        note = RuleNote(
            "cost_optimal",
            {
                "threshold": threshold,
                "n": int(seen.sum()),
                "method": method,
                "cost": float(result.expected_cost_per_part),
                "currency": config.kpi.costs.currency,
            },
        )
    else:
        note = RuleNote("f1_optimal", {"threshold": threshold})
    wrapped = OofCalibratedClassifier.from_fitted(model, calibrator)
    fixed = FixedThresholdClassifier(
        FrozenEstimator(wrapped), threshold=threshold, response_method="predict_proba"
    )
    fixed.fit(prepared.train[prepared.roles.features], y)  # frozen: nothing is refitted on these rows
    return fixed, threshold, True, note, curve


def _pick_threshold(config: PocConfig, y: np.ndarray, p: np.ndarray) -> tuple[Any, float, str, Any]:
    """(calibrator, threshold, calibration method, cost-optimal result or None) for binary OOF outputs.

    The threshold minimises the expected cost per part when escape and false-alarm costs are set, else it
    maximises F1 on the calibrated outputs.
    """
    method = "isotonic" if len(p) >= 500 and y.sum() >= 20 else "sigmoid"
    calibrator = calibrate_oof(y, p, method=method)
    calibrated = calibrator.transform(p)
    costs = config.kpi.costs
    if costs.escape_cost is not None and costs.false_alarm_cost is not None:
        result = cost_optimal_threshold(
            y,
            calibrated,
            escape_cost=costs.escape_cost,
            false_alarm_cost=costs.false_alarm_cost,
            inspection_cost=costs.inspection_cost or 0.0,
        )
        return calibrator, float(result.threshold), method, result
    from sklearn.metrics import precision_recall_curve

    precision, recall, cuts = precision_recall_curve(y, calibrated)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return calibrator, float(cuts[int(np.argmax(f1[:-1]))]) if len(cuts) else 0.5, method, None


def build_poc_model(config: PocConfig, prepared: Any, comparison: Any) -> tuple[PocModel, str, Any]:
    estimator, threshold, calibrated, note, curve = _decision_rule(config, prepared, comparison)
    spec = config.target.spec
    model = PocModel(
        estimator=estimator,
        task=config.target.task,
        features=list(prepared.roles.features),
        target=config.target.column,
        family=comparison.chosen.name,
        classes=list(prepared.target.classes),
        positive_label=prepared.target.positive_label,
        negative_label=prepared.target.negative_label,
        defect_classes=list(prepared.target.defect_classes),
        threshold=threshold,
        calibrated=calibrated,
        spec={"lsl": spec.lsl, "usl": spec.usl} if spec else None,
        guard_band=spec.guard_band if spec else 0.0,
        id_column=prepared.roles.id,
        product_column=prepared.roles.product,
        axpoc_version=__version__,
        metadata={"params": comparison.chosen.params},
    )
    return model, note, curve


def _actual_defects(config: PocConfig, prepared: Any, y_true: np.ndarray) -> np.ndarray | None:
    """Which test parts are defects; None when nothing says so (no spec limits, no defect classes)."""
    if config.target.task == "multiclass":
        return prepared.target.is_defect(y_true) if prepared.target.defect_classes else None
    if config.target.task != "regression":
        return prepared.target.is_defect(y_true)
    if config.target.spec is None:
        return None
    return regression_flags(
        np.asarray(y_true, dtype=float), SpecLimits(lsl=config.target.spec.lsl, usl=config.target.spec.usl)
    )


def evaluate(
    config: PocConfig,
    prepared: Any,
    model: PocModel,
    *,
    gates: dict[str, str],
    threshold_note: str = "",
    threshold_curve: Any = None,
    n_boot: int = 500,
) -> Evaluation:
    """KPIs with intervals on the test part (touched here, once) and the gate verdicts.

    On small data (``prepared.split.resampled``) there is no test part: every row is scored by the
    comparison's out-of-fold predictions instead (`axpoc.compare.out_of_fold_model`), and a binary
    model's flags come from thresholds chosen on the other folds (`axpoc.compare.cross_fitted_decisions`).
    """
    from axpoc.compare import cross_fitted_decisions, out_of_fold_model

    task = config.target.task
    test = prepared.test
    y_true = prepared.y_test
    scoring = out_of_fold_model(model, prepared.split, prepared.train)
    predictions = scoring.predict_frame(test)
    if prepared.split.resampled and task == "binary":  # no flag decided by a threshold picked on its own row
        predictions = cross_fitted_decisions(
            predictions,
            model,
            y_true,
            raw=prepared.split.out_of_fold,
            pick=lambda y, p: _pick_threshold(config, y, p)[:2],
        )
    score = predictions["score"].to_numpy(dtype=float)
    split = prepared.split
    groups, block = split.test_groups, split.block_size if split.test_groups is None else None
    if groups is not None and len(pd.unique(groups)) < 2:  # one lot in the test part: rows are all we have
        groups = None
    labels = list(prepared.target.classes) if task == "multiclass" else None
    if task == "multiclass":
        y_pred = predictions["prediction"].to_numpy()
        y_score = np.asarray(scoring.estimator.predict_proba(test[model.features]))
    elif task == "regression":
        y_pred, y_score = score, None
    else:
        y_pred, y_score = predictions["decision"].to_numpy(dtype=int), score
    kpis: dict[str, float] = dict(compute_metrics(task, y_true, y_pred, y_score, labels=labels))
    cis: dict[str, tuple[float, float]] = {}
    for name in list(kpis):
        if KPIS[name].resamplable and np.isfinite(kpis[name]):
            values = y_pred if KPIS[name].reads == "labels" else y_score
            if values is None:
                continue
            est = bootstrap_ci(
                name, y_true, values, groups=groups, block_size=block, n_boot=n_boot, labels=labels
            )
            cis[name] = (float(est.low), float(est.high))
    formulas = {name: KPIS[name].formula for name in kpis if name in KPIS}
    defects = _actual_defects(config, prepared, np.asarray(y_true))
    flagged = predictions["decision"].to_numpy(dtype=bool)
    result_capability: dict[str, Any] = {}
    if task == "multiclass" and defects is None:
        business = undefined_business_kpis(RuleText("no_defect_classes"), currency=config.kpi.costs.currency)
        kpis.update(business.values)
        formulas.update(business.formulas)
    if defects is not None:
        cost, baseline, volumes = _business_inputs(config)
        business = business_kpis(defects, flagged, cost=cost, baseline=baseline, volumes=volumes)
        kpis.update(business.values)
        formulas.update(business.formulas)
        for name in flag_kpis():
            if np.isfinite(kpis.get(name, np.nan)):
                est = bootstrap_ci(
                    name,
                    defects.astype(int),
                    flagged.astype(int),
                    groups=groups,
                    block_size=block,
                    n_boot=n_boot,
                )
                cis[name] = (float(est.low), float(est.high))
    class_costs = _class_costs(config, prepared)
    if class_costs is not None:
        cost, baseline, volumes = _business_inputs(config)
        kpis["monthly_saving"], matrix_formulas = class_cost_saving(
            y_true, y_pred, class_costs=class_costs, baseline=baseline, cost=cost, volumes=volumes
        )
        formulas.update(matrix_formulas)
    if task == "regression" and config.target.spec is not None:
        spec = SpecLimits(lsl=config.target.spec.lsl, usl=config.target.spec.usl)
        order = _time_order(prepared, test)
        all_parts = capability(np.asarray(y_true, dtype=float), spec, order=order)
        passed = capability_passed(np.asarray(y_true, dtype=float), flagged, spec, order=order)
        indices = {
            "cp": all_parts.cp,
            "cpk": all_parts.cpk,
            "ppk": all_parts.ppk,
            "cpk_passed": passed.cpk,
            "ppk_passed": passed.ppk,
        }
        kpis.update(indices)
        formulas.update({name: KPIS[name].formula for name in indices})
        result_capability = {"all": all_parts, "passed": passed}
    order = _time_order(prepared, test)
    ordered_score = score if order is None else score[np.argsort(order, kind="stable")]
    control = control_signals(ordered_score, method="ewma")
    kpis["control_signal_rate"] = control.rate
    formulas["control_signal_rate"] = KPIS["control_signal_rate"].formula
    gate_results = evaluate_gates(gates, kpis, cis=cis, conservative=config.kpi.conservative)
    test_rows = _TestRows(y_true, y_pred, y_score, defects, flagged, groups, block, labels, class_costs)
    rules, evidence, rule_kpis = acceptance_rules(config, prepared, test_rows, n_boot=n_boot)
    kpis.update(rule_kpis)
    formulas.update({name: KPIS[name].formula for name in rule_kpis})
    checks = [*gate_results, *rules]
    confusion = None
    if task != "regression":
        actual = (
            np.asarray(y_true)
            if task == "multiclass"
            else np.where(y_true == 1, model.positive_label, model.negative_label)
        )
        confusion = pd.crosstab(
            pd.Series(actual, name="actual"),
            pd.Series(predictions["prediction"].to_numpy(), name="predicted"),
        )
    undefined = {
        k: undefined_reason(v) or Reason("infinite")
        for k, v in kpis.items()
        if isinstance(v, float) and not np.isfinite(v)
    }
    return Evaluation(
        model=model,
        threshold_note=threshold_note,
        predictions=predictions,
        kpis=kpis,
        cis=cis,
        gates=checks,
        gates_passed=bool(checks) and all(g.passed for g in checks),
        formulas=formulas,
        threshold_curve=threshold_curve,
        capability=result_capability,
        control={"rate": control.rate, "ucl": control.ucl, "lcl": control.lcl, "center": control.center},
        confusion=confusion,
        undefined=undefined,
        evidence=evidence,
        per_class=_per_class(prepared, y_true, y_pred) if task == "multiclass" else None,
    )


def _time_order(prepared: Any, test: pd.DataFrame) -> np.ndarray | None:
    column = prepared.roles.time
    if column is None:
        return None
    return pd.to_datetime(test[column], errors="coerce").rank(method="first").to_numpy()


def _business_inputs(config: PocConfig) -> tuple[CostModel, Baseline, Volumes]:
    return config.kpi.business_inputs()


@dataclass(frozen=True)
class _TestRows:
    """What the model did on the test part, as the acceptance rules read it."""

    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None
    defects: np.ndarray | None
    """Which test parts are defects; None when the target says nothing about defects."""
    flagged: np.ndarray
    groups: Any
    block: int | None
    labels: list[Any] | None
    class_costs: ClassCosts | None = None
    """multiclass with ``kpi.costs.class_costs``: how each (actual, predicted) pair is priced."""


def _class_costs(config: PocConfig, prepared: Any) -> ClassCosts | None:
    """The per-class cost matrix, with the good class a no-model policy passes parts as: the most frequent
    training class (test class without training rows) that is not a defect class; with no defect classes
    given, every other class is one."""
    table = config.kpi.costs.class_costs
    if table is None or config.target.task != "multiclass":
        return None
    classes = list(prepared.target.classes)
    named = [str(c) for c in prepared.target.defect_classes]
    seen = prepared.y_train if len(prepared.y_train) else prepared.y_test  # scored on new data only
    counts = pd.Series(np.asarray(seen).astype(str)).value_counts()
    good = [c for c in classes if str(c) not in named]
    ok = max(good, key=lambda c: (int(counts.get(str(c), 0)), -good.index(c)))
    defects = [c for c in classes if str(c) in named] if named else [c for c in classes if c != ok]
    return ClassCosts(tuple(classes), class_cost_matrix(table, classes), ok, tuple(defects))


def acceptance_rules(
    config: PocConfig, prepared: Any, rows: _TestRows, *, n_boot: int
) -> tuple[list[GateResult], Phrase | None, dict[str, float]]:
    """The built-in rules (axpoc.kpi._acceptance) on the test part: (rows, evidence sentence, KPIs).

    A rule the config switches off is a row with the user's reason; one the target cannot support (no
    defects defined) is a row saying why. ``no_model_saving`` / ``saving_vs_best_policy`` come from the
    no-model comparison.
    """
    from axpoc.compare import DEFAULT_PRIMARY

    settings, task = config.kpi.rules, config.target.task
    resample = {"groups": rows.groups, "block_size": rows.block, "n_boot": n_boot}
    units = _evidence_groups(config, prepared)  # None: rows are the units; else the group of every test row
    unit = None if units is None else str(prepared.roles.group)
    catches = _catches(config, prepared.target, rows, groups=units)
    no_defects = RuleText("no_defect_classes") if task == "multiclass" else RuleText("no_spec")
    results: list[GateResult] = []
    kpis: dict[str, float] = {}
    evidence = None
    if not settings.beats_no_model.enabled:
        results.append(switched_off("beats_no_model", settings.beats_no_model.reason or ""))
    elif rows.class_costs is not None:
        cost, baseline, volumes = _business_inputs(config)
        comparison = beats_no_model_by_class(
            rows.y_true,
            rows.y_pred,
            class_costs=rows.class_costs,
            baseline=baseline,
            cost=cost,
            volumes=volumes,
            label_groups=units,
            **resample,
        )
        results.extend(comparison.rules)
        kpis.update(comparison.kpis)
    elif rows.defects is None:
        results.append(not_applicable("beats_no_model", no_defects))
    else:
        cost, baseline, volumes = _business_inputs(config)
        comparison = beats_no_model(
            rows.defects,
            rows.flagged,
            baseline=baseline,
            cost=cost,
            volumes=volumes,
            label_groups=units,
            **resample,
        )
        results.extend(comparison.rules)
        kpis.update(comparison.kpis)
    recall = settings.catches_defects
    every_class = task == "multiclass" and rows.defects is None
    if not recall.enabled:
        results.append(switched_off("catches_defects", recall.reason or ""))
    elif not catches:
        results.append(not_applicable("catches_defects", no_defects))
    else:
        results.extend(
            catches_defects(catches, min_recall=recall.min_recall, every_class=every_class, unit=unit)
        )
    if not settings.beats_trivial.enabled:
        results.append(switched_off("beats_trivial", settings.beats_trivial.reason or ""))
    elif len(prepared.y_train) == 0:  # a champion scored on new data only: nothing to fit a trivial model on
        results.append(not_applicable("beats_trivial", RuleText("no_training_rows")))
    else:
        primary = config.kpi.primary or DEFAULT_PRIMARY[task]
        trivial = trivial_outputs(task, prepared.y_train, len(rows.y_true), labels=rows.labels)
        output = rows.y_score if KPIS[primary].reads == "scores" else rows.y_pred
        results.append(beats_trivial(primary, rows.y_true, output, trivial, labels=rows.labels, **resample))
    proof = settings.enough_evidence
    if not proof.enabled:
        results.append(switched_off("enough_evidence", proof.reason or ""))
    elif not catches:
        results.append(not_applicable("enough_evidence", no_defects))
    else:
        if units is None:
            share = len(rows.y_true) / max(len(prepared.frame), 1)
        else:
            all_groups = prepared.frame[prepared.roles.group].to_numpy()
            share = pd.unique(units).size / max(pd.unique(all_groups).size, 1)
        found, evidence = enough_evidence(
            catches,
            min_recall=recall.min_recall,
            alpha=proof.alpha,
            power=proof.power,
            test_share=share,
            unit=unit,
        )
        results.extend(found)
    return results, evidence, kpis


def _catches(
    config: PocConfig, target: Any, rows: _TestRows, *, groups: Any = None
) -> dict[Any, tuple[int, int]]:
    """Per defect class (every class of a multiclass target without defect classes): (caught, total) test
    parts, or test groups when ``groups`` is given (`defect_catches`); empty when nothing is a defect."""
    if rows.defects is not None:
        if config.target.task == "multiclass":
            return defect_catches(rows.y_true, rows.flagged, target.defect_classes, groups=groups)
        counts = defect_catches(rows.defects, rows.flagged, [True], groups=groups)[True]
        return {_defect_name(config, target): counts}
    if config.target.task == "multiclass":
        return defect_catches(rows.y_true, rows.y_pred == rows.y_true, list(target.classes), groups=groups)
    return {}


def _evidence_groups(config: PocConfig, prepared: Any) -> np.ndarray | None:
    """The group of every test row when groups, not rows, are the independent units of evidence: the split
    keeps groups whole and every group holds one label (a tool worn or not, one label per experiment);
    None to count rows."""
    from axpoc.data import group_level_columns

    split, group = prepared.split, prepared.roles.group
    if group is None or split.test_groups is None or split.block_size is not None:
        return None  # rows are exchangeable, or the units are time blocks, not groups
    if config.target.task == "regression":
        return None
    labels = pd.DataFrame({"label": np.asarray(prepared.target.y)})
    if not group_level_columns(labels, ["label"], prepared.frame[group].to_numpy()):
        return None
    return np.asarray(prepared.frame[group].to_numpy()[split.test_index])


def _defect_name(config: PocConfig, target: Any) -> Any:
    """What the report calls a defect of a binary, anomaly or spec-limited regression target."""
    if config.target.task == "regression":
        return "out of spec"
    return target.positive_label if target.positive_label is not None else "defect"


def _per_class(prepared: Any, y_true: np.ndarray, y_pred: np.ndarray) -> pd.DataFrame:
    """One row per class: parts in the test part, recall, precision, and whether it is a defect class."""
    rows = []
    for cls in prepared.target.classes:
        actual, predicted = y_true == cls, y_pred == cls
        hits = int((actual & predicted).sum())
        rows.append(
            {
                "class": cls,
                "defect": cls in set(prepared.target.defect_classes),
                "support": int(actual.sum()),
                "recall": hits / actual.sum() if actual.any() else np.nan,
                "precision": hits / predicted.sum() if predicted.any() else np.nan,
            }
        )
    return pd.DataFrame(rows)

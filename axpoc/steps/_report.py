"""Gather what the PoC report shows from the run's steps into one :class:`ReportData`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import yaml

from axpoc.config import PocConfig
from axpoc.i18n import decision_text, texts
from axpoc.kpi import KPIS
from axpoc.promotion import Decision
from axpoc.report import KpiRow, ReportData


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def kpi_rows(evaluation: Any, language: str) -> list[KpiRow]:
    rows = []
    for name, value in evaluation.kpis.items():
        kpi = KPIS.get(name)
        if kpi is None:
            continue
        low, high = evaluation.cis.get(name, (None, None))
        rows.append(
            KpiRow(
                name=name,
                label=kpi.label_ko if language == "ko" else kpi.label_en,
                value=_num(value),
                ci_low=low,
                ci_high=high,
                unit=kpi.unit,
                formula=evaluation.formulas.get(name, kpi.formula),
                higher_is_better=kpi.higher_is_better,
                group=kpi.group,
                undefined_reason=evaluation.undefined.get(name, ""),
            )
        )
    return rows


def _headline(
    evaluation: Any, language: str, *, inspected_today: float | None = None
) -> list[tuple[str, str, str]]:
    """Before -> after of the KPIs a plant manager decides on, the one that moves most (in points) first.

    ``inspected_today`` is the share of parts inspected by hand today (``kpi.baseline``): with it the
    manual inspection share is a row too, so a saving that comes from inspecting less is shown by the KPI
    that carries it, not only beside an outgoing defect rate that barely moves.
    """
    k = evaluation.kpis
    out = []
    pairs = [("baseline_defect_rate", "defect_rate_passed"), ("cpk", "cpk_passed"), ("ppk", "ppk_passed")]
    values = {name: _num(value) for name, value in k.items()}
    if inspected_today is not None and "manual_inspection_share" in k:
        values["inspected_today"] = inspected_today
        pairs.append(("inspected_today", "manual_inspection_share"))
    moves = []
    for before, after in pairs:
        if (
            before in values
            and after in values
            and np.isfinite(values[before])
            and np.isfinite(values[after])
        ):
            label = KPIS[after].label_ko if language == "ko" else KPIS[after].label_en
            fmt = "{:.2%}" if KPIS[after].unit == "ratio" else "{:.2f}"
            out.append((label, fmt.format(values[before]), fmt.format(values[after])))
            moves.append(abs(values[after] - values[before]))  # in points: a report's rows share a unit kind
    out = [row for _, row in sorted(zip(moves, out, strict=True), key=lambda pair: -pair[0])]
    if not out and evaluation.per_class is not None:
        out = _metric_headline(evaluation, language)
    return out


def _inspected_today(config: PocConfig) -> float | None:
    """The share of parts inspected by hand today, from ``kpi.baseline`` (None for tasks without one)."""
    if config.target.task not in ("binary", "anomaly"):
        return None
    baseline = config.kpi.baseline
    return {"all": 1.0, "sample": baseline.sample_rate, "none": 0.0}[baseline.mode]


def _metric_headline(evaluation: Any, language: str) -> list[tuple[str, str, str]]:
    """multiclass without business KPIs (no defect classes): macro F1 and each class's recall, with no
    "before" to compare with, so no before -> after chart is drawn for numbers that mean nothing."""
    ko = language == "ko"
    rows = []
    if np.isfinite(_num(evaluation.kpis.get("macro_f1"))):
        label = KPIS["macro_f1"].label_ko if ko else KPIS["macro_f1"].label_en
        rows.append((label, "–", f"{_num(evaluation.kpis['macro_f1']):.3f}"))
    for row in evaluation.per_class.to_dict(orient="records"):
        if np.isfinite(_num(row["recall"])):
            rows.append((f"{texts(language)['class_recall']}: {row['class']}", "–", f"{row['recall']:.3f}"))
    return rows


def assemble_report_data(
    config: PocConfig,
    prepared: Any,
    comparison: Any,
    evaluation: Any,
    validation: Any,
    outcome: Any,
    *,
    store: Any,
    version: str,
    decision: Decision,
) -> ReportData:
    from axpoc.data import profile
    from axpoc.explain import average_effects, permutation_importance

    language = config.language
    model = evaluation.model
    test = prepared.test
    importances = permutation_importance(model, test, prepared.y_test, comparison.scorer)
    numeric_top = [f for f in importances["feature"].head(3)]
    effects = average_effects(model, test, numeric_top)
    prep = getattr(comparison.model, "steps", None)
    pipeline_steps = (
        [f"{name}: {type(step).__name__}" for name, step in prep]
        if prep
        else [type(comparison.model).__name__]
    )
    if model.threshold is not None:
        pipeline_steps.append(f"decision: threshold {model.threshold:.3f} (FixedThresholdClassifier)")
    from axpoc.models import get_family

    why = get_family(comparison.chosen.name).why(language)
    return ReportData(
        language=language,
        project_name=config.project.name,
        title=config.project.title or config.project.name,
        process=config.process,
        task=config.target.task,
        target=config.target.column,
        verdict=decision.verdict,
        verdict_reason=decision_text(decision.code, decision.values, language),
        model_name=store.model_name,
        model_version=version,
        run_id=outcome.run_id,
        tracking_uri=store.tracking_uri,
        data_source=prepared.source_label,
        data_digest=prepared.digest,
        n_rows=len(prepared.frame),
        n_features=len(prepared.roles.features),
        profile=profile(prepared.frame, config).for_report(),
        validation=validation.to_frame(),
        split_description=prepared.split.description,
        cv_description=comparison.notes[0] if comparison.notes else "",
        notes=list(outcome.notes),
        primary_metric=comparison.scorer.primary,
        leaderboard=comparison.leaderboard,
        candidate_notes={result.name: result.reason for result in comparison.results},
        conclusion=comparison.conclusion(language),
        chosen=comparison.chosen.name,
        chosen_params=dict(comparison.chosen.params),
        pipeline_steps=pipeline_steps,
        why_family=why,
        kpis=kpi_rows(evaluation, language),
        gates=list(evaluation.gates),
        evidence=evaluation.evidence or "",
        per_class=evaluation.per_class,
        threshold=model.threshold,
        threshold_note=evaluation.threshold_note,
        threshold_curve=evaluation.threshold_curve,
        currency=config.kpi.costs.currency,
        confusion=evaluation.confusion,
        y_true=np.asarray(prepared.y_test, dtype=float) if config.target.task == "regression" else None,
        y_pred=evaluation.predictions["score"].to_numpy(dtype=float)
        if config.target.task == "regression"
        else None,
        spec=model.spec,
        importances=importances,
        effects=effects,
        headline=_headline(evaluation, language, inspected_today=_inspected_today(config)),
        assumptions=list(config.project.assumptions),
        config_yaml=yaml.safe_dump(
            config.model_dump(mode="json", exclude={"base_dir"}), allow_unicode=True, sort_keys=False
        ),
    )

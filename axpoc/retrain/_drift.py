"""Drift of new data against what the champion was trained on, and ``axpoc drift`` on its own.

Per feature (PSI with KS or chi², W/σ; curves by their summaries; sampled beyond ``max_rows``), the
label, the champion's scores, values never seen in training, and the champion's own KPIs on the new
rows when they carry labels: the first thing to look at when quality numbers move.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.i18n import RetrainNote

MAX_ROWS = 50_000


@dataclass
class DriftResult:
    """What the drift step found; ``champion_evaluation`` is None without labelled new rows."""

    report: Any
    reference_label: str
    champion_evaluation: Any = None
    validation: Any = None
    new_products: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class DriftOutcome:
    """What ``axpoc drift`` prints (and ``--json`` returns)."""

    project: str
    data_source: str
    champion_version: str
    reference: str
    n_reference: int
    n_new: int
    summary: str
    drifted: list[str]
    drift: dict[str, Any]
    validation_warnings: list[dict[str, Any]]
    champion_kpis_on_new: dict[str, float]
    champion_gates_on_new: list[dict[str, Any]]
    new_products: list[dict[str, Any]]
    report_path: str | None
    notes: list[str]
    elapsed_s: float
    report: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, without the report object (its content is in ``drift``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "report"}


def drift_step(
    config: PocConfig,
    champion: Any,
    reference: pd.DataFrame,
    new: pd.DataFrame,
    *,
    reference_label: str,
    labelled: pd.DataFrame | None,
    gates: dict[str, str],
    validation: Any = None,
    max_rows: int = MAX_ROWS,
    seed: int = 0,
) -> DriftResult:
    """Drift of ``new`` against ``reference`` on the champion's features, label and scores."""
    from axpoc.drift import drift_report
    from axpoc.steps import product_changes

    features = [c for c in champion.features if c in reference.columns or c in new.columns]
    target = config.target.column if config.target.column in reference.columns else None
    report = drift_report(
        reference,
        new,
        features=features,
        target=target,
        reference_scores=_scores(champion, reference, max_rows, seed),
        current_scores=_scores(champion, new, max_rows, seed + 1),
        max_rows=max_rows,
        random_state=seed,
    )
    result = DriftResult(report=report, reference_label=reference_label, validation=validation)
    if config.columns.product:
        result.new_products = product_changes(reference, new, config)
    if labelled is not None:
        labelled = _known_classes(config, champion, labelled, result.notes)
    if labelled is not None and len(labelled):
        result.champion_evaluation = champion_on(config, champion, labelled, gates=gates)
    return result


def _known_classes(
    config: PocConfig, champion: Any, labelled: pd.DataFrame, notes: list[str]
) -> pd.DataFrame:
    """The labelled rows of classes the champion knows: it cannot be scored on a class it never saw."""
    from axpoc.retrain._newdata import unseen_classes_text, unseen_labels

    target = config.target.column
    unseen = unseen_labels(champion, labelled[target])
    if unseen.any():
        classes = unseen_classes_text(labelled.loc[unseen, target])
        notes.append(RetrainNote("unseen_classes", {"target": target, "classes": classes}))
    return labelled.loc[~unseen]


def _scores(model: Any, frame: pd.DataFrame, max_rows: int, seed: int) -> np.ndarray:
    """The champion's scores on (a seeded sample of) the rows: scoring millions of rows is not needed."""
    if len(frame) > max_rows:
        frame = frame.sample(n=max_rows, random_state=seed)
    return model.predict_frame(frame)["score"].to_numpy(dtype=float)


def champion_on(config: PocConfig, model: Any, frame: pd.DataFrame, *, gates: dict[str, str]) -> Any:
    """The model's KPIs and gate verdicts on labelled rows, every row counted as test."""
    from axpoc.data import Roles, SplitResult
    from axpoc.retrain._newdata import target_like
    from axpoc.steps import Prepared, evaluate

    frame = frame.reset_index(drop=True)
    split = SplitResult(
        train_index=np.array([], dtype=int),
        test_index=np.arange(len(frame)),
        method="none",
        description="all labelled new rows",
    )
    cols = config.columns
    roles = Roles(
        target=config.target.column,
        id=cols.id,
        group=cols.group,
        product=cols.product,
        time=cols.time if cols.time in frame.columns else None,
        features=list(model.features),
    )
    prepared = Prepared(
        config=config,
        frame=frame,
        roles=roles,
        split=split,
        target=target_like(model, frame[config.target.column]),
        source_label="",
        digest="",
    )
    return evaluate(config, prepared, model, gates=gates, n_boot=200)


def drift_check(
    config: PocConfig, *, data_path: str | Path, project_dir: Path | None = None, write_html: bool = True
) -> DriftOutcome:
    """``axpoc drift``: new data against the champion's training data, without training anything."""
    from axpoc.promotion import configured_gates
    from axpoc.retrain._combine import reference_data
    from axpoc.retrain._newdata import check_new, read_new
    from axpoc.retrain._project import champion, open_project

    started = time.monotonic()
    store = open_project(config, project_dir, need_champion=True)
    version, model = champion(store)
    new = read_new(config, data_path)
    target = config.target.column
    has_labels = target in new.frame.columns and new.frame[target].notna().any()
    validation = check_new(new.frame, champion_contract(model), source=new.source_label, labelled=has_labels)
    reference, label = reference_data(config, store, version)
    labelled = new.frame.loc[new.frame[target].notna()] if has_labels else None
    result = drift_step(
        config,
        model,
        reference,
        new.frame,
        reference_label=label,
        labelled=labelled,
        gates=configured_gates(config),
        validation=validation,
    )
    notes = [*new.notes, *result.notes]
    if not has_labels:
        notes.append(RetrainNote("no_labels", {"target": target}))
    report_path = None
    if write_html:
        from axpoc.report import write_retrain_report
        from axpoc.retrain._report_data import report_data

        stamp = datetime.now().strftime("%Y%m%d_%H%M%S")
        path = config.project_dir(project_dir) / "reports" / f"drift_report_{stamp}.html"
        data = report_data(config, store=store, new=new, champion_version=version, drift=result, notes=notes)
        report_path = str(write_retrain_report(data, path))
    evaluation = result.champion_evaluation
    return DriftOutcome(
        project=config.project.name,
        data_source=new.source_label,
        champion_version=version,
        reference=label,
        n_reference=len(reference),
        n_new=len(new.frame),
        summary=result.report.summary(config.language),
        drifted=result.report.drifted("moderate"),
        drift=result.report.to_dict(),
        validation_warnings=warning_dicts(validation),
        champion_kpis_on_new={k: float(v) for k, v in evaluation.kpis.items()} if evaluation else {},
        champion_gates_on_new=[g.to_dict() for g in evaluation.gates] if evaluation else [],
        new_products=result.new_products,
        report_path=report_path,
        notes=notes,
        elapsed_s=time.monotonic() - started,
        report=result.report,
    )


def champion_contract(model: Any) -> Any:
    """The data contract stored inside the champion: what every later batch is checked against."""
    from axpoc.data import Contract
    from axpoc.errors import UserError

    if not model.contract_json:
        raise UserError(
            "The champion carries no data contract (trained by an old axpoc); retrain it with "
            "'axpoc run CONFIG' first."
        )
    return Contract.from_json(model.contract_json, source="the champion's data contract")


def warning_dicts(report: Any) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json", exclude={"failing_rows"}) for r in report.warnings] if report else []

"""``axpoc retrain``: the champion's training data plus new data -> a challenger -> champion vs challenger
on the same, most recent holdout -> promote only when the challenger passes the gates and is not worse.

Order of safety: the new data is read and checked against the champion's contract before anything is
trained or logged; the champion alias moves last, under the registry lock, only if it still points at
the version the decision was made against. A crash, Ctrl-C or kill before that leaves it where it was;
one during the move is completed or undone (the move is journaled, :mod:`axpoc.tracking._moves`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from axpoc import __version__
from axpoc._logs import Log
from axpoc.config import CandidateConfig, PocConfig
from axpoc.errors import UserError
from axpoc.i18n import ConsoleText, console_text
from axpoc.promotion import (
    Decision,
    config_digest,
    configured_gates,
    log_config,
    log_snapshot,
    primary_kpi,
)


@dataclass
class RetrainOutcome:
    """What ``axpoc retrain`` prints (and ``--json`` returns)."""

    project: str
    data_source: str
    champion_version: str
    reference: str = ""
    run_id: str | None = None
    model_name: str | None = None
    challenger_version: str | None = None
    alias: str | None = None
    promoted: bool = False
    verdict: str | None = None
    """champion, challenger, insufficient_evidence or rejected (:class:`axpoc.promotion.Decision`)."""
    forced: bool = False
    decision_reason: str = ""
    """Why: English as a ``str`` (JSON, logs); a :class:`axpoc.report.DecisionReason` once decided, so
    ``decision_reason.text("ko")`` says it in Korean."""
    non_inferiority: dict[str, Any] = field(default_factory=dict)
    primary: str = ""
    family: str = ""
    retune: bool = False
    n_reference: int = 0
    n_new: int = 0
    n_replaced: int = 0
    n_train: int = 0
    n_holdout: int = 0
    holdout: str = ""
    window: str = ""
    challenger_kpis: dict[str, float] = field(default_factory=dict)
    challenger_gates: list[dict[str, Any]] = field(default_factory=list)
    gates_passed: bool | None = None
    champion_kpis: dict[str, float] = field(default_factory=dict)
    champion_gates: list[dict[str, Any]] = field(default_factory=list)
    drift_summary: str = ""
    drifted: list[str] = field(default_factory=list)
    drift: dict[str, Any] = field(default_factory=dict)
    champion_kpis_on_new: dict[str, float] = field(default_factory=dict)
    new_products: list[dict[str, Any]] = field(default_factory=list)
    validation_warnings: list[dict[str, Any]] = field(default_factory=list)
    report_path: str | None = None
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


def retrain(
    config: PocConfig,
    *,
    data_path: str | Path,
    project_dir: Path | None = None,
    retune: bool = False,
    window_days: int | None = None,
    window_rows: int | None = None,
    force: bool = False,
    reason: str | None = None,
    log: Log | None = None,
    on_candidate: Callable[[Any], None] | None = None,
    on_trial: Callable[[str, int, float], None] | None = None,
    config_text: str | None = None,
) -> RetrainOutcome:
    """Retrain the champion on its training snapshot plus ``data_path`` and decide champion vs challenger.

    ``retune`` reruns the whole comparison of the config's candidates; otherwise the challenger is the
    champion's family with the champion's parameters. ``window_days`` / ``window_rows`` (default: the
    config's ``retrain`` section) keep only the most recent data.
    """
    import mlflow

    from axpoc import tracking
    from axpoc.retrain._combine import reference_data
    from axpoc.retrain._drift import champion_contract, drift_step, warning_dicts
    from axpoc.retrain._newdata import check_new, labelled_rows, read_new, refuse_unseen_classes
    from axpoc.retrain._project import champion, open_project
    from axpoc.steps import Trained, check_kpi_inputs, check_per_product, train_evaluate_register

    if force and not reason:
        raise UserError('--force needs --reason "...": the reason is recorded in the promotion log.')
    say = log or (lambda message: None)
    started = time.monotonic()
    gates = configured_gates(config)
    check_kpi_inputs(config, gates)
    check_per_product(config)
    window_days = window_days if window_days is not None else config.retrain.window_days
    window_rows = window_rows if window_rows is not None else config.retrain.window_rows

    store = open_project(config, project_dir, need_champion=True)
    champion_version, champion_model = champion(store)
    new = read_new(config, data_path)
    labelled, notes = labelled_rows(new.frame, config, source=new.source_label)
    validation = check_new(
        labelled, champion_contract(champion_model), source=new.source_label, labelled=True
    )
    refuse_unseen_classes(champion_model, labelled, config, source=new.source_label)
    outcome = RetrainOutcome(
        project=config.project.name,
        data_source=new.source_label,
        champion_version=champion_version,
        retune=retune,
        forced=force,
        primary=primary_kpi(config),
        model_name=store.model_name,
        notes=[*store.recovered, *new.notes, *notes],
        validation_warnings=warning_dicts(validation),
    )
    say(
        console_text(
            "champion_and_new_data",
            config.language,
            model=store.model_name,
            version=champion_version,
            family=champion_model.family,
            source=new.source_label,
            rows=len(new.frame),
            warnings=len(validation.warnings),
        )
    )

    reference, outcome.reference = reference_data(config, store, champion_version)
    drift = drift_step(
        config,
        champion_model,
        reference,
        new.frame,
        reference_label=outcome.reference,
        labelled=labelled,
        gates=gates,
        validation=validation,
    )
    outcome.drift, outcome.drifted = drift.report.to_dict(), drift.report.drifted("moderate")
    outcome.drift_summary = drift.report.summary(config.language)
    outcome.new_products = drift.new_products
    if drift.champion_evaluation is not None:
        outcome.champion_kpis_on_new = {k: float(v) for k, v in drift.champion_evaluation.kpis.items()}
    say(console_text("drift", config.language, summary=outcome.drift_summary))

    combined, contract, train_config, prepared, outcome.holdout = _training_data(
        config,
        reference,
        labelled,
        champion_model,
        retune=retune,
        window_days=window_days,
        window_rows=window_rows,
        source=f"{outcome.reference} + {new.source_label}",
    )
    outcome.notes.extend([*combined.notes, *prepared.notes])
    outcome.n_reference, outcome.n_new, outcome.n_replaced = (
        combined.n_reference,
        combined.n_new,
        combined.n_replaced,
    )
    outcome.window = combined.window
    outcome.n_train, outcome.n_holdout = len(prepared.split.train_index), len(prepared.split.test_index)
    say(
        console_text(
            "training_data",
            config.language,
            reference=outcome.n_reference,
            new=outcome.n_new,
            replaced=outcome.n_replaced,
            window=ConsoleText("window", {"window": combined.window}) if combined.window else "",
            holdout=outcome.holdout,
        )
    )

    with tracking.parent_run(
        store,
        run_name=f"retrain {datetime.now().strftime('%Y-%m-%d %H:%M')}",
        tags={"axpoc.kind": "retrain", "axpoc.version": __version__, "axpoc.champion": champion_version},
    ) as run:
        outcome.run_id = run.info.run_id
        _log_inputs(config, combined, new, prepared, contract, validation, drift, outcome, config_text)

        mlflow.log_metrics(
            {f"champion_new_{k}": v for k, v in outcome.champion_kpis_on_new.items() if np.isfinite(v)}
        )

        def on_step(name: str, trained: Trained) -> None:
            if name == "compare":
                outcome.notes.extend(trained.comparison.notes)
            elif name == "evaluate":
                outcome.notes.extend(trained.notes)
                outcome.family = trained.model.family
                outcome.challenger_kpis = {k: float(v) for k, v in trained.evaluation.kpis.items()}
                outcome.challenger_gates = [g.to_dict() for g in trained.evaluation.gates]
                outcome.gates_passed = trained.evaluation.gates_passed
                if trained.champion_evaluation is not None:
                    outcome.champion_kpis = {k: float(v) for k, v in trained.champion_evaluation.kpis.items()}
                    outcome.champion_gates = [g.to_dict() for g in trained.champion_evaluation.gates]
                say(
                    console_text(
                        "holdout_score",
                        config.language,
                        rows=outcome.n_holdout,
                        primary=outcome.primary,
                        challenger=outcome.challenger_kpis.get(outcome.primary, float("nan")),
                        champion=outcome.champion_kpis.get(outcome.primary, float("nan")),
                    )
                )
            elif name == "register":
                outcome.challenger_version = trained.version
                decision = trained.decision
                outcome.non_inferiority = decision.test.numbers() if decision.test is not None else {}

        def write_report(trained: Trained, decided: Decision) -> Path:
            from axpoc.report import write_retrain_report
            from axpoc.retrain._report_data import report_data

            data = report_data(
                config,
                store=store,
                new=new,
                champion_version=champion_version,
                drift=drift,
                notes=outcome.notes,
                outcome=outcome,
                decision=decided,
                champion=(champion_model.family, trained.champion_evaluation),
                evaluation=trained.evaluation,
            )
            return write_retrain_report(
                data,
                config.project_dir(project_dir) / "reports" / f"retrain_report_v{trained.version}.html",
            )

        trained = train_evaluate_register(
            config,
            prepared,
            store,
            run_id=run.info.run_id,
            contract=contract,
            gates=gates,
            train_config=train_config,
            champion=(champion_version, champion_model),
            force=force,
            reason=reason,
            tags={"axpoc.kind": "retrain"},
            write_report=write_report,
            on_step=on_step,
            on_candidate=on_candidate,
            on_trial=on_trial,
        )
        decision = trained.decision
        outcome.alias, outcome.promoted, outcome.verdict = decision.alias, decision.promote, decision.verdict
        outcome.decision_reason = decision.reason
        outcome.report_path = str(trained.report_path)
    outcome.elapsed_s = time.monotonic() - started
    return outcome


def _training_data(
    config: PocConfig,
    reference: Any,
    labelled: Any,
    champion_model: Any,
    *,
    retune: bool,
    window_days: int | None,
    window_rows: int | None,
    source: str,
) -> tuple[Any, Any, PocConfig, Any, str]:
    """(combined, the challenger's contract, training config, prepared data, how the holdout was chosen).

    The prepared data's holdout is the most recent part; without ``retune`` the training config's only
    candidate is the champion's family with its parameters, untuned.
    """
    from axpoc.data import LoadedData, frame_digest, validate
    from axpoc.retrain._combine import combine, recent_holdout
    from axpoc.steps import prepare_loaded, training_contract

    combined = combine(reference, labelled, config, window_days=window_days, window_rows=window_rows)
    contract = training_contract(config, combined.frame)  # the challenger's own, from its training data
    validate(combined.frame, contract, use_gx=False).raise_for_critical()
    train_config, frame, holdout = recent_holdout(config, combined.frame)
    if not retune:
        params = dict(champion_model.metadata.get("params", {}))
        fixed = CandidateConfig(name=champion_model.family, params=params, tune=False)
        train_config = train_config.model_copy(update={"candidates": [fixed]})
    loaded = LoadedData(frame=frame, source_label=source, digest=frame_digest(combined.frame))
    return combined, contract, train_config, prepare_loaded(train_config, loaded), holdout


def _log_inputs(
    config: PocConfig,
    combined: Any,
    new: Any,
    prepared: Any,
    contract: Any,
    validation: Any,
    drift: Any,
    outcome: RetrainOutcome,
    config_text: str | None,
) -> None:
    """Parameters, datasets, config, contract, checks, drift and the next reference snapshot, in the active run."""
    import mlflow

    from axpoc import tracking

    mlflow.log_params(
        {
            "champion_version": outcome.champion_version,
            "retune": outcome.retune,
            "n_reference": outcome.n_reference,
            "n_new": outcome.n_new,
            "n_replaced": outcome.n_replaced,
            "window": outcome.window or "none",
            "n_train": outcome.n_train,
            "n_holdout": outcome.n_holdout,
            "holdout": outcome.holdout[:500],
            "config_digest": config_digest(config)[:16],
        }
    )
    target = config.target.column
    tracking.log_dataset(
        combined.frame,
        name=config.project.name,
        digest=prepared.digest,
        source="",
        target=target,
        context="training",
    )
    tracking.log_dataset(
        new.frame,
        name=f"{config.project.name}-new",
        digest=new.digest,
        source=new.source_uri,
        target=target,
        context="new",
    )
    log_config(config, config_text)
    mlflow.log_text(contract.to_json(), "contract/contract.json")
    tracking.log_frame(validation.to_frame(), "validation/new_vs_champion_contract.csv")
    tracking.log_frame(drift.report.to_frame(), "drift/drift.csv")
    log_snapshot(config, combined.frame)  # the reference of the next retrain

"""``axpoc run``: validate -> split -> compare -> evaluate -> register -> report, under one MLflow parent run.

A failed or interrupted step never moves ``champion``: the alias moves only at the very end, after the
model is logged and registered, and only when :mod:`axpoc.promotion` decides so (enough evidence, the
rules and gates pass, not worse than the current champion on the same test part). The move itself is one
journaled transaction (:mod:`axpoc.tracking._moves`): a kill or Ctrl-C inside it is completed or undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from axpoc import __version__
from axpoc._logs import Log
from axpoc.config import PocConfig
from axpoc.errors import UserError, ValidationFailed
from axpoc.i18n import console_text
from axpoc.promotion import (
    Decision,
    config_digest,
    configured_gates,
    log_config,
    log_snapshot,
    package_versions,
)

STEPS = ("validate", "split", "compare", "evaluate", "register", "report")


@dataclass
class RunOutcome:
    """What ``axpoc run`` prints (and ``--json`` returns)."""

    project: str
    stopped_after: str
    run_id: str | None = None
    chosen: str | None = None
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    conclusion: str = ""
    gates: list[dict[str, Any]] = field(default_factory=list)
    gates_passed: bool | None = None
    kpis: dict[str, float] = field(default_factory=dict)
    model_name: str | None = None
    model_version: str | None = None
    alias: str | None = None
    verdict: str | None = None
    """champion, challenger, insufficient_evidence or rejected (:class:`axpoc.promotion.Decision`)."""
    decision_reason: str = ""
    """Why: English as a ``str`` (JSON, logs); a :class:`axpoc.report.DecisionReason` once decided, so
    ``decision_reason.text("ko")`` says it in Korean."""
    report_path: str | None = None
    ui_command: str = ""
    validation_ok: bool | None = None
    split: str = ""
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


def run_poc(
    config: PocConfig,
    *,
    project_dir: Path | None = None,
    until: str = "report",
    force: bool = False,
    reason: str | None = None,
    log: Log | None = None,
    on_candidate: Callable[[Any], None] | None = None,
    on_trial: Callable[[str, int, float], None] | None = None,
    config_text: str | None = None,
) -> RunOutcome:
    """Run the whole PoC flow; ``until`` stops after that step (validate, split, compare, evaluate, register)."""
    import time

    import mlflow

    from axpoc import tracking
    from axpoc._env import apply_quiet_defaults
    from axpoc.steps._evaluate import check_kpi_inputs
    from axpoc.steps._prepare import prepare
    from axpoc.steps._train import Trained, train_evaluate_register
    from axpoc.steps._validate import build_and_check, check_config, save_contract

    apply_quiet_defaults()
    if until not in STEPS:
        raise UserError(f"--until {until!r}: expected one of {', '.join(STEPS)}.")
    if force and not reason:
        raise UserError('--force needs --reason "...": the reason is recorded with the model version.')
    say = log or (lambda message: None)
    started = time.monotonic()
    folder = config.project_dir(project_dir)
    template_gates = configured_gates(config)
    check_config(config)
    check_kpi_inputs(config, template_gates)
    outcome = RunOutcome(project=config.project.name, stopped_after=until)

    prepared = prepare(config)
    outcome.notes.extend(prepared.notes)
    rows, features = len(prepared.frame), len(prepared.roles.features)
    say(console_text("data", config.language, source=prepared.source_label, rows=rows, features=features))
    contract, report = build_and_check(config, prepared.frame)
    outcome.validation_ok = bool(report.ok)
    contract_path, suite_path = save_contract(contract, folder / "contracts")
    if not report.ok:
        try:
            report.raise_for_critical()  # names each failing column, rule and row, as `validate` does
        except ValidationFailed as exc:
            raise ValidationFailed(f"{prepared.source_label}: nothing was trained. {exc.message}") from None
    if until == "validate":
        outcome.elapsed_s = time.monotonic() - started
        return outcome
    outcome.split = prepared.split.description
    say(console_text("split", config.language, description=prepared.split.description))
    if until == "split":
        outcome.elapsed_s = time.monotonic() - started
        return outcome

    store = tracking.open_store(
        project_name=config.project.name,
        project_dir=folder,
        tracking_uri=config.tracking.uri,
        registry_uri=config.tracking.registry_uri,
        database=config.tracking.database,
    )
    outcome.notes.extend(store.recovered)  # a promotion a stopped process left half done, settled now
    outcome.ui_command = f"axpoc ui <config>   # MLflow UI on {store.tracking_uri}"
    digest_config = config_digest(config)
    with tracking.parent_run(
        store,
        run_name=f"run {datetime.now().strftime('%Y-%m-%d %H:%M')}",
        tags={"axpoc.kind": "run", "axpoc.version": __version__},
    ) as run:
        outcome.run_id = run.info.run_id
        mlflow.log_params(
            {
                "process": config.process,
                "task": config.target.task,
                "target": config.target.column,
                "split": prepared.split.method,
                "n_rows": len(prepared.frame),
                "n_features": len(prepared.roles.features),
                "config_digest": digest_config[:16],
            }
        )
        tracking.log_dataset(
            prepared.frame,
            name=config.project.name,
            digest=prepared.digest,
            source=prepared.loaded.source_uri,
            target=config.target.column,
            context="training",
        )
        log_config(config, config_text)
        mlflow.log_artifact(str(contract_path), artifact_path="contract")
        mlflow.log_artifact(str(suite_path), artifact_path="contract")
        tracking.log_frame(report.to_frame(), "validation/validation.csv")
        log_snapshot(config, prepared.frame)

        def on_step(name: str, trained: Trained) -> None:
            comparison = trained.comparison
            if name == "compare":
                outcome.notes.extend(comparison.notes)
                outcome.chosen = comparison.chosen.name
                outcome.conclusion = comparison.conclusion(config.language)
                # the notes as the candidates' phrases (a frame keeps only their English): said in the
                # config's language on the console, English in --json
                reasons = {result.name: result.reason for result in comparison.results}
                outcome.leaderboard = [
                    {**row, "note": reasons.get(row["candidate"], row.get("note"))}
                    for row in comparison.leaderboard.replace({np.nan: None}).to_dict(orient="records")
                ]
                say(
                    console_text(
                        "chosen", config.language, name=comparison.chosen.name, conclusion=outcome.conclusion
                    )
                )
            elif name == "evaluate":
                outcome.notes.extend(trained.notes)
                outcome.kpis = {k: float(v) for k, v in trained.evaluation.kpis.items()}
                outcome.gates = [g.to_dict() for g in trained.evaluation.gates]
                outcome.gates_passed = trained.evaluation.gates_passed
            elif name == "register":
                outcome.model_name, outcome.model_version = store.model_name, trained.version

        def write_report(trained: Trained, decided: Decision) -> Path:
            return _write_report(
                config,
                prepared,
                trained.comparison,
                trained.evaluation,
                report,
                outcome,
                store=store,
                version=str(trained.version),
                decision=decided,
                path=folder / "reports" / f"poc_report_v{trained.version}.html",
            )

        trained = train_evaluate_register(
            config,
            prepared,
            store,
            run_id=run.info.run_id,
            contract=contract,
            gates=template_gates,
            until={"compare": "compare", "evaluate": "evaluate"}.get(until, "decide"),
            force=force,
            reason=reason,
            write_report=write_report if until == "report" else None,
            on_step=on_step,
            on_candidate=on_candidate,
            on_trial=on_trial,
        )
        if trained.decision is not None:
            outcome.alias, outcome.verdict = trained.decision.alias, trained.decision.verdict
            outcome.decision_reason = trained.decision.reason
            outcome.report_path = None if trained.report_path is None else str(trained.report_path)
    outcome.elapsed_s = time.monotonic() - started
    return outcome


def _write_report(
    config: PocConfig,
    prepared: Any,
    comparison: Any,
    evaluation: Any,
    validation: Any,
    outcome: RunOutcome,
    *,
    store: Any,
    version: str,
    decision: Decision,
    path: Path,
) -> Path:
    from axpoc.report import write_report
    from axpoc.steps._report import assemble_report_data

    data = assemble_report_data(
        config,
        prepared,
        comparison,
        evaluation,
        validation,
        outcome,
        store=store,
        version=version,
        decision=decision,
    )
    data.packages = package_versions()
    data.config_digest = config_digest(config)
    data.created_at = datetime.now(UTC).isoformat(timespec="seconds")
    return write_report(data, path)

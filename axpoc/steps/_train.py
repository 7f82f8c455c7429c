"""One sequence for ``axpoc run`` and ``axpoc retrain``: compare -> decision rule -> per-product models ->
evaluate (beside the champion, when there is one) -> register -> decide, inside the active MLflow run.

The callers differ only in what they read before (a PoC's data; a champion's snapshot plus new data) and what
they report; ``on_step`` tells them after ``compare``, ``evaluate`` and ``register`` so they can fill their
outcome (the report they write reads it). The champion alias moves only in the last step, under
:mod:`axpoc.promotion`'s rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axpoc.config import PocConfig
from axpoc.promotion import Decision, apply_decision, decide_with_report, kpi_table, register_candidate

STAGES = ("compare", "evaluate", "decide")


@dataclass
class Trained:
    """What the sequence made, step by step (later fields stay None when it stopped early)."""

    comparison: Any
    model: Any = None
    """The candidate `axpoc.artifact.PocModel` (decision rule, per-product routes, contract)."""
    evaluation: Any = None
    champion_evaluation: Any = None
    """The champion on the same test part (None without a champion, or when it cannot score these columns)."""
    version: str | None = None
    decision: Decision | None = None
    report_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    """Per-product models and the champion's evaluation, said for the outcome's notes."""


def train_evaluate_register(
    config: PocConfig,
    prepared: Any,
    store: Any,
    *,
    run_id: str,
    contract: Any,
    gates: dict[str, str],
    train_config: PocConfig | None = None,
    until: str = "decide",
    champion: tuple[str, Any] | None = None,
    force: bool = False,
    reason: str | None = None,
    tags: dict[str, str] | None = None,
    write_report: Callable[[Trained, Decision], Path] | None = None,
    on_step: Callable[[str, Trained], None] | None = None,
    on_candidate: Callable[[Any], None] | None = None,
    on_trial: Callable[[str, int, float], None] | None = None,
) -> Trained:
    """Train a candidate on ``prepared``, evaluate it on its test part, register it and decide; returns it.

    ``train_config`` (default ``config``) chooses the candidates (a retrain without ``--retune`` fixes the
    champion's family and parameters); ``config`` rules the decision, KPIs and gates. ``until`` stops after
    one of :data:`STAGES`. ``champion`` (version, model) is evaluated on the same test part and decided
    against; ``write_report(trained, decision)`` writes the report the decision is made with (without it, the
    decision is applied as it is).
    """
    import mlflow
    import numpy as np

    from axpoc import tracking
    from axpoc.compare import Scorer
    from axpoc.steps._compare import run_comparison
    from axpoc.steps._evaluate import build_poc_model, evaluate
    from axpoc.steps._products import train_product_models

    if until not in STAGES:
        raise ValueError(f"until must be one of {STAGES}, got {until!r}")
    step = on_step or (lambda name, trained: None)
    train_config = train_config or config
    ranked_by = Scorer.for_task(config.target.task, config.kpi.primary).primary

    def log_child(result: Any) -> None:
        tracking.log_candidate(store, result, primary=ranked_by, parent_run_id=run_id)
        if on_candidate:
            on_candidate(result)

    comparison = run_comparison(train_config, prepared, on_candidate=log_child, on_trial=on_trial)
    trained = Trained(comparison)
    tracking.log_frame(comparison.leaderboard, "leaderboard.csv")
    mlflow.log_metrics({"compare_elapsed_s": comparison.elapsed_s, "refit_time_s": comparison.refit_time_s})
    tracking.pause_point("compare")
    step("compare", trained)
    if until == "compare":
        return trained

    model, note, curve = build_poc_model(config, prepared, comparison)
    model.contract_json = contract.to_json()
    trained.notes.extend(train_product_models(train_config, prepared, comparison, model))
    trained.model = model
    trained.evaluation = evaluate(
        config, prepared, model, gates=gates, threshold_note=note, threshold_curve=curve
    )
    mlflow.log_metrics({f"test_{k}": float(v) for k, v in trained.evaluation.kpis.items() if np.isfinite(v)})
    tracking.log_frame(kpi_table(trained.evaluation), "kpi_table.csv")
    if champion is not None:
        trained.champion_evaluation = _champion_evaluation(config, prepared, champion, gates, trained.notes)
    if trained.champion_evaluation is not None:
        kpis = trained.champion_evaluation.kpis
        mlflow.log_metrics({f"champion_test_{k}": float(v) for k, v in kpis.items() if np.isfinite(v)})
        tracking.log_frame(kpi_table(trained.champion_evaluation), "kpi_table_champion.csv")
    step("evaluate", trained)
    if until == "evaluate":
        return trained

    trained.version, decision = register_candidate(
        config,
        store,
        prepared,
        model,
        trained.evaluation,
        run_id=run_id,
        requirements=comparison.chosen.pip_requirements,
        force=force,
        reason=reason,
        champion=champion,
        tags=tags,
    )
    trained.decision = decision
    tracking.pause_point("register")
    step("register", trained)
    if write_report is None:
        trained.decision = apply_decision(store, trained.version, decision)
        return trained
    trained.decision, trained.report_path = decide_with_report(
        store, trained.version, decision, write_report=lambda decided: write_report(trained, decided)
    )
    mlflow.log_artifact(str(trained.report_path), artifact_path="report")
    store.client.set_model_version_tag(
        store.model_name, trained.version, "axpoc.report", str(trained.report_path)
    )
    return trained


def _champion_evaluation(
    config: PocConfig, prepared: Any, champion: tuple[str, Any], gates: dict[str, str], notes: list[str]
) -> Any:
    """The champion on the candidate's test part; None (and a note) when it cannot score its columns."""
    from axpoc.i18n import RetrainNote
    from axpoc.steps._evaluate import evaluate

    version, model = champion
    try:
        return evaluate(config, prepared, model, gates=gates)
    except KeyError as exc:
        notes.append(RetrainNote("champion_cannot_score", {"version": version, "error": str(exc)}))
        return None

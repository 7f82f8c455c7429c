"""What the retrain report (and the drift-only report of ``axpoc drift``) shows, from the steps' results:
one module that both flows import, so ``_flow`` and ``_drift`` do not import each other."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from axpoc.config import PocConfig
from axpoc.i18n import CombineNote, ConsoleText
from axpoc.promotion import Decision, config_digest, package_versions


def report_data(
    config: PocConfig,
    *,
    store: Any,
    new: Any,
    champion_version: str,
    drift: Any,
    notes: list[str],
    outcome: Any = None,
    decision: Decision | None = None,
    champion: tuple[str, Any] | None = None,
    evaluation: Any = None,
) -> Any:
    """What the retrain (or drift-only) report shows, from the steps' results.

    ``outcome`` is the :class:`~axpoc.retrain.RetrainOutcome` so far. Without ``outcome``, ``decision``
    and ``evaluation`` it is the drift-only report of ``axpoc drift``;
    ``champion`` is (family, evaluation on the holdout), the evaluation None when it could not score.
    """
    from axpoc.i18n import decision_text
    from axpoc.report import ModelColumn, RetrainReportData
    from axpoc.steps import kpi_rows

    language = config.language
    report = drift.report

    def column(role: str, version: str | None, family: str, result: Any) -> Any:
        return ModelColumn(
            role=role,
            version=version,
            family=family,
            kpis=kpi_rows(result, language),
            gates=list(result.gates),
            gates_passed=bool(result.gates_passed),
        )

    on_new = drift.champion_evaluation
    data = RetrainReportData(
        language=language,
        project_name=config.project.name,
        title=config.project.title or config.project.name,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        model_name=store.model_name,
        champion_version=champion_version,
        data_source=new.source_label,
        n_new=len(new.frame),
        reference=drift.reference_label,
        n_reference=report.n_reference,
        drift=report.to_frame(),
        drift_summary=report.summary(language),
        unseen=report.unseen,
        sampled=report.sampled,
        validation=drift.validation.to_frame(failures_only=True) if drift.validation is not None else None,
        champion_on_new=column("champion", champion_version, "", on_new) if on_new is not None else None,
        new_products=list(drift.new_products),
        notes=list(notes),
        currency=config.kpi.costs.currency,
        tracking_uri=store.tracking_uri,
        config_digest=config_digest(config),
        packages=package_versions(),
    )
    if outcome is None or decision is None or evaluation is None:
        return data
    data.kind = "retrain"
    data.verdict = decision.verdict
    data.verdict_reason = decision_text(decision.code, decision.values, language)
    data.forced = decision.forced  # a --force that too little evidence overruled is not shown as forced
    data.primary = outcome.primary
    data.non_inferiority = dict(outcome.non_inferiority)
    data.challenger_version = outcome.challenger_version
    data.run_id = outcome.run_id
    data.holdout = CombineNote("holdout_rows", {"holdout": outcome.holdout, "rows": outcome.n_holdout})
    if champion is not None and champion[1] is not None:
        data.models.append(column("champion", champion_version, champion[0], champion[1]))
    data.models.append(column("challenger", outcome.challenger_version, outcome.family, evaluation))
    data.training = [
        ("reference", f"{outcome.reference}: {outcome.n_reference:,}"),
        ("new", f"{outcome.data_source}: {outcome.n_new:,}"),
        ("replaced", f"{outcome.n_replaced:,}"),
        ("window", outcome.window or "-"),
        ("train_holdout", f"{outcome.n_train:,} / {outcome.n_holdout:,}"),
        ("retune", ConsoleText("yes" if outcome.retune else "no")),
    ]
    return data

"""``axpoc run``: validate -> split -> compare -> evaluate -> register -> report, under one MLflow parent run.

A failed or interrupted step never moves ``champion``: the alias moves only at the very end, after the
model is logged and registered, and only when the gates pass and the model is not worse than the
current champion on the same test part.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from axpoc import __version__
from axpoc.config import PocConfig
from axpoc.errors import UserError, ValidationFailed

STEPS = ("validate", "split", "compare", "evaluate", "register", "report")
SNAPSHOT_ARTIFACT = "data/training_snapshot.parquet"
Log = Callable[[str], None]


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
    decision_reason: str = ""
    report_path: str | None = None
    ui_command: str = ""
    validation_ok: bool | None = None
    split: str = ""
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


def config_digest(config: PocConfig) -> str:
    text = yaml.safe_dump(
        config.model_dump(mode="json", exclude={"base_dir"}), sort_keys=True, allow_unicode=True
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    names = [
        "axpoc",
        "pandas",
        "numpy",
        "scikit-learn",
        "lightgbm",
        "optuna",
        "mlflow",
        "great-expectations",
        "torch",
    ]
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def pip_requirements(family_requirements: tuple[str, ...]) -> list[str]:
    """The model's environment: axpoc pinned (upgrades never orphan a model) plus the family's needs."""
    base = [f"axpoc=={__version__}"]
    for name in ("scikit-learn", "pandas", "numpy", "cloudpickle", "mlflow"):
        try:
            base.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return base + [r for r in family_requirements if r.split("==")[0] not in {b.split("==")[0] for b in base}]


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
    from axpoc.retrain import train_product_models
    from axpoc.steps._compare import run_comparison
    from axpoc.steps._evaluate import build_poc_model, check_kpi_inputs, evaluate
    from axpoc.steps._prepare import prepare
    from axpoc.steps._validate import build_and_check, check_config, save_contract

    if until not in STEPS:
        raise UserError(f"--until {until!r}: expected one of {', '.join(STEPS)}.")
    if force and not reason:
        raise UserError('--force needs --reason "...": the reason is recorded with the model version.')
    say = log or (lambda message: None)
    started = time.monotonic()
    folder = config.project_dir(project_dir)
    template_gates = _gates(config)
    check_config(config)
    check_kpi_inputs(config, template_gates)
    outcome = RunOutcome(project=config.project.name, stopped_after=until)

    prepared = prepare(config)
    outcome.notes.extend(prepared.notes)
    say(
        f"데이터 (data): {prepared.source_label}, {len(prepared.frame):,} rows, "
        f"{len(prepared.roles.features)} features"
    )
    contract, report = build_and_check(config, prepared.frame)
    outcome.validation_ok = bool(report.ok)
    contract_path, suite_path = save_contract(contract, folder / "contracts")
    if not report.ok:
        raise ValidationFailed(
            f"the data has critical validation failures ({len(report.critical_failures)}); nothing was trained. "
            f"Run 'axpoc validate' to see the table, fix the data or the config, and run again."
        )
    if until == "validate":
        outcome.elapsed_s = time.monotonic() - started
        return outcome
    outcome.split = prepared.split.description
    say(f"분할 (split): {prepared.split.description}")
    if until == "split":
        outcome.elapsed_s = time.monotonic() - started
        return outcome

    store = tracking.open_store(
        project_name=config.project.name,
        project_dir=folder,
        tracking_uri=config.tracking.uri,
        registry_uri=config.tracking.registry_uri,
    )
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
            source=prepared.source_label,
            target=config.target.column,
            context="training",
        )
        mlflow.log_text(
            config_text
            or yaml.safe_dump(
                config.model_dump(mode="json", exclude={"base_dir"}), allow_unicode=True, sort_keys=False
            ),
            "config.yaml",
        )
        mlflow.log_artifact(str(contract_path), artifact_path="contract")
        mlflow.log_artifact(str(suite_path), artifact_path="contract")
        tracking.log_frame(report.to_frame(), "validation/validation.csv")
        log_snapshot(config, prepared.frame)

        def log_child(result: Any) -> None:
            tracking.log_candidate(store, result, primary=_primary(config), parent_run_id=run.info.run_id)
            if on_candidate:
                on_candidate(result)

        comparison = run_comparison(config, prepared, on_candidate=log_child, on_trial=on_trial)
        outcome.notes.extend(comparison.notes)
        outcome.chosen = comparison.chosen.name
        outcome.conclusion = comparison.conclusion(config.language)
        outcome.leaderboard = comparison.leaderboard.replace({np.nan: None}).to_dict(orient="records")
        tracking.log_frame(comparison.leaderboard, "leaderboard.csv")
        mlflow.log_metrics(
            {"compare_elapsed_s": comparison.elapsed_s, "refit_time_s": comparison.refit_time_s}
        )
        say(f"선택 (chosen): {comparison.chosen.name} — {outcome.conclusion}")
        if until == "compare":
            outcome.elapsed_s = time.monotonic() - started
            return outcome

        model, note, curve = build_poc_model(config, prepared, comparison)
        model.contract_json = contract.to_json()
        outcome.notes.extend(train_product_models(config, prepared, comparison, model))
        evaluation = evaluate(
            config, prepared, model, gates=template_gates, threshold_note=note, threshold_curve=curve
        )
        outcome.kpis = {k: float(v) for k, v in evaluation.kpis.items()}
        outcome.gates = [_gate_dict(g) for g in evaluation.gates]
        outcome.gates_passed = evaluation.gates_passed
        mlflow.log_metrics({f"test_{k}": float(v) for k, v in evaluation.kpis.items() if np.isfinite(v)})
        tracking.log_frame(_kpi_table(evaluation), "kpi_table.csv")
        if until == "evaluate":
            outcome.elapsed_s = time.monotonic() - started
            return outcome

        version, decision = register_candidate(
            config,
            store,
            prepared,
            model,
            evaluation,
            run_id=run.info.run_id,
            requirements=comparison.chosen.pip_requirements,
            force=force,
            reason=reason,
        )
        outcome.model_name, outcome.model_version = store.model_name, version
        if until == "report":

            def write_report() -> Path:
                return _write_report(
                    config,
                    prepared,
                    comparison,
                    evaluation,
                    report,
                    outcome,
                    store=store,
                    version=version,
                    decision=decision,
                    path=folder / "reports" / f"poc_report_v{version}.html",
                )

            outcome.alias, report_path = decide_with_report(
                store, version, decision, forced=force, write_report=write_report
            )
            mlflow.log_artifact(str(report_path), artifact_path="report")
            outcome.report_path = str(report_path)
            store.client.set_model_version_tag(store.model_name, version, "axpoc.report", str(report_path))
        else:
            outcome.alias = apply_decision(store, version, decision, forced=force)
        outcome.decision_reason = decision["reason"]
    outcome.elapsed_s = time.monotonic() - started
    return outcome


def register_candidate(
    config: PocConfig,
    store: Any,
    prepared: Any,
    model: Any,
    evaluation: Any,
    *,
    run_id: str,
    requirements: tuple[str, ...],
    force: bool,
    reason: str | None,
    champion: tuple[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Log the model in the active run, decide against the champion, register a version; no alias moves yet.

    ``champion`` is a (version, PocModel) already loaded by the caller; ``tags`` are added to the version's.
    """
    from axpoc import tracking

    model_uri = tracking.log_poc_model(
        model,
        input_example=prepared.train[model.input_columns].head(5),
        pip_requirements=pip_requirements(requirements),
    )
    decision = _decide(
        config, store, prepared, model, evaluation, force=force, reason=reason, champion=champion
    )
    version = tracking.register_version(
        store,
        model_uri,
        tags={
            "axpoc.config_digest": config_digest(config),
            "axpoc.data_digest": prepared.digest,
            "axpoc.gates": _gates_text(evaluation.gates),
            "axpoc.gates_passed": str(evaluation.gates_passed).lower(),
            "axpoc.family": model.family,
            "axpoc.version": __version__,
            "axpoc.run_id": run_id,
            "axpoc.primary": _primary(config),
            "axpoc.primary_value": f"{evaluation.kpis.get(_primary(config), float('nan')):.6g}",
            **(tags or {}),
        },
        description=decision["reason"],
    )
    return version, decision


def apply_decision(store: Any, version: str, decision: dict[str, Any], *, forced: bool) -> str:
    """Move the aliases as decided; returns the version's alias. Losing a race to another promotion keeps
    the version a challenger, and ``decision`` says so."""
    from axpoc import tracking

    if decision["promote"]:
        if tracking.promote(
            store, version, reason=decision["reason"], forced=forced, expected_champion=decision["champion"]
        ):
            return tracking.CHAMPION
        decision.update(promote=False, **_reason("lost_race"))
    tracking.mark_challenger(store, version, reason=decision["reason"])
    return tracking.CHALLENGER


def decide_with_report(
    store: Any, version: str, decision: dict[str, Any], *, forced: bool, write_report: Callable[[], Path]
) -> tuple[str, Path]:
    """(alias, report path): the report is written before the aliases move, so a report that cannot be
    written stops the promotion; when the promotion then loses a race, it is written again to say so."""
    from axpoc import tracking

    path = write_report()
    promised = decision["promote"]
    alias = apply_decision(store, version, decision, forced=forced)
    if (alias == tracking.CHAMPION) != promised:
        path = write_report()
    return alias, path


def _reason(code: str, **values: Any) -> dict[str, Any]:
    """Why a version is promoted or not: a code with values, which each report words in its language
    (:func:`axpoc.report._i18n.decision_text`), and the English ``reason`` of the registry and the CLI."""
    from axpoc.report._i18n import decision_text

    return {"code": code, "values": values, "reason": decision_text(code, values, "en")}


def _primary(config: PocConfig) -> str:
    from axpoc.compare import DEFAULT_PRIMARY

    return config.kpi.primary or DEFAULT_PRIMARY[config.target.task]


def _gates(config: PocConfig) -> dict[str, str]:
    if config.kpi.gates:
        return dict(config.kpi.gates)
    from axpoc.process import load_process

    return dict(load_process(config.process).gates)


def _gate_dict(gate: Any) -> dict[str, Any]:
    return {
        "name": gate.name,
        "op": gate.op,
        "target": gate.target,
        "value": float(gate.value),
        "used_value": float(gate.used_value),
        "passed": bool(gate.passed),
        "reason": gate.reason,
    }


def _gates_text(gates: list[Any]) -> str:
    return (
        "; ".join(
            f"{g.name} {g.op} {g.target}: {float(g.value):.4g} {'PASS' if g.passed else 'FAIL'}"
            for g in gates
        )
        or "no gates"
    )


def _kpi_table(evaluation: Any) -> Any:
    import pandas as pd

    from axpoc.kpi import KPIS

    rows = []
    for name, value in evaluation.kpis.items():
        kpi = KPIS.get(name)
        low, high = evaluation.cis.get(name, (None, None))
        rows.append(
            {
                "kpi": name,
                "value": value,
                "ci_low": low,
                "ci_high": high,
                "unit": kpi.unit if kpi else "",
                "formula": evaluation.formulas.get(name, ""),
                "undefined_reason": evaluation.undefined.get(name, ""),
            }
        )
    return pd.DataFrame(rows)


def log_snapshot(config: PocConfig, frame: Any) -> None:
    """A Parquet snapshot of the training data: reproducibility, and the base that retraining extends."""
    import tempfile

    import mlflow

    cap = config.tracking.snapshot_max_mb
    if cap <= 0:
        return
    size_mb = frame.memory_usage(deep=True).sum() / 1e6
    if size_mb > cap * 4:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(SNAPSHOT_ARTIFACT).name
        frame.to_parquet(path, index=False)
        if path.stat().st_size / 1e6 <= cap:
            mlflow.log_artifact(str(path), artifact_path=str(Path(SNAPSHOT_ARTIFACT).parent))


def _decide(
    config: PocConfig,
    store: Any,
    prepared: Any,
    model: Any,
    evaluation: Any,
    *,
    force: bool,
    reason: str | None,
    champion: tuple[str, Any] | None = None,
) -> dict[str, Any]:
    """Promote only when the gates pass and the model is not worse than the champion on the same test part.

    The champion is read here, just before registering; a (version, model) the caller loaded earlier is
    used only while that version still holds the alias.
    """
    from axpoc import tracking

    loaded = champion
    champion = tracking.alias_version(store, tracking.CHAMPION)
    if force:
        return {"promote": True, "champion": champion, **_reason("forced", reason=reason)}
    if not evaluation.gates_passed:
        failed = ", ".join(g.name for g in evaluation.gates if not g.passed)
        return {"promote": False, "champion": champion, **_reason("gates_failed", failed=failed)}
    if champion is None:
        return {"promote": True, "champion": None, **_reason("first_champion")}
    old = loaded[1] if loaded is not None and loaded[0] == champion else None
    verdict = non_inferior(config, store, champion, prepared, model, champion_model=old)
    return {
        "promote": verdict["ok"],
        "champion": champion,
        "code": verdict["code"],
        "values": verdict["values"],
        "reason": verdict["reason"],
        "test": verdict,
    }


def non_inferior(
    config: PocConfig, store: Any, champion: str, prepared: Any, model: Any, *, champion_model: Any = None
) -> dict[str, Any]:
    """Paired bootstrap of (new - champion) on the primary KPI; the lower bound must exceed -tolerance.

    Returns ``ok``, ``reason`` (and the ``code`` and ``values`` it is worded from), and when both models
    scored: ``primary``, ``diff``, ``low`` (oriented so that positive means the new model is better) and
    ``tolerance``. A champion that cannot score the new columns, or never saw a class of the test part,
    cannot be compared: the new model is then judged by its gates alone.
    """
    from axpoc.kpi import KPIS, paired_bootstrap_diff
    from axpoc.tracking._registry import load_poc_model

    primary = _primary(config)
    tolerance = config.retrain.tolerance
    old = champion_model if champion_model is not None else load_poc_model(store, champion)
    test = prepared.test
    labels = list(prepared.target.classes) if config.target.task == "multiclass" else None
    unseen = [c for c in labels or [] if c not in set(old.classes)]
    if unseen:
        classes = ", ".join(map(str, unseen))
        return {"ok": True, **_reason("champion_unseen_classes", champion=champion, classes=classes)}
    try:
        old_score = _primary_input(old, test, config)
    except KeyError as exc:
        return {"ok": True, **_reason("champion_cannot_score", champion=champion, error=str(exc))}
    new_score = _primary_input(model, test, config)
    est = paired_bootstrap_diff(
        primary,
        prepared.y_test,
        new_score,
        old_score,
        groups=prepared.split.test_groups,
        n_boot=500,
        labels=labels,
    )
    sign = 1.0 if KPIS[primary].higher_is_better else -1.0
    low = sign * (est.low if sign > 0 else est.high)
    diff = sign * est.point
    ok = low > -tolerance
    # "uncertain": better on average, but the interval is too wide to rule out being worse
    code = "not_worse" if ok else "worse" if diff < 0 else "uncertain"
    numbers = {"primary": primary, "diff": float(diff), "low": float(low), "tolerance": tolerance}
    return {"ok": bool(ok), **numbers, **_reason(code, champion=champion, **numbers)}


def _primary_input(model: Any, frame: Any, config: PocConfig) -> np.ndarray:
    """What the primary metric consumes: scores, class probabilities, labels or values."""
    out = model.predict_frame(frame)
    primary = _primary(config)
    if config.target.task == "multiclass":
        if primary in ("macro_f1", "accuracy", "balanced_accuracy"):
            return out["prediction"].to_numpy()
        return np.asarray(model.estimator.predict_proba(frame[model.features]))
    return out["score"].to_numpy(dtype=float)


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
    decision: dict[str, Any],
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

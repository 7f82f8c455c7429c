"""Register a candidate: log the model with its requirements, decide, register a version with its lineage
tags. No alias moves here; :func:`axpoc.promotion.apply_decision` does that."""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path
from typing import Any

import yaml

from axpoc import __version__
from axpoc.config import PocConfig
from axpoc.promotion._decision import Decision, decide
from axpoc.promotion._gates import gates_text, primary_kpi

SNAPSHOT_ARTIFACT = "data/training_snapshot.parquet"
"""Where a run keeps its training data in MLflow: the reference that a retrain extends."""


def config_digest(config: PocConfig) -> str:
    """SHA-256 of the config as loaded (the project folder left out): which settings made a version."""
    text = yaml.safe_dump(
        config.model_dump(mode="json", exclude={"base_dir"}), sort_keys=True, allow_unicode=True
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    """The installed versions of the packages a report's reproducibility section names.

    axpoc's own stack plus every package a registered model family needs (LightGBM, torch, a plug-in's).
    """
    from axpoc.models import FAMILIES

    names = ["axpoc", "pandas", "numpy", "scikit-learn", "optuna", "mlflow", "great-expectations"]
    needed = (r.split("==")[0] for family in FAMILIES.values() for r in family.pip_requirements)
    names += sorted(set(needed) - set(names))
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


def log_config(config: PocConfig, config_text: str | None) -> None:
    """The config as the user wrote it (``config_text``), else as loaded, as ``config.yaml`` in the active run."""
    import mlflow
    import yaml

    dumped = config.model_dump(mode="json", exclude={"base_dir"})
    text = config_text or yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False)
    mlflow.log_text(text, "config.yaml")


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
) -> tuple[str, Decision]:
    """Log the model in the active run, decide against the champion, register a version; no alias moves yet.

    ``champion`` is a (version, PocModel) already loaded by the caller; ``tags`` are added to the version's.
    """
    from axpoc import tracking

    model_uri = tracking.log_poc_model(
        model,
        input_example=prepared.train[model.input_columns].head(5),
        pip_requirements=pip_requirements(requirements),
    )
    decision = decide(
        config, store, prepared, model, evaluation, force=force, reason=reason, champion=champion
    )
    primary = primary_kpi(config)
    version = tracking.register_version(
        store,
        model_uri,
        tags={
            "axpoc.config_digest": config_digest(config),
            "axpoc.data_digest": prepared.digest,
            "axpoc.gates": gates_text(evaluation.gates),
            "axpoc.gates_passed": str(evaluation.gates_passed).lower(),
            "axpoc.family": model.family,
            "axpoc.version": __version__,
            "axpoc.run_id": run_id,
            "axpoc.primary": primary,
            "axpoc.primary_value": f"{evaluation.kpis.get(primary, float('nan')):.6g}",
            **(tags or {}),
        },
        description=decision.reason,
    )
    return version, decision

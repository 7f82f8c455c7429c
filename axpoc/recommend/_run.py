"""``axpoc recommend``: load the champion like ``axpoc predict``, rebuild its training part, search, draw,
log one MLflow run. Nothing here writes to the model registry."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from axpoc.config import PocConfig
from axpoc.errors import UserError
from axpoc.recommend._controls import Control, resolve_controls
from axpoc.recommend._search import DEFAULT_TRIALS, Recommendation, Recommender
from axpoc.recommend._words import words


@dataclass
class RecommendOutcome:
    """What one call found, for the table, ``--json`` and the MLflow run."""

    model_name: str
    model_version: str
    task: str
    controls: list[Control]
    recommendation: Recommendation
    context_source: str
    figures: list[Path] = field(default_factory=list)
    folder: Path | None = None
    run_id: str = ""
    support_rule: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rec = self.recommendation
        return {
            "ok": True,
            "model": {"name": self.model_name, "version": self.model_version, "task": self.task},
            "context_source": self.context_source,
            "context": rec.context,
            "controls": [asdict(c) for c in self.controls],
            "searched": {k: list(v) for k, v in rec.searched.items()},
            "today": asdict(rec.today),
            "recommendations": [asdict(c) for c in rec.ranked],
            "trials": rec.trials,
            "rejected_outside_support": rec.rejected,
            "allow_extrapolation": rec.allow_extrapolation,
            "support_rule": self.support_rule,
            "notes": rec.notes,
            "figures": [str(p) for p in self.figures],
            "mlflow_run_id": self.run_id,
            "registry_changed": False,
        }


def recommend_settings(
    config: PocConfig,
    *,
    context_file: Path | None = None,
    row: str | None = None,
    n: int = 5,
    trials: int = DEFAULT_TRIALS,
    refits: int = 10,
    allow_extrapolation: bool = False,
    model_version: str | None = None,
    project_dir: Path | None = None,
    out: Path | None = None,
) -> RecommendOutcome:
    """Recommendations for one context (a file's single row or a training-data row by id)."""
    import mlflow

    from axpoc import tracking

    if (context_file is None) == (row is None):
        raise UserError(
            "recommend: give the part's context either as --context FILE (one row with today's settings) or "
            "as --row ID (a part of the training data by its id), not both and not neither."
        )
    if n < 1 or trials < 1:
        raise UserError(f"recommend: --n and --trials must be at least 1 (got --n {n}, --trials {trials}).")
    recommender, served, store, reference, label = load_recommender(
        config, project_dir=project_dir, model_version=model_version, refits=refits
    )
    model, controls = served.model, recommender.controls
    if row is not None:
        context, source = _context_row(config, reference, row), f"--row {row} ({label})"
    else:
        assert context_file is not None
        context, source = _context_file(config, context_file), str(context_file)
    missing = [c for c in model.features if c not in context.columns]
    if missing:
        raise UserError(
            f"{source}: the context lacks the model's column(s) {', '.join(missing)}; a context row needs every "
            "feature the champion reads, with today's settings in the controllable columns."
        )
    empty = [c.column for c in controls if pd.isna(pd.to_numeric(context[c.column], errors="coerce").iloc[0])]
    if empty:
        raise UserError(
            f"{source}: no number for today's setting in {', '.join(empty)}; fill it in (the table compares "
            "today's setting with the recommendation)."
        )
    for control in controls:
        context[control.column] = pd.to_numeric(context[control.column], errors="coerce").astype(float)
    recommendation = recommender.recommend(
        context, n=n, trials=trials, allow_extrapolation=allow_extrapolation
    )
    folder = out or config.project_dir(project_dir) / "recommendations" / datetime.now().strftime(
        "%Y%m%d-%H%M%S"
    )
    outcome = RecommendOutcome(
        model_name=served.model_name,
        model_version=served.version,
        task=model.task,
        controls=controls,
        recommendation=recommendation,
        context_source=source,
        folder=folder,
        support_rule={
            "k": recommender.support.k,
            "radius": round(recommender.support.radius(context), 4),
            "needed_here": recommendation.support_needed,
        },
    )
    from axpoc.recommend._figures import draw_profiles

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"--out {folder}: cannot create the folder for the figures ({exc.strerror}). Name a folder you can "
            "write to."
        ) from None
    outcome.figures = draw_profiles(recommender, context, recommendation, folder, language=config.language)
    with tracking.parent_run(store, run_name="recommend", tags={"axpoc.kind": "recommend"}) as run:
        outcome.run_id = run.info.run_id
        mlflow.log_params(
            {
                "model_version": served.version,
                "context": source[:250],
                "controllable": ", ".join(c.column for c in controls)[:250],
                "trials": trials,
                "refits": refits,
                "allow_extrapolation": allow_extrapolation,
            }
        )
        best = recommendation.best
        metrics = {"support_today": recommendation.today.support, "rejected_trials": recommendation.rejected}
        if recommendation.today.defect_rate is not None:
            metrics["defect_rate_today"] = recommendation.today.defect_rate
        if best is not None:
            metrics["support_recommended"] = best.support
            if best.defect_rate is not None:
                metrics["defect_rate_recommended"] = best.defect_rate
        mlflow.log_metrics(metrics)
        mlflow.log_dict(outcome.to_dict(), "recommendation.json")
        for figure in outcome.figures:
            mlflow.log_artifact(str(figure), artifact_path="figures")
    return outcome


def load_recommender(
    config: PocConfig, *, project_dir: Path | None = None, model_version: str | None = None, refits: int = 10
) -> tuple[Recommender, Any, Any, pd.DataFrame, str]:
    """(recommender, served model, store, the champion's data, where that data came from): the champion
    loaded the way ``axpoc predict`` loads it, its training part rebuilt from its training snapshot."""
    from axpoc.process import load_process
    from axpoc.retrain import open_project, reference_data
    from axpoc.serve import load_served_model

    store = open_project(config, project_dir, need_champion=model_version is None)
    served = load_served_model(store, version=model_version)
    controls = resolve_controls(config, load_process(config.process), list(served.model.features))
    reference, label = reference_data(config, store, served.version)
    train, y_train = _training_part(config, reference)
    group = config.columns.group
    runs = train[group].to_numpy() if group is not None and group in train.columns else None
    recommender = Recommender(
        served.model, train, y_train, controls, runs=runs, refits=refits, seed=config.tuning.seed
    )
    return recommender, served, store, reference, label


def _training_part(config: PocConfig, reference: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """The champion's training part: its data (the logged snapshot) split the way its run split it."""
    from axpoc.data import LoadedData, frame_digest
    from axpoc.steps import prepare_loaded

    prepared = prepare_loaded(config, LoadedData(frame=reference, digest=frame_digest(reference)))
    return prepared.train.reset_index(drop=True), prepared.y_train


def _context_row(config: PocConfig, reference: pd.DataFrame, row: str) -> pd.DataFrame:
    column = config.columns.id
    if column is None or column not in reference.columns:
        raise UserError(
            "--row: the config names no id column (columns.id), so a row cannot be found by its id. Set "
            "columns.id, or pass the context as --context FILE."
        )
    match = reference[reference[column].astype(str) == str(row)]
    if match.empty:
        examples = ", ".join(map(str, reference[column].head(3)))
        raise UserError(
            f"--row {row}: no part with {column} = {row} in the training data (e.g. {examples}). Check the id, "
            "or pass the context as --context FILE."
        )
    return match.head(1).reset_index(drop=True)


def _context_file(config: PocConfig, path: Path) -> pd.DataFrame:
    from axpoc.data import read_table

    frame, _ = read_table(path, config.data.read)
    if len(frame) != 1:
        raise UserError(
            f"{path}: holds {len(frame)} rows; a context is one part (one row with today's settings and the "
            "context columns). Keep one row, or name a training part with --row ID."
        )
    return frame.reset_index(drop=True)


def summary_line(outcome: RecommendOutcome, language: str) -> str:
    """Today's against the best recommendation's predicted defect rate, in words."""
    rec = outcome.recommendation
    best = rec.best
    if best is None or best.settings == rec.today.settings:
        return words("keep_today", language)
    return words("now_vs_best", language, now=_rate(rec.today.defect_rate), best=_rate(best.defect_rate))


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"

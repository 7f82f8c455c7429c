"""The compare step: config + prepared data -> families, skips, size-adaptive defaults -> comparison."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from axpoc._columns import curve_columns
from axpoc.compare import (
    Budget,
    CandidateResult,
    CompareNote,
    Comparison,
    GroupLevelScreen,
    Scorer,
    compare_candidates,
)
from axpoc.config import CandidateConfig, PocConfig
from axpoc.errors import UserError
from axpoc.process import load_process


def resolve_candidates(config: PocConfig) -> list[CandidateConfig]:
    """The config's candidates, else the process template's defaults."""
    if config.candidates:
        return list(config.candidates)
    return [CandidateConfig(name=name) for name in load_process(config.process).candidates]


WORKERS_TAG, PREFIX_TAG, DIGEST_TAG = "axpoc.workers", "axpoc.study_prefix", "axpoc.data_digest"
"""Parent-run tags by which ``axpoc worker`` finds a run whose comparison it may join (``open``/``closed``)."""


@dataclass
class ComparisonInputs:
    """What a comparison works on, built the same way by the coordinating run and by every worker."""

    X: pd.DataFrame
    y: np.ndarray
    classes: np.ndarray
    plan: Any
    candidates: list[CandidateConfig]
    families: dict[str, Any]
    skipped: dict[str, str]
    scorer: Scorer
    class_weight: str | None
    build: Callable[[list[str], Any, dict[str, Any]], Any]
    defaults_of: Callable[[Any, int], dict[str, Any]]

    def defaults(self, n_features: int) -> dict[str, dict[str, Any]]:
        return {name: self.defaults_of(family, n_features) for name, family in self.families.items()}


def comparison_inputs(config: PocConfig, prepared: Any) -> ComparisonInputs:
    """The training features and target, CV plan, applicable families (and why others are skipped),
    pipeline builder, size-adaptive defaults and scorer of the config's comparison."""
    from axpoc.data import cv_splitter
    from axpoc.models import build_pipeline, get_family

    features = list(prepared.roles.features)
    X = prepared.train[features].reset_index(drop=True)
    y = prepared.y_train
    task = config.target.task
    candidates = resolve_candidates(config)
    names = [c.name for c in candidates]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise UserError(f"candidates: {', '.join(sorted(duplicates))} listed twice; list each family once.")
    plan = cv_splitter(prepared.train.reset_index(drop=True), config, split=prepared.split)
    curves = bool(curve_columns(X, features))
    n_classes = len(np.unique(y)) if task != "regression" else 0
    families, skipped = {}, {}
    for candidate in candidates:
        family = get_family(candidate.name)
        reason = family.applicable(task=task, n_rows=len(X), n_features=len(features), has_curves=curves)
        if reason:
            skipped[candidate.name] = reason
            continue
        families[candidate.name] = family
    if not families:
        reasons = "; ".join(f"{k}: {v}" for k, v in skipped.items())
        raise UserError(f"No candidate fits this task and data ({reasons}). Choose others in 'candidates'.")
    imbalanced = task in ("binary", "multiclass") and _minority_share(y) < 0.2
    class_weight = "balanced" if imbalanced else None

    def build(columns: list[str], family: Any, params: dict[str, Any]) -> Any:
        return build_pipeline(
            family,
            params,
            frame=X,
            features=columns,
            task=task,
            random_state=config.tuning.seed,
            n_jobs=config.tuning.n_jobs,
            class_weight=class_weight,
            resample=config.tuning.resample,
        )

    def defaults_of(family: Any, n_features: int) -> dict[str, Any]:
        return family.defaults(task=task, n_rows=len(X), n_features=n_features, n_classes=n_classes)

    return ComparisonInputs(
        X=X,
        y=y,
        classes=np.asarray(prepared.target.classes),
        plan=plan,
        candidates=candidates,
        families=families,
        skipped=skipped,
        scorer=Scorer.for_task(task, config.kpi.primary),
        class_weight=class_weight,
        build=build,
        defaults_of=defaults_of,
    )


def run_comparison(
    config: PocConfig,
    prepared: Any,
    *,
    on_candidate: Callable[[CandidateResult], None] | None = None,
    on_trial: Callable[[str, int, float], None] | None = None,
    study_scope: str = "",
) -> Comparison:
    """Tune and rank the candidates on the training part with the split's CV folds; refit the winner.

    With grouped folds, columns holding one value per group are screened first (`screen_group_level`);
    the screen's time counts against ``tuning.budget_s``. ``study_scope`` tells apart several
    comparisons of one run (a product's own model) in a shared ``tuning.storage`` (`study_prefix`).
    With ``tuning.storage`` inside a run, the run's main comparison is open to ``axpoc worker`` processes
    (parent-run tags ``axpoc.workers``, ``axpoc.study_prefix``, ``axpoc.data_digest``) until it ends.
    """
    inputs = comparison_inputs(config, prepared)
    X, y, candidates, families = inputs.X, inputs.y, inputs.candidates, inputs.families
    features = list(X.columns)
    budget = Budget(config.tuning.budget_s)
    screen = _screen(
        X,
        y,
        plan=inputs.plan,
        prepared=prepared,
        families=families,
        candidates=candidates,
        build=inputs.build,
        defaults_of=inputs.defaults_of,
        scorer=inputs.scorer,
        budget=budget,
    )
    if screen is not None and screen.dropped:
        features = [name for name in features if name not in screen.dropped]
    defaults = inputs.defaults(len(features))
    adopt = {}
    if screen is not None and screen.run is not None:
        probe = next(c for c in candidates if c.name == screen.family)
        if screen.run.params == {**defaults[probe.name], **probe.params}:
            adopt[probe.name] = (screen.run, screen.run_s)
    prefix = study_prefix(config, scope=study_scope)
    with _open_to_workers(config, prefix=prefix, digest=prepared.digest, main=not study_scope):
        comparison = compare_candidates(
            X,
            y,
            task=config.target.task,
            classes=inputs.classes,
            splits=inputs.plan.splits(),
            candidates=candidates,
            families=families,
            builder=lambda family, params: inputs.build(features, family, params),
            defaults=defaults,
            skipped=inputs.skipped,
            tuning=config.tuning,
            scorer=inputs.scorer,
            on_candidate=on_candidate,
            on_trial=on_trial,
            budget=budget,
            adopt=adopt,
            study_prefix=prefix,
        )
    comparison.notes.append(inputs.plan.description)
    if screen is not None:
        comparison.notes.append(screen.note)
    if inputs.class_weight:
        comparison.notes.append(CompareNote("imbalanced", {"share": _minority_share(y)}))
    if comparison.untuned:
        names = ", ".join(comparison.untuned)
        comparison.notes.append(
            CompareNote("untuned_by_clock", {"names": names, "budget": config.tuning.budget_s})
        )
    if comparison.chosen is None:
        raise _none_finished(comparison, n_rows=len(X))
    if prepared.split.resampled:  # small data: the evaluation scores these instead of a test part
        prepared.split = dataclasses.replace(prepared.split, out_of_fold=comparison.chosen.oof)
    return comparison


@contextmanager
def _open_to_workers(config: PocConfig, *, prefix: str, digest: str, main: bool) -> Iterator[None]:
    """Tag the active run open to workers for the comparison's length (a shared storage's main comparison).

    MLflow is imported only when a shared storage asks for it: a comparison alone (a notebook, the
    benchmark) would carry its import (about 80 MiB of RSS) for nothing.
    """
    if not (config.tuning.storage and main):
        yield
        return
    import mlflow

    if mlflow.active_run() is None:
        yield
        return
    mlflow.set_tags({WORKERS_TAG: "open", PREFIX_TAG: prefix, DIGEST_TAG: digest})
    try:
        yield
    finally:
        mlflow.set_tag(WORKERS_TAG, "closed")


def _none_finished(comparison: Comparison, *, n_rows: int) -> UserError:
    """Why no candidate finished, with the advice that fits: the budget only when the budget stopped them."""
    from axpoc.compare import CompareNote
    from axpoc.i18n import joined

    reasons = joined(
        *(CompareNote("named", {"name": r.name, "reason": r.reason}) for r in comparison.results)
    )
    stopped = any(r.status == "stopped" for r in comparison.results)
    if stopped:
        return UserError(CompareNote("none_in_budget", {"reasons": reasons}))
    return UserError(CompareNote("none_fitted", {"rows": n_rows, "reasons": reasons}))


def study_prefix(config: PocConfig, *, scope: str = "") -> str:
    """``project/run id[/scope]``: names the run's Optuna studies in a shared ``tuning.storage``.

    The run id is the active MLflow run's (``axpoc run``, ``retrain``), else a fresh random one (a notebook
    comparing outside a run), so a later run never loads an earlier run's finished study.
    """
    if not config.tuning.storage:
        return config.project.name
    import mlflow

    active = mlflow.active_run()
    run_id = active.info.run_id if active is not None else f"adhoc-{uuid.uuid4().hex[:12]}"
    return "/".join(part for part in (config.project.name, run_id, scope) if part)


def _screen(
    X: Any,
    y: np.ndarray,
    *,
    plan: Any,
    prepared: Any,
    families: dict[str, Any],
    candidates: list[CandidateConfig],
    build: Callable[[list[str], Any, dict[str, Any]], Any],
    defaults_of: Callable[[Any, int], dict[str, Any]],
    scorer: Scorer,
    budget: Budget,
) -> GroupLevelScreen | None:
    """The group-level screen when the folds are grouped and such columns exist (None otherwise)."""
    from axpoc.compare import screen_group_level
    from axpoc.data import group_level_columns

    features = list(X.columns)
    if plan.groups is None:
        return None
    columns = group_level_columns(X, features, plan.groups)
    ranked = [name for name, family in families.items() if family.screen_rank is not None]
    probe = min(ranked, key=lambda name: families[name].screen_rank, default=None)
    if not columns or len(columns) == len(features) or probe is None:
        return None
    family = families[probe]
    candidate = next(c for c in candidates if c.name == probe)
    return screen_group_level(
        X,
        y,
        columns=columns,
        features=features,
        group=prepared.roles.group or "group",
        family=probe,
        params={**defaults_of(family, len(features)), **candidate.params},
        build=lambda names, params: build(names, family, params),
        classes=np.asarray(prepared.target.classes),
        splits=plan.splits(),
        scorer=scorer,
        budget=budget,
        target_group_level=bool(group_level_columns(pd.DataFrame({"y": y}), ["y"], plan.groups)),
    )


def _minority_share(y: np.ndarray) -> float:
    _, counts = np.unique(y, return_counts=True)
    return float(counts.min() / counts.sum()) if len(counts) > 1 else 0.0

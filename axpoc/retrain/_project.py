"""Open an existing project for the after-handover verbs: never create an empty store by mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axpoc.config import PocConfig
from axpoc.errors import UserError


def open_project(config: PocConfig, project_dir: Path | None = None, *, need_champion: bool = False) -> Any:
    """The project's store; a missing project folder or registered model is a user error, not a new project.

    Opening the store also marks runs left RUNNING by a killed process as KILLED
    (:func:`axpoc.tracking.mark_stale_runs`).
    """
    from axpoc import tracking

    folder = config.project_dir(project_dir)
    if config.tracking.uri is None and not (folder / "mlflow.db").is_file():
        raise UserError(
            f"No axpoc project at {folder} (no mlflow.db there). Train the first model with "
            f"'axpoc run CONFIG', pass the right folder with --project-dir, or bring a project over with "
            f"'axpoc import BUNDLE'."
        )
    store = tracking.open_store(
        project_name=config.project.name,
        project_dir=folder,
        tracking_uri=config.tracking.uri,
        registry_uri=config.tracking.registry_uri,
        database=config.tracking.database,
    )
    if not store.client.search_registered_models(filter_string=f"name='{store.model_name}'"):
        raise UserError(
            f"Project '{config.project.name}' in {folder} has no registered model yet. Run 'axpoc run CONFIG' "
            "first; retraining, drift checks and rollback start from a registered champion."
        )
    if need_champion and tracking.alias_version(store, tracking.CHAMPION) is None:
        raise UserError(  # rollback cannot help here: it moves an existing champion, never makes the first
            f"프로젝트 '{config.project.name}'에 챔피언 모델이 없습니다 (아직 게이트를 통과한 버전이 없음). "
            "'axpoc models CONFIG'로 버전과 판정 이유를 보고, 데이터나 설정을 고쳐 'axpoc run CONFIG'로 다시 "
            "학습하세요. 도전자를 시험 삼아 쓰려면 predict/serve에 --model-version으로 지정하세요 / "
            f"Project '{config.project.name}' has no 'champion' model (no version passed its gates yet). "
            "See 'axpoc models CONFIG' for the versions and why each was held back; fix the data or config and "
            "train again with 'axpoc run CONFIG'. To try a challenger anyway, name it with --model-version "
            "in predict or serve."
        )
    return store


def champion(store: Any) -> tuple[str, Any]:
    """(version, PocModel) of the current champion."""
    from axpoc import tracking

    version = tracking.alias_version(store, tracking.CHAMPION)
    if version is None:
        raise UserError(f"Model '{store.model_name}' has no 'champion' alias; see 'axpoc models CONFIG'.")
    return version, tracking.load_poc_model(store, version)

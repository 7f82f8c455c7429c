"""Project bundles: what ``axpoc export`` writes, and bundles ``axpoc import`` must refuse."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lock_holder import lock_held
from retrain_helpers import PROJECT

pytestmark = pytest.mark.xdist_group("retrain")


@pytest.fixture
def bundle(cli, project_copy: dict, tmp_path: Path) -> Path:
    out = tmp_path / "out" / f"{PROJECT}.axpoc.zip"
    result = cli(
        "export", project_copy["config"], "--out", out, "--project-dir", project_copy["project"], "--json"
    )
    assert result.code == 0, result.stderr
    return out


def _rewrite(
    source: Path, target: Path, *, change: dict[str, bytes] | None = None, manifest: dict | None = None
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "manifest.json" and manifest is not None:
                data = json.dumps(manifest).encode()
            new.writestr(item.filename, (change or {}).get(item.filename, data))
    return target


def test_bundle_holds_store_artifacts_log_reports_and_config(bundle: Path, project_copy: dict) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "axpoc-project-bundle" and manifest["champion"] == "1"
    assert manifest["source_dir"] == str(project_copy["project"])
    assert {"project/mlflow.db", "project/promotions.jsonl", "config/poc.yaml"} <= names
    assert any(n.startswith("project/artifacts/") and n.endswith("poc_model.pkl") for n in names)
    assert any(n.startswith("project/reports/") for n in names)
    assert not any(n.endswith(".lock") for n in names)
    assert set(manifest["files"]) == names - {"manifest.json"}


def test_import_refuses_damaged_unsafe_or_occupied_targets(cli, bundle: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    damaged = _rewrite(bundle, tmp_path / "damaged.zip", change={"project/promotions.jsonl": b"{}\n"})
    result = cli("import", damaged, "--into", tmp_path / "a")
    assert result.code == 2 and "checksum" in result.stderr and not (tmp_path / "a").exists()

    evil = {**manifest, "files": {**manifest["files"], "../outside.txt": "0"}}
    unsafe = _rewrite(bundle, tmp_path / "unsafe.zip", manifest=evil)
    result = cli("import", unsafe, "--into", tmp_path / "b")
    assert result.code == 2 and "unsafe path" in result.stderr

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "keep.txt").write_text("mine", encoding="utf-8")
    result = cli("import", bundle, "--into", tmp_path / "c")
    assert result.code == 2 and "not empty" in result.stderr
    assert (tmp_path / "c" / "keep.txt").read_text(encoding="utf-8") == "mine"

    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello", encoding="utf-8")
    result = cli("import", not_zip)
    assert result.code == 2 and "not an axpoc bundle" in result.stderr


def test_export_of_a_busy_registry_is_the_promotions_registry_busy_error(
    project_copy: dict, tmp_path: Path
) -> None:
    """Export takes the registry lock that alias moves take: held by another command, it is the same
    RegistryBusy user error (exit 2) in the same words, not a filelock Timeout traceback."""
    from axpoc.config import load_config
    from axpoc.retrain import export_project
    from axpoc.tracking import LOCK_FILE, RegistryBusy

    lock = project_copy["project"] / LOCK_FILE
    out = tmp_path / "busy.axpoc.zip"
    with lock_held(lock), pytest.raises(RegistryBusy) as caught:
        export_project(
            load_config(project_copy["config"]),
            config_path=project_copy["config"],
            out=out,
            project_dir=project_copy["project"],
            lock_wait_s=0.2,
        )
    assert caught.value.exit_code == 2
    assert "is busy: another axpoc command (rollback, retrain, run or export" in caught.value.message
    assert str(lock) in caught.value.message and not out.exists()

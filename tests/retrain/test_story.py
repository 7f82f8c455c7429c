"""The handover story end to end, through the CLI: run -> new data with drift and a changed product ->
retrain promotes a better challenger -> a worse one is rejected -> rollback -> export / import on
another folder (the original renamed away) -> retrain there."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from retrain_helpers import NEW_PRODUCT, PROJECT, new_data, write_config

pytestmark = pytest.mark.xdist_group("retrain")


def _store(project: Path) -> Any:
    from axpoc.tracking import open_store

    return open_store(project_name=PROJECT, project_dir=project)


def _text_cells_containing(db: Path, needle: str) -> list[tuple[str, str]]:
    found = []
    with sqlite3.connect(db) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')]:
                rows = connection.execute(
                    f'SELECT "{column}" FROM "{table}" WHERE instr(CAST("{column}" AS TEXT), ?) > 0',
                    (needle,),
                ).fetchall()
                found += [(f"{table}.{column}", str(r[0])) for r in rows]
    connection.close()
    return found


def test_handover_story(cli, project_copy: dict, tmp_path: Path) -> None:
    from axpoc.tracking import load_poc_model

    config, project, new = project_copy["config"], project_copy["project"], project_copy["new"]
    at = ("--project-dir", project)

    # axpoc run trained per-product sub-models into the one registered model (retrain.per_product).
    first = load_poc_model(_store(project), "champion")
    assert first.routes, first.metadata["products"]
    assert all(
        p["own_model"] or "min_rows_per_product" in p["reason"] or p["reason"]
        for p in first.metadata["products"]
    )

    # The IT person first looks at drift: no training, the champion judged on the new labels.
    drift = cli("drift", config, "--data", new, *at, "--json")
    assert drift.code == 0, drift.stderr
    seen = drift.json()
    assert "cushion_mm" in seen["drifted"]  # the worn check ring
    assert [p["product"] for p in seen["new_products"]] == [NEW_PRODUCT]
    assert seen["new_products"][0]["rows"] == 120 and not seen["new_products"][0]["enough_rows"]
    assert 0.0 <= seen["champion_kpis_on_new"]["roc_auc"] <= 1.0
    assert Path(seen["report_path"]).read_text(encoding="utf-8").count(NEW_PRODUCT) >= 1

    # Monthly retrain (one shared model this time): the challenger learns the drifted process, is promoted.
    monthly = write_config(config.parent, {"retrain.per_product": False}, name="monthly.yaml")
    better = cli("retrain", monthly, "--data", new, *at, "--json")
    assert better.code == 0, better.stderr
    promoted = better.json()
    assert promoted["alias"] == "champion" and promoted["promoted"] is True, promoted["decision_reason"]
    assert promoted["challenger_version"] == "2" and promoted["champion_version"] == "1"
    assert promoted["non_inferiority"]["low"] > -0.05
    assert promoted["n_reference"] == 2000 and promoted["n_new"] == 600
    assert promoted["holdout"].startswith("holdout: the most recent 25%")
    assert promoted["new_products"][0]["product"] == NEW_PRODUCT
    assert "check its predictions" in promoted["new_products"][0]["action"]  # reported, not silently learned
    report = Path(promoted["report_path"]).read_text(encoding="utf-8")
    assert 'data-verdict="champion"' in report and "챔피언 vs 도전자" in report and NEW_PRODUCT in report

    # A worse challenger (a config that lost most inputs) is rejected; the champion stays.
    weak = write_config(
        config.parent, {"columns.include": ["barrel_temp_c", "cycle_time_s"]}, name="weak.yaml"
    )
    later = new_data(tmp_path / "month2.parquet", seed=6, days_later=60, new_product_rows=0)
    worse = cli("retrain", weak, "--data", later, *at, "--retune", "--json")
    assert worse.code == 0, worse.stderr
    rejected = worse.json()
    assert rejected["alias"] == "challenger" and rejected["promoted"] is False and rejected["retune"] is True
    assert "worse than" in rejected["decision_reason"] or "gates failed" in rejected["decision_reason"]
    assert rejected["verdict"] in ("challenger", "rejected")  # gates failed, or worse than the champion
    badge = f'data-verdict="{rejected["verdict"]}"'
    assert badge in Path(rejected["report_path"]).read_text(encoding="utf-8")

    # Quality complains about v2: roll back one step, with the reason in the audit trail.
    back = cli("rollback", config, *at, "--reason", "품질팀 요청: 과검 증가", "--json")
    assert back.code == 0, back.stderr
    assert back.json()["from_version"] == "2" and back.json()["to_version"] == "1"
    listing = cli("models", config, *at, "--json").json()
    by_version = {v["version"]: v for v in listing["versions"]}
    assert by_version["1"]["aliases"] == ["champion"]
    assert by_version["2"]["aliases"] == ["previous"] and by_version["2"]["decision"] == "rolled_back"
    assert by_version["3"]["aliases"] == ["challenger"] and by_version["3"]["decision"] == "rejected"
    assert [e["action"] for e in listing["promotion_log"]] == ["promote", "promote", "reject", "rollback"]
    assert listing["promotion_log"][-1]["reason"].endswith("품질팀 요청: 과검 증가")
    assert {"user", "host", "time", "forced"} <= set(listing["promotion_log"][-1])

    # Handover of the project itself: export, the original folder gone, import elsewhere, retrain there.
    bundle = tmp_path / "handover.axpoc.zip"
    exported = cli("export", config, "--out", bundle, *at, "--json")
    assert exported.code == 0, exported.stderr
    assert exported.json()["champion"] == "1"
    project.rename(tmp_path / "old_machine_gone")
    target = tmp_path / "새 PC" / PROJECT
    imported = cli("import", bundle, "--into", target, "--json")
    assert imported.code == 0, imported.stderr
    moved = imported.json()
    assert moved["champion"] == "1" and moved["rewritten_cells"] > 0
    assert _text_cells_containing(target / "mlflow.db", str(project)) == []
    assert not any(str(project) in f.read_text(encoding="utf-8") for f in target.rglob("MLmodel"))
    again = cli(
        "retrain", moved["config"], "--data", new, "--window-rows", "1200", "--json"
    )  # project.dir '.'
    assert again.code == 0, again.stderr
    there = again.json()
    assert there["n_train"] + there["n_holdout"] == 1200 and there["window"] == "last 1,200 rows"
    assert there["challenger_version"] == "4" and Path(there["report_path"]).is_relative_to(target)
    # Per-product models on (the imported config): the changed product has too few rows for its own model.
    assert any(NEW_PRODUCT in note and "min_rows_per_product" in note for note in there["notes"])
    products = {p["product"]: p for p in load_poc_model(_store(target), "4").metadata["products"]}
    assert products[NEW_PRODUCT]["own_model"] is False and products[NEW_PRODUCT]["train_rows"] == 120
    store = _store(target)
    run = store.client.get_run(there["run_id"])
    assert run.info.artifact_uri.startswith(target.as_uri())
    assert [e["action"] for e in listing["promotion_log"]] + ["import"] == [
        e["action"] for e in cli("models", moved["config"], "--json").json()["promotion_log"]
    ][:5]

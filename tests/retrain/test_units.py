"""The pieces of the after-handover flow on small frames: no training, no MLflow server."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from axpoc.config import config_from_dict
from axpoc.errors import UserError

CONFIG = {
    "project": {"name": "units"},
    "data": {"path": "x.csv"},
    "target": {"column": "ng", "task": "binary", "positive_class": 1},
    "columns": {"id": "part", "time": "ts", "product": "product"},
}


def _config(**columns: object) -> Any:
    return config_from_dict({**CONFIG, "columns": {**CONFIG["columns"], **columns}})


def _frame(start: int, n: int, *, day: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "part": np.arange(start, start + n),
            "ts": pd.date_range(day, periods=n, freq="h"),
            "product": "A",
            "temp": np.linspace(10, 20, n),
            "ng": np.arange(n) % 5 == 0,
        }
    )


def test_combine_keeps_new_rows_on_repeated_ids_and_windows() -> None:
    from axpoc.retrain import combine

    reference = _frame(0, 48, day="2026-01-01")
    new = _frame(40, 48, day="2026-02-01").assign(temp=99.0)  # ids 40..47 measured again
    both = combine(reference, new, _config())
    assert (both.n_reference, both.n_new, both.n_replaced, len(both.frame)) == (48, 48, 8, 88)
    assert (both.frame.loc[both.frame["part"].between(40, 47), "temp"] == 99.0).all()
    assert both.frame["ts"].is_monotonic_increasing
    windowed = combine(reference, new, _config(), window_days=1)
    assert len(windowed.frame) == 25 and windowed.window == "last 1 days by 'ts'"
    assert len(combine(reference, new, _config(), window_rows=30).frame) == 30
    with pytest.raises(UserError, match="window_days"):
        combine(reference.drop(columns="ts"), new.drop(columns="ts"), _config(time=None), window_days=3)


def test_holdout_without_time_is_the_last_rows_in_file_order() -> None:
    from axpoc.data._split import make_split
    from axpoc.retrain import ORDER_COLUMN, recent_holdout

    frame = pd.concat([_frame(0, 60, day="2026-01-01"), _frame(60, 40, day="2026-02-01")], ignore_index=True)
    frame = frame.drop(columns="ts").sample(frac=1.0, random_state=0).reset_index(drop=True)
    config, ordered, description = recent_holdout(_config(time=None), frame)
    assert config.columns.time == ORDER_COLUMN and config.split.method == "time"
    assert "file order" in description and "no time column" in description
    split = make_split(ordered, config)
    assert split.test_index.tolist() == list(range(75, 100))  # the last quarter of the rows as given
    timed, _, said = recent_holdout(_config(), _frame(0, 20, day="2026-01-01"))
    assert timed.columns.time == "ts" and "by 'ts'" in said


def test_champion_history_unwinds_rollbacks() -> None:
    from axpoc.retrain import champion_history

    log = [
        {"action": "promote", "version": "1"},
        {"action": "reject", "version": "2"},
        {"action": "promote", "version": "3"},
        {"action": "promote", "version": "4"},
        {"action": "rollback", "version": "3"},
        {"action": "import", "version": "3"},
    ]
    assert champion_history(log) == ["1", "3"]
    assert champion_history([*log, {"action": "rollback", "version": "1"}]) == ["1"]
    assert champion_history([{"action": "rollback", "version": "2"}]) == ["2"]


def test_point_config_here_keeps_comments_or_rewrites_flow_style() -> None:
    from axpoc.retrain import point_config_here

    block = "# 사출 PoC\nproject:\n  name: hanil   # 영문\n  dir: /old/place\ndata: {demo: {rows: 100}}\n"
    moved = point_config_here(block)
    assert "# 사출 PoC" in moved and "# 영문" in moved and "/old/place" not in moved
    assert yaml.safe_load(moved)["project"] == {"name": "hanil", "dir": "."}
    flow = point_config_here("project: {name: hanil}\ndata: {demo: {rows: 100}}\n")
    assert yaml.safe_load(flow)["project"] == {"name": "hanil", "dir": "."}


def test_relocate_project_rewrites_uris_and_paths_in_one_pass(tmp_path: Path) -> None:
    from axpoc.retrain import relocate_project

    old, folder = Path("/srv/공장 A/proj"), tmp_path / "proj"
    model = folder / "artifacts" / "models" / "m-1" / "artifacts"
    model.mkdir(parents=True)
    (model / "MLmodel").write_text(
        f"artifact_path: {old.as_uri()}/artifacts/models/m-1/artifacts\n", encoding="utf-8"
    )
    with sqlite3.connect(folder / "mlflow.db") as connection:
        connection.execute("CREATE TABLE experiments (artifact_location VARCHAR(256), n INTEGER)")
        connection.execute("CREATE TABLE tags (value TEXT)")
        connection.executemany(
            "INSERT INTO experiments VALUES (?, ?)",
            [(f"{old.as_uri()}/artifacts", 1), ("file:///elsewhere", 2)],
        )
        connection.execute("INSERT INTO tags VALUES (?)", (f"{old}/reports/r.html",))
    connection.close()
    assert relocate_project(folder, old_dir=old) == 3
    with sqlite3.connect(folder / "mlflow.db") as connection:
        assert [r[0] for r in connection.execute("SELECT artifact_location FROM experiments")] == [
            f"{folder.as_uri()}/artifacts",
            "file:///elsewhere",
        ]
        assert connection.execute("SELECT value FROM tags").fetchone()[0] == f"{folder}/reports/r.html"
    connection.close()
    assert (model / "MLmodel").read_text(encoding="utf-8").startswith(f"artifact_path: {folder.as_uri()}/")
    assert (
        relocate_project(folder, old_dir=r"C:\PoC\proj") == 0
    )  # a bundle from a Windows PC: other spellings


def test_routes_score_by_product_even_when_product_is_no_feature() -> None:
    from sklearn.dummy import DummyClassifier

    from axpoc.artifact import PocModel

    X = pd.DataFrame({"temp": [1.0, 2.0, 3.0, 4.0]})
    low = DummyClassifier(strategy="prior").fit(X, [0, 0, 0, 1])
    high = DummyClassifier(strategy="prior").fit(X, [1, 1, 1, 0])
    model = PocModel(
        estimator=low,
        task="binary",
        features=["temp"],
        target="ng",
        family="dummy",
        classes=[0, 1],
        positive_label=1,
        negative_label=0,
        threshold=0.5,
        product_column="product",
        routes={"B": high},
    )
    frame = X.assign(product=["A", "B", "C", "B"])
    out = model.predict_frame(frame)
    assert out["score"].tolist() == [0.25, 0.75, 0.25, 0.75]  # B by its own model, A and C by the shared one
    assert model.input_columns == ["temp", "product"]
    assert model.predict_frame(X)["score"].tolist() == [0.25] * 4  # no product column: the shared model


def test_new_products_are_reported_with_what_happens_to_them() -> None:
    from axpoc.retrain import product_changes

    reference = pd.DataFrame({"product": ["A"] * 10})
    new = pd.DataFrame({"product": ["A"] * 5 + ["B"] * 250 + ["C"] * 20})
    changes = product_changes(reference, new, _config())
    assert [(c["product"], c["rows"], c["enough_rows"]) for c in changes] == [
        ("B", 250, True),
        ("C", 20, False),
    ]
    assert "check its predictions" in changes[1]["action"]
    per_product = config_from_dict({**CONFIG, "retrain": {"per_product": True}})
    assert "scored by the shared model" in product_changes(reference, new, per_product)[1]["action"]


def test_per_product_needs_a_product_column() -> None:
    from axpoc.errors import ConfigError
    from axpoc.retrain import check_per_product

    with pytest.raises(ConfigError, match=r"columns\.product"):
        check_per_product(config_from_dict({**CONFIG, "columns": {}, "retrain": {"per_product": True}}))

"""prepare: demo data loaded, the target encoded and split by whole lots, the test part apart from training."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from axpoc.config import config_from_dict
from axpoc.steps import Prepared, demo_frame, prepare
from axpoc.steps._demo import follow


@pytest.fixture(scope="module")
def prepared() -> Prepared:
    config = config_from_dict(
        {
            "project": {"name": "prep"},
            "process": "injection_molding",
            "data": {"demo": {"rows": 800, "defect_rate": 0.1, "seed": 3}},
            "target": {"column": "defect", "task": "binary", "positive_class": 1},
            "columns": {"id": "shot_id", "time": "timestamp", "group": "lot"},
            "split": {"method": "group", "test_size": 0.25},
        }
    )
    return prepare(config)


def test_the_split_covers_every_row_once_and_keeps_lots_whole(prepared: Prepared) -> None:
    train, test = set(prepared.split.train_index), set(prepared.split.test_index)
    assert not train & test and len(train | test) == len(prepared.frame)
    assert not set(prepared.train["lot"]) & set(prepared.test["lot"])
    assert len(prepared.y_train) == len(prepared.train) and len(prepared.y_test) == len(prepared.test)


def test_the_target_is_encoded_with_the_declared_positive_class(prepared: Prepared) -> None:
    y = np.concatenate([prepared.y_train, prepared.y_test])
    assert set(np.unique(y)) == {0, 1}
    assert y.sum() == int((prepared.frame["defect"] == 1).sum())
    assert prepared.source_label.startswith("demo:injection_molding")


def test_demo_data_that_follows_an_export_continues_its_ids_times_and_lots() -> None:
    first = demo_frame("injection_molding", rows=60, defect_rate=0.1, drift=0.0, seed=0)
    later = follow(
        demo_frame("injection_molding", rows=60, defect_rate=0.1, drift=0.0, seed=1),
        first,
        roles={"id": "shot_id", "time": "timestamp", "group": "lot"},
    )
    assert later["shot_id"].min() > first["shot_id"].max()
    assert pd.to_datetime(later["timestamp"]).min() > pd.to_datetime(first["timestamp"]).max()
    assert not set(later["lot"]) & set(first["lot"])

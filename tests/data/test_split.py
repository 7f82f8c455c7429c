"""Splits never leak: no group on both sides, test later than train, classes kept in proportion."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import cross_val_score

from axpoc.config import PocConfig, config_from_dict
from axpoc.data._split import CvPlan, SplitResult, cv_splitter, make_split
from axpoc.errors import UserError

ENGLISH = {"time": "time", "group": "lot", "feature": "temp", "target": "defect"}
KOREAN = {"time": "생산일시", "group": "로트", "feature": "금형온도", "target": "불량"}


def _frame(
    *,
    n_lots: int = 40,
    rows_per_lot: int = 50,
    positives: int = 60,
    names: dict[str, str] = ENGLISH,
    seed: int = 0,
) -> pd.DataFrame:
    """Lots that run one after another, hourly; rows shuffled so that frame order means nothing."""
    rng = np.random.default_rng(seed)
    n = n_lots * rows_per_lot
    target = np.zeros(n, dtype=int)
    target[rng.choice(n, size=positives, replace=False)] = 1
    frame = pd.DataFrame(
        {
            names["time"]: pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n), unit="h"),
            names["group"]: np.repeat([f"L{i:03d}" for i in range(n_lots)], rows_per_lot),
            names["feature"]: rng.normal(220.0, 5.0, n),
            names["target"]: target,
        }
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _config(
    *,
    time: str | None = "time",
    group: str | None = "lot",
    target: str = "defect",
    task: str = "binary",
    positive_class: Any = None,
    **split: Any,
) -> PocConfig:
    return config_from_dict(
        {
            "project": {"name": "split-test"},
            "data": {"path": "data.csv"},
            "target": {"column": target, "task": task, "positive_class": positive_class},
            "columns": {"time": time, "group": group},
            "split": split,
        }
    )


def _assert_partition(result: SplitResult, n: int) -> None:
    assert np.intersect1d(result.train_index, result.test_index).size == 0
    assert result.train_index.size + result.test_index.size == n
    assert np.all(np.diff(result.train_index) > 0) and np.all(np.diff(result.test_index) > 0)


def _assert_no_shared_group(groups: np.ndarray, left: np.ndarray, right: np.ndarray) -> None:
    assert np.intersect1d(groups[left], groups[right]).size == 0


def _assert_folds(plan: CvPlan, frame: pd.DataFrame, *, group: str | None, time: str | None) -> None:
    folds = plan.splits()
    assert len(folds) == plan.n_splits >= 2
    covered = np.concatenate([valid for _, valid in folds])
    if time is None:  # k-fold: every training row validates exactly once
        assert np.array_equal(np.sort(covered), np.arange(len(frame)))
    for train, valid in folds:
        assert train.size and valid.size and np.intersect1d(train, valid).size == 0
        if group is not None:
            _assert_no_shared_group(frame[group].to_numpy(), train, valid)
        if time is not None:
            times = frame[time].to_numpy()
            assert times[train].max() < times[valid].min()


# --- holdout by method ------------------------------------------------------------------------


def test_time_split_puts_the_latest_rows_in_test_and_describes_them() -> None:
    frame = _frame()
    result = make_split(frame, _config(group=None, method="time", test_size=0.25))

    _assert_partition(result, 2000)
    assert result.method == "time"
    assert result.test_index.size == 500
    times = frame["time"]
    assert times.iloc[result.train_index].max() < times.iloc[result.test_index].min()
    assert result.description == (
        "time split on 'time': train 2024-01-01..2024-03-03 11:00 (1,500 rows), "
        "test 2024-03-03 12:00..2024-03-24 07:00 (500 rows); positives (1): "
        f"train {int(frame['defect'].iloc[result.train_index].sum())}, "
        f"test {int(frame['defect'].iloc[result.test_index].sum())}"
    )
    # block bootstrap units: ceil(sqrt(500)) = 23 consecutive test rows in time order per block
    assert result.block_size == 23
    assert result.test_groups is not None and result.test_groups.shape == result.test_index.shape
    test_times = times.iloc[result.test_index].to_numpy()
    blocks = result.test_groups
    assert np.bincount(blocks).tolist() == [23] * 21 + [17]
    for block in range(blocks.max()):
        assert test_times[blocks == block].max() < test_times[blocks == block + 1].min()


def test_time_split_keeps_equal_timestamps_on_one_side() -> None:
    frame = pd.DataFrame(
        {
            "time": np.repeat(pd.date_range("2024-05-01", periods=10, freq="D"), 7),
            "temp": np.arange(70.0),
            "defect": np.arange(70) % 2,
        }
    )
    result = make_split(frame, _config(group=None, test_size=0.25, method="time"))
    times = frame["time"].to_numpy()
    assert times[result.train_index].max() < times[result.test_index].min()
    assert result.test_index.size == 21  # 3 whole days, closest to 17.5 rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_group_split_keeps_every_lot_on_one_side_and_balances_defects(seed: int) -> None:
    frame = _frame(seed=seed)
    result = make_split(frame, _config(time=None, method="group", seed=seed))

    _assert_partition(result, 2000)
    assert result.method == "group"
    _assert_no_shared_group(frame["lot"].to_numpy(), result.train_index, result.test_index)
    assert set(result.groups_train).isdisjoint(result.groups_test)
    assert len(result.groups_train) + len(result.groups_test) == 40
    assert result.test_index.size == pytest.approx(500, abs=50)
    test_defects = frame["defect"].iloc[result.test_index].sum()
    assert test_defects == pytest.approx(15, abs=3)
    assert result.test_groups is not None
    assert set(result.test_groups) == set(result.groups_test)
    assert np.array_equal(result.test_groups, frame["lot"].to_numpy()[result.test_index])


def test_group_split_with_korean_columns() -> None:
    frame = _frame(names=KOREAN)
    config = _config(time=None, group="로트", target="불량")
    result = make_split(frame, config)

    assert result.method == "group"
    assert result.description.startswith(
        "group split (auto: columns.group '로트' is set) on '로트': train 30 groups"
    )
    _assert_no_shared_group(frame["로트"].to_numpy(), result.train_index, result.test_index)
    plan = cv_splitter(frame.iloc[result.train_index].reset_index(drop=True), config, split=result)
    assert plan.method == "group" and plan.n_splits == 5
    assert plan.description == "5-fold StratifiedGroupKFold on '로트' (shuffled, seed 0)"
    train = frame.iloc[result.train_index].reset_index(drop=True)
    _assert_folds(plan, train, group="로트", time=None)
    scores = cross_val_score(DummyClassifier(), train[["금형온도"]], train["불량"], cv=plan.splits())
    assert scores.shape == (5,) and np.all(scores > 0.9)  # the majority class in every fold
    # Korean reports say both in Korean; the English value is what logs and MLflow keep
    assert result.description.text("ko").startswith(
        "그룹 분할 (자동: columns.group '로트'이 설정됨) ('로트' 기준): 학습 그룹 30개 ("
    )
    assert ", 시드 0; 양성 (1): 학습 " in result.description.text("ko")
    assert result.description.text("en") == result.description
    assert plan.description.text("ko") == "'로트' 기준 5겹 StratifiedGroupKFold (섞음, 시드 0)"


def test_time_group_split_keeps_lots_whole_and_later_lots_in_test() -> None:
    frame = _frame(names=KOREAN)
    config = _config(time="생산일시", group="로트", target="불량")
    result = make_split(frame, config)

    _assert_partition(result, 2000)
    assert result.method == "time_group"
    lots, times = frame["로트"].to_numpy(), frame["생산일시"].to_numpy()
    _assert_no_shared_group(lots, result.train_index, result.test_index)
    assert times[result.train_index].max() < times[result.test_index].min()
    assert result.groups_test == [f"L{i:03d}" for i in range(30, 40)]  # the 10 latest lots = 25 %
    assert result.block_size is None
    assert result.description.startswith(
        "time+group split (auto: columns.time '생산일시' and columns.group '로트' are set) on '로트' by "
        "'생산일시': train 30 groups 2024-01-01..2024-03-03 11:00 (1,500 rows), test 10 groups"
    )


def test_time_group_orders_overlapping_lots_by_median_time_and_says_so() -> None:
    # Lot B starts before lot A ends; by median time A < B < C < D.
    frame = pd.DataFrame(
        {
            "time": pd.to_datetime(
                [
                    *("2024-01-01", "2024-01-02", "2024-01-05", "2024-01-04", "2024-01-06", "2024-01-07"),
                    *("2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"),
                ]
            ),
            "lot": ["A", "A", "A", "B", "B", "B", "C", "C", "D", "D"],
            "temp": np.arange(10.0),
            "defect": [0, 1] * 5,
        }
    )
    result = make_split(frame, _config(method="time_group", test_size=0.4))
    assert result.groups_train == ["A", "B"] and result.groups_test == ["C", "D"]
    frame.loc[6, "time"] = pd.Timestamp("2024-01-03")  # lot C now starts before B ends
    frame.loc[7, "time"] = pd.Timestamp("2024-01-12")
    result = make_split(frame, _config(method="time_group", test_size=0.4))
    assert result.groups_test == ["C", "D"]
    assert any("overlap in time: 1 test rows are earlier" in w for w in result.warnings)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_stratified_split_keeps_class_shares_within_two_points(task: str) -> None:
    rng = np.random.default_rng(3)
    n = 1203
    labels = rng.choice(["OK", "burr", "short", "flash"], size=n, p=[0.85, 0.08, 0.05, 0.02])
    if task == "binary":
        labels = np.where(labels == "OK", "OK", "NG")
    frame = pd.DataFrame({"temp": rng.normal(size=n), "defect": labels})
    result = make_split(frame, _config(time=None, group=None, task=task, test_size=0.3))

    _assert_partition(result, n)
    assert result.method == "stratified" and result.test_groups is None and result.groups_test is None
    overall = frame["defect"].value_counts(normalize=True)
    for rows in (result.train_index, result.test_index):
        shares = frame["defect"].iloc[rows].value_counts(normalize=True)
        for label, share in overall.items():
            assert abs(shares[label] - share) <= 0.02
    assert result.test_index.size == pytest.approx(0.3 * n, abs=3)


def test_stratified_cv_keeps_class_shares_in_every_fold() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"temp": rng.normal(size=900), "defect": (rng.random(900) < 0.05).astype(int)})
    plan = cv_splitter(frame, _config(time=None, group=None))
    assert plan.method == "stratified" and plan.groups is None
    _assert_folds(plan, frame, group=None, time=None)
    share = frame["defect"].mean()
    for _, valid in plan.splits():
        assert abs(frame["defect"].iloc[valid].mean() - share) <= 0.02


# --- default resolution and warnings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "group", "task", "method", "why"),
    [
        ("time", "lot", "binary", "time_group", "columns.time 'time' and columns.group 'lot' are set"),
        ("time", None, "binary", "time", "columns.time 'time' is set"),
        (None, "lot", "binary", "group", "columns.group 'lot' is set"),
        (None, None, "binary", "stratified", "no time or group column, binary target"),
        (None, None, "regression", "random", "no time or group column, regression target"),
    ],
)
def test_auto_follows_the_roles_and_prints_why(
    time: str | None, group: str | None, task: str, method: str, why: str
) -> None:
    frame = _frame(n_lots=12, rows_per_lot=25, positives=30)
    result = make_split(frame, _config(time=time, group=group, task=task))
    assert result.method == method
    name = "time+group" if method == "time_group" else method
    assert result.description.startswith(f"{name} split (auto: {why})")
    assert "\n" not in result.description
    assert result.warnings == []


def test_explicit_method_prints_no_auto_reason() -> None:
    result = make_split(_frame(), _config(method="group"))
    assert result.description.startswith("group split on 'lot': train ")
    assert ", seed 0; positives (1): train " in result.description


@pytest.mark.parametrize("method", ["random", "stratified"])
def test_random_split_with_time_and_group_warns_of_leakage(method: str) -> None:
    frame = _frame()
    result = make_split(frame, _config(method=method))
    assert result.method == method
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(
        f"split.method '{method}' ignores columns.time 'time' and columns.group 'lot'"
    )
    assert "auto (time_group)" in result.warnings[0]
    assert result.groups_train is not None
    assert set(result.groups_train) & set(result.groups_test)  # the leak the warning is about


def test_time_split_that_cuts_lots_warns() -> None:
    frame = _frame(n_lots=8, rows_per_lot=50)  # 400 rows, 100 in test: cuts no lot
    assert not any("cuts through" in w for w in make_split(frame, _config(method="time")).warnings)
    result = make_split(frame, _config(method="time", test_size=0.3))  # 120 rows: cuts lot L005
    assert result.warnings == [
        "the time split cuts through 1 group(s) of 'lot' (rows on both sides); "
        "use split.method: time_group to keep them whole."
    ]


def test_few_positives_in_test_warns() -> None:
    frame = _frame(positives=8)  # too few for auto (small data), so the method is named
    result = make_split(frame, _config(time=None, group=None, method="stratified"))
    assert result.method == "stratified"
    positives = int(frame["defect"].iloc[result.test_index].sum())
    assert positives == 2
    assert result.warnings == [
        "the test part has only 2 positive case(s) (class 1); KPI estimates on so few defects are very "
        "uncertain. Collect more defect cases or raise split.test_size."
    ]
    assert result.warnings[0].text("ko").startswith("테스트 부분의 양성 사례가 2건뿐입니다 (클래스 1)")


def test_few_positives_follow_the_configured_positive_class() -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {"temp": rng.normal(size=200), "defect": rng.permutation(["scrap"] * 12 + ["good"] * 188)}
    )
    by_minority = make_split(frame, _config(time=None, group=None))
    assert by_minority.warnings == [
        "the test part has only 3 positive case(s) (class 'scrap'); KPI estimates on so few defects are very "
        "uncertain. Collect more defect cases or raise split.test_size."
    ]
    configured = make_split(frame, _config(time=None, group=None, positive_class="good"))
    assert configured.warnings == []
    assert configured.description == (
        "stratified split (auto: no time or group column, binary target): train 150 rows, test 50 rows, "
        "seed 0; positives ('good'): train 141, test 47"
    )
    frame["defect"] = np.where(frame["defect"] == "scrap", 1, 0)  # int labels, positive_class given as text
    as_text = make_split(frame, _config(time=None, group=None, positive_class="1"))
    assert "positives (1): train 9, test 3" in as_text.description
    assert "only 3 positive case(s) (class 1)" in as_text.warnings[0]


def test_multiclass_rare_class_in_test_warns() -> None:
    rng = np.random.default_rng(5)
    labels = np.array(["OK"] * 380 + ["burr"] * 12 + ["short"] * 8)
    frame = pd.DataFrame({"temp": rng.normal(size=400), "defect": rng.permutation(labels)})
    result = make_split(frame, _config(time=None, group=None, task="multiclass", method="stratified"))
    assert result.warnings == [
        "the test part has fewer than 5 cases of some classes ('burr': 3, 'short': 2); their scores are "
        "very uncertain. Collect more cases of those classes or raise split.test_size."
    ]


def test_group_split_with_few_groups_warns() -> None:
    frame = _frame(n_lots=4, rows_per_lot=100, positives=40)
    result = make_split(frame, _config(time=None))
    assert len(result.groups_test) == 1 and len(result.groups_train) == 3
    assert result.warnings == [
        "the test part holds only 1 group(s) of 'lot'; a score from fewer than 3 lots/molds/tools says "
        "little about new ones. Add data from more groups."
    ]


def test_rows_without_a_lot_are_kept_together_and_reported() -> None:
    frame = _frame(n_lots=20, rows_per_lot=20, positives=20).astype({"lot": object})
    frame.loc[frame["lot"].isin(["L003", "L011"]), "lot"] = None
    result = make_split(frame, _config(time=None))
    lots = frame["lot"].fillna("(none)").to_numpy()
    _assert_no_shared_group(lots, result.train_index, result.test_index)
    assert len(result.groups_train) + len(result.groups_test) == 19
    assert result.warnings == [
        "columns.group 'lot': 40 rows have no group value; they are kept together as one group. "
        "Fill in the lot/mold/tool if it is known."
    ]


# --- predefined -------------------------------------------------------------------------------


def test_predefined_split_uses_the_listed_lots_and_leaves_out_the_rest() -> None:
    frame = _frame(n_lots=10, rows_per_lot=30, positives=40)
    train, test = ["L000", "L001", "L002", "L003", "L004", "L005"], ["L008", "L009", "L007"]
    result = make_split(frame, _config(method="predefined", groups={"train": train, "test": test}))

    assert result.method == "predefined"
    assert result.groups_train == train and result.groups_test == sorted(test)
    lots = frame["lot"].to_numpy()
    assert set(lots[result.train_index]) == set(train) and set(lots[result.test_index]) == set(test)
    assert result.train_index.size == 180 and result.test_index.size == 90
    assert result.warnings == [
        "split.groups lists 1 group(s) of 'lot' on neither side (L006); their 30 rows are left out."
    ]
    plan = cv_splitter(frame.iloc[result.train_index].reset_index(drop=True), _config(), split=result)
    assert plan.method == "group" and plan.n_splits == 5


def test_predefined_matches_numeric_lot_numbers_written_as_text() -> None:
    frame = pd.DataFrame(
        {"lot": np.repeat([101, 102, 103, 104], 5), "temp": np.arange(20.0), "defect": [0, 1] * 10}
    )
    result = make_split(
        frame, _config(time=None, method="predefined", groups={"train": ["101", 102, "103"], "test": [104]})
    )
    assert result.groups_test == [104] and result.test_index.tolist() == [15, 16, 17, 18, 19]


def test_predefined_unknown_group_is_a_user_error_naming_it() -> None:
    frame = _frame(n_lots=5, rows_per_lot=20, positives=10)
    config = _config(method="predefined", groups={"train": ["L000", "L001", "X9"], "test": ["L004", "Y7"]})
    with pytest.raises(UserError, match=r"split\.groups: group value\(s\) X9, Y7 are not in column 'lot'"):
        make_split(frame, config)


def test_predefined_group_on_both_sides_is_a_user_error() -> None:
    frame = _frame(n_lots=5, rows_per_lot=20, positives=10)
    config = _config(method="predefined", groups={"train": ["L000", "L001"], "test": ["L001", "L004"]})
    with pytest.raises(UserError, match=r"L001 are listed in both train and test"):
        make_split(frame, config)


# --- cross-validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "group", "method"),
    [
        ("time", "lot", "time_group"),
        ("time", None, "time"),
        (None, "lot", "group"),
        (None, None, "stratified"),
        (None, None, "random"),
    ],
)
def test_every_cv_fold_matches_the_holdout_and_never_leaks(
    time: str | None, group: str | None, method: str
) -> None:
    frame = _frame()
    config = _config(time=time, group=group, method=method if method == "random" else "auto")
    split = make_split(frame, config)
    assert split.method == method
    train = frame.iloc[split.train_index].reset_index(drop=True)
    plan = cv_splitter(train, config, split=split)

    assert plan.method == method and plan.n_splits == 5
    _assert_folds(plan, train, group=group, time=time)
    if group is not None:
        assert plan.groups is not None and np.array_equal(plan.groups, train["lot"].to_numpy())
    if time is not None:  # expanding window: each fold trains on all that came before
        sizes = [t.size for t, _ in plan.splits()]
        assert sizes == sorted(sizes) and len(set(sizes)) == 5


def test_time_cv_folds_are_even_and_the_gap_is_left_out() -> None:
    frame = _frame(n_lots=1, rows_per_lot=600, positives=30)
    config = _config(group=None, task="regression")  # no classes: blocks of equal rows
    plan = cv_splitter(frame, config)
    assert plan.description == "5-fold forward-chaining CV on 'time' (expanding window, gap 0)"
    assert [(t.size, v.size) for t, v in plan.splits()] == [
        (100, 100),
        (200, 100),
        (300, 100),
        (400, 100),
        (500, 100),
    ]
    gapped = cv_splitter(frame, config, gap=24)
    assert [(t.size, v.size) for t, v in gapped.splits()] == [
        (76, 100),
        (176, 100),
        (276, 100),
        (376, 100),
        (476, 100),
    ]
    times = frame["time"]
    for train, valid in gapped.splits():
        assert times.iloc[valid].min() - times.iloc[train].max() == pd.Timedelta(hours=25)


def test_cv_folds_reduce_with_few_lots_and_say_why() -> None:
    frame = _frame(n_lots=3, rows_per_lot=40, positives=12)
    plan = cv_splitter(frame, _config(time=None))
    assert plan.n_splits == 3
    assert plan.description == (
        "3-fold StratifiedGroupKFold on 'lot' (shuffled, seed 0); "
        "reduced from 5 to 3 folds: the training part has only 3 groups of 'lot'"
    )
    assert plan.description.text("ko") == (
        "'lot' 기준 3겹 StratifiedGroupKFold (섞음, 시드 0); 5겹에서 3겹으로 줄임: 학습 부분의 'lot' 그룹이 3개뿐임"
    )
    _assert_folds(plan, frame, group="lot", time=None)
    plan = cv_splitter(frame, _config(group="lot"))
    assert plan.method == "time_group" and plan.n_splits == 2
    assert "reduced from 5 to 2 folds: the training part has only 3 groups of 'lot'" in plan.description
    _assert_folds(plan, frame, group="lot", time="time")


def test_cv_folds_reduce_with_a_rare_class() -> None:
    rng = np.random.default_rng(6)
    frame = pd.DataFrame({"temp": rng.normal(size=200), "defect": [1, 1, 1] + [0] * 197})
    plan = cv_splitter(frame, _config(time=None, group=None))
    assert plan.n_splits == 3 and "reduced from 5 to 3 folds: class 1 has only 3 rows" in plan.description
    assert all(frame["defect"].iloc[valid].sum() == 1 for _, valid in plan.splits())


def test_cv_with_too_little_data_is_a_user_error() -> None:
    frame = _frame(n_lots=2, rows_per_lot=30, positives=6)
    with pytest.raises(
        UserError, match=r"needs at least 2 folds, but the training part has only 2 groups of 'lot'"
    ):
        cv_splitter(frame, _config())
    with pytest.raises(UserError, match=r"class 1 has only 1 rows"):
        cv_splitter(_frame(n_lots=4, rows_per_lot=10, positives=1), _config(time=None, group=None))


# --- errors and determinism -------------------------------------------------------------------


def test_method_without_its_column_is_a_user_error() -> None:
    frame = _frame(n_lots=4, rows_per_lot=10, positives=4)
    with pytest.raises(UserError, match=r"split\.method 'time_group' needs columns\.group"):
        make_split(frame, _config(group=None, method="time_group"))
    with pytest.raises(UserError, match=r"split\.method 'stratified' needs a class target"):
        make_split(frame, _config(time=None, group=None, task="regression", method="stratified"))
    with pytest.raises(
        UserError, match=r"columns\.group: column 'Lot' is not in the data\. Did you mean 'lot'\?"
    ):
        make_split(frame, _config(group="Lot"))


def test_unreadable_or_constant_times_are_user_errors() -> None:
    frame = _frame(n_lots=4, rows_per_lot=10, positives=4)
    frame["time"] = frame["time"].dt.strftime("%Y.%m.%d %H:%M").astype(object)
    assert make_split(frame, _config(group=None, method="time")).method == "time"  # text times are parsed
    frame.loc[7, "time"] = "yesterday"
    with pytest.raises(
        UserError, match=r"columns\.time 'time': 1 of 40 rows have no readable time \(first at row 8"
    ):
        make_split(frame, _config(group=None))
    frame["time"] = "2024-01-01"
    with pytest.raises(UserError, match=r"needs at least 2 distinct times in 'time', but the data has 1"):
        make_split(frame, _config(group=None, method="time"))


def test_same_seed_same_split_other_seed_other_split() -> None:
    frame = _frame()
    for method in ("group", "stratified", "random"):
        first = make_split(frame, _config(time=None, method=method, seed=7))
        again = make_split(frame, _config(time=None, method=method, seed=7))
        other = make_split(frame, _config(time=None, method=method, seed=8))
        assert np.array_equal(first.test_index, again.test_index) and first.description == again.description
        assert not np.array_equal(first.test_index, other.test_index)
        train = frame.iloc[first.train_index].reset_index(drop=True)
        folds = [v for _, v in cv_splitter(train, _config(time=None, seed=7), split=first).splits()]
        folds_again = [v for _, v in cv_splitter(train, _config(time=None, seed=7), split=again).splits()]
        assert all(np.array_equal(a, b) for a, b in zip(folds, folds_again, strict=True))


def test_block_size_follows_the_square_root_of_the_test_part() -> None:
    frame = _frame(n_lots=1, rows_per_lot=400, positives=20)
    result = make_split(frame, _config(group=None, test_size=0.1))
    assert result.test_index.size == 40 and result.block_size == math.ceil(math.sqrt(40)) == 7
    assert result.test_groups is not None and result.test_groups.max() == 5


# --- rare defects in time order, and small data ------------------------------------------------


def _shot_log(n: int = 2000, defects: tuple[int, ...] = ()) -> pd.DataFrame:
    """Shots in time order whose failed shots sit at the given positions (bursts, as on a real line)."""
    target = np.zeros(n, dtype=int)
    target[list(defects)] = 1
    return pd.DataFrame(
        {
            "time": pd.Timestamp("2024-03-01") + pd.to_timedelta(np.arange(n), unit="min"),
            "temp": np.random.default_rng(1).normal(220.0, 5.0, n),
            "defect": target,
        }
    )


def test_time_folds_are_sized_by_defect_cases_so_every_validation_fold_holds_some() -> None:
    # 24 failed shots in three bursts: equal-row blocks would leave 3 of 5 validation folds without one.
    bursts = (*range(100, 108), *range(900, 908), *range(1850, 1858))
    frame = _shot_log(defects=bursts)
    config = _config(group=None, method="time")
    rows_only = cv_splitter(frame, _config(group=None, method="time", task="regression"))
    assert sum(frame["defect"].iloc[valid].sum() == 0 for _, valid in rows_only.splits()) >= 3

    plan = cv_splitter(frame, config)
    y = frame["defect"].to_numpy()
    assert plan.n_splits >= 2
    for train, valid in plan.splits():
        assert 0 < y[valid].sum() < valid.size and y[train].sum() > 0
        assert frame["time"].iloc[train].max() < frame["time"].iloc[valid].min()
    least = min(int(y[valid].sum()) for _, valid in plan.splits())
    assert plan.description.endswith(
        f"blocks sized by defect cases: every validation fold holds at least {least}"
    )


def test_few_defect_cases_limit_the_time_folds_and_too_few_stop_with_a_korean_reason() -> None:
    frame = _shot_log(n=38, defects=(3, 12, 20, 29, 35))
    plan = cv_splitter(frame, _config(group=None, method="time"))
    assert plan.n_splits == 4  # five cases: a first training block and four validation blocks, one each
    y = frame["defect"].to_numpy()
    assert all(y[train].sum() and 0 < y[valid].sum() < valid.size for train, valid in plan.splits())
    assert "reduced from 5 to 4 folds: the training part has only 5 defect (minority-class) cases" in str(
        plan.description
    )

    with pytest.raises(UserError) as error:
        cv_splitter(_shot_log(n=38, defects=(5, 30)), _config(group=None, method="time"))
    message = error.value.message
    assert message.startswith("데이터가 너무 작아 시간 교차 검증을 할 수 없습니다")
    assert "학습 부분의 불량(소수 클래스) 사례가 2건뿐임" in message
    assert "the training part has only 2 defect (minority-class) cases" in message
    assert "budget" not in message


def test_small_data_on_auto_has_no_holdout_and_repeats_stratified_cv_on_all_rows() -> None:
    from corpus.exports import press_doe

    frame, target = press_doe(), "크랙"
    config = _config(time=None, group=None, target=target)
    result = make_split(frame, config)
    assert result.resampled and result.method == "stratified"
    assert np.array_equal(result.train_index, np.arange(39)) and np.array_equal(
        result.test_index, np.arange(39)
    )
    assert result.description.startswith(
        "small data (39 labelled rows, fewer than 100): no separate test part"
    )
    assert result.description.text("ko").startswith("작은 데이터 (레이블이 있는 행이 39개로 100개 미만)")

    plan = cv_splitter(frame, config, split=result)
    assert (
        plan.n_splits == 25
        and plan.description == "5x repeated 5-fold StratifiedKFold (shuffled, seeds from 0)"
    )
    y = frame[target].to_numpy()
    validated = np.zeros(39)
    for train, valid in plan.splits():
        assert 0 < y[train].sum() < train.size and 0 < y[valid].sum() < valid.size
        validated[valid] += 1
    assert (validated == 5).all()  # every row scored once per repeat

    # Enough rows but few defects is small data too; a method the user names is respected.
    few = make_split(_frame(n_lots=8, positives=10), _config(time=None, group=None))
    assert few.resampled and few.description.startswith("small data (10 cases of class 1, fewer than 12)")
    named = make_split(frame, _config(time=None, group=None, target=target, method="stratified"))
    assert not named.resampled and named.test_index.size == 10


def test_small_data_with_lots_keeps_lots_whole_in_every_repeat() -> None:
    frame = _frame(n_lots=12, rows_per_lot=6, positives=9)
    config = _config(time=None)
    result = make_split(frame, config)
    assert result.resampled and result.method == "group"
    assert np.array_equal(result.test_groups, frame["lot"].to_numpy())  # intervals resample whole lots
    plan = cv_splitter(frame, config, split=result)
    assert plan.description.startswith("5x repeated 5-fold StratifiedGroupKFold (shuffled, seeds from 0)")
    lots = frame["lot"].to_numpy()
    for train, valid in plan.splits():
        assert not set(lots[train]) & set(lots[valid])

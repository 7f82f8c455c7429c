"""Holdout and cross-validation splits that never leak: by time, by group, or stratified.

Rows of one lot, mold, tool or experiment share causes a model must not be allowed to memorise,
and the future is not a shuffled copy of the past. So the holdout keeps every group on one side
and puts the latest data in test, and the cross-validation used to compare candidates on the
training part follows the same rule. The test part is meant to be scored once, after the
candidate is chosen; nothing here hands it to the tuner.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from axpoc.config import PocConfig
from axpoc.data._roles import resolve_roles
from axpoc.errors import UserError
from axpoc.i18n import SplitNote, joined

MIN_TEST_CASES = 5
"""Fewer positive (or per-class) cases than this in the test part gives a warning."""

MIN_GROUPS_PER_SIDE = 3
"""Fewer groups than this on one side of a group split gives a warning."""

SMALL_DATA_ROWS = 100
"""With ``split.method: auto``, fewer labelled rows than this means no holdout: see `SMALL_DATA_CASES`."""
SMALL_DATA_CASES = 12
"""With ``split.method: auto``, fewer cases than this of the rarest class (the defects, usually) means no
holdout: a test part would hold a handful of them and say nothing. Candidates, KPIs and their intervals then
come from ``SMALL_DATA_REPEATS`` times repeated stratified cross-validation on all rows (out-of-fold
predictions: every row is scored by models that never saw it)."""
SMALL_DATA_REPEATS = 5

_CLASS_TASKS = frozenset({"binary", "multiclass", "anomaly"})


@dataclass(frozen=True, eq=False)
class SplitResult:
    """A holdout split: positional row indices of each side (ascending) and how they were chosen.

    ``test_groups`` is the resampling unit of every test row, aligned with ``test_index``, so that
    KPI confidence intervals resample whole units instead of treating correlated rows as
    independent: the group value for ``group``, ``time_group`` and ``predefined`` splits, the number
    of the time block (``block_size`` consecutive test rows in time order) for a ``time`` split, and
    ``None`` for ``stratified`` and ``random`` splits, whose rows are exchangeable.
    ``groups_train`` / ``groups_test`` list the group values on each side (``None`` without groups).

    ``resampled`` (small data, see `SMALL_DATA_CASES`): there is no holdout; both indices hold every row,
    the cross-validation repeats, and the comparison replaces the split with one whose ``out_of_fold``
    holds the chosen model's out-of-fold outputs, which the evaluation scores instead of a test part.
    """

    train_index: np.ndarray
    test_index: np.ndarray
    method: str
    description: str
    warnings: list[str] = field(default_factory=list)
    groups_train: list[Any] | None = None
    groups_test: list[Any] | None = None
    test_groups: np.ndarray | None = None
    block_size: int | None = None
    resampled: bool = False
    out_of_fold: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class CvPlan:
    """Cross-validation folds on the training part, matching the holdout method.

    ``splits()`` gives ``(train, validation)`` positional indices into the training frame; the
    list can be passed as ``cv=`` to scikit-learn and Optuna helpers. ``groups`` holds the group
    value of every training row for group-based plans, else ``None``.
    """

    method: str
    n_splits: int
    groups: np.ndarray | None
    description: str
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]

    def splits(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(train.copy(), valid.copy()) for train, valid in self.folds]


@dataclass(frozen=True, eq=False)
class _Data:
    """The columns a split looks at, decoded once: codes for groups and classes, sortable times."""

    n: int
    time_name: str | None
    group_name: str | None
    times: pd.Series | None
    time_key: np.ndarray | None
    group_codes: np.ndarray | None
    group_values: np.ndarray | None
    label_codes: np.ndarray | None
    classes: np.ndarray | None
    positive: int | None
    notes: tuple[str, ...]

    def row_groups(self) -> np.ndarray | None:
        """The group value of every row."""
        if self.group_codes is None or self.group_values is None:
            return None
        return self.group_values[self.group_codes]


def make_split(frame: pd.DataFrame, config: PocConfig) -> SplitResult:
    """Split ``frame`` into train and test following ``config.split`` and the column roles.

    ``auto`` resolves to ``time_group`` when both a time and a group column are set, else
    ``time``, else ``group``, else ``stratified`` (class targets) or ``random`` (regression);
    ``description`` says which and why, on one line for the console.
    """
    data = _decode(frame, config)
    if data.n < 2:
        raise UserError(f"The data has {data.n} row(s); a train/test split needs at least 2 rows.")
    requested = config.split.method
    method, why = _resolve_method(requested, data, config)
    small = _small_data(data) if requested == "auto" else None
    if small is not None:
        return _resampled_split(data, small)
    messages = list(data.notes)
    messages += _leak_warnings(method, data)
    n_test = min(max(round(data.n * config.split.test_size), 1), data.n - 1)
    rng = np.random.default_rng(config.split.seed)

    train_mask = None  # the complement of test_mask, except for a predefined split
    if method == "time":
        assert data.time_key is not None
        unit_codes, order = _time_units(data.time_key)
        test_mask = _cut_latest(unit_codes, order, n_test, unit="distinct time", column=data.time_name)
    elif method == "time_group":
        assert data.group_codes is not None and data.time_key is not None
        order = _groups_by_time(data.group_codes, data.time_key)
        test_mask = _cut_latest(data.group_codes, order, n_test, unit="group", column=data.group_name)
    elif method == "group":
        assert data.group_codes is not None
        test_mask = _group_holdout(data.group_codes, data.label_codes, config.split.test_size, rng)
    elif method == "predefined":
        train_mask, test_mask, left_out = _predefined(data, config)
        messages += left_out
    elif method == "stratified":
        assert data.label_codes is not None
        test_mask = _stratified_holdout(data.label_codes, config.split.test_size, rng)
    else:
        test_mask = np.zeros(data.n, dtype=bool)
        test_mask[rng.permutation(data.n)[:n_test]] = True

    train_index = np.flatnonzero(~test_mask if train_mask is None else train_mask)
    test_index = np.flatnonzero(test_mask)
    messages += _group_count_warnings(method, data, train_index, test_index)
    messages += _few_cases_warnings(data, test_index)
    messages += _overlap_warnings(method, data, train_index, test_index)

    row_groups = data.row_groups()
    groups_train = groups_test = test_groups = block_size = None
    if row_groups is not None:
        groups_train, groups_test = _group_list(data, train_index), _group_list(data, test_index)
        if method in ("group", "time_group", "predefined"):
            test_groups = row_groups[test_index]
    if method == "time":
        assert data.time_key is not None
        block_size = max(1, math.ceil(math.sqrt(test_index.size)))
        rank = np.argsort(np.argsort(data.time_key[test_index], kind="stable"), kind="stable")
        test_groups = rank // block_size
    return SplitResult(
        train_index=train_index,
        test_index=test_index,
        method=method,
        description=_describe(method, why, data, train_index, test_index, config.split.seed),
        warnings=messages,
        groups_train=groups_train,
        groups_test=groups_test,
        test_groups=test_groups,
        block_size=block_size,
    )


def cv_splitter(
    frame_train: pd.DataFrame, config: PocConfig, *, split: SplitResult | None = None, gap: int = 0
) -> CvPlan:
    """Cross-validation folds on the training part that leak no more than the holdout does.

    The method follows ``split.method`` (or resolves ``config.split.method`` like
    :func:`make_split`): ``time`` and ``time_group`` chain forward over distinct times or groups
    ordered by time (expanding window; ``gap`` leaves that many of them out before each
    validation fold); ``group`` uses (Stratified)GroupKFold, ``stratified`` StratifiedKFold and
    ``random`` KFold, all shuffled with ``split.seed``. ``predefined`` holdouts get group folds.
    Folds drop to what the data allows, with a note in ``description``.
    """
    if gap < 0:
        raise ValueError(f"gap must be >= 0, got {gap}")
    data = _decode(frame_train, config)
    if split is not None and split.resampled:
        return _repeated_plan(data, config)
    method = split.method if split is not None else _resolve_method(config.split.method, data, config)[0]
    if method == "predefined":
        method = "group"
    _require_roles(method, data, config)
    requested, seed = config.split.cv_folds, config.split.seed
    cases = _cases(data) if method in ("time", "time_group") else None
    limits: list[tuple[int, str]] = [(data.n, SplitNote("limit_rows", {"n": data.n}))]
    units = None  # (unit code of each row, units in time order) for forward chaining
    if method == "time":
        assert data.time_key is not None
        units = _time_units(data.time_key)
        limits.append((units[1].size - 1, SplitNote("limit_times", {"n": units[1].size})))
    elif method == "time_group":
        assert data.group_codes is not None and data.time_key is not None
        units = data.group_codes, _groups_by_time(data.group_codes, data.time_key)
        limits.append(
            (units[1].size - 1, SplitNote("limit_groups", {"n": units[1].size, "group": data.group_name}))
        )
    elif method == "group":
        assert data.group_codes is not None
        n_groups = np.unique(data.group_codes).size
        limits.append((n_groups, SplitNote("limit_groups", {"n": n_groups, "group": data.group_name})))
    if method in ("group", "stratified") and data.label_codes is not None:
        counts = np.bincount(data.label_codes)
        rare = int(np.argmin(np.where(counts > 0, counts, data.n + 1)))
        limits.append(
            (int(counts[rare]), SplitNote("limit_class", {"label": _show(data, rare), "n": counts[rare]}))
        )
    if cases is not None:  # every block of a time-ordered CV, the first training one included, needs a case
        limits.append((int(cases.sum()) - 1, SplitNote("limit_cases", {"n": int(cases.sum())})))
    n_splits, reason = min(limits, key=lambda item: item[0])
    if n_splits >= requested:
        n_splits, reason = requested, ""
    if n_splits < 2:
        raise _too_small(
            SplitNote("too_few_folds", {"reason": reason, "method": SplitNote(f"method_{method}")})
        )

    if units:
        found = _forward_folds(*units, n_splits, gap, cases=cases)
    else:
        found = _sklearn_folds(method, data, n_splits, seed)
    folds = [(train, valid) for train, valid in found if train.size and valid.size]
    if len(folds) < 2:
        raise _too_small(
            SplitNote("too_few_usable", {"n": len(folds), "method": SplitNote(f"method_{method}")})
        )
    notes: list[str] = []
    if reason:
        notes.append(SplitNote("reduced", {"requested": requested, "n": n_splits, "reason": reason}))
    if len(folds) < n_splits:
        notes.append(SplitNote("fewer_folds", {"n": len(folds)}))
    if cases is not None:
        notes.append(SplitNote("blocks_by_cases", {"least": _least_cases(cases, folds)}))
    notes += _empty_class_notes(data, folds)
    return CvPlan(
        method=method,
        n_splits=len(folds),
        groups=data.row_groups() if method in ("group", "time_group") else None,
        description=joined(_describe_cv(method, data, len(folds), gap, seed), *notes),
        folds=tuple(folds),
    )


# --- decoding ---------------------------------------------------------------------------------


def _decode(frame: pd.DataFrame, config: PocConfig) -> _Data:
    task = config.target.task
    roles = resolve_roles(frame, config, require_target=task in ("binary", "multiclass"))
    frame = frame.reset_index(drop=True)
    notes: list[str] = []
    times = time_key = None
    if roles.time is not None:
        times = _parse_times(frame[roles.time], roles.time, config.columns.time_format)
        time_key = (
            times.to_numpy(dtype="int64") if times.dtype.kind == "M" else times.to_numpy(dtype="float64")
        )
    group_codes = group_values = None
    if roles.group is not None:
        column = frame[roles.group]
        group_codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=False)
        group_values = np.asarray(uniques, dtype=object)
        missing = int(column.isna().sum())
        if missing:
            notes.append(
                f"columns.group '{roles.group}': {missing} rows have no group value; they are kept "
                "together as one group. Fill in the lot/mold/tool if it is known."
            )
    label_codes = classes = positive = None
    if task in _CLASS_TASKS and roles.target in frame.columns:
        label_codes, uniques = pd.factorize(frame[roles.target], sort=True, use_na_sentinel=False)
        classes = np.asarray(uniques, dtype=object)
        if task != "multiclass":
            positive = _positive_code(label_codes, classes, config.target.positive_class)
    return _Data(
        n=len(frame),
        time_name=roles.time,
        group_name=roles.group,
        times=times,
        time_key=time_key,
        group_codes=group_codes,
        group_values=group_values,
        label_codes=label_codes,
        classes=classes,
        positive=positive,
        notes=tuple(notes),
    )


def _parse_times(column: pd.Series, name: str, time_format: str | None) -> pd.Series:
    """Times as a datetime (or numeric, e.g. a cycle counter) series; unreadable ones are an error."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        parsed = column.dt.tz_convert("UTC").dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(column.dtype):
        parsed = column
    elif pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        parsed = column.astype("float64")
    elif time_format is not None:
        parsed = pd.to_datetime(column, format=time_format, errors="coerce")
    else:
        try:
            parsed = pd.to_datetime(column, errors="raise")
        except (ValueError, TypeError):
            parsed = pd.to_datetime(column, format="mixed", errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        first = bad[0]
        raise UserError(
            f"columns.time '{name}': {bad.size} of {len(column)} rows have no readable time (first at row "
            f"{first + 1}: {column.iloc[first]!r}). A time-ordered split needs a time on every row: fix or drop "
            "those rows, or set columns.time_format (e.g. '%Y-%m-%d %H:%M:%S')."
        )
    return parsed.reset_index(drop=True)


def _positive_code(codes: np.ndarray, classes: np.ndarray, positive_class: str | int | None) -> int | None:
    """The defect class: the configured one (matched as text, so 1 finds '1'), else the minority."""
    if positive_class is not None:
        wanted = _key(positive_class)
        matches = [i for i, value in enumerate(classes) if _key(value) == wanted]
        return matches[0] if matches else None
    if classes.size < 2:
        return None
    return int(np.argmin(np.bincount(codes, minlength=classes.size)))


def _key(value: Any) -> str:
    """Compare config values with data values as text: ``101``, ``'101'`` and ``101.0`` are one lot."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _resolve_method(requested: str, data: _Data, config: PocConfig) -> tuple[str, str]:
    """The concrete method and, for ``auto``, why it was chosen."""
    if requested != "auto":
        _require_roles(requested, data, config)
        return requested, ""
    names = {"time": data.time_name, "group": data.group_name}
    if data.time_name and data.group_name:
        return "time_group", SplitNote("why_time_group", names)
    if data.time_name:
        return "time", SplitNote("why_time", names)
    if data.group_name:
        return "group", SplitNote("why_group", names)
    why = SplitNote("why_none", {"task": config.target.task})
    return ("stratified" if data.label_codes is not None else "random"), why


def _require_roles(method: str, data: _Data, config: PocConfig) -> None:
    needs = {
        "time": ("time",),
        "time_group": ("time", "group"),
        "group": ("group",),
        "predefined": ("group",),
    }.get(method, ())
    have = {"time": data.time_name, "group": data.group_name}
    missing = [role for role in needs if have[role] is None]
    if missing:
        roles = " and ".join(f"columns.{role}" for role in missing)
        raise UserError(
            f"split.method '{method}' needs {roles} in the config (the timestamp or lot/mold/tool column). "
            "Name the column there, or use split.method: auto."
        )
    if method == "stratified" and data.label_codes is None:
        raise UserError(
            f"split.method 'stratified' needs a class target, but target.task is '{config.target.task}'"
            f"{'' if config.target.task == 'regression' else ' without labels in the data'}. "
            "Use split.method: random, time or group."
        )


# --- holdouts ---------------------------------------------------------------------------------


def _time_units(time_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct time is one unit, so rows sharing a timestamp never straddle a cut."""
    _, codes = np.unique(time_key, return_inverse=True)
    return codes.reshape(-1), np.arange(codes.max() + 1)


def _groups_by_time(group_codes: np.ndarray, time_key: np.ndarray) -> np.ndarray:
    """Group codes ordered by their median time (ties: the earlier first time, then the code)."""
    by_group = pd.Series(time_key).groupby(group_codes)
    median, first = by_group.median().to_numpy(), by_group.min().to_numpy()
    codes = by_group.median().index.to_numpy()
    return codes[np.lexsort((codes, first, median))]


def _cut_latest(
    unit_codes: np.ndarray, order: np.ndarray, n_test: int, *, unit: str, column: str | None
) -> np.ndarray:
    """Test mask holding the latest whole units, as close to ``n_test`` rows as units allow."""
    if order.size < 2:
        raise UserError(
            f"A time-ordered split needs at least 2 {unit}s in '{column}', but the data has {order.size}. "
            "Add data from other periods or lots, or use split.method: stratified."
        )
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    train_rows = np.cumsum(np.bincount(rank[unit_codes], minlength=order.size))[:-1]
    last_train = int(np.argmin(np.abs(train_rows - (unit_codes.size - n_test))))
    return rank[unit_codes] > last_train


def _group_holdout(
    group_codes: np.ndarray, label_codes: np.ndarray | None, test_size: float, rng: np.random.Generator
) -> np.ndarray:
    """Test mask of whole groups that holds about ``test_size`` of the rows and of every class.

    Each group (largest first, equal sizes in seeded random order) goes to the side that keeps the
    running test share of every class closest to ``test_size``, so rare defects spread too.
    """
    n_groups = int(group_codes.max()) + 1
    if n_groups < 2:
        raise UserError(
            "A group split needs at least 2 groups, but the group column holds a single value. "
            "Add data from other lots/molds/tools, or use split.method: time or stratified."
        )
    labels = np.zeros_like(group_codes) if label_codes is None else label_codes
    counts = np.zeros((n_groups, int(labels.max()) + 1))
    np.add.at(counts, (group_codes, labels), 1)
    weight = 1.0 / np.maximum(counts.sum(axis=0), 1.0)  # a deviation counts relative to the class size
    shuffled = rng.permutation(n_groups)
    order = shuffled[np.argsort(-counts.sum(axis=1)[shuffled], kind="stable")]
    excess = np.zeros(counts.shape[1])  # test rows per class minus test_size x rows seen so far
    in_test = np.zeros(n_groups, dtype=bool)
    for group in order:
        to_test, to_train = excess + (1 - test_size) * counts[group], excess - test_size * counts[group]
        in_test[group] = (to_test**2 * weight).sum() < (to_train**2 * weight).sum()
        excess = to_test if in_test[group] else to_train
    if not in_test.any() or in_test.all():  # keep one group on the short side
        in_test[order[-1]] = not in_test[order[-1]]
    return in_test[group_codes]


def _stratified_holdout(label_codes: np.ndarray, test_size: float, rng: np.random.Generator) -> np.ndarray:
    """Each class contributes its own share to test (a single member stays in train)."""
    test = np.zeros(label_codes.size, dtype=bool)
    for code in np.unique(label_codes):
        members = rng.permutation(np.flatnonzero(label_codes == code))
        take = min(math.floor(members.size * test_size + 0.5), members.size - 1)
        test[members[:take]] = True
    return test


def _predefined(data: _Data, config: PocConfig) -> tuple[np.ndarray, np.ndarray, list[str]]:
    assert config.split.groups is not None and data.group_codes is not None and data.group_values is not None
    listed = config.split.groups
    known = {_key(value): code for code, value in enumerate(data.group_values)}
    train_keys = {_key(value) for value in listed.train}
    test_keys = {_key(value) for value in listed.test}
    unknown = sorted((train_keys | test_keys) - known.keys())
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        sample = ", ".join(_key(v) for v in data.group_values[:10])
        raise UserError(
            f"split.groups: group value(s) {shown} are not in column '{data.group_name}'. Values there "
            f"include: {sample}. Fix the lists under split.groups.train / split.groups.test."
        )
    both = sorted(train_keys & test_keys)
    if both:
        raise UserError(
            f"split.groups: group value(s) {', '.join(both)} are listed in both train and test; a group "
            "must be on one side only, or the test score leaks. Remove them from one list."
        )
    train = np.isin(data.group_codes, [known[k] for k in train_keys])
    test = np.isin(data.group_codes, [known[k] for k in test_keys])
    messages = []
    left = sorted(set(known) - train_keys - test_keys)
    if left:
        rows = int((~(train | test)).sum())
        messages.append(
            f"split.groups lists {len(left)} group(s) of '{data.group_name}' on neither side "
            f"({', '.join(left[:10])}{' ...' if len(left) > 10 else ''}); their {rows:,} rows are left out."
        )
    return train, test, messages


# --- cross-validation -------------------------------------------------------------------------


def _forward_folds(
    unit_codes: np.ndarray, order: np.ndarray, n_splits: int, gap: int, *, cases: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds cut only between ordered units, each validation fold later than its train.

    Without ``cases`` (regression) the ``n_splits + 1`` blocks hold about equal rows. With ``cases`` (a
    flag per row: a defect, or a row outside the most common class) they hold about equal *cases*, rows
    breaking ties, so that rare defects do not leave most validation folds without one; a validation block
    still without a case or without a non-case is merged into the next one (the last into the one before),
    and a first training block without a case joins the training part of the next fold.
    """
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    row_rank = rank[unit_codes]
    # rows_before[j]: training rows when the cut falls after unit j
    rows_before = np.cumsum(np.bincount(row_rank, minlength=order.size))[:-1]
    row_targets = unit_codes.size - (n_splits - np.arange(n_splits)) * unit_codes.size / (n_splits + 1)
    if cases is None:
        cuts = sorted({int(np.argmin(np.abs(rows_before - target))) + 1 for target in row_targets})
    else:
        per_unit = np.bincount(row_rank, weights=cases.astype(float), minlength=order.size)
        cases_before = np.cumsum(per_unit)[:-1]
        case_targets = (np.arange(n_splits) + 1) * per_unit.sum() / (n_splits + 1)
        cuts = sorted(
            {
                int(np.lexsort((np.abs(rows_before - rows), np.abs(cases_before - wanted)))[0]) + 1
                for wanted, rows in zip(case_targets, row_targets, strict=True)
            }
        )
        cuts = _merge_blocks(cuts, order.size, per_unit, np.bincount(row_rank, minlength=order.size))
    bounds = [*cuts, order.size]
    return [
        (np.flatnonzero(row_rank < start - gap), np.flatnonzero((row_rank >= start) & (row_rank < end)))
        for start, end in itertools.pairwise(bounds)
    ]


def _merge_blocks(cuts: list[int], n_units: int, unit_cases: np.ndarray, unit_rows: np.ndarray) -> list[int]:
    """Drop cuts until every validation block holds a case and a non-case and the first training block a case."""
    case_sum = np.concatenate([[0.0], np.cumsum(unit_cases)])
    row_sum = np.concatenate([[0], np.cumsum(unit_rows)])
    cuts = list(cuts)

    def mixed(lo: int, hi: int) -> bool:
        found = case_sum[hi] - case_sum[lo]
        return 0 < found < row_sum[hi] - row_sum[lo]

    while len(cuts) > 1:
        if case_sum[cuts[0]] == 0:
            cuts.pop(0)
            continue
        bounds = [*cuts, n_units]
        bad = next((i for i in range(len(cuts)) if not mixed(bounds[i], bounds[i + 1])), None)
        if bad is None:
            break
        cuts.pop(bad + 1 if bad + 1 < len(cuts) else bad)
    return cuts


def _sklearn_folds(method: str, data: _Data, n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

    placeholder = np.zeros((data.n, 1))
    if method == "group":
        if data.label_codes is not None:
            splitter: Any = StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
        else:
            splitter = GroupKFold(n_splits, shuffle=True, random_state=seed)
        return list(splitter.split(placeholder, data.label_codes, data.group_codes))
    if method == "stratified":
        return list(
            StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(placeholder, data.label_codes)
        )
    return list(KFold(n_splits, shuffle=True, random_state=seed).split(placeholder))


def _empty_class_notes(data: _Data, folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    if data.label_codes is None:
        return []
    present = np.unique(data.label_codes)
    lacking = sum(1 for _, valid in folds if np.setdiff1d(present, data.label_codes[valid]).size)
    if not lacking:
        return []
    return [SplitNote("empty_class", {"lacking": lacking, "n": len(folds)})]


def _cases(data: _Data) -> np.ndarray | None:
    """The rows that time-ordered folds spread: defects (binary), or rows outside the most common class."""
    if data.label_codes is None or data.classes is None or data.classes.size < 2:
        return None
    if data.positive is not None:
        return data.label_codes == data.positive
    return data.label_codes != int(np.argmax(np.bincount(data.label_codes)))


def _least_cases(cases: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> int:
    return min(int(cases[valid].sum()) for _, valid in folds)


def _too_small(why: SplitNote) -> UserError:
    """Too little data to cross-validate: the cause in Korean, then in English, and what to do."""
    return UserError(f"{why.text('ko')} / {why}")


# --- small data: repeated cross-validation on all rows ------------------------------------------


def _small_data(data: _Data) -> SplitNote | None:
    """Why there is too little data for a holdout (`SMALL_DATA_ROWS`, `SMALL_DATA_CASES`), else None."""
    if data.n < SMALL_DATA_ROWS:
        return SplitNote("small_rows", {"n": data.n, "limit": SMALL_DATA_ROWS})
    if data.label_codes is None or data.classes is None or data.classes.size < 2:
        return None
    counts = np.bincount(data.label_codes, minlength=data.classes.size)
    rare = int(data.positive) if data.positive is not None else int(np.argmin(counts))
    if counts[rare] < SMALL_DATA_CASES:
        values = {"n": int(counts[rare]), "label": _show(data, rare), "limit": SMALL_DATA_CASES}
        return SplitNote("small_cases", values)
    return None


def _resampled_split(data: _Data, why: SplitNote) -> SplitResult:
    """No holdout: every row on both sides, scored out of fold by the repeated cross-validation.

    With a group column the KPI intervals resample whole groups (``test_groups``), as the folds keep them.
    """
    every = np.arange(data.n)
    row_groups = data.row_groups()
    groups = None if row_groups is None else _group_list(data, every)
    return SplitResult(
        train_index=every,
        test_index=every,
        method="group"
        if row_groups is not None
        else "stratified"
        if data.label_codes is not None
        else "random",
        description=SplitNote(
            "resampled",
            {"why": why, "repeats": SMALL_DATA_REPEATS, "rows": data.n},
        ),
        warnings=list(data.notes),
        groups_train=groups,
        groups_test=groups,
        test_groups=row_groups,
        resampled=True,
    )


def _repeated_plan(data: _Data, config: PocConfig) -> CvPlan:
    """``SMALL_DATA_REPEATS`` differently seeded (stratified, grouped) k-fold partitions of all rows."""
    limits = [(config.split.cv_folds, ""), (data.n // 2, SplitNote("limit_rows", {"n": data.n}))]
    if data.label_codes is not None:
        counts = np.bincount(data.label_codes)
        rare = int(np.argmin(np.where(counts > 0, counts, data.n + 1)))
        limits.append(
            (int(counts[rare]), SplitNote("limit_class", {"label": _show(data, rare), "n": counts[rare]}))
        )
    if data.group_codes is not None:
        n_groups = np.unique(data.group_codes).size
        limits.append((n_groups, SplitNote("limit_groups", {"n": n_groups, "group": data.group_name})))
    k, reason = min(limits, key=lambda item: item[0])
    if k < 2:
        raise _too_small(
            SplitNote("too_few_folds", {"reason": reason, "method": SplitNote("method_resampled")})
        )
    method = (
        "group"
        if data.group_codes is not None
        else "stratified"
        if data.label_codes is not None
        else "random"
    )
    folds = [
        (train, valid)
        for repeat in range(SMALL_DATA_REPEATS)
        for train, valid in _sklearn_folds(method, data, k, config.split.seed + repeat)
        if train.size and valid.size
    ]
    notes: list[str] = (
        [SplitNote("reduced", {"requested": config.split.cv_folds, "n": k, "reason": reason})]
        if reason
        else []
    )
    notes += _empty_class_notes(data, folds)
    description = SplitNote(
        "cv_repeated",
        {"repeats": SMALL_DATA_REPEATS, "n": k, "kind": _kind(method, data), "seed": config.split.seed},
    )
    return CvPlan(
        method="resampled",
        n_splits=len(folds),
        groups=data.row_groups(),
        description=joined(description, *notes),
        folds=tuple(folds),
    )


# --- warnings and descriptions ----------------------------------------------------------------


def _leak_warnings(method: str, data: _Data) -> list[str]:
    if method in ("random", "stratified") and (data.time_name or data.group_name):
        named = [
            SplitNote("role", {"role": role, "name": name})
            for role, name in (("time", data.time_name), ("group", data.group_name))
            if name
        ]
        roles = named[0] if len(named) == 1 else SplitNote("and", {"first": named[0], "second": named[1]})
        better = "time_group" if data.time_name and data.group_name else "time" if data.time_name else "group"
        return [SplitNote("ignores_roles", {"method": method, "roles": roles, "better": better})]
    return []


def _overlap_warnings(method: str, data: _Data, train: np.ndarray, test: np.ndarray) -> list[str]:
    """Say so when a time cut splits groups, or whole groups overlap in time."""
    if method == "time" and data.group_codes is not None:
        cut = np.intersect1d(data.group_codes[train], data.group_codes[test]).size
        if cut:
            return [SplitNote("cuts_groups", {"cut": int(cut), "group": data.group_name})]
    if method == "time_group" and data.time_key is not None:
        early = int((data.time_key[test] < data.time_key[train].max()).sum())
        if early:
            return [SplitNote("groups_overlap", {"early": early, "group": data.group_name})]
    return []


def _group_count_warnings(method: str, data: _Data, train: np.ndarray, test: np.ndarray) -> list[str]:
    if method not in ("group", "time_group", "predefined") or data.group_codes is None:
        return []
    messages: list[str] = []
    for side, rows in (("train", train), ("test", test)):
        count = np.unique(data.group_codes[rows]).size
        if count < MIN_GROUPS_PER_SIDE:
            values = {"side": side, "side_word": SplitNote(f"side_{side}"), "count": int(count)}
            values |= {"group": data.group_name, "minimum": MIN_GROUPS_PER_SIDE}
            messages.append(SplitNote("few_groups", values))
    return messages


def _few_cases_warnings(data: _Data, test: np.ndarray) -> list[str]:
    if data.label_codes is None or data.classes is None:
        return []
    counts = np.bincount(data.label_codes[test], minlength=data.classes.size)
    if data.positive is not None:
        found = int(counts[data.positive])
        if found >= MIN_TEST_CASES:
            return []
        return [SplitNote("few_positives", {"found": found, "label": _show(data, data.positive)})]
    if data.classes.size < 3:  # binary/anomaly data without a usable positive class
        return []
    rare = [
        f"{_show(data, code)}: {counts[code]}"
        for code in range(data.classes.size)
        if counts[code] < MIN_TEST_CASES
    ]
    if not rare:
        return []
    return [SplitNote("few_class_cases", {"minimum": MIN_TEST_CASES, "rare": ", ".join(rare)})]


def _show(data: _Data, code: int) -> str:
    assert data.classes is not None
    return repr(_plain(data.classes[code]))


def _plain(value: Any) -> Hashable:
    """A numpy scalar as its Python value, for lists and messages."""
    return value.item() if isinstance(value, np.generic) else value


def _group_list(data: _Data, rows: np.ndarray) -> list[Any]:
    assert data.group_codes is not None and data.group_values is not None
    return [_plain(value) for value in data.group_values[np.unique(data.group_codes[rows])]]


def _describe(method: str, why: str, data: _Data, train: np.ndarray, test: np.ndarray, seed: int) -> str:
    names = {"time": data.time_name, "group": data.group_name}
    on = {"time": "on_time", "group": "on_group", "predefined": "on_group", "time_group": "on_time_group"}
    return SplitNote(
        "split",
        {
            "method": SplitNote(f"method_{method}"),
            "auto": SplitNote("auto", {"why": why}) if why else "",
            "on": SplitNote(on[method], names) if method in on else "",
            "train": _side_text(method, data, train),
            "test": _side_text(method, data, test),
            "seeded": SplitNote("seeded", {"seed": seed})
            if method in ("group", "stratified", "random")
            else "",
            "positives": _positives_text(data, train, test),
        },
    )


def _side_text(method: str, data: _Data, rows: np.ndarray) -> SplitNote:
    values: dict[str, object] = {"rows": rows.size}
    if method in ("group", "time_group", "predefined") and data.group_codes is not None:
        values["groups"] = np.unique(data.group_codes[rows]).size
    if method in ("time", "time_group") and data.times is not None:
        chosen = data.times.iloc[rows]
        values["span"] = f"{_fmt_time(chosen.min())}..{_fmt_time(chosen.max())}"
    code = (
        "side_" + "_".join(key for key in ("groups", "span") if key in values)
        if len(values) > 1
        else "side_rows"
    )
    return SplitNote(code, values)


def _positives_text(data: _Data, train: np.ndarray, test: np.ndarray) -> str:
    if data.positive is None or data.label_codes is None:
        return ""
    hits = [int((data.label_codes[rows] == data.positive).sum()) for rows in (train, test)]
    return SplitNote("positives", {"label": _show(data, data.positive), "train": hits[0], "test": hits[1]})


def _fmt_time(value: Any) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
    return f"{value:g}"


def _describe_cv(method: str, data: _Data, n_splits: int, gap: int, seed: int) -> SplitNote:
    names = {"time": data.time_name, "group": data.group_name, "n": n_splits, "gap": gap, "seed": seed}
    if method in ("time", "time_group"):
        return SplitNote(f"cv_{method}", names)
    return SplitNote("cv_group" if method == "group" else "cv_plain", {**names, "kind": _kind(method, data)})


def _kind(method: str, data: _Data) -> str:
    """The scikit-learn splitter `_sklearn_folds` uses for ``method``."""
    if method == "group":
        return "StratifiedGroupKFold" if data.label_codes is not None else "GroupKFold"
    return "StratifiedKFold" if method == "stratified" else "KFold"

"""Guess column roles from a user's file, for ``axpoc init --from-data``: a first draft, printed for review.

Every guess must survive ``axpoc validate`` on the same file, so each role asks for the evidence the
later checks need, and a role that cannot be inferred is left empty with a note saying so:

* **target**: a label-like name holding 2 or more classes (more than 20 only as numbers: a regression),
  or, failing that, the last column when it holds 2 to 20 classes; labels on at least
  ``MIN_LABELLED_SHARE`` of the rows: a column that is 95 % empty is no label.
* **id**: an id-like name whose values are all present and all different (``validate`` checks uniqueness).
* **time**: a date-time column, or text every value of which reads as a date or date-time. Plain numbers
  never are (a cycle time, an injection time in seconds).
* **group** (lot, mold, tool): an identifier, never a measured value: text or whole numbers, repeated (2 or
  more groups, at most a fifth as many groups as rows). A mold *temperature* is no mold.
* **product** (part number, part name, model): a product-like name, text, a few distinct values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

_TARGET_WORDS = re.compile(
    r"(defect|fail|quality|(?<![a-z])(label|target|ng|ok)(?![a-z])|불량|양불|판정|품질|결함|고장)", re.I
)
_ID_WORDS = re.compile(r"(^id$|_id$|^no$|serial|udi|번호|시리얼|바코드)", re.I)
_TIME_WORDS = re.compile(r"(time|date|timestamp|일시|시간|날짜|시각)", re.I)
_GROUP_WORDS = re.compile(r"(lot|batch|mold|die|tool|experiment|로트|금형|배치|공구|설비)", re.I)
_PRODUCT_WORDS = re.compile(
    r"(product|part|item|model|variant|sku|품명|품번|제품|부품|품목|모델|사양|차종)", re.I
)
_MEASURE_WORDS = re.compile(
    r"(temp|pressure|speed|force|time|length|width|height|thick|weight|rate|current|voltage|torque|wear|"
    r"condition|state|status|count|온도|압력|속도|하중|시간|길이|폭|높이|두께|무게|중량|전류|전압|토크|마모|"
    r"상태|횟수|량$)",
    re.I,
)
_UNIT = re.compile(
    r"[\[(]\s*(min|s|sec|ms|h|mm|cm|m|µm|um|°c|c|k|bar|mpa|kpa|pa|rpm|nm|n|kw|w|v|a|hz|%|kg|g)\s*[\])]", re.I
)
"""A unit in brackets, as in 'Tool wear [min]' or '온도(°C)': the column holds a measured value."""
MIN_GROUPS = 3
"""Fewer groups than this cannot separate training from test rows (and two values are a state, not a lot)."""

MAX_CLASSES = 20
"""A label column holds at most this many classes; more is a measurement or free text."""
MIN_LABELLED_SHARE = 0.2
"""A target must be filled in on at least this share of the rows."""
MIN_LABELLED = 12
"""... and on at least this many rows (``axpoc run`` refuses fewer)."""
MAX_PRODUCTS = 20


@dataclass
class GuessedRoles:
    id: str | None = None
    time: str | None = None
    group: str | None = None
    product: str | None = None
    targets: list[str] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)
    rejected_targets: dict[str, str] = field(default_factory=dict)
    """Label-like columns that cannot be the target, and why (said when no target is found)."""
    from_last_column: bool = False
    """No column has a label-like name: the last column, which holds labels, was taken."""

    @staticmethod
    def task_for(frame: pd.DataFrame, target: str) -> str:
        values = frame[target].dropna()
        n_unique = values.nunique()
        if n_unique <= 2:
            return "binary"
        if n_unique <= MAX_CLASSES or not pd.api.types.is_numeric_dtype(values):
            return "multiclass"
        return "regression"

    @property
    def missing(self) -> list[str]:
        """The roles that could not be inferred."""
        return [role for role in ("id", "time", "group", "product") if getattr(self, role) is None]


def infer_roles(frame: pd.DataFrame, *, target: str | None = None) -> GuessedRoles:
    """Each role's best column, or None; the target candidates in order, the first being the proposal.

    ``target`` is the user's choice (``init --target``): taken when it can be a target, else the reason
    is in ``rejected_targets`` and no target is proposed.
    """
    guess = GuessedRoles()
    taken: set[str] = set()
    if target is not None:
        why = _target_problem(frame[target])
        if why is None:
            guess.targets.append(target)
        else:
            guess.rejected_targets[target] = why
    for column in frame.columns if target is None else ():
        name = str(column)
        why = _target_problem(frame[column])
        if _TARGET_WORDS.search(name):
            if why is None:
                guess.targets.append(name)
            else:
                guess.rejected_targets[name] = why
    if not guess.targets and target is None and len(frame.columns) > 1:
        last = frame[frame.columns[-1]]
        # A label by its values only; a measurement as target needs naming in the config.
        usable = str(last.name) not in guess.rejected_targets and _target_problem(last) is None
        if usable and last.nunique() <= MAX_CLASSES:
            guess.targets.append(str(last.name))
            guess.from_last_column = True
    taken.update(guess.targets[:1])
    for role, test in (("id", _is_id), ("time", _is_time), ("group", _is_group), ("product", _is_product)):
        found = next((str(c) for c in frame.columns if str(c) not in taken and test(str(c), frame[c])), None)
        setattr(guess, role, found)
        if found is not None:
            taken.add(found)
    # Several label-like columns: keep the first as target, the others smell of leakage.
    guess.suspicious = [c for c in guess.targets[1:] if c not in taken]
    return guess


def _target_problem(values: pd.Series) -> str | None:
    """Why a column cannot be the target (None when it can)."""
    present = values.dropna()
    n_classes = present.nunique()
    if len(present) < max(MIN_LABELLED, MIN_LABELLED_SHARE * len(values)):
        return f"only {len(present):,} of {len(values):,} rows have a value"
    if n_classes < 2:
        shown = present.iloc[0] if len(present) else None
        return f"one class only ({shown!r} in all {len(present):,} labelled rows)"
    if n_classes > MAX_CLASSES and not pd.api.types.is_numeric_dtype(present):
        return f"{n_classes:,} different texts: free text, not a label"
    return None


def _is_id(name: str, values: pd.Series) -> bool:
    return bool(_ID_WORDS.search(name)) and values.notna().all() and values.is_unique and len(values) > 1


def _is_time(name: str, values: pd.Series) -> bool:
    """A date-time column: its type says so, or every text value reads as a date. Never plain numbers."""
    from axpoc.data._times import looks_like_timestamps

    if pd.api.types.is_datetime64_any_dtype(values):
        return values.notna().all()
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values) or values.isna().any():
        return False
    return bool(_TIME_WORDS.search(name)) and looks_like_timestamps(values.astype(str))


def _is_identifier(values: pd.Series) -> bool:
    """Text or whole numbers: codes and names, not a measured quantity."""
    present = values.dropna()
    if present.empty or pd.api.types.is_bool_dtype(present):
        return False
    if pd.api.types.is_float_dtype(present):
        return bool((present % 1 == 0).all())
    return True


def _measured(name: str) -> bool:
    return bool(_MEASURE_WORDS.search(name) or _UNIT.search(name))


def _is_group(name: str, values: pd.Series) -> bool:
    unique = values.nunique(dropna=True)
    return (
        bool(_GROUP_WORDS.search(name))
        and not _measured(name)
        and _is_identifier(values)
        and MIN_GROUPS <= unique <= max(MIN_GROUPS, len(values) // 5)
    )


def _is_product(name: str, values: pd.Series) -> bool:
    """A part name or number column: few variants, written as text (or whole-number part codes)."""
    unique = values.nunique(dropna=True)
    return (
        bool(_PRODUCT_WORDS.search(name))
        and not _measured(name)
        and _is_identifier(values)
        and 1 < unique <= min(MAX_PRODUCTS, max(2, len(values) // 10))
    )

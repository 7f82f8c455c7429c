"""Data readiness on day one: what the data is, what is wrong with it, and which columns leak the label.

Leakage suspects come from four rules, each with a reason the engineer can check with the company:

- *label*: one feature alone (almost) predicts the label: a univariate score >= ``LEAKAGE_SCORE``
  (classification: the better of the raw value's ROC AUC and an out-of-fold binned target rate's AUC,
  macro over classes; regression: the better of |Spearman| and the binned rate's out-of-fold R²), or a
  0/1 flag whose positives (almost) all carry one rare class (P(class | flag=1) >= ``FLAG_PRECISION``),
  or a 0/1 flag in the same block of adjacent flag columns as at least two such flags (a sibling
  sub-label such as ai4i2020's ``RNF``, which alone predicts nothing);
- *id*: integers unique per row, or text with distinct values in at least ``ID_TEXT_SHARE`` of the rows;
- *timestamp*: a date/time column among the features;
- *post_process*: a name containing a word of ``POST_PROCESS_WORDS`` or the target's name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, SkipValidation

from axpoc.config import PocConfig
from axpoc.data._contract import text_in_numbers, value_type
from axpoc.data._group_level import group_level_columns
from axpoc.data._roles import SOURCE_COLUMN, resolve_roles
from axpoc.i18n import ConsoleText, LeakNote, ProblemNote, say, texts

if TYPE_CHECKING:
    from rich.table import Table

LEAKAGE_SCORE = 0.95
FLAG_PRECISION = 0.95
FLAG_MIN_POSITIVES = 5
ID_TEXT_SHARE = 0.9
GAP_FACTOR = 3.0

POST_PROCESS_WORDS: tuple[str, ...] = (
    # English, matched as whole words of the column name (split at non-letters and camelCase).
    "inspection", "inspected", "inspect", "measured", "measurement", "result", "results", "judgment",
    "judgement", "verdict", "pass", "passed", "fail", "failed", "reject", "rejected", "ng", "ok", "okng",
    "defect", "defective", "qc", "qa", "final", "post", "after", "outcome", "rework", "scrap",
    # Korean, matched anywhere in the name.
    "검사", "측정", "판정", "결과", "불량", "양품", "합격", "불합격", "검수", "출하", "최종", "사후", "재작업", "폐기",
)  # fmt: skip
"""Words that mark a value known only after the part was made (inspection, measurement, verdict)."""

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

LeakKind = Literal["label", "id", "timestamp", "post_process"]


class LeakageSuspect(BaseModel):
    column: str
    kind: LeakKind
    reason: Annotated[str, SkipValidation]  # a LeakNote: English in JSON, the reader's language on screen
    score: float | None = None


class TimeSummary(BaseModel):
    column: str
    start: str
    end: str
    span: str
    median_step_s: float | None
    iqr_step_s: float | None
    gap_share: float | None
    out_of_order_share: float
    unparsed: int


class Profile(BaseModel):
    """The data-readiness summary; ``to_table()`` renders it for the terminal."""

    n_rows: int
    n_columns: int
    target: str
    task: str
    time: TimeSummary | None
    label: dict[str, Any]
    missing_share: dict[str, float]
    constant_columns: list[str]
    group_level_columns: list[str] = []
    """Features with one value per group (``columns.group``): the comparison screens them first."""
    duplicate_columns: list[list[str]]
    duplicate_rows: int
    duplicate_ids: int | None
    duplicate_id_values: list[Any]
    feature_scores: dict[str, float]
    leakage: list[LeakageSuspect]
    problems: list[Annotated[str, SkipValidation]]  # ProblemNote phrases, as the leakage reasons
    dirty_numbers: dict[str, dict[str, int]] = {}
    """Column -> rule -> values read by the dirty-number rules (``DirtyReport.counts``), when loaded from files."""

    def leakage_columns(self, kind: LeakKind | None = None) -> list[str]:
        return list(dict.fromkeys(s.column for s in self.leakage if kind is None or s.kind == kind))

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def for_report(self) -> dict[str, Any]:
        """:meth:`to_dict` with the leakage reasons and problems kept as phrases, so that the report says
        them in its language (JSON keeps only their English)."""
        data = self.to_dict()
        data["leakage"] = [
            {**row, "reason": suspect.reason}
            for row, suspect in zip(data["leakage"], self.leakage, strict=True)
        ]
        data["problems"] = list(self.problems)
        return data

    def to_table(self, language: str = "en") -> Table:
        """The summary as a rich table; item names and words in ``language`` (the command passes the
        config's, Korean by default), values as found."""
        from rich.markup import escape
        from rich.table import Table

        def word(code: str, **values: object) -> str:
            return escape(ConsoleText(code, values).text(language))

        none = word("p_none")
        table = Table(title=word("profile_table", rows=self.n_rows, cols=self.n_columns), show_lines=False)
        table.add_column(word("p_item"), style="bold")
        table.add_column(word("p_finding"), overflow="fold")
        if self.time is not None:
            t = self.time
            values = {"start": t.start, "end": t.end, "span": t.span, "column": t.column}
            table.add_row(word("p_time"), word("p_time_value", **values))
            if t.median_step_s is not None:
                steps = {"step": t.median_step_s, "iqr": t.iqr_step_s, "factor": GAP_FACTOR}
                shares = {"gaps": t.gap_share, "disorder": t.out_of_order_share}
                table.add_row(word("p_sampling"), word("p_sampling_value", **steps, **shares))
        if "counts" in self.label:
            shares = self.label["shares"]
            text = ", ".join(f"{k}: {v} ({shares[k]:.1%})" for k, v in self.label["counts"].items())
        else:
            text = ", ".join(f"{k} {v:.4g}" for k, v in self.label.items() if v is not None)
        table.add_row(word("p_label", target=self.target, task=self.task), escape(text))
        missing = {k: v for k, v in self.missing_share.items() if v > 0}
        worst = sorted(missing.items(), key=lambda kv: -kv[1])[:8]
        table.add_row(word("p_missing"), escape(", ".join(f"{k} {v:.1%}" for k, v in worst)) or none)
        table.add_row(word("p_constant"), escape(", ".join(self.constant_columns)) or none)
        if self.group_level_columns:
            table.add_row(word("p_group_level"), escape(", ".join(self.group_level_columns)))
        duplicates = "; ".join(" = ".join(g) for g in self.duplicate_columns)
        table.add_row(word("p_dup_columns"), escape(duplicates) or none)
        table.add_row(word("p_dup_rows"), str(self.duplicate_rows))
        if self.duplicate_ids is not None:
            table.add_row(word("p_dup_ids"), str(self.duplicate_ids))
        kinds = texts(language)
        for column, counts in self.dirty_numbers.items():
            said = {
                kind: kinds[f"dirty_{kind}"] if language == "ko" else kind.replace("_", " ")
                for kind in counts
            }
            found = ", ".join(f"{n} {said[kind]}" for kind, n in counts.items())
            style = "red" if "unparsable" in counts else None
            table.add_row(word("p_dirty", column=column), escape(found), style=style)
        for suspect in self.leakage:
            kind = kinds.get(f"leak_{suspect.kind}", suspect.kind) if language == "ko" else suspect.kind
            table.add_row(
                word("p_leakage", kind=kind),
                escape(f"{suspect.column}: {say(suspect.reason, language)}"),
                style="yellow",
            )
        for problem in self.problems:
            table.add_row(word("p_problem"), escape(say(problem, language)), style="red")
        return table


def profile(frame: pd.DataFrame, config: PocConfig) -> Profile:
    """Summarise ``frame`` for a first conversation about the data; raises only if the target is absent."""
    roles = resolve_roles(frame, config)
    target = config.target.column
    curves = [c for c in frame.columns if value_type(frame[c]) == "curve"]
    plain = [c for c in frame.columns if c not in curves]
    id_column = config.columns.id
    content = [c for c in plain if c not in {id_column, SOURCE_COLUMN}]
    duplicated_ids = _duplicated(frame[id_column]) if id_column else None
    scores = _feature_scores(
        frame, [c for c in roles.features if c not in curves], target, config.target.task
    )
    return Profile(
        n_rows=len(frame),
        n_columns=frame.shape[1],
        target=target,
        task=config.target.task,
        time=_time_summary(frame[config.columns.time]) if config.columns.time else None,
        label=_label_summary(frame[target], config.target.task),
        missing_share={str(c): round(float(frame[c].isna().mean()), 6) for c in frame.columns},
        constant_columns=[str(c) for c in plain if frame[c].nunique(dropna=False) <= 1],
        group_level_columns=[str(c) for c in _group_level(frame, roles.features, config.columns.group)],
        duplicate_columns=_duplicate_columns(frame[plain]),
        duplicate_rows=int(frame[content].duplicated().sum()) if content else 0,
        duplicate_ids=None if duplicated_ids is None else int(duplicated_ids.sum()),
        duplicate_id_values=[] if duplicated_ids is None else _samples(frame[id_column][duplicated_ids]),
        feature_scores={k: round(v, 4) for k, v in scores.items()},
        leakage=_leakage(frame, roles.features, target, config, scores),
        problems=data_problems(frame, config),
    )


def _group_level(frame: pd.DataFrame, features: list[str], group: str | None) -> list[str]:
    if group is None or group not in frame.columns:
        return []
    return group_level_columns(frame, features, frame[group].to_numpy())


def data_problems(frame: pd.DataFrame, config: PocConfig) -> list[str]:
    """Problems that stop or spoil a PoC, one sentence each naming the column and the fix."""
    problems = []
    target = config.target.column
    for column in frame.columns:
        if frame[column].isna().all():
            problems.append(ProblemNote("empty", {"column": column, "rows": len(frame)}))
    if target not in frame.columns:
        problems.append(ProblemNote("no_target", {"target": target}))
    else:
        labels = frame[target].dropna()
        if config.target.task in ("binary", "multiclass") and labels.nunique() == 1:
            values = {"target": target, "value": repr(_plain(labels.iloc[0])), "rows": len(labels)}
            problems.append(ProblemNote("one_class", values))
    id_column = config.columns.id
    if id_column and id_column in frame.columns:
        duplicated = _duplicated(frame[id_column])
        if duplicated.any():
            shown = ", ".join(repr(v) for v in _samples(frame[id_column][duplicated]))
            values = {"column": id_column, "rows": int(duplicated.sum()), "examples": shown}
            problems.append(ProblemNote("duplicate_ids", values))
    for column in frame.columns:
        text = text_in_numbers(frame[column])
        if text:
            values = {"column": column, "examples": ", ".join(repr(t) for t in text)}
            problems.append(ProblemNote("numbers_and_text", values))
    return problems


def _duplicated(series: pd.Series) -> pd.Series:
    return series.notna() & series.duplicated(keep=False)


def _samples(series: pd.Series, limit: int = 5) -> list[Any]:
    return [_plain(v) for v in pd.unique(series)[:limit]]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _time_summary(series: pd.Series) -> TimeSummary:
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64")
        seconds = values.to_numpy()
        start, end = values.min(), values.max()
        span = f"{end - start:.6g} units"
    else:
        times = series if pd.api.types.is_datetime64_any_dtype(series.dtype) else _to_datetime(series)
        times = times.dt.tz_convert(None) if isinstance(times.dtype, pd.DatetimeTZDtype) else times
        seconds = (times - pd.Timestamp(0)).dt.total_seconds().to_numpy()
        start, end = times.min(), times.max()
        span = str(end - start)
    present = seconds[~np.isnan(seconds)]
    steps = np.diff(np.sort(present))
    out_of_order = float((np.diff(present) < 0).mean()) if len(present) > 1 else 0.0
    median = iqr = gaps = None
    if len(steps):
        median = float(np.median(steps))
        q1, q3 = np.percentile(steps, [25, 75])
        iqr = float(q3 - q1)
        gaps = float((steps > GAP_FACTOR * median).mean()) if median > 0 else float((steps > 0).mean())
    return TimeSummary(
        column=str(series.name),
        start=str(start),
        end=str(end),
        span=span,
        median_step_s=median,
        iqr_step_s=iqr,
        gap_share=gaps,
        out_of_order_share=out_of_order,
        unparsed=int(series.notna().sum() - len(present)),
    )


def _to_datetime(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce", format="mixed")


def _label_summary(series: pd.Series, task: str) -> dict[str, Any]:
    if task == "regression":
        described = pd.to_numeric(series, errors="coerce").describe()
        return {str(k): (None if pd.isna(v) else float(v)) for k, v in described.items()}
    counts = series.value_counts(dropna=False)
    total = int(counts.sum())
    return {
        "counts": {str(k): int(v) for k, v in counts.items()},
        "shares": {str(k): round(int(v) / total, 6) for k, v in counts.items()},
    }


def _duplicate_columns(frame: pd.DataFrame) -> list[list[str]]:
    """Groups of columns with identical content (same dtype and values)."""
    buckets: dict[tuple[str, int], list[str]] = {}
    for column in frame.columns:
        fingerprint = int(pd.util.hash_pandas_object(frame[column], index=False).sum())
        buckets.setdefault((str(frame[column].dtype), fingerprint), []).append(column)
    groups = []
    for members in buckets.values():
        while len(members) > 1:
            first, rest = members[0], members[1:]
            same = [c for c in rest if frame[first].equals(frame[c])]
            if same:
                groups.append([str(first), *map(str, same)])
            members = [c for c in rest if c not in same]
    return groups


def _feature_scores(frame: pd.DataFrame, features: list[str], target: str, task: str) -> dict[str, float]:
    """How well each feature alone predicts the label (0.5 = not at all for AUC, 0 for regression)."""
    labelled = frame[frame[target].notna()]
    y = labelled[target]
    scores: dict[str, float] = {}
    if len(labelled) < 20 or (task != "regression" and y.nunique() < 2):
        return scores
    rng = np.random.default_rng(0)
    folds = rng.permutation(len(labelled)) % 5
    for column in features:
        x = labelled[column]
        if x.isna().all() or value_type(x) not in ("numeric", "string"):
            continue
        numbers = pd.to_numeric(x, errors="coerce") if value_type(x) == "numeric" else None
        codes = _bin_codes(x, numbers)
        if task == "regression":
            target_values = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
            score = _regression_score(numbers, codes, target_values, folds)
        else:
            score = _classification_score(numbers, codes, y.to_numpy(), folds, task)
        if score is not None:
            scores[str(column)] = float(score)
    return scores


def _bin_codes(x: pd.Series, numbers: pd.Series | None) -> np.ndarray:
    if numbers is not None and numbers.nunique() > 20:
        binned = pd.qcut(numbers, q=20, labels=False, duplicates="drop")
        return binned.fillna(-1).to_numpy(dtype=int)
    return pd.factorize(x.astype(object), use_na_sentinel=True)[0]


def _oof_rate(codes: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Each row's code-wise mean of ``y`` learned on the other folds: honest even for high cardinality."""
    out = np.empty(len(y), dtype=float)
    for fold in np.unique(folds):
        held = folds == fold
        fitted = pd.Series(y[~held]).groupby(codes[~held]).mean()
        mapped = pd.Series(codes[held]).map(fitted)
        out[held] = mapped.fillna(float(np.mean(y[~held]))).to_numpy()
    return out


def _auc(score: np.ndarray, positive: np.ndarray) -> float | None:
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = pd.Series(score).rank().to_numpy()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _classification_score(
    numbers: pd.Series | None, codes: np.ndarray, y: np.ndarray, folds: np.ndarray, task: str
) -> float | None:
    classes = pd.unique(y)
    if task == "binary" or len(classes) == 2:
        positive = y == classes[0]
        best = 0.5
        if numbers is not None and numbers.notna().all():
            raw = _auc(numbers.to_numpy(dtype=float), positive)
            if raw is not None:
                best = max(best, raw, 1 - raw)  # either direction predicts
        binned = _auc(_oof_rate(codes, positive.astype(float), folds), positive)
        return best if binned is None else max(best, binned)
    aucs = []
    for cls in classes:
        positive = y == cls
        auc = _auc(_oof_rate(codes, positive.astype(float), folds), positive)
        if auc is not None:
            aucs.append(auc)
    return float(np.mean(aucs)) if aucs else None


def _regression_score(
    numbers: pd.Series | None, codes: np.ndarray, y: np.ndarray, folds: np.ndarray
) -> float | None:
    present = ~np.isnan(y)
    if present.sum() < 20:
        return None
    best = 0.0
    if numbers is not None:
        pair = pd.DataFrame({"x": numbers.to_numpy(dtype=float)[present], "y": y[present]}).dropna()
        if pair["x"].nunique() > 1:
            rho = pair["x"].rank().corr(pair["y"].rank())
            best = max(best, abs(float(rho)) if not np.isnan(rho) else 0.0)
    predicted = _oof_rate(codes[present], y[present], folds[present])
    total = float(np.sum((y[present] - y[present].mean()) ** 2))
    if total > 0:
        best = max(best, 1 - float(np.sum((y[present] - predicted) ** 2)) / total)
    return best


def _leakage(
    frame: pd.DataFrame, features: list[str], target: str, config: PocConfig, scores: dict[str, float]
) -> list[LeakageSuspect]:
    suspects = []
    labelled = frame[frame[target].notna()]
    flag_hits = (
        _flag_hits(labelled, features, labelled[target])
        if config.target.task in ("binary", "multiclass")
        else {}
    )
    siblings = _flag_siblings(frame, features, target, set(flag_hits))
    for column in features:
        series = frame[column]
        score = scores.get(str(column))
        if column in flag_hits:
            suspects.append(
                LeakageSuspect(column=str(column), kind="label", reason=flag_hits[column], score=score)
            )
        elif score is not None and score >= LEAKAGE_SCORE:
            measure = "|Spearman| or out-of-fold R²" if config.target.task == "regression" else "ROC AUC"
            suspects.append(
                LeakageSuspect(
                    column=str(column),
                    kind="label",
                    reason=LeakNote("predicts_alone", {"target": target, "measure": measure, "score": score}),
                    score=score,
                )
            )
        elif column in siblings:
            suspects.append(
                LeakageSuspect(column=str(column), kind="label", reason=siblings[column], score=score)
            )
        id_reason = _id_reason(series)
        if id_reason:
            suspects.append(LeakageSuspect(column=str(column), kind="id", reason=id_reason))
        if _is_timestamp(series):
            suspects.append(
                LeakageSuspect(
                    column=str(column),
                    kind="timestamp",
                    reason=LeakNote("timestamp"),
                )
            )
        word = _post_process_word(str(column), target)
        if word:
            suspects.append(
                LeakageSuspect(
                    column=str(column),
                    kind="post_process",
                    reason=LeakNote("post_process", {"word": word}),
                )
            )
    return suspects


def _is_flag(series: pd.Series) -> bool:
    values = series.dropna()
    if values.empty or value_type(series) != "numeric":
        return False
    return bool(pd.to_numeric(values, errors="coerce").isin([0, 1]).all()) and values.nunique() == 2


def _flag_hits(labelled: pd.DataFrame, features: list[str], y: pd.Series) -> dict[str, str]:
    """0/1 flags whose positives (almost) all carry one rare class: recorded together with the label."""
    hits = {}
    for column in features:
        if not _is_flag(labelled[column]):
            continue
        on = pd.to_numeric(labelled[column], errors="coerce") == 1
        if on.sum() < FLAG_MIN_POSITIVES:
            continue
        within = y[on].value_counts(normalize=True)
        cls, precision = within.index[0], float(within.iloc[0])
        base_rate = float((y == cls).mean())
        if precision >= FLAG_PRECISION and base_rate < 0.5:
            hits[column] = LeakNote(
                "flag",
                {
                    "precision": precision,
                    "positives": int(on.sum()),
                    "label": y.name,
                    "cls": _plain(cls),
                    "base_rate": base_rate,
                },
            )
    return hits


def _flag_siblings(frame: pd.DataFrame, features: list[str], target: str, hits: set[str]) -> dict[str, str]:
    """0/1 flags in one block of adjacent flag columns with at least two label-leak flags: sub-labels."""
    feature_set = set(features)
    blocks: list[list[str]] = [[]]
    for column in frame.columns:
        if column == target:
            continue
        if column in feature_set and _is_flag(frame[column]):
            blocks[-1].append(column)
        else:
            blocks.append([])
    siblings = {}
    for block in blocks:
        leaking = [c for c in block if c in hits]
        if len(leaking) < 2:
            continue
        for column in block:
            if column not in hits:
                siblings[column] = LeakNote("flag_sibling", {"leaking": ", ".join(map(str, leaking))})
    return siblings


def _id_reason(series: pd.Series) -> str | None:
    values = series.dropna()
    if len(values) < 20:
        return None
    kind = value_type(series)
    if kind == "numeric" and not pd.api.types.is_bool_dtype(series.dtype):
        numbers = pd.to_numeric(values, errors="coerce")
        if (
            numbers.isna().any()
            or not (numbers == np.floor(numbers)).all()
            or numbers.nunique() < len(numbers)
        ):
            return None
        steps = np.diff(numbers.to_numpy())
        if (steps > 0).all():
            return LeakNote("row_counter", {"first": numbers.iloc[0], "last": numbers.iloc[-1]})
        return LeakNote("integer_id", {"n": len(numbers)})
    if kind == "string":
        distinct = values.nunique()
        if distinct >= ID_TEXT_SHARE * len(series):
            return LeakNote("text_id", {"distinct": distinct, "rows": len(series)})
    return None


def _is_timestamp(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return True
    if value_type(series) != "string":
        return False
    sample = series.dropna().astype(str).head(200)
    if (
        sample.empty
        or not sample.str.contains(r"\d").all()
        or pd.to_numeric(sample, errors="coerce").notna().any()
    ):
        return False
    return bool(_to_datetime(sample).notna().mean() >= 0.9)


def _post_process_word(column: str, target: str) -> str | None:
    words = {w.lower() for w in _WORD.findall(column)}
    for word in POST_PROCESS_WORDS:
        if (word in column) if _HANGUL.search(word) else (word in words):
            return word
    if len(target) >= 3 and target.lower() in column.lower():
        return target
    return None

"""Whether a registered candidate becomes champion: a typed :class:`Decision` from the evaluation, the
gates and a paired non-inferiority test against the current champion on the same test rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from axpoc.config import PocConfig
from axpoc.i18n import DecisionReason
from axpoc.promotion._gates import primary_kpi

Verdict = Literal["champion", "challenger", "insufficient_evidence", "rejected"]
VERDICTS: tuple[Verdict, ...] = ("champion", "challenger", "insufficient_evidence", "rejected")


def _frozen(values: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class NonInferiority:
    """The paired bootstrap of (new - champion) on the primary KPI, oriented so that positive is better.

    ``ok`` without numbers: the champion could not be compared (``code`` says why), so the gates decide.
    """

    ok: bool
    code: str
    values: Mapping[str, Any] = field(default_factory=_frozen)
    primary: str | None = None
    diff: float | None = None
    low: float | None = None
    tolerance: float | None = None

    def numbers(self) -> dict[str, Any]:
        """``ok`` and the test's numbers, as the ``non_inferiority`` of ``retrain --json`` and its report."""
        out: dict[str, Any] = {"ok": self.ok}
        for name in ("primary", "diff", "low", "tolerance"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class Decision:
    """What happens to a registered version and why.

    ``code`` and ``values`` word the reason in any language (:func:`axpoc.i18n.decision_text`);
    ``reason`` is a :class:`axpoc.report.DecisionReason`: the English sentence of the registry, the promotion
    log and the CLI as a ``str``, in Korean with ``.text("ko")``. ``champion`` is the
    champion the decision was made against (None: there was none); ``test`` the non-inferiority test
    when one was made.
    """

    verdict: Verdict
    promote: bool
    code: str
    values: Mapping[str, Any]
    reason: str
    champion: str | None
    forced: bool = False
    test: NonInferiority | None = None

    @property
    def alias(self) -> str:
        """The alias this decision gives the version."""
        from axpoc.tracking import CHALLENGER, CHAMPION

        return CHAMPION if self.promote else CHALLENGER

    def lost_race(self) -> Decision:
        """The same decision after another process moved ``champion`` first: the version stays challenger."""
        return replace(self, verdict="challenger", promote=False, **_worded("lost_race"))


def _worded(code: str, **values: Any) -> dict[str, Any]:
    """A reason code with its values and its English sentence (each report words it in its language)."""
    frozen = _frozen(values)
    return {"code": code, "values": frozen, "reason": DecisionReason(code, frozen)}


def decide(
    config: PocConfig,
    store: Any,
    prepared: Any,
    model: Any,
    evaluation: Any,
    *,
    force: bool,
    reason: str | None,
    champion: tuple[str, Any] | None = None,
) -> Decision:
    """Promote only with enough evidence, when the acceptance rules and gates pass, and the model is not worse
    than the champion on the same test part.

    In this order: too little evidence in the test part (``evaluation.evidence``, a sentence saying how
    many more defect cases to collect) is ``insufficient_evidence``, never champion, not even forced;
    ``force`` promotes; no gate or rule at all is a challenger (an empty rule set is never a pass); a
    failed gate or rule is a challenger; then the first champion, or the non-inferiority test.

    The champion is read here, just before registering; a (version, PocModel) the caller loaded earlier is
    used only while that version still holds the alias.
    """
    from axpoc import tracking

    current = tracking.alias_version(store, tracking.CHAMPION)
    evidence = getattr(evaluation, "evidence", None)
    if evidence is not None:
        worded = (
            _worded("insufficient_evidence_forced", evidence=evidence, reason=reason)
            if force
            else _worded("insufficient_evidence", evidence=evidence)
        )
        return Decision("insufficient_evidence", False, champion=current, **worded)
    if force:
        return Decision("champion", True, champion=current, forced=True, **_worded("forced", reason=reason))
    if not evaluation.gates:
        return Decision("challenger", False, champion=current, **_worded("no_rules"))
    if not evaluation.gates_passed:
        failed = ", ".join(g.name for g in evaluation.gates if not g.passed)
        return Decision("challenger", False, champion=current, **_worded("gates_failed", failed=failed))
    if current is None:
        return Decision("champion", True, champion=None, **_worded("first_champion"))
    loaded = champion[1] if champion is not None and champion[0] == current else None
    test = non_inferior(config, store, current, prepared, model, champion_model=loaded)
    verdict: Verdict = "champion" if test.ok else "rejected" if test.code == "worse" else "challenger"
    return Decision(
        verdict,
        test.ok,
        code=test.code,
        values=test.values,
        reason=_worded(test.code, **test.values)["reason"],
        champion=current,
        test=test,
    )


def non_inferior(
    config: PocConfig, store: Any, champion: str, prepared: Any, model: Any, *, champion_model: Any = None
) -> NonInferiority:
    """Paired bootstrap of (new - champion) on the primary KPI; the lower bound must exceed -tolerance.

    A champion that cannot score the new columns, or never saw a class of the test part, cannot be
    compared: the new model is then judged by its gates alone. On small data (no test part) the new model
    is judged out of fold, and so is the champion: refitted on the same folds. When that refit fails the
    comparison is undefined (``champion_not_comparable``, no numbers) and the version stays challenger.
    """
    from axpoc import tracking
    from axpoc.compare import out_of_fold_model
    from axpoc.kpi import KPIS, paired_bootstrap_diff

    primary = primary_kpi(config)
    tolerance = config.retrain.tolerance
    old = champion_model if champion_model is not None else tracking.load_poc_model(store, champion)
    test = prepared.test
    labels = list(prepared.target.classes) if config.target.task == "multiclass" else None
    unseen = [c for c in labels or [] if c not in set(old.classes)]
    if unseen:
        classes = ", ".join(map(str, unseen))
        return NonInferiority(
            True, "champion_unseen_classes", _frozen({"champion": champion, "classes": classes})
        )
    try:
        old_score = primary_input(old, test, config)
    except KeyError as exc:
        return NonInferiority(
            True, "champion_cannot_score", _frozen({"champion": champion, "error": str(exc)})
        )
    if prepared.split.resampled:
        # Small data has no test part: the new model is judged on its out-of-fold predictions, so the
        # champion (which may have been trained on these very rows) is refitted on the same folds.
        try:
            old_score = primary_input(_champion_out_of_fold(config, prepared, old), test, config)
        except _REFIT_ERRORS as exc:
            return NonInferiority(
                False, "champion_not_comparable", _frozen({"champion": champion, "error": str(exc)})
            )
    new_score = primary_input(out_of_fold_model(model, prepared.split, prepared.train), test, config)
    est = paired_bootstrap_diff(
        primary,
        prepared.y_test,
        new_score,
        old_score,
        groups=prepared.split.test_groups,
        n_boot=500,
        labels=labels,
    )
    sign = 1.0 if KPIS[primary].higher_is_better else -1.0
    low = float(sign * (est.low if sign > 0 else est.high))
    diff = float(sign * est.point)
    ok = bool(low > -tolerance)
    # "uncertain": better on average, but the interval is too wide to rule out being worse
    code = "not_worse" if ok else "worse" if diff < 0 else "uncertain"
    numbers = {"primary": primary, "diff": diff, "low": low, "tolerance": tolerance}
    return NonInferiority(ok, code, _frozen({"champion": champion, **numbers}), **numbers)


_REFIT_ERRORS = (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, RuntimeError)
"""What refitting a champion's configuration on the folds can raise; the comparison is then undefined."""


def _champion_out_of_fold(config: PocConfig, prepared: Any, champion: Any) -> Any:
    """The champion as the new model is judged on small data: refitted on the comparison's folds."""
    from axpoc.compare import refitted_out_of_fold
    from axpoc.data import cv_splitter

    train = prepared.train
    plan = cv_splitter(train.reset_index(drop=True), config, split=prepared.split)
    return refitted_out_of_fold(
        champion,
        prepared.split,
        train,
        prepared.y_train,
        splits=plan.splits(),
        classes=np.asarray(prepared.target.classes),
    )


def primary_input(model: Any, frame: Any, config: PocConfig) -> np.ndarray:
    """What the primary metric consumes: scores, class probabilities, labels or values."""
    out = model.predict_frame(frame)
    primary = primary_kpi(config)
    if config.target.task == "multiclass":
        if primary in ("macro_f1", "accuracy", "balanced_accuracy"):
            return out["prediction"].to_numpy()
        return np.asarray(model.estimator.predict_proba(frame[model.features]))
    return out["score"].to_numpy(dtype=float)

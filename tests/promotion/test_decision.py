"""The decision as a typed value: verdicts, reasons and flags from an evaluation's gates, on a real store."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

CONFIG = {
    "project": {"name": "promo_unit"},
    "process": "injection_molding",
    "data": {"path": "unused.csv"},
    "target": {"column": "defect", "task": "binary", "positive_class": 1},
    "kpi": {"gates": {"roc_auc": ">= 0.6"}},
}


@dataclass
class Evaluated:
    """What the decision reads of an evaluation: its gate verdicts (and, from the rules, its evidence)."""

    gates: list[Any]
    kpis: dict[str, float] = field(default_factory=dict)
    evidence: str | None = None

    @property
    def gates_passed(self) -> bool:
        return all(g.passed for g in self.gates)


def _gate(name: str, passed: bool) -> Any:
    from axpoc.kpi import GateResult

    value = 0.9 if passed else 0.5
    return GateResult(
        name, ">=", 0.6, value, value, passed, f"{name} {'meets' if passed else 'misses'} >= 0.6"
    )


def _decide(store: Any, evaluation: Evaluated, *, force: bool = False, reason: str | None = None) -> Any:
    from axpoc.config import config_from_dict
    from axpoc.promotion import decide

    config = config_from_dict(CONFIG)
    return decide(config, store, None, None, evaluation, force=force, reason=reason)


def test_first_champion_when_gates_pass(empty_store: Any) -> None:
    decision = _decide(empty_store, Evaluated([_gate("roc_auc", True)]))
    assert (decision.verdict, decision.promote, decision.alias) == ("champion", True, "champion")
    assert decision.reason == "all gates passed; first champion" and decision.code == "first_champion"
    assert decision.champion is None and decision.forced is False and decision.test is None


def test_failed_gates_make_a_challenger(empty_store: Any) -> None:
    decision = _decide(empty_store, Evaluated([_gate("roc_auc", False), _gate("recall", True)]))
    assert (decision.verdict, decision.promote, decision.alias) == ("challenger", False, "challenger")
    assert decision.reason == "gates failed: roc_auc"
    assert dict(decision.values) == {"failed": "roc_auc"}


def test_force_promotes_with_its_reason(empty_store: Any) -> None:
    decision = _decide(empty_store, Evaluated([_gate("roc_auc", False)]), force=True, reason="품질팀 요청")
    assert decision.verdict == "champion" and decision.promote and decision.forced
    assert decision.reason == "forced: 품질팀 요청"


def test_decision_is_frozen_and_a_lost_race_is_a_new_value(empty_store: Any) -> None:
    decision = _decide(empty_store, Evaluated([_gate("roc_auc", True)]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.promote = False  # type: ignore[misc]
    lost = decision.lost_race()
    assert decision.promote and not lost.promote and lost.verdict == "challenger"
    assert lost.reason == "another process moved champion meanwhile; this version stays challenger"


def test_non_inferiority_numbers_keep_the_json_keys() -> None:
    from axpoc.promotion import NonInferiority

    full = NonInferiority(True, "not_worse", primary="roc_auc", diff=0.01, low=-0.02, tolerance=0.05)
    assert full.numbers() == {"ok": True, "primary": "roc_auc", "diff": 0.01, "low": -0.02, "tolerance": 0.05}
    assert NonInferiority(True, "champion_cannot_score").numbers() == {"ok": True}


def _evidence() -> str:
    """The sentence the evaluation's evidence rule gives: a Phrase, Korean or English."""
    from types import MappingProxyType

    from axpoc.i18n import Phrase

    class Evidence(Phrase):
        templates = MappingProxyType({"more": ("불량 {n}건을 더 모으세요", "collect {n} more defect cases")})

    return Evidence("more", {"n": 12})


def test_insufficient_evidence_is_never_champion_not_even_forced(empty_store: Any) -> None:
    from axpoc.i18n import decision_text

    for force in (False, True):
        decision = _decide(
            empty_store,
            Evaluated([_gate("roc_auc", True)], evidence=_evidence()),
            force=force,
            reason="급함" if force else None,
        )
        assert decision.verdict == "insufficient_evidence" and not decision.promote and not decision.forced
        assert decision.alias == "challenger"
        assert decision.reason.startswith("insufficient evidence: collect 12 more defect cases; registered")
        korean = decision_text(decision.code, decision.values, "ko")
        assert korean.startswith("근거 부족: 불량 12건을 더 모으세요;")
        assert ("--force" in decision.reason) is force and ("급함" in korean) is force


def test_no_rules_is_never_a_pass(empty_store: Any) -> None:
    from axpoc.i18n import decision_text

    decision = _decide(empty_store, Evaluated([]))
    assert decision.verdict == "challenger" and not decision.promote
    assert decision.reason.startswith("no acceptance rules")
    assert decision_text(decision.code, decision.values, "ko").startswith("합격 기준 없음")


def test_applying_a_verdict_tags_the_version(empty_store: Any) -> None:
    from axpoc import tracking
    from axpoc.promotion import apply_decision

    client = empty_store.client
    client.create_registered_model(empty_store.model_name)
    version = str(client.create_model_version(empty_store.model_name, "file:///nowhere").version)
    decision = _decide(empty_store, Evaluated([_gate("roc_auc", True)], evidence=_evidence()))

    applied = apply_decision(empty_store, version, decision)

    assert applied == decision
    tags = client.get_model_version(empty_store.model_name, version).tags
    assert (
        tags["axpoc.decision"] == "insufficient_evidence" and tags["axpoc.verdict"] == "insufficient_evidence"
    )
    assert tags["axpoc.decision_reason"] == decision.reason
    assert tracking.alias_version(empty_store, tracking.CHALLENGER) == version
    assert tracking.alias_version(empty_store, tracking.CHAMPION) is None


def test_outcomes_say_the_decision_in_korean_and_keep_english_json(empty_store: Any) -> None:
    """Korean notebooks print ``decision_reason.text("ko")``; ``--json`` and logs keep the English sentence."""
    import json
    import re

    from axpoc.retrain import RetrainOutcome
    from axpoc.steps import RunOutcome

    decision = _decide(empty_store, Evaluated([_gate("roc_auc", True)], evidence=_evidence()))
    for outcome in (
        RunOutcome(project="p", stopped_after="report", decision_reason=decision.reason),
        RetrainOutcome(
            project="p", data_source="new.csv", champion_version="1", decision_reason=decision.reason
        ),
    ):
        korean = outcome.decision_reason.text("ko")  # type: ignore[attr-defined]
        assert korean.startswith("근거 부족: 불량 12건을 더 모으세요;") and re.search(
            r"[\uac00-\ud7a3]", korean
        )
        assert not re.search(r"[\uac00-\ud7a3]", outcome.decision_reason)
        dumped = json.loads(json.dumps(dataclasses.asdict(outcome)))
        assert dumped["decision_reason"] == str(decision.reason) and dumped["decision_reason"].startswith(
            "insuff"
        )

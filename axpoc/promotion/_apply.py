"""Carry a decision out on the registry's aliases, and the report that must say what actually happened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from axpoc.promotion._decision import Decision

VERDICT_TAG = "axpoc.verdict"
"""The version tag that holds the decision's verdict (``axpoc.decision`` keeps the alias history: promoted,
rejected, rolled_back, incomplete; an ``insufficient_evidence`` verdict is also its ``axpoc.decision``)."""


def apply_decision(store: Any, version: str, decision: Decision) -> Decision:
    """Move the aliases as decided; returns the decision as carried out. Losing a race to another promotion
    keeps the version a challenger, and the returned decision says so."""
    from axpoc import tracking

    if decision.promote:
        if tracking.promote(
            store,
            version,
            reason=decision.reason,
            forced=decision.forced,
            expected_champion=decision.champion,
            tags={VERDICT_TAG: decision.verdict},
        ):
            return decision
        decision = decision.lost_race()
    tracking.mark_challenger(
        store,
        version,
        reason=decision.reason,
        decision="insufficient_evidence" if decision.verdict == "insufficient_evidence" else "rejected",
        tags={VERDICT_TAG: decision.verdict},
    )
    return decision


def decide_with_report(
    store: Any, version: str, decision: Decision, *, write_report: Callable[[Decision], Path]
) -> tuple[Decision, Path]:
    """(decision as carried out, report path): the report is written before the aliases move, so a report
    that cannot be written stops the promotion; when the promotion then loses a race, it is written again
    to say so."""
    path = write_report(decision)
    applied = apply_decision(store, version, decision)
    if applied.promote != decision.promote:
        path = write_report(applied)
    return applied, path

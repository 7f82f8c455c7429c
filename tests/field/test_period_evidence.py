"""The whole field period's realised KPIs follow the weeks' evidence rule, and so does the verdict: a field
period of 40 parts with results holding 3 defects gives no recall, money or before/after saving as a number,
and its verdict says *too little evidence* instead of met or missed.

Model-free, on a small constructed outcome file (the pattern of tests/field/test_weekly_evidence.py): a baseline
of 50 parts with 8 defects before deployment, then 40 scored parts with 3 defects. The baseline's own figures
follow the rule too: a baseline of 2 defects gives no outgoing defect rate before deployment and no change.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from tests_field_helpers import PRICED, constructed_report

DEPLOYED = pd.Timestamp("2026-01-05")


def _parts(prefix: str, start: pd.Timestamp, parts: int, defects: int) -> pd.DataFrame:
    """``parts`` over five days from ``start``; the model flags every defect but the first and 4 good parts."""
    rows = [
        {
            "part_id": f"{prefix}{i:03d}",
            "made_at": start + pd.Timedelta(days=i % 5, hours=8),
            "defect": int(i < defects),
            "decision": (i < defects and i > 0) or (i >= defects and i % 10 == 5),
        }
        for i in range(parts)
    ]
    return pd.DataFrame(rows)


def _report(
    folder: Path, *, baseline_defects: int, field_parts: int, field_defects: int, targets: dict[str, str]
) -> tuple[dict, str]:
    """The field report (as ``--json`` gives it) and its Korean HTML: a baseline of 50 parts, then the field."""
    baseline = _parts("B", DEPLOYED - pd.Timedelta(days=10), 50, baseline_defects)
    field = _parts("F", DEPLOYED, field_parts, field_defects)
    return constructed_report(
        folder,
        name=folder.name,
        deployed=DEPLOYED,
        kpi={**PRICED, "targets": targets},
        scored=field,
        outcomes=pd.concat([baseline, field]),
        scored_at="2026-01-12 12:00:00",
    )


@pytest.fixture(scope="module")
def thin(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    return _report(
        tmp_path_factory.mktemp("period"),
        baseline_defects=8,
        field_parts=40,
        field_defects=3,
        targets={"recall": ">= 0.6", "false_alarm_rate": "<= 0.2"},
    )


def _no_number(interval: dict) -> bool:
    return interval["value"] is None or math.isnan(interval["value"])


def test_a_period_with_too_few_defects_gives_no_realised_number(thin: tuple[dict, str]) -> None:
    report, html = thin
    assert report["field"]["with_result"] == 40 and report["field"]["defects"] == 3
    kpis = report["kpis"]
    for name in ("recall", "defect_escape_rate", "defect_rate_passed", "monthly_saving"):
        after = kpis[name]["after"]
        assert _no_number(after) and "3 defect(s)" in str(after["undefined"]), (name, after)
    assert kpis["defect_rate_passed"]["change"] is None or _no_number(kpis["defect_rate_passed"]["change"])
    assert _no_number(report["saving_before_after"]) and "3 defect(s)" in str(
        report["saving_before_after"]["undefined"]
    )
    # 37 good parts and 40 parts are enough for the false-alarm rate and the inspection share
    assert kpis["false_alarm_rate"]["after"]["value"] == pytest.approx(4 / 37)
    assert kpis["manual_inspection_share"]["after"]["value"] == pytest.approx(6 / 40)
    assert kpis["recall"]["met"] == "undefined" and kpis["false_alarm_rate"]["met"] in ("surely", "likely")
    assert 'data-kpi="recall"' in html and "불량이 3개뿐" in html


def test_a_verdict_on_too_little_evidence_says_so(thin: tuple[dict, str]) -> None:
    report, html = thin
    assert report["verdict"]["code"] == "verdict_too_little_evidence"
    assert report["verdict"]["values"]["thin"] == 3  # the recall target, the money, the before/after money
    assert 'data-verdict="verdict_too_little_evidence"' in html and "근거 부족" in html


@pytest.fixture(scope="module")
def thin_baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    return _report(
        tmp_path_factory.mktemp("baseline"),
        baseline_defects=2,
        field_parts=60,
        field_defects=10,
        targets={"recall": ">= 0.6"},
    )


def test_a_baseline_with_too_few_defects_gives_no_before_figure_or_change(
    thin_baseline: tuple[dict, str],
) -> None:
    report, html = thin_baseline
    assert report["baseline"]["defects"] == 2 and report["field"]["defects"] == 10
    passed = report["kpis"]["defect_rate_passed"]
    assert not _no_number(passed["after"])  # 10 defects in the field period: a number
    assert _no_number(passed["before"]) and "2 defect(s)" in str(passed["before"]["undefined"])
    assert _no_number(passed["change"]) and "2 defect(s)" in str(passed["change"]["undefined"])
    # the inspection share before deployment rests on the 50 parts: enough
    assert report["kpis"]["manual_inspection_share"]["before"]["value"] is not None
    assert "불량이 2개뿐" in html

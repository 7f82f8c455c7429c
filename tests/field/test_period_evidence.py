"""The whole field period's realised KPIs follow the weeks' evidence rule, and so does the verdict: a field
period of 40 parts with results holding 3 defects gives no recall, money or before/after saving as a number,
and its verdict says *too little evidence* instead of met or missed.

Model-free, on a small constructed outcome file (the pattern of tests/field/test_weekly_evidence.py): a baseline
of 50 parts with 8 defects before deployment, then 40 scored parts with 3 defects.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests_field_helpers import constructed_report

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


@pytest.fixture(scope="module")
def thin(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """The field report (as ``--json`` gives it) and its Korean HTML."""
    baseline = _parts("B", DEPLOYED - pd.Timedelta(days=10), 50, 8)
    field = _parts("F", DEPLOYED, 40, 3)
    return constructed_report(
        tmp_path_factory.mktemp("period_evidence"),
        name="period",
        deployed=DEPLOYED,
        kpi={
            "costs": {"inspection_cost": 500, "escape_cost": 50000, "false_alarm_cost": 2000},
            "volumes": {"parts_per_day": 2000},
            "targets": {"recall": ">= 0.6", "false_alarm_rate": "<= 0.2"},
        },
        scored=field,
        outcomes=pd.concat([baseline, field]),
        scored_at="2026-01-12 12:00:00",
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
    """A baseline of 50 parts holding 2 defects, then a field period of 60 parts holding 10."""
    baseline = _parts("B", DEPLOYED - pd.Timedelta(days=10), 50, 2)
    field = _parts("F", DEPLOYED, 60, 10)
    return constructed_report(
        tmp_path_factory.mktemp("baseline_evidence"),
        name="baseline",
        deployed=DEPLOYED,
        kpi={
            "costs": {"inspection_cost": 500, "escape_cost": 50000, "false_alarm_cost": 2000},
            "volumes": {"parts_per_day": 2000},
            "targets": {"recall": ">= 0.6"},
        },
        scored=field,
        outcomes=pd.concat([baseline, field]),
        scored_at="2026-01-12 12:00:00",
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

"""The weekly realised KPIs follow the estimates' evidence rule: a week with fewer than 5 cases behind a KPI
says it has too little evidence, never a bare number.

Built on a small constructed outcome file (no model, no demo): week 1 holds 10 defects and 50 good parts, week 2
only 2 defects among 40 parts, week 3 three good parts.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from tests_field_helpers import PRICED, constructed_report

DEPLOYED = pd.Timestamp("2026-01-05")
WEEKS = {1: (60, 10), 2: (40, 2), 3: (3, 0)}
"""Week -> (parts with a result, defects among them)."""


def _parts() -> pd.DataFrame:
    """Each week's parts over its first days; the model flags every defect but one a week and 4 good parts."""
    rows = []
    for week, (parts, defects) in WEEKS.items():
        for i in range(parts):
            defect = i < defects
            rows.append(
                {
                    "part_id": f"W{week}-{i:03d}",
                    "made_at": DEPLOYED + pd.Timedelta(days=7 * (week - 1) + i % 5, hours=8),
                    "defect": int(defect),
                    "decision": (defect and i > 0) or (not defect and i % 10 == 5),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def weekly(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    """The field report (as ``--json`` gives it) and its Korean HTML."""
    parts = _parts()
    return constructed_report(
        tmp_path_factory.mktemp("weekly_evidence"),
        name="weekly",
        deployed=DEPLOYED,
        kpi=PRICED,
        scored=parts,
        outcomes=parts,
        scored_at="2026-01-30 12:00:00",
    )


def test_a_week_with_enough_cases_gives_its_realised_kpis(weekly: tuple[dict, str]) -> None:
    report, _ = weekly
    kpis = {w["week"]: w for w in report["weeks"]}[1]["kpis"]
    assert kpis["recall"]["value"] == pytest.approx(9 / 10) and "undefined" not in kpis["recall"]
    assert kpis["false_alarm_rate"]["value"] == pytest.approx(5 / 50)
    assert kpis["manual_inspection_share"]["value"] == pytest.approx(14 / 60)
    assert kpis["recall"]["low"] <= 0.9 <= kpis["recall"]["high"]


def test_a_week_with_too_few_defects_or_parts_says_too_little_evidence(weekly: tuple[dict, str]) -> None:
    """Recall, the passed parts' defect rate and money rest on the week's defects, the false-alarm rate on its
    good parts, the inspection share on its parts: fewer than 5 is no number, with the count."""
    report, html = weekly
    weeks = {w["week"]: w["kpis"] for w in report["weeks"]}
    for name in ("recall", "defect_rate_passed", "monthly_saving"):
        kpi = weeks[2][name]
        assert kpi["value"] is None or math.isnan(kpi["value"]), (name, kpi)
        assert "too little evidence" in str(kpi["undefined"]) and "2 defect(s)" in str(kpi["undefined"])
    assert weeks[2]["false_alarm_rate"]["value"] == pytest.approx(4 / 38)  # 38 good parts: enough
    assert "0 defect(s)" in str(weeks[3]["recall"]["undefined"])
    assert "3 good part(s)" in str(weeks[3]["false_alarm_rate"]["undefined"])
    assert "only 3 part(s)" in str(weeks[3]["manual_inspection_share"]["undefined"])
    row = re.search(r'<tr data-week="2".*?</tr>', html, re.S)
    assert row is not None
    cell = re.search(r'data-kpi="recall">(.*?)</td>', row.group(0), re.S)
    assert cell is not None and "근거 부족" in cell.group(1) and "불량이 2개뿐" in cell.group(1)

"""The field report's realised KPIs and intervals against an independent recomputation from the raw files.

The recomputation reads the demo's outcome CSVs and the scored CSVs with pandas, joins them by id, and
computes every KPI from its formula; the intervals come from a day-block bootstrap written here again
(seeded like the report's), so a change in the report's arithmetic or resampling shows as a mismatch.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests_field_helpers import DEPLOYED_DAY, load_report

N_BOOT = 1000


def _joined(project) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(baseline rows, field rows) rebuilt from the CSV files alone."""
    scores = pd.concat([pd.read_csv(p) for p in project.scores()], ignore_index=True)
    scores["shot_id"] = scores["shot_id"].astype(str)
    files = ["history.csv"] + [f"outcomes_week{w}.csv" for w in range(1, len(project.scores()) + 1)]
    outcomes = pd.concat([pd.read_csv(project.demo / f) for f in files], ignore_index=True)
    outcomes["shot_id"] = outcomes["shot_id"].astype(str)
    outcomes = outcomes.drop_duplicates("shot_id", keep="last")
    outcomes["day"] = pd.to_datetime(outcomes["timestamp"]).dt.normalize()
    field = outcomes.merge(scores[["shot_id", "decision", "score"]], on="shot_id")
    field = field[field["day"] >= DEPLOYED_DAY]
    baseline = outcomes[~outcomes["shot_id"].isin(scores["shot_id"]) & (outcomes["day"] < DEPLOYED_DAY)]
    baseline = baseline[baseline["day"] >= DEPLOYED_DAY - pd.Timedelta(days=14)]
    return baseline, field


def _daily(rows: pd.DataFrame, flagged: bool) -> pd.DataFrame:
    y = rows["defect"].astype(bool)
    f = rows["decision"].astype(str).str.lower().eq("true") if flagged else pd.Series(False, index=rows.index)
    table = pd.DataFrame(
        {
            "day": rows["day"],
            "n": 1.0,
            "d": y * 1.0,
            "tp": (y & f) * 1.0,
            "fp": (~y & f) * 1.0,
            "fn": (y & ~f) * 1.0,
            "tn": (~y & ~f) * 1.0,
        }
    )
    return table.groupby("day").sum().sort_index()


def _resample(n_days: int, rng: np.random.Generator) -> np.ndarray:
    """Blocks of one day, circular: a plain day bootstrap."""
    return rng.integers(0, n_days, size=(N_BOOT, n_days))


def test_realised_kpis_match_an_independent_recomputation(field_project) -> None:
    report = load_report(field_project)
    baseline, field = _joined(field_project)
    after, before = _daily(field, True), _daily(baseline, False)
    tp, fp, fn, tn, n = (after[c].sum() for c in ("tp", "fp", "fn", "tn", "n"))
    caught = 1.0 * 0.9  # baseline: inspect all, 90 % found (the config's defaults)
    expected = {
        "recall": tp / (tp + fn),
        "false_alarm_rate": fp / (fp + tn),
        "defect_escape_rate": fn / (tp + fn),
        "defect_rate_passed": fn / (fn + tn),
        "manual_inspection_share": (tp + fp) / n,
    }
    per_month = 4000 * 22
    model_cost = ((tp + fp) * 300 + fp * 500 + fn * 8000) / n
    base_cost_same = 300 + after["d"].sum() / n * (1 - caught) * 8000
    expected["monthly_saving"] = (base_cost_same - model_cost) * per_month
    expected["inspection_hours_saved_per_month"] = (1 - (tp + fp) / n) * per_month * 0.5 / 60
    for name, value in expected.items():
        assert report["kpis"][name]["after"]["value"] == pytest.approx(value, rel=1e-9), name
    d0, n0 = before["d"].sum(), before["n"].sum()
    assert report["kpis"]["defect_rate_passed"]["before"]["value"] == pytest.approx(
        d0 * (1 - caught) / (n0 - d0 * caught)
    )
    base_cost_before = 300 + d0 / n0 * (1 - caught) * 8000
    assert report["saving_before_after"]["value"] == pytest.approx(
        (base_cost_before - model_cost) * per_month
    )
    assert report["field"]["with_result"] == len(field)
    assert report["baseline"]["parts"] == len(baseline)


def test_intervals_match_an_independent_day_bootstrap(field_project) -> None:
    report = load_report(field_project)
    baseline, field = _joined(field_project)
    after, before = _daily(field, True), _daily(baseline, False)
    rng = np.random.default_rng(0)  # the report's seed: after's days are drawn first, then before's
    a = after.to_numpy()[_resample(len(after), rng)].sum(axis=1)
    b = before.to_numpy()[_resample(len(before), rng)].sum(axis=1)
    cols = {c: i for i, c in enumerate(after.columns)}
    recall = a[:, cols["tp"]] / (a[:, cols["tp"]] + a[:, cols["fn"]])
    low, high = np.quantile(recall[np.isfinite(recall)], [0.025, 0.975])
    got = report["kpis"]["recall"]["after"]
    assert (got["low"], got["high"]) == pytest.approx((low, high))
    share = (a[:, cols["tp"]] + a[:, cols["fp"]]) / a[:, cols["n"]]
    got = report["kpis"]["manual_inspection_share"]["after"]
    assert (got["low"], got["high"]) == pytest.approx(tuple(np.quantile(share, [0.025, 0.975])))
    passed = a[:, cols["fn"]] / (a[:, cols["fn"]] + a[:, cols["tn"]])
    base_passed = b[:, cols["d"]] * 0.1 / (b[:, cols["n"]] - b[:, cols["d"]] * 0.9)
    change = report["kpis"]["defect_rate_passed"]["change"]
    assert (change["low"], change["high"]) == pytest.approx(
        tuple(np.quantile(passed - base_passed, [0.025, 0.975]))
    )


def test_capability_of_the_measurement_matches_its_formula(field_project) -> None:
    report = load_report(field_project)
    _, field = _joined(field_project)
    x = field.sort_values("timestamp")["weight_dev_pct"].dropna().to_numpy()
    sigma_within = np.abs(np.diff(x)).mean() / 1.128
    sigma_overall = x.std(ddof=1)
    cpk = min(1.5 - x.mean(), x.mean() + 1.5) / (3 * sigma_within)
    ppk = min(1.5 - x.mean(), x.mean() + 1.5) / (3 * sigma_overall)
    assert report["kpis"]["cpk"]["after"]["value"] == pytest.approx(cpk)
    assert report["kpis"]["ppk"]["after"]["value"] == pytest.approx(ppk)
    low, high = report["kpis"]["cpk"]["after"]["low"], report["kpis"]["cpk"]["after"]["high"]
    assert low < cpk < high


def test_the_drift_week_shows_and_the_before_after_is_flagged_as_confounded(field_project) -> None:
    report = load_report(field_project)
    weeks = {w["week"]: w for w in report["weeks"]}
    assert set(weeks) == {1, 2, 3}
    assert weeks[2]["defect_rate"]["value"] > 1.5 * weeks[1]["defect_rate"]["value"]
    assert weeks[2]["process_shift"] and not weeks[1]["process_shift"]
    assert any(i["kind"] == "process_shift" and i["week"] == 2 for i in report["incidents"])
    assert report["process_shift"]["shifted"]["defect_rate"]
    assert report["verdict"]["code"] == "verdict_confounded"


def test_parts_awaiting_results_are_a_labelled_estimate(field_project) -> None:
    report = load_report(field_project)
    assert report["awaiting"] == field_project.written["awaiting_outcomes"] > 0
    estimate = report["estimate"]["manual_inspection_share"]["after"]
    assert 0 <= estimate["value"] <= 1
    html = Path(report["report"]).read_text(encoding="utf-8")
    assert "추정치 (ESTIMATE)" in html and 'data-estimate="recall"' in html


def test_the_estimate_is_per_week_and_a_thin_week_has_too_little_evidence(field_project) -> None:
    """Each week's waiting parts are estimated alone (predict's output carries each part's production time).
    Recounted from the files: a recall estimate is sum(p f) / sum(p) of the week's parts with no result yet,
    given only when they are expected to hold 5 defects or more (so is the money); a week of a few late parts
    gives no number but says it has too little evidence (so does the share of a week with fewer than 5 waiting
    parts)."""
    report = load_report(field_project)
    scores = pd.concat([pd.read_csv(p) for p in field_project.scores()], ignore_index=True)
    assert "timestamp" in scores.columns  # columns.time, copied by predict beside the id
    files = ["history.csv"] + [f"outcomes_week{w}.csv" for w in range(1, len(field_project.scores()) + 1)]
    answered = set(pd.concat([pd.read_csv(field_project.demo / f) for f in files])["shot_id"].astype(str))
    waiting = scores[~scores["shot_id"].astype(str).isin(answered)].copy()
    waiting["week"] = (pd.to_datetime(waiting["timestamp"]).dt.normalize() - DEPLOYED_DAY).dt.days // 7 + 1
    weeks = {w["week"]: w for w in report["estimate_weeks"]}
    assert report["awaiting_unplaced"] == 0 and set(weeks) == {1, 2, 3}
    assert sum(w["awaiting"] for w in weeks.values()) == report["awaiting"] == len(waiting)
    thin = 0
    for week, parts in waiting.groupby("week"):
        kpis = weeks[week]["kpis"]
        p, f = parts["score"].clip(0, 1), parts["decision"].astype(str).str.lower().eq("true")
        assert weeks[week]["awaiting"] == len(parts)
        if p.sum() >= 5:
            assert kpis["recall"]["value"] == pytest.approx((p * f).sum() / p.sum(), abs=1e-9)
        else:
            thin += 1
            assert "too little evidence" in kpis["recall"]["undefined"] and math.isnan(
                kpis["recall"]["value"]
            )
            assert "too little evidence" in kpis["monthly_saving"]["undefined"]  # escapes move the money most
        share = kpis["manual_inspection_share"]
        if len(parts) >= 5:
            assert share["value"] == pytest.approx(f.mean(), abs=1e-12) and share["low"] == share["high"]
        else:
            assert f"only {len(parts)} waiting part" in share["undefined"]
    assert thin, "the late parts of an early week are too few for a number"
    html = Path(report["report"]).read_text(encoding="utf-8")
    assert 'data-estimate-week="3"' in html and "근거 부족" in html


def test_the_korean_report_says_targets_weeks_incidents_and_visits(field_project) -> None:
    report = load_report(field_project)
    html = Path(report["report"]).read_text(encoding="utf-8")
    for heading in (
        "현장 실증 보고서",
        "착수 시 목표 대비 달성",
        "주간 추이",
        "공정 안정성",
        "사건 기록",
        "현장 방문",
    ):
        assert heading in html
    assert 'data-kpi="cpk"' in html and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html
    assert html.count('data-visit="planned"') == 5
    assert json.dumps(report, default=str)  # plain data all the way


def test_a_kpi_that_cannot_mean_anything_is_undefined_with_a_reason(field_project, tmp_path: Path) -> None:
    from axpoc.field import field_report, read_scored

    copy = field_project.copy(tmp_path)
    config = copy.config()
    config.field.monitor = None
    scored, _ = read_scored(config, [str(p) for p in copy.scores()])
    report = field_report(
        config, project_dir=copy.project, scored=scored, prediction_log=[], promotion_log=[]
    )
    cpk = report["kpis"]["cpk"]["after"]
    assert cpk["value"] is None or math.isnan(cpk["value"])
    assert "field.monitor" in cpk["undefined"]
    assert report["kpis"]["cpk"]["met"] == "undefined"


def test_since_and_until_narrow_the_field_days(field_project, tmp_path: Path, cli) -> None:
    copy = field_project.copy(tmp_path)
    narrow = cli(
        "field-report",
        copy.config_path,
        "--since",
        "2024-04-01",
        "--until",
        "2024-04-07",
        "--no-pdf",
        "--json",
    )
    assert narrow.code == 0, narrow.stderr
    report = narrow.json()
    assert [w["week"] for w in report["weeks"]] == [2]
    assert report["field"]["first"] >= "2024-04-01" and report["field"]["last"] <= "2024-04-07"
    wrong = cli("field-report", copy.config_path, "--since", "April", "--json")
    assert wrong.code == 2 and "--since" in wrong.json()["error"]["message"]

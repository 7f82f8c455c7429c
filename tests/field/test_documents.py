"""The charter, site visits and the anonymised case card of the shared field project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ALLOWED = {"ko", "binary", "logistic", "자동차 부품", "결과 데이터는 id 열을 함께 내보내야 연결된다"}
"""Config strings the card may show: axpoc's own words (language, task, model family) and what the config
says for the card itself (project.industry, project.lessons)."""


def _text(html: str) -> str:
    """What a reader sees: the page without its stylesheet and tags."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [
            s for v in value.values() for s in _strings(v)
        ]  # keys are the schema's words, values the company's
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_the_charter_is_one_korean_page_with_targets_gates_visits_and_roles(
    field_project, tmp_path: Path, cli
) -> None:
    copy = field_project.copy(tmp_path)
    result = cli("charter", copy.config_path, "--no-pdf", "--json")
    assert result.code == 0, result.stderr
    charter = result.json()
    html = Path(charter["report"]).read_text(encoding="utf-8")
    for words in (
        "PoC 착수 헌장",
        "해결할 문제",
        "KPI 목표와 측정 방법",
        "현장 방문 일정",
        "역할",
        "전산팀 박과장",
    ):
        assert words in html
    assert html.count("data-visit=") == 5 and 'data-target="defect_escape_rate"' in html
    assert "일 단위 블록 부트스트랩" in html


def test_a_charter_without_five_visits_is_refused_naming_the_key(field_project, tmp_path: Path, cli) -> None:
    copy = field_project.copy(tmp_path)
    raw = yaml.safe_load(copy.config_path.read_text(encoding="utf-8"))
    raw["plan"]["visits"] = []
    copy.config_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = cli("charter", copy.config_path, "--json")
    assert result.code == 2 and "plan.visits" in result.json()["error"]["message"]
    raw["plan"]["visits"] = [{"date": "2024-02-05", "purpose": "착수"}]  # refused when the config loads
    copy.config_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = cli("charter", copy.config_path, "--json")
    assert result.code == 2 and "plan.visits" in result.json()["error"]["message"]


def test_a_recorded_visit_appears_in_the_field_report_timeline(field_project, tmp_path: Path, cli) -> None:
    copy = field_project.copy(tmp_path)
    done = cli(
        "visit",
        copy.config_path,
        "--note",
        "2주차 쿠션량 저하 점검",
        "--date",
        "2024-04-03",
        "--who",
        "이수진",
        "--next",
        "체크링 교체",
        "--json",
    )
    assert done.code == 0 and done.json()["visits"] == 1
    report = cli("field-report", copy.config_path, "--no-pdf", "--json").json()
    visit = next(v for v in report["visits"] if v["kind"] == "visit")
    assert visit == {
        "kind": "visit",
        "date": "2024-04-03",
        "who": "이수진",
        "what": "2주차 쿠션량 저하 점검",
        "next": "체크링 교체",
    }
    assert "2주차 쿠션량 저하 점검" in Path(report["report"]).read_text(encoding="utf-8")
    empty = cli("visit", copy.config_path, "--note", " ", "--json")
    assert empty.code == 2 and "--note" in empty.json()["error"]["message"]


def test_the_case_card_holds_no_company_data(field_project, tmp_path: Path, cli) -> None:
    from axpoc.data import demo_frame

    copy = field_project.copy(tmp_path)
    result = cli("case-card", copy.config_path, "--no-pdf", "--json")
    assert result.code == 0, result.stderr
    card = result.json()
    seen = _text(Path(card["report"]).read_text(encoding="utf-8"))
    assert "AI 적용 사례 카드" in seen and "자동차 부품" in seen and card["family"] == "logistic"
    config = yaml.safe_load(copy.config_path.read_text(encoding="utf-8"))
    training = demo_frame("injection_molding", rows=1200, defect_rate=0.06, drift=0.0, seed=1)
    field = pd.concat([pd.read_csv(p) for p in [copy.demo / "history.csv", *copy.scores()]])
    secrets = set(_strings(config)) | {str(c) for c in training.columns} | {str(c) for c in field.columns}
    for frame in (training, field):
        for column in frame.columns:
            cells = frame[column].dropna()
            if cells.dtype == object and all(isinstance(v, str) for v in cells.head(50)):  # text, not curves
                secrets |= set(cells.astype(str).unique())
            elif pd.api.types.is_integer_dtype(frame[column]):
                secrets |= {str(v) for v in frame[column].unique()}
    found = sorted(s for s in secrets - ALLOWED if len(s) >= 2 and s in seen)
    assert not found, f"company data on the case card: {found[:10]}"
    assert card["data_band"] == "1,000~5,000"

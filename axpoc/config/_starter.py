"""Starter configs written by ``axpoc init``: commented YAML a newcomer edits, never a blank page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from axpoc.config._load import config_from_dict
from axpoc.config._schema import SLUG
from axpoc.errors import UserError


@dataclass
class StarterValues:
    """What the starter config is filled with; from a process template or inferred from a file."""

    name: str
    process: str = "generic"
    title: str = ""
    data_block: dict = field(default_factory=dict)
    target: str = "defect"
    task: str = "binary"
    positive_class: str | int | None = None
    roles: dict[str, str | None] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    gates: dict[str, str] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)
    spec: dict[str, float] | None = None
    notes: list[str] = field(default_factory=list)
    classes: list[str | int] = field(default_factory=list)
    """multiclass: the target's classes, from which :func:`propose_defect_classes` proposes the defects."""


_OK_CLASS = re.compile(r"^(ok|good|pass(ed)?|normal|none|no[ _-]?defects?|양품|정상|합격|양호|정상품)$", re.I)

RULES_BLOCK = (
    "  rules:                # 기본 인수 규칙: 게이트와 별도로 항상 적용 (built-in rules, always applied on top of gates)",
    "    beats_no_model: {enabled: true}     # 기존 방식·전수 검사·무검사보다 비용(또는 유출)이 확실히 낮음",
    "    catches_defects: {enabled: true, min_recall: 0.3}   # 불량 클래스마다 재현율 0.3 이상",
    "    beats_trivial: {enabled: true}      # 단순 모델(불량 비율·최빈 클래스·평균)보다 주 지표가 확실히 좋음",
    "    enough_evidence: {enabled: true, power: 0.8, alpha: 0.05}   # 시험 구간 불량 수가 검정력 계산을 충족",
    '    # 끄려면 이유와 함께 (to switch one off, give a reason): beats_trivial: {enabled: false, reason: "..."}',
)
"""The kpi.rules section every starter and example writes out, so the user sees the rules that guard."""


def propose_defect_classes(classes: list[Any]) -> tuple[list[Any], Any]:
    """(defect classes, the OK class) for a multiclass target: every class except one obvious good class
    (OK, 양품, 정상, good ...); ([], None) when no class looks like the good one, so the user must say."""
    ok = [c for c in classes if _OK_CLASS.match(str(c).strip())]
    if len(ok) != 1:
        return [], None
    return [c for c in classes if c != ok[0]], ok[0]


def _defect_classes_lines(classes: list[Any]) -> list[str]:
    defects, ok = propose_defect_classes(classes)
    flow = yaml.safe_dump(defects, allow_unicode=True, default_flow_style=True).strip()
    if ok is None:
        return [
            "  defect_classes: []   # 불량 클래스를 추정하지 못함: 적지 않으면 비용 KPI는 정의되지 않음 "
            "(could not tell which classes are defects; list them, else the cost KPIs stay undefined)"
        ]
    return [
        f"  defect_classes: {flow}   # '{ok}' 외 모든 클래스를 불량으로 추정함: 확인하세요 "
        f"(inferred: every class except '{ok}'; check)"
    ]


def _class_costs_lines(classes: list[Any]) -> list[str]:
    """A commented ``kpi.costs.class_costs`` proposal over the classes found, good class first; its costs are
    blank (null), so a block uncommented but not filled in is refused naming the pair, never read as free."""
    _, ok = propose_defect_classes(classes)
    ordered = [ok, *(c for c in classes if c != ok)] if ok is not None else list(classes)
    found = ", ".join(map(str, ordered))
    lines = [
        "    # 불량 유형마다 잘못 분류한 비용이 다르면 주석을 풀고 부품당 비용을 채우세요: 실제 클래스 -> 예측 클래스",
        "    # (uncomment and fill in the cost per part when misrouting each defect type costs something different:",
        f"    # actual class -> predicted class; classes found: {found})",
        "    # class_costs:",
    ]
    for actual in ordered:
        row = {_plain_key(predicted): None for predicted in ordered if predicted != actual}
        flow = yaml.safe_dump(row, allow_unicode=True, default_flow_style=True, sort_keys=False).strip()
        lines.append(f"    #   {_scalar(_plain_key(actual))}: {flow}")
    return lines


def _plain_key(value: Any) -> Any:
    """A class as a YAML key: whole numbers stay numbers (classes read as 1.0 are the class 1), the rest text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int | str) else str(value)


def _scalar(value: object) -> str:
    """One YAML value as it must be written to read back the same (``yes``, ``1.0``, ``a: b`` quoted)."""
    if value is None:
        return "null"
    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip().removesuffix("...").strip()
    )


def _yaml_block(value: object, indent: int) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip()
    pad = " " * indent
    return "\n".join(pad + line for line in text.splitlines())


def render_starter(values: StarterValues) -> str:
    """The commented YAML text; every section says what it is for, in Korean and English."""
    if not SLUG.match(values.name):
        raise UserError(
            f"project name {values.name!r} is not an ASCII slug (lower-case letters, digits, '_' or '-'). "
            "It names the MLflow experiment and model; use e.g. 'hanil_mold_2026' and put free text in project.title."
        )
    roles = {k: values.roles.get(k) for k in ("id", "time", "group", "product")}
    lines = [
        "# axpoc PoC 설정 파일 (PoC config). 경로는 이 파일의 폴더 기준입니다 (paths are relative to this file).",
        *(f"# {note}" for note in values.notes),
        "project:",
        f"  name: {values.name}          # ASCII 이름: MLflow 실험/모델 이름 (experiment and model name)",
        f"  title: {yaml.safe_dump(values.title or values.name, allow_unicode=True).strip().removesuffix('...').strip()}"
        "   # 보고서 제목 (report title, free text)",
        f"process: {values.process}      # pipelines/ 의 공정 템플릿 (process template)",
        "language: ko            # 보고서 언어 ko | en (report language)",
        "",
        "data:                   # 데이터 위치와 읽기 옵션 (where the data is and how to read it)",
        _yaml_block(values.data_block, 2),
        "",
        "target:                 # 예측 대상 (what to predict)",
        f"  column: {_scalar(values.target)}",
        f"  task: {values.task}           # binary | multiclass | regression | anomaly",
    ]
    if values.positive_class is not None:
        lines.append(f"  positive_class: {_scalar(values.positive_class)}   # 불량 클래스 (the defect class)")
    if values.task == "multiclass":
        lines += _defect_classes_lines(values.classes)
    if values.spec:
        lines.append("  spec:                 # 규격 한계 (spec limits)")
        lines.append(_yaml_block(values.spec, 4))
    lines += [
        "",
        "columns:                # 열의 역할 (column roles); 없으면 null",
        *(f"  {key}: {_scalar(value)}" for key, value in roles.items()),
        f"  exclude: {yaml.safe_dump(values.exclude, allow_unicode=True, default_flow_style=True).strip()}"
        "   # 특성에서 뺄 열 (not features: e.g. post-process results)",
        "  limits: {}            # 물리적 한계 (declared physical limits, critical): {열: {min: , max: }}",
        "",
        "split:                  # 학습/검증 분할 (auto = time, else group, else stratified)",
        "  method: auto",
        "  test_size: 0.25",
        "",
        "candidates:             # 비교할 모델 후보 (candidate families); 비우면 공정 기본값",
        _yaml_block(values.candidates or [], 2) if values.candidates else "  []",
        "",
        "tuning:                 # trials만 지정하면 정확히 재현 가능 (trials alone = exactly repeatable)",
        "  trials: 20",
        "  budget_s: null        # 전체 비교 시간 한도, 초 (wall-clock budget for the whole comparison)",
        "",
        "kpi:",
        "  costs:                # 단가, 원 (unit costs, KRW) - 회사 값으로 바꾸세요 (replace with the company's)",
        _yaml_block(
            values.costs or {"inspection_cost": 500, "escape_cost": 50000, "false_alarm_cost": 2000}, 4
        ),
        *(_class_costs_lines(values.classes) if values.task == "multiclass" and values.classes else []),
        "  baseline: {mode: all, detection_rate: 0.9}   # 현재 검사 방식 (inspection today: all | sample | none)",
        "  volumes: {parts_per_day: 2000, working_days_per_month: 22}",
        "  gates:                # 인수 기준 (acceptance gates)",
        _yaml_block(values.gates, 4) if values.gates else "    {}",
        *RULES_BLOCK,
        "",
    ]
    return "\n".join(lines)


def write_starter(values: StarterValues, out: Path, *, overwrite: bool = False) -> Path:
    if out.exists() and not overwrite:
        raise UserError(f"{out} already exists; choose another --out or pass --force to overwrite it.")
    text = render_starter(values)
    # What init writes must load: a draft the schema refuses would be our mistake, not the user's.
    config_from_dict(yaml.safe_load(text), base_dir=out.resolve().parent, source=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out

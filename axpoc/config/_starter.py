"""Starter configs written by ``axpoc init``: commented YAML a newcomer edits, never a blank page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
    if values.spec:
        lines.append("  spec:                 # 규격 한계 (spec limits)")
        lines.append(_yaml_block(values.spec, 4))
    lines += [
        "",
        "columns:                # 열의 역할 (column roles); 없으면 null",
        *(f"  {key}: {_scalar(value)}" for key, value in roles.items()),
        f"  exclude: {yaml.safe_dump(values.exclude, allow_unicode=True, default_flow_style=True).strip()}"
        "   # 특징에서 뺄 열 (not features: e.g. post-process results)",
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
        "  baseline: {mode: all, detection_rate: 0.9}   # 현재 검사 방식 (inspection today: all | sample | none)",
        "  volumes: {parts_per_day: 2000, working_days_per_month: 22}",
        "  gates:                # 인수 기준 (acceptance gates)",
        _yaml_block(values.gates, 4) if values.gates else "    {}",
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

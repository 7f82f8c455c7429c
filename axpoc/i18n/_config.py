"""What is wrong with a config file, key by key, in Korean (first) and English."""

from __future__ import annotations

from types import MappingProxyType

from axpoc.i18n._phrase import Phrase

PYDANTIC_TYPES = frozenset(
    {
        "less_than",
        "less_than_equal",
        "greater_than",
        "greater_than_equal",
        "literal_error",
        "enum",
        "int_parsing",
        "int_type",
        "float_parsing",
        "float_type",
        "bool_parsing",
        "string_type",
    }
)
"""pydantic error types said in Korean too; any other keeps pydantic's English message."""


class ConfigText(Phrase):
    """A config error: the file, the key path and what was expected (English for logs and ``--json``)."""

    templates = MappingProxyType(
        {
            "not_found": (
                "설정 파일이 없습니다: {path}. 경로를 확인하거나 'axpoc init NAME --process injection_molding'으로 "
                "시작용 설정을 만드세요.",
                "Config file not found: {path}. Check the path, or create a starter config with "
                "'axpoc init NAME --process injection_molding'.",
            ),
            "not_utf8": (
                "{path}: 설정 파일은 UTF-8로 저장해야 합니다 ({byte}번째 바이트: {reason}). 편집기에서 "
                "'UTF-8'로 다시 저장하세요.",
                "{path}: a config must be saved as UTF-8 ({reason} at byte {byte}).",
            ),
            "not_yaml": (
                "{path}: 올바른 YAML이 아닙니다{where}: {problem}. 들여쓰기와 따옴표를 확인하세요.",
                "{path}: not valid YAML{where}: {problem}. Check indentation and quotes.",
            ),
            "where": (" ({line}행 {column}열)", " at line {line}, column {column}"),
            "not_mapping": (
                "{path}: 설정은 절(project, data, target, ...)의 묶음이어야 하는데 {kind}입니다.",
                "{path}: expected a mapping of sections (project, data, target, ...), got {kind}.",
            ),
            "env_missing": (
                "{path}: 설정이 ${{{name}}}를 쓰는데 환경 변수 {name}가 설정되어 있지 않습니다. 실행 전에 설정하세요 "
                "(예: export {name}=...). 비밀번호 같은 값은 설정 파일에 적지 않습니다.",
                "{path}: the config refers to ${{{name}}}, but the environment variable {name} is not set. "
                "Set it before running (e.g. export {name}=...); secrets never sit in the config file.",
            ),
            "schema": (
                "{source}: 설정이 정해진 형식과 맞지 않습니다. {problems}.",
                "{source}: the config does not follow the schema. {problems}.",
            ),
            "unknown_close": (
                "{key}: 알 수 없는 키입니다. '{close}'을(를) 쓰려던 것인가요?",
                "{key}: unknown key; did you mean '{close}'?",
            ),
            "unknown_valid": (
                "{key}: 알 수 없는 키입니다. 여기서 쓸 수 있는 키: {valid}",
                "{key}: unknown key; valid keys here: {valid}",
            ),
            "missing": ("{key}: 꼭 있어야 하는 키가 없습니다", "{key}: required key is missing"),
            "invalid": ("{key}: 값이 맞지 않습니다 — {message}{shown}", "{key}: {message}{shown}"),
            "shown": (" (입력값: {given})", " (got {given})"),
            # pydantic's own error types, by their ``type`` and ``ctx`` (the English is pydantic's wording)
            "less_than": ("{lt}보다 작아야 합니다", "Input should be less than {lt}"),
            "less_than_equal": ("{le} 이하여야 합니다", "Input should be less than or equal to {le}"),
            "greater_than": ("{gt}보다 커야 합니다", "Input should be greater than {gt}"),
            "greater_than_equal": ("{ge} 이상이어야 합니다", "Input should be greater than or equal to {ge}"),
            "literal_error": ("다음 중 하나여야 합니다: {expected}", "Input should be {expected}"),
            "enum": ("다음 중 하나여야 합니다: {expected}", "Input should be {expected}"),
            "int_parsing": (
                "정수여야 합니다",
                "Input should be a valid integer, unable to parse string as an integer",
            ),
            "int_type": ("정수여야 합니다", "Input should be a valid integer"),
            "float_parsing": (
                "숫자여야 합니다",
                "Input should be a valid number, unable to parse string as a number",
            ),
            "float_type": ("숫자여야 합니다", "Input should be a valid number"),
            "bool_parsing": (
                "참/거짓(true/false)이어야 합니다",
                "Input should be a valid boolean, unable to interpret input",
            ),
            "string_type": ("문자열이어야 합니다", "Input should be a valid string"),
            # the schema's own checks (axpoc/config/_schema.py)
            "comparison": (
                "'>= 0.9' 같은 비교식이어야 하는데 {given}입니다",
                "expected a comparison like '>= 0.9', got {given}",
            ),
            "slug": (
                "영문 소문자, 숫자, '_', '-'로 된 2~63자 이름이어야 합니다 (첫 글자는 영문 소문자나 숫자). 지금 값: {given}. 한글 등 자유로운 이름은 project.title에 쓰세요",
                "expected an ASCII slug of 2-63 characters (lower-case letters, digits, '_' or '-', starting with a letter or digit), got {given}; put free text in project.title",
            ),
            "one_source": (
                "데이터 출처는 하나만 적어야 합니다: 'path'(파일, 패턴, 폴더), 'url' + 'query'(데이터베이스), 'demo' 중 하나. 지금: {given}",
                "expected exactly one data source: 'path' (file, glob or folder), 'url' + 'query' (database) or 'demo'; got {given}",
            ),
            "url_query": (
                "'url'에는 'query'(SQL SELECT 문이나 표 이름)가 함께 있어야 합니다",
                "'url' needs a 'query' (SQL SELECT or a table name)",
            ),
            "min_max": (
                "min ({min})이 max ({max})보다 클 수 없습니다",
                "min ({min}) must not exceed max ({max})",
            ),
            "min_below": (
                "min ({min})은 max ({max})보다 작아야 합니다",
                "min ({min}) must be below max ({max})",
            ),
            "step_wide": (
                "step ({step})이 범위 {min}..{max}보다 넓습니다. 더 작은 step을 쓰세요",
                "step ({step}) is wider than the range {min}..{max}; use a smaller step",
            ),
            "pair_rule": (
                "columns.pair_rules[{i}]가 {rule}입니다. 서로 다른 두 열 이름을 '<=' 또는 '>='로 비교해야 합니다 (예: 'Rq <= Rt')",
                "columns.pair_rules[{i}] is {rule}; expected two different column names compared with '<=' or '>=', e.g. 'Rq <= Rt'",
            ),
            "lsl_or_usl": (
                "'lsl'이나 'usl' 중 하나는 있어야 합니다",
                "expected at least one of 'lsl' or 'usl'",
            ),
            "lsl_usl": (
                "lsl ({lsl})은 usl ({usl})보다 작아야 합니다",
                "lsl ({lsl}) must be below usl ({usl})",
            ),
            "predefined": (
                "method 'predefined'에는 'groups: {{train: [...], test: [...]}}'가 필요합니다",
                "method 'predefined' needs 'groups: {{train: [...], test: [...]}}'",
            ),
            "rule_reason": (
                "enabled: false에는 이유가 필요합니다. 보고서가 이 기본 규칙을 끈 이유를 보여 줍니다. reason: '...'을 더하거나 enabled: false를 지우세요",
                "enabled: false needs a reason: the report prints why this built-in rule was switched off; add reason: '...' or remove enabled: false",
            ),
            "visits": (
                "현장 방문은 최소 다섯 번(착수, 데이터, 모델, 적용, 현장 결과)이어야 하는데 {n}번입니다. 빠진 방문을 날짜와 목적과 함께 더하세요",
                "expected at least five site visits (kick-off, data, model, deployment, field results), got {n}; add the missing ones with their date and purpose",
            ),
            "team_db": (
                "tracking.database: tracking.uri {uri}는 MLflow 서버이므로 이를 쓰는 PC들이 레지스트리 잠금과 승격 기록을 함께 써야 합니다. 팀의 PostgreSQL URL을 tracking.database에 적으세요 (예: postgresql+psycopg://axpoc:PASSWORD@SERVER:5432/axpoc, README 'Team server')",
                "tracking.database: tracking.uri {uri} is an MLflow server, and the PCs that use it must share the registry lock and promotion log: add tracking.database with the team's PostgreSQL URL, e.g. postgresql+psycopg://axpoc:PASSWORD@SERVER:5432/axpoc (README 'Team server')",
            ),
            "not_pg": (
                "tracking.database: {database}는 PostgreSQL URL이 아닙니다. postgresql+psycopg://axpoc:PASSWORD@SERVER:5432/axpoc 같은 URL을 적으세요",
                "tracking.database: {database} is not a PostgreSQL URL; give one like postgresql+psycopg://axpoc:PASSWORD@SERVER:5432/axpoc",
            ),
            "process_name": (
                "pipelines/의 모듈 이름(예: 'injection_molding')이어야 하는데 {given}입니다",
                "expected a module name in pipelines/ like 'injection_molding', got {given}",
            ),
            "positive_class": (
                "target.positive_class: 이진(binary)이나 이상 탐지(anomaly) 과제에만 씁니다. 회귀에는 쓰지 않습니다",
                "target.positive_class: only for binary or anomaly tasks, not regression",
            ),
            "defect_classes": (
                "target.defect_classes: 다중 분류(multiclass) 과제에만 씁니다",
                "target.defect_classes: only for multiclass tasks",
            ),
            "class_costs": (
                "kpi.costs.class_costs: 클래스별 비용 행렬은 다중 분류 과제에만 씁니다. 이진 과제에는 inspection_cost, escape_cost, false_alarm_cost를 쓰세요",
                "kpi.costs.class_costs: a per-class cost matrix is for multiclass tasks; use inspection_cost, escape_cost and false_alarm_cost for binary ones",
            ),
            "spec": (
                "target.spec: 규격 한계는 회귀 과제의 목표에만 씁니다",
                "target.spec: spec limits are for regression targets",
            ),
            "role_is_target": (
                "columns.{role}: {column}은 예측할 열(목표 열)이기도 합니다. 다른 열을 고르세요",
                "columns.{role}: {column} is also the target column",
            ),
            "gate": ("{source}: kpi.gates.{name}: {problem}", "{source}: kpi.gates.{name}: {problem}"),
        }
    )

"""The PoC config: one YAML per company x process, the single source of truth of a project."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from axpoc._task import Task
from axpoc.i18n import ConfigText

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
_COMPARISON = re.compile(r"^\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*$")
_PAIR_RULE = re.compile(r"^\s*(.+?)\s*(<=|>=)\s*(.+?)\s*$")


def _comparison(text: object) -> str:
    if not isinstance(text, str) or not _COMPARISON.match(text):
        raise ValueError(ConfigText("comparison", {"given": repr(text)}))
    return text


Comparison = Annotated[str, BeforeValidator(_comparison)]


class _Model(BaseModel):
    """Strict base: an unknown key is an error (the loader suggests the closest valid key)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ProjectConfig(_Model):
    name: str = Field(description="ASCII slug; names the MLflow experiment and registered model")
    title: str = Field("", description="free text shown in reports, Korean welcome")
    dir: Path | None = Field(None, description="project folder; default ./axpoc_projects/<name>")
    assumptions: list[str] = Field(
        default_factory=list,
        description="costs, volumes or spec limits assumed rather than measured; shown in reports",
    )
    problem: str = Field("", description="the plant's problem in one or two sentences (charter)")
    owner: str = Field("", description="who owns the PoC at the company (charter), e.g. '생산기술팀장'")
    industry: str = Field("", description="industry for the anonymised case card, e.g. '자동차 부품'")
    lessons: list[str] = Field(default_factory=list, description="lessons learned, for the case card")

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(ConfigText("slug", {"given": repr(value)}))
        return value


class ReadOptions(_Model):
    sep: str | None = Field(None, description="CSV separator; None = detect")
    encoding: str = Field("auto", description="auto | utf-8 | utf-8-sig | cp949 | euc-kr | ...")
    sheet: str | int | None = Field(None, description="Excel sheet name or 0-based index")
    header_row: int | None = Field(
        None, ge=1, description="Excel/CSV header row counted from 1; None = detect"
    )
    na_values: list[str] = Field(default_factory=list)
    decimal: str = "."
    thousands: str | None = Field(None, description="thousands separator to strip, e.g. ','")
    dirty_numbers: Literal["parse", "fail"] = Field(
        "parse", description="parse '<0.01', '158(Hv30)', 'N/A' by the documented rules, or fail"
    )


class DemoSource(_Model):
    rows: int = Field(2000, ge=50)
    defect_rate: float = Field(0.03, gt=0, lt=0.5)
    drift: float = Field(0.0, ge=0)
    seed: int = 0


class LabelJoin(_Model):
    """Labels in a separate table, joined by key (optionally a key taken from each file name)."""

    path: str
    key: str = Field(description="key column in the label table")
    file_key_regex: str | None = Field(
        None,
        description="regex with one group taking the key from each data file's name, e.g. 'experiment_(\\d+)'",
    )
    read: ReadOptions = Field(default_factory=ReadOptions)


class CurveSource(_Model):
    """Per-cycle sensor curves: a long table or one file per cycle."""

    format: Literal["long", "per_file"] = "long"
    path: str | None = Field(None, description="long table file, or glob of per-cycle files")
    cycle: str = Field("cycle_id", description="cycle key column (long) or name for the file key (per_file)")
    index: str | None = Field(None, description="sample index or time column used for ordering")
    channel: str | None = Field("channel", description="channel column of a long table")
    value: str | None = Field("value", description="value column of a long table")
    channels: list[str] = Field(default_factory=list, description="channels to keep; empty = all")
    file_key_regex: str | None = Field(None, description="per_file: regex whose first group is the cycle key")
    read: ReadOptions = Field(default_factory=ReadOptions)


class DataConfig(_Model):
    path: str | None = Field(None, description="file, glob, or folder of same-shaped files")
    url: str | None = Field(None, description="SQLAlchemy URL; ${ENV_VAR} for secrets")
    query: str | None = None
    demo: DemoSource | None = None
    read: ReadOptions = Field(default_factory=ReadOptions)
    labels: LabelJoin | None = None
    curves: CurveSource | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DataConfig:
        given = [k for k in ("path", "url", "demo") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(ConfigText("one_source", {"given": given or "none"}))
        if self.url is not None and not self.query:
            raise ValueError(ConfigText("url_query"))
        return self


class Limits(_Model):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Limits:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(ConfigText("min_max", {"min": self.min, "max": self.max}))
        return self


class ControlConfig(_Model):
    """A setting the operator can change (``columns.controllable``): its safe range and the machine's step.

    A bound left out comes from ``columns.limits`` or the process template's plausible range (through
    ``columns.map``); ``axpoc recommend`` refuses a range wider than the template's.
    """

    min: float | None = Field(None, description="lowest safe setting; default: limits or template range")
    max: float | None = Field(None, description="highest safe setting; default: limits or template range")
    step: float | None = Field(
        None, gt=0, description="the machine's step, e.g. 0.5 (bar); None = continuous"
    )

    @model_validator(mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value  # `holding_pressure_bar:` with nothing after it: defaults

    @model_validator(mode="after")
    def _ordered(self) -> ControlConfig:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(ConfigText("min_below", {"min": self.min, "max": self.max}))
        wide = self.step is not None and self.min is not None and self.max is not None
        if wide and self.step > self.max - self.min:  # type: ignore[operator]
            raise ValueError(ConfigText("step_wide", {"step": self.step, "min": self.min, "max": self.max}))
        return self


class ColumnsConfig(_Model):
    id: str | None = None
    time: str | None = None
    group: str | None = Field(None, description="lot, mold, tool, experiment: never split across train/test")
    product: str | None = Field(None, description="product / part number / mold id column")
    include: list[str] = Field(default_factory=list, description="features to use; empty = all others")
    exclude: list[str] = Field(default_factory=list)
    map: dict[str, str] = Field(default_factory=dict, description="canonical template name -> your column")
    limits: dict[str, Limits] = Field(default_factory=dict, description="declared physical limits (critical)")
    categories: dict[str, list[str | int]] = Field(default_factory=dict, description="allowed categories")
    required: list[str] = Field(default_factory=list, description="columns that must be present and not null")
    time_format: str | None = Field(None, description="strftime format of the time column; None = detect")
    pair_rules: list[str] = Field(
        default_factory=list,
        description="orders physics demands between two columns, e.g. 'Rq <= Rt'; a row breaking one warns",
    )
    controllable: dict[str, ControlConfig] = Field(
        default_factory=dict,
        description="settings an operator can change (axpoc recommend): column -> {min, max, step}; the rest is context",
    )

    @field_validator("pair_rules")
    @classmethod
    def _pair_rules(cls, rules: list[str]) -> list[str]:
        for i, rule in enumerate(rules):
            if _pair(rule) is None:
                raise ValueError(ConfigText("pair_rule", {"i": i, "rule": repr(rule)}))
        return rules

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """``pair_rules`` as (smaller, larger) column pairs."""
        return [pair for pair in map(_pair, self.pair_rules) if pair is not None]


def _pair(rule: str) -> tuple[str, str] | None:
    """``'Rq <= Rt'`` -> ``('Rq', 'Rt')``, ``'Rt >= Rq'`` -> the same; None when it is no such rule."""
    match = _PAIR_RULE.match(rule)
    if match is None:
        return None
    left, op, right = (part.strip() for part in match.groups())
    if not left or not right or left == right or any(s in right for s in ("<=", ">=")):
        return None
    return (left, right) if op == "<=" else (right, left)


class SpecConfig(_Model):
    lsl: float | None = None
    usl: float | None = None
    guard_band: float = Field(0.0, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> SpecConfig:
        if self.lsl is None and self.usl is None:
            raise ValueError(ConfigText("lsl_or_usl"))
        if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
            raise ValueError(ConfigText("lsl_usl", {"lsl": self.lsl, "usl": self.usl}))
        return self


class TargetConfig(_Model):
    column: str
    task: Task = "binary"
    positive_class: str | int | None = Field(None, description="binary: the defect class; None = detect")
    defect_classes: list[str | int] = Field(
        default_factory=list, description="multiclass: classes that are defects"
    )
    spec: SpecConfig | None = Field(None, description="regression: spec limits of the characteristic")


class PredefinedGroups(_Model):
    train: list[str | int]
    test: list[str | int]


class SplitConfig(_Model):
    method: Literal["auto", "time", "group", "time_group", "stratified", "random", "predefined"] = "auto"
    test_size: float = Field(0.25, gt=0, lt=0.9)
    cv_folds: int = Field(5, ge=2, le=20)
    seed: int = 0
    groups: PredefinedGroups | None = None

    @model_validator(mode="after")
    def _predefined(self) -> SplitConfig:
        if self.method == "predefined" and self.groups is None:
            raise ValueError(ConfigText("predefined"))
        return self


class CandidateConfig(_Model):
    name: str
    params: dict[str, Any] = Field(default_factory=dict, description="fixed params, not tuned")
    tune: bool = True


class TuningConfig(_Model):
    trials: int | None = Field(
        20, ge=1, description="trials per candidate; repeatable when budget_s is unset"
    )
    budget_s: float | None = Field(None, gt=0, description="wall clock for the whole comparison")
    seed: int = 0
    storage: str | None = Field(None, description="Optuna RDB URL to share a study between workers")
    heartbeat_s: int = Field(
        10, ge=1, description="with storage: a trial whose process stops beating this long x2 is failed"
    )
    n_jobs: int = Field(1, ge=1)
    resample: Literal["none", "oversample", "undersample"] = "none"


class CostConfig(_Model):
    inspection_cost: float | None = Field(None, ge=0)
    escape_cost: float | None = Field(None, ge=0)
    false_alarm_cost: float | None = Field(None, ge=0)
    inspection_minutes_per_part: float | None = Field(None, ge=0)
    currency: str = "KRW"
    class_costs: dict[str | int, dict[str | int, Annotated[float, Field(ge=0)]]] | None = Field(
        None,
        description="multiclass: {actual: {predicted: cost per part}}; every off-diagonal pair, diagonal default 0",
    )


class BaselineConfig(_Model):
    mode: Literal["all", "sample", "none"] = "all"
    sample_rate: float = Field(0.1, ge=0, le=1)
    detection_rate: float = Field(0.9, ge=0, le=1)


class VolumeConfig(_Model):
    parts_per_day: float | None = Field(None, gt=0)
    working_days_per_month: float = Field(22, gt=0)


class RuleSwitch(_Model):
    """A built-in acceptance rule (axpoc.kpi RULES): on unless the config switches it off, with a reason."""

    enabled: bool = True
    reason: str | None = Field(None, description="why the rule is off; required with enabled: false")

    @model_validator(mode="after")
    def _reason_when_off(self) -> RuleSwitch:
        if not self.enabled and not (self.reason or "").strip():
            raise ValueError(ConfigText("rule_reason"))
        return self


class RecallRule(RuleSwitch):
    min_recall: float = Field(0.3, gt=0, lt=1, description="floor on the recall of every defect class")


class EvidenceRule(RuleSwitch):
    power: float = Field(0.8, ge=0.5, lt=1, description="power of the recall-above-floor test")
    alpha: float = Field(0.05, gt=0, le=0.2, description="one-sided level of that test")


class RulesConfig(_Model):
    """The built-in acceptance rules, applied on top of kpi.gates; see axpoc/kpi/_acceptance.py."""

    beats_no_model: RuleSwitch = Field(
        default_factory=RuleSwitch, description="cheaper than today's practice, inspect all, inspect none"
    )
    catches_defects: RecallRule = Field(default_factory=RecallRule)
    beats_trivial: RuleSwitch = Field(
        default_factory=RuleSwitch, description="better than the prior / majority / mean model"
    )
    enough_evidence: EvidenceRule = Field(default_factory=EvidenceRule)


class KpiConfig(_Model):
    """Gates decide a model at training time; ``targets`` are what the PoC promised to the plant at kick-off
    and are checked on the field period (``axpoc field-report``)."""

    primary: str | None = Field(None, description="primary metric; None = the task's default")
    costs: CostConfig = Field(default_factory=CostConfig)
    baseline: BaselineConfig = Field(default_factory=BaselineConfig)
    volumes: VolumeConfig = Field(default_factory=VolumeConfig)
    gates: dict[str, Comparison] = Field(
        default_factory=dict, description="KPI name -> comparison like '>= 0.9'"
    )
    conservative: bool = Field(False, description="evaluate gates on the CI bound")
    rules: RulesConfig = Field(
        default_factory=RulesConfig, description="built-in acceptance rules, always applied on top of gates"
    )
    anomaly_false_alarm_rate: float = Field(0.01, gt=0, lt=0.5)
    targets: dict[str, Comparison] = Field(
        default_factory=dict,
        description="kick-off targets checked on the field period, e.g. defect_escape_rate: '<= 0.01'",
    )

    def business_inputs(self) -> tuple[Any, Any, Any]:
        """(CostModel, Baseline, Volumes) of axpoc.kpi: what training-time and field KPIs are priced with."""
        from axpoc.kpi import Baseline, CostModel, Volumes

        costs, base, vol = self.costs, self.baseline, self.volumes
        return (
            CostModel(
                inspection_cost=costs.inspection_cost,
                escape_cost=costs.escape_cost,
                false_alarm_cost=costs.false_alarm_cost,
                currency=costs.currency,
                inspection_minutes_per_part=costs.inspection_minutes_per_part,
            ),
            Baseline(mode=base.mode, sample_rate=base.sample_rate, detection_rate=base.detection_rate),
            Volumes(parts_per_day=vol.parts_per_day, working_days_per_month=vol.working_days_per_month),
        )


class PlannedVisit(_Model):
    """One planned site visit of the charter's schedule."""

    date: dt.date
    purpose: str = Field(description="what the visit is for, e.g. '데이터 수집 범위 확정'")


class PlanConfig(_Model):
    """The PoC's plan at kick-off: site visits and roles (``axpoc charter``)."""

    engineer: str = Field("", description="the PoC engineer (supplier side)")
    it_contact: str = Field("", description="the company's IT contact (MES, database access)")
    visits: list[PlannedVisit] = Field(default_factory=list, description="at least five site visits")

    @field_validator("visits")
    @classmethod
    def _enough_visits(cls, visits: list[PlannedVisit]) -> list[PlannedVisit]:
        if visits and len(visits) < 5:
            raise ValueError(ConfigText("visits", {"n": len(visits)}))
        return sorted(visits, key=lambda v: v.date)


class MonitorConfig(_Model):
    """The measured quality characteristic the field period watches (capability, control chart)."""

    column: str = Field(description="column of the outcome files holding the measurement")
    lsl: float | None = None
    usl: float | None = None

    @model_validator(mode="after")
    def _limits(self) -> MonitorConfig:
        if self.lsl is None and self.usl is None:
            raise ValueError(ConfigText("lsl_or_usl"))
        if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
            raise ValueError(ConfigText("lsl_usl", {"lsl": self.lsl, "usl": self.usl}))
        return self


class FieldConfig(_Model):
    """The field period after deployment: when the model went live, what is measured, how late outcomes come."""

    deployed: dt.date | None = Field(None, description="the day the model went live on the line")
    baseline_days: int | None = Field(
        None, gt=0, description="days before 'deployed' that form the baseline; None = all history"
    )
    outcome_delay_days: int = Field(
        7, ge=0, description="an outcome arriving later than this is counted late"
    )
    arrived_column: str = Field(
        "inspected_at", description="column of an outcome file holding when the result was recorded"
    )
    monitor: MonitorConfig | None = None
    block_days: int = Field(1, ge=1, le=14, description="block length in days of the block bootstrap")


class TrackingConfig(_Model):
    uri: str | None = Field(
        None, description="MLflow tracking URI or team server URL; None = sqlite in the project folder"
    )
    registry_uri: str | None = None
    database: str | None = Field(
        None,
        description="PostgreSQL URL shared by every host: registry lock, move journal, promotion log "
        "(needed with an http(s) server; defaults to uri when that is PostgreSQL)",
    )
    snapshot_max_mb: float = Field(200, ge=0, description="Parquet snapshot of training data; 0 = off")

    @model_validator(mode="after")
    def _server_needs_database(self) -> TrackingConfig:
        """Hosts sharing a server must share the lock and the promotion log too, or both may promote."""
        uri = (self.uri or "").lower()
        if uri.startswith(("http://", "https://")) and not self.database:
            raise ValueError(ConfigText("team_db", {"uri": self.uri}))
        if self.database and not self.database.lower().startswith(("postgresql", "postgres:")):
            raise ValueError(ConfigText("not_pg", {"database": self.database}))
        return self


class RetrainConfig(_Model):
    tolerance: float = Field(0.01, ge=0, description="challenger may be this much worse on the primary KPI")
    window_days: int | None = Field(None, gt=0)
    window_rows: int | None = Field(None, gt=0)
    per_product: bool = Field(False, description="one sub-model per product, routed in one pyfunc")
    min_rows_per_product: int = Field(200, ge=1)


class PocConfig(_Model):
    """A whole PoC. Paths inside are relative to the config file's folder."""

    project: ProjectConfig
    process: str = Field("generic", description="module name in pipelines/, e.g. injection_molding")
    language: Literal["ko", "en"] = "ko"
    data: DataConfig
    target: TargetConfig
    columns: ColumnsConfig = Field(default_factory=ColumnsConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    candidates: list[Annotated[CandidateConfig, Field()]] = Field(
        default_factory=list, description="names or {name, params}; empty = the process's defaults"
    )
    tuning: TuningConfig = Field(default_factory=TuningConfig)
    kpi: KpiConfig = Field(default_factory=KpiConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    retrain: RetrainConfig = Field(default_factory=RetrainConfig)
    plan: PlanConfig = Field(default_factory=PlanConfig)
    field: FieldConfig = Field(default_factory=FieldConfig)

    # Set by the loader, not by the YAML: where relative paths resolve.
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)

    @field_validator("candidates", mode="before")
    @classmethod
    def _names_to_candidates(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("process")
    @classmethod
    def _module_name(cls, value: str) -> str:
        if not re.match(r"^[a-z_][a-z0-9_]*$", value):
            raise ValueError(ConfigText("process_name", {"given": repr(value)}))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PocConfig:
        task = self.target.task
        if task == "regression" and self.target.positive_class is not None:
            raise ValueError(ConfigText("positive_class"))
        if task != "multiclass" and self.target.defect_classes:
            raise ValueError(ConfigText("defect_classes"))
        if task != "multiclass" and self.kpi.costs.class_costs is not None:
            raise ValueError(ConfigText("class_costs"))
        if self.target.spec is not None and task != "regression":
            raise ValueError(ConfigText("spec"))
        roles = {"id": self.columns.id, "time": self.columns.time, "group": self.columns.group}
        for role, column in roles.items():
            if column is not None and column == self.target.column:
                raise ValueError(ConfigText("role_is_target", {"role": role, "column": repr(column)}))
        return self

    def resolve(self, path: str | Path) -> Path:
        """A path from the config, made absolute against the config file's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)

    def project_dir(self, override: Path | None = None) -> Path:
        """Everything the project writes lives here, never in the toolkit's repo."""
        if override is not None:
            return Path(override).resolve()
        if self.project.dir is not None:
            return self.resolve(self.project.dir).resolve()
        return (Path.cwd() / "axpoc_projects" / self.project.name).resolve()

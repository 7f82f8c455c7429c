"""The PoC config schema and its loader."""

from axpoc.config._load import config_from_dict, load_config
from axpoc.config._schema import (
    CandidateConfig,
    ColumnsConfig,
    ControlConfig,
    CostConfig,
    CurveSource,
    DataConfig,
    DemoSource,
    KpiConfig,
    LabelJoin,
    PocConfig,
    ReadOptions,
    RulesConfig,
    SpecConfig,
    SplitConfig,
    TargetConfig,
    Task,
    TuningConfig,
)
from axpoc.config._starter import StarterValues, write_starter

__all__ = [
    "CandidateConfig",
    "ColumnsConfig",
    "ControlConfig",
    "CostConfig",
    "CurveSource",
    "DataConfig",
    "DemoSource",
    "KpiConfig",
    "LabelJoin",
    "PocConfig",
    "ReadOptions",
    "RulesConfig",
    "SpecConfig",
    "SplitConfig",
    "StarterValues",
    "TargetConfig",
    "Task",
    "TuningConfig",
    "config_from_dict",
    "load_config",
    "write_starter",
]

"""The PoC config schema and its loader."""

from axpoc.config._load import config_from_dict, load_config
from axpoc.config._schema import (
    CandidateConfig,
    ColumnsConfig,
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

__all__ = [
    "CandidateConfig",
    "ColumnsConfig",
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
    "TargetConfig",
    "Task",
    "TuningConfig",
    "config_from_dict",
    "load_config",
]

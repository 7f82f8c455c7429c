"""Process templates: the bridge between axpoc and the process modules in ``pipelines/``."""

from axpoc.process._template import (
    ENTRY_POINT_GROUP,
    INSTALLED_PACKAGE,
    ColumnSpec,
    ProcessTemplate,
    QualityCharacteristic,
    available_processes,
    load_process,
    register_process,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "INSTALLED_PACKAGE",
    "ColumnSpec",
    "ProcessTemplate",
    "QualityCharacteristic",
    "available_processes",
    "load_process",
    "register_process",
]

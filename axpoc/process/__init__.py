"""Process templates: the bridge between axpoc and the process modules in ``pipelines/``."""

from axpoc.process._apply import mapped_columns, template_expectations, template_label_columns
from axpoc.process._template import ColumnSpec, ProcessTemplate, available_processes, load_process

__all__ = [
    "ColumnSpec",
    "ProcessTemplate",
    "available_processes",
    "load_process",
    "mapped_columns",
    "template_expectations",
    "template_label_columns",
]

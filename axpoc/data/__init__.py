"""The data room: read factory data, check it against the contract, profile it, split it without leaks.

Great Expectations is imported only when a validation runs, so this package imports quickly.
"""

from axpoc.data._checker import RowChecker
from axpoc.data._complete import FileCutOff
from axpoc.data._contract import Contract, Expectation, build_contract, expectations_digest
from axpoc.data._group_level import group_level_columns
from axpoc.data._gx import ExpectationResult, ValidationReport, render_gx_suite, suite_to_json, validate
from axpoc.data._numbers import DirtyColumn, DirtyReport, NumberRules, clean_numbers
from axpoc.data._profile import LeakageSuspect, Profile, data_problems, profile
from axpoc.data._read import ReadInfo, check_complete, read_files, read_table
from axpoc.data._roles import SOURCE_COLUMN, Roles, resolve_roles
from axpoc.data._source import LoadedData, frame_digest, load_data
from axpoc.data._split import CvPlan, SplitResult, cv_splitter, make_split
from axpoc.data._sql import read_sql
from axpoc.data._template import mapped_columns, template_expectations, template_label_columns
from axpoc.data._times import parse_time_column
from axpoc.data._write import output_file, write_csv, write_table

__all__ = [
    "SOURCE_COLUMN",
    "Contract",
    "CvPlan",
    "DirtyColumn",
    "DirtyReport",
    "Expectation",
    "ExpectationResult",
    "FileCutOff",
    "LeakageSuspect",
    "LoadedData",
    "NumberRules",
    "Profile",
    "ReadInfo",
    "Roles",
    "RowChecker",
    "SplitResult",
    "ValidationReport",
    "build_contract",
    "check_complete",
    "clean_numbers",
    "cv_splitter",
    "data_problems",
    "expectations_digest",
    "frame_digest",
    "group_level_columns",
    "load_data",
    "make_split",
    "mapped_columns",
    "output_file",
    "parse_time_column",
    "profile",
    "read_files",
    "read_sql",
    "read_table",
    "render_gx_suite",
    "resolve_roles",
    "suite_to_json",
    "template_expectations",
    "template_label_columns",
    "validate",
    "write_csv",
    "write_table",
]

"""The data room: read factory data (whole, or in chunks for scoring), check it against the contract, profile it, split it without leaks.

Great Expectations is imported only when a validation runs, so this package imports quickly.
"""

from axpoc.data._checker import RowChecker
from axpoc.data._complete import FileCutOff
from axpoc.data._contract import Contract, Expectation, build_contract, expectations_digest
from axpoc.data._encoding import detect_encoding, read_sample
from axpoc.data._group_level import group_level_columns
from axpoc.data._gx import ExpectationResult, ValidationReport, render_gx_suite, suite_to_json, validate
from axpoc.data._infer import infer_roles
from axpoc.data._numbers import DirtyColumn, DirtyReport, NumberRules, clean_numbers
from axpoc.data._profile import LeakageSuspect, Profile, data_problems, profile
from axpoc.data._read import (
    COMPRESSED_SUFFIXES,
    HEADER_SCAN_ROWS,
    PARQUET_SUFFIXES,
    TEXT_SUFFIXES,
    ReadInfo,
    check_complete,
    detect_header_row,
    detect_separator,
    fields_message,
    long_lines,
    no_rows_error,
    parser_error,
    read_files,
    read_table,
)
from axpoc.data._roles import SOURCE_COLUMN, Roles, missing_column_message, resolve_roles
from axpoc.data._source import LoadedData, check_sheet, demo_frame, frame_digest, load_data
from axpoc.data._split import CvPlan, SplitResult, cv_splitter, make_split
from axpoc.data._sql import SQL_DRIVERS, parse_sql_url, read_sql, safe_url
from axpoc.data._stream import ChunkedTable, open_chunks, streams
from axpoc.data._template import mapped_columns, template_expectations, template_label_columns
from axpoc.data._times import parse_time_column
from axpoc.data._write import output_file, writable_parent, write_atomic, write_csv, write_table

__all__ = [
    "COMPRESSED_SUFFIXES",
    "HEADER_SCAN_ROWS",
    "PARQUET_SUFFIXES",
    "SOURCE_COLUMN",
    "SQL_DRIVERS",
    "TEXT_SUFFIXES",
    "ChunkedTable",
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
    "check_sheet",
    "clean_numbers",
    "cv_splitter",
    "data_problems",
    "demo_frame",
    "detect_encoding",
    "detect_header_row",
    "detect_separator",
    "expectations_digest",
    "fields_message",
    "frame_digest",
    "group_level_columns",
    "infer_roles",
    "load_data",
    "long_lines",
    "make_split",
    "mapped_columns",
    "missing_column_message",
    "no_rows_error",
    "open_chunks",
    "output_file",
    "parse_sql_url",
    "parse_time_column",
    "parser_error",
    "profile",
    "read_files",
    "read_sample",
    "read_sql",
    "read_table",
    "render_gx_suite",
    "resolve_roles",
    "safe_url",
    "streams",
    "suite_to_json",
    "template_expectations",
    "template_label_columns",
    "validate",
    "writable_parent",
    "write_atomic",
    "write_csv",
    "write_table",
]

"""The PoC report: one self-contained HTML file (Korean by default), with PDF and PNG via headless Chromium."""

from __future__ import annotations

from axpoc.report._browser import export_pdf, find_chromium, screenshot
from axpoc.report._data import KpiRow, ReportData
from axpoc.report._field import (
    field_verdict_text,
    render_field_report,
    write_case_card,
    write_charter,
    write_field_report,
)
from axpoc.report._fonts import CSS_FONT_STACK, FALLBACK_FAMILY, figure_font_family, korean_font_files
from axpoc.report._render import render_report, write_report
from axpoc.report._retrain import ModelColumn, RetrainReportData, write_retrain_report

__all__ = [
    "CSS_FONT_STACK",
    "FALLBACK_FAMILY",
    "KpiRow",
    "ModelColumn",
    "ReportData",
    "RetrainReportData",
    "export_pdf",
    "field_verdict_text",
    "figure_font_family",
    "find_chromium",
    "korean_font_files",
    "render_field_report",
    "render_report",
    "screenshot",
    "write_case_card",
    "write_charter",
    "write_field_report",
    "write_report",
    "write_retrain_report",
]

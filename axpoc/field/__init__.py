"""The field period after deployment: outcomes joined to scored parts, realised KPIs against the baseline
before deployment, site visits, and the documents from kick-off (charter) to spreading (case card).

Plain data in, plain data out: the CLI hands in the prediction and promotion logs, axpoc.report lays the
results out in Korean or English.
"""

from axpoc.field._documents import case_card, charter, rounded, size_band
from axpoc.field._kpis import FIELD_KPIS, N_BOOT, Interval, KpiRow, day_blocks
from axpoc.field._outcomes import (
    FIELD_FOLDER,
    OUTCOMES_FILE,
    OutcomeResult,
    read_outcomes,
    read_scored,
    record_outcomes,
    scored_sources,
)
from axpoc.field._report import REPORT_FILE, Window, defect_of, field_report, periods
from axpoc.field._text import say
from axpoc.field._visits import read_visits, record_visit

__all__ = [
    "FIELD_FOLDER",
    "FIELD_KPIS",
    "N_BOOT",
    "OUTCOMES_FILE",
    "REPORT_FILE",
    "Interval",
    "KpiRow",
    "OutcomeResult",
    "Window",
    "case_card",
    "charter",
    "day_blocks",
    "defect_of",
    "field_report",
    "periods",
    "read_outcomes",
    "read_scored",
    "read_visits",
    "record_outcomes",
    "record_visit",
    "rounded",
    "say",
    "scored_sources",
    "size_band",
]

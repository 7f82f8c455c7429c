"""The corpus: each broken or awkward export, and the verdict axpoc must give it, as data.

The README's corpus table is generated from :data:`CASES` (``python tests/corpus/cases.py`` prints it)
and a test checks that the two agree. ``test_corpus.py`` runs every case end to end through the real CLI.

A case's :class:`Step` list says which verbs run on it, with which exit code, and which words their
output must contain. A word ``'a|b'`` accepts either spelling (axpoc answers in Korean or English);
``{file}`` stands for the data file's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import exports as ex

Verdict = Literal["refused", "accepted with note", "never champion"]
Verb = Literal["init", "validate", "profile", "run", "predict", "retrain", "drift", "outcomes"]
REFERENCE_VERBS = frozenset({"predict", "retrain", "drift"})
"""Verbs that need a trained model: they run against the reference project (the clean shot log)."""
Writer = Callable[[Path, int], Path]

CUT_OFF = "cut off|잘린|잘렸|끊긴|truncated"
DIRTY_WORDS = (ex.THICKNESS, "censored|검출 한계|검출한계", "annotated|주석", "range|범위")
REEXPORT = "export|내보내|다시|again"


@dataclass(frozen=True)
class Step:
    """One CLI call on the case's file and what it must answer."""

    verb: Verb
    exit_code: int
    words: tuple[str, ...] = ()
    """Each must appear (case-insensitive) in what the verb printed, or in the file it wrote (``init``'s
    config, ``predict``'s output and reject files)."""
    scored: int | None = None
    """``predict``: the number of rows the output file must hold."""


@dataclass(frozen=True)
class Case:
    name: str
    write: Writer
    looks_like: str
    """README: what the file looks like."""
    verdict: Verdict
    does: str
    """README: what axpoc does with it."""
    steps: tuple[Step, ...]
    config: Mapping[str, object] = field(default_factory=dict)
    """Dotted-key overrides of :data:`TEMPLATE` (``predict`` steps use the trained reference project)."""
    undefined: tuple[str, ...] = ()
    """KPIs that ``run --json`` must leave undefined (null): a number there would mean nothing."""
    gap: str = ""
    """Where axpoc does not yet give the declared verdict: the exact failure. The case is then an
    expected failure (strict, so that the fix shows), and the README table says so."""


TEMPLATE: dict[str, object] = {
    "project": {"name": "corpus", "title": "코퍼스 점검"},
    "process": "generic",
    "language": "ko",
    "data": {"path": "data.csv"},
    "target": {"column": ex.LABEL, "task": "binary", "positive_class": "NG"},
    "columns": {"id": ex.ID, "time": ex.TIME, "group": ex.LOT, "product": ex.PART},
    "split": {"cv_folds": 3},
    "candidates": ["logistic", "lightgbm"],
    "tuning": {"trials": 1},
    "kpi": {
        "costs": {"inspection_cost": 500, "escape_cost": 50000, "false_alarm_cost": 2000},
        "baseline": {"mode": "all", "detection_rate": 0.9},
        "volumes": {"parts_per_day": 2000, "working_days_per_month": 22},
        "gates": {"roc_auc": ">= 0.6"},
    },
}
"""The one config every case starts from: what a user gets from ``init`` with costs filled in, and the
smallest comparison (two fast families, their defaults only) so that the corpus stays quick."""

DOE = {
    "target": {"column": "크랙", "task": "binary", "positive_class": 1},
    "columns": {"id": "실험번호"},
}
MULTICLASS = {"target": {"column": ex.DEFECT_TYPE, "task": "multiclass"}}


def _cut(name: str, write: Writer, looks_like: str, verbs: tuple[Verb, ...]) -> Case:
    """A file cut off mid-transfer: every verb that reads it refuses it, naming the file and its end.

    The cut is found where the file is read, the same for every verb: each case runs ``validate`` and a
    different pair of the other verbs, so that all of them are covered without running each five times.
    """
    words = ("{file}", CUT_OFF, "241|240", REEXPORT)
    return Case(
        name,
        write,
        looks_like,
        "refused",
        f"exit 1 from {', '.join(f'`{v}`' for v in ('validate', *verbs))}: the file looks cut off at "
        "its last line; export it again",
        (Step("validate", 1, words), *(Step(v, 1, words) for v in verbs)),
    )


FILE_VERBS: tuple[Verb, ...] = ("validate", "run", "outcomes", "predict", "retrain", "drift")
"""Every verb that reads a data file the user gives (``outcomes`` takes the case's file as inspection
results): a fault of the file itself answers the same in each."""


def _file_fault(
    name: str,
    write: Writer,
    looks_like: str,
    exit_code: int,
    does: str,
    words: tuple[str, ...],
    more: tuple[Verb, ...] = (),
) -> Case:
    """A fault of the file itself (it cannot be read as a table, or some of its lines are broken): every
    verb in :data:`FILE_VERBS` (and ``more``) refuses it with the same exit code and the same words."""
    verbs = (*more, *FILE_VERBS)
    return Case(
        name,
        write,
        looks_like,
        "refused",
        f"exit {exit_code} from {', '.join(f'`{v}`' for v in verbs)}: {does}",
        tuple(Step(v, exit_code, words) for v in verbs),
    )


CASES: tuple[Case, ...] = (
    Case(
        "defect_types_cp949",
        ex.defect_types_cp949,
        "7-class 불량유형 (정상 + 6 defect types), CP949, Korean headers, 280 shots",
        "never champion",
        "reads CP949; `init` says which classes it takes as defects or asks for `defect_classes`; "
        "without them the money KPIs are undefined; with 11-19 cases per defect type (the rule asks for "
        "about 39) the verdict is insufficient evidence, with how many more to collect",
        (
            Step("init", 0, ("cp949", ex.DEFECT_TYPE, "defect_classes")),
            Step("run", 0),
        ),
        MULTICLASS,
        undefined=("monthly_saving", "defects_caught_per_1000"),
    ),
    Case(
        "excel_title_row",
        ex.excel_title_row,
        ".xlsx with a title, a print date and a blank row above the header",
        "accepted with note",
        "finds the header on row 4 and says so; trains",
        (Step("validate", 0, ("row 4|4행",)), Step("run", 0)),
    ),
    _cut(
        "cut_short_last_line",
        ex.cut_short_last_line,
        "CSV whose last line stops after 4 of 11 fields (newline at the end)",
        ("profile", "drift"),
    ),
    _cut(
        "cut_after_separator",
        ex.cut_after_separator,
        "CSV cut right after a separator of the last line",
        ("run", "retrain"),
    ),
    _cut(
        "cut_inside_last_field",
        ex.cut_inside_last_field,
        "CSV cut inside the last field (`NG` became `N`), no newline at the end",
        ("run", "retrain", "drift"),
    ),
    _cut(
        "cut_mid_quote",
        ex.cut_mid_quote,
        "CSV with a quoted remark column, cut inside the last quote",
        ("profile", "predict"),
    ),
    _cut(
        "cut_no_newline", ex.cut_no_newline, "CSV whose short last line has no newline", ("init", "retrain")
    ),
    Case(
        "press_doe_39",
        ex.press_doe_39,
        "39-run press DOE with 6 cracked parts",
        "never champion",
        "trains without error and registers a candidate, never champion: a built-in rule fails (its cost "
        "is not surely below today's inspection on so few parts)",
        (Step("run", 0),),
        DOE,
    ),
    Case(
        "one_class",
        ex.one_class,
        "120 shots, all `OK`",
        "refused",
        "exit 2 from `validate` and `run`: the target has one class only; add data that holds defects",
        (
            Step("validate", 2, (ex.LABEL, "one class|한 가지|하나", "defect|불량")),
            Step("run", 2, (ex.LABEL,)),
        ),
    ),
    _file_fault(
        "empty_file",
        ex.empty_file,
        "0-byte CSV",
        2,
        "the file is empty; export it again",
        ("{file}", "empty|0 bytes|비어", REEXPORT),
        ("init",),
    ),
    _file_fault(
        "header_only",
        ex.header_only,
        "CSV with the header line and no rows",
        2,
        "no data rows; a header alone is not data",
        ("{file}", "no data rows", "header alone", REEXPORT),
    ),
    Case(
        "infinite_cells",
        ex.infinite_cells,
        "`inf`, `1e400` and `-inf` in the pressure column of three shots",
        "refused",
        "exit 1 from `validate`, `run`, `retrain` and `drift`: infinite values in 사출압력, with the rows",
        (
            Step("validate", 1, (ex.PRESSURE, "inf|무한")),
            Step("run", 1, (ex.PRESSURE, "inf|무한")),
            Step("retrain", 1, (ex.PRESSURE, "inf|무한")),
            Step("drift", 1, (ex.PRESSURE, "inf|무한")),
        ),
    ),
    Case(
        "dirty_numbers",
        ex.dirty_numbers,
        "`<0.01`, `>500`, `158(Hv30)`, `224Hv10`, `67tot33res`, `150-200`, `N`, `-` in a numeric column",
        "accepted with note",
        "reads them by the documented rules (censored, annotated, range, missing) and counts them per "
        "column in `validate` and `profile`; trains on the numbers",
        (Step("validate", 0, DIRTY_WORDS), Step("profile", 0, DIRTY_WORDS), Step("run", 0)),
    ),
    Case(
        "batch_all_n",
        ex.batch_all_n,
        "20-shot scoring batch in the training format whose 보압시간 and 냉각시간 are all `N`",
        "accepted with note",
        "`predict` scores all 20 shots, taking the column types from the training contract",
        (Step("predict", 0, ('"rejected": 0',), scored=20),),
    ),
    Case(
        "batch_out_of_range",
        ex.batch_out_of_range,
        "20-shot batch with a thickness of 99999 and an unseen part name",
        "accepted with note",
        "`predict` scores all 20 and flags the two rows (`input_flags` names 두께 and 품명; counted in `--json`)",
        (Step("predict", 0, (ex.THICKNESS, ex.PART, '"input_flagged": 2'), scored=20),),
    ),
    Case(
        "batch_infinite",
        ex.batch_infinite,
        "20-shot batch with `inf` and `1e400` in two cells",
        "accepted with note",
        "`predict` scores 18 rows and writes the 2 others to the reject file, naming 사출압력",
        (Step("predict", 0, (ex.PRESSURE, '"rejected": 2'), scored=18),),
    ),
    Case(
        "out_of_range_values",
        ex.out_of_range_values,
        "a mold temperature of -999 and a thickness of 99999, with declared physical limits",
        "refused",
        "exit 1: both values break `columns.limits`; the failure names the column and the value",
        (Step("validate", 1, (ex.MOLD_TEMP, "-999", ex.THICKNESS, "99999")),),
        {"columns.limits": {ex.MOLD_TEMP: {"min": 0, "max": 120}, ex.THICKNESS: {"min": 10, "max": 400}}},
    ),
    Case(
        "header_repeated",
        ex.header_repeated,
        "the header line again after row 120 (pasted export pages)",
        "accepted with note",
        "drops the repeated header line and says on which line it was",
        (Step("validate", 0, ("header|헤더", "122")),),
    ),
    _file_fault(
        "stray_separator",
        ex.stray_separator,
        "two lines with a stray separator after the shot number (one field more than the header)",
        1,
        "data rejected, naming both lines: every value after the stray separator would sit one column off; "
        "fix the lines",
        ("{file}", "lines 31, 151", "stray separator"),
    ),
    Case(
        "summary_row",
        ex.summary_row,
        "a `합계` line at the end (column sums, `NG 36건` as the verdict)",
        "accepted with note",
        "drops the summary line and says so, instead of taking `NG 36건` for a third class",
        (Step("validate", 0, ("합계",)),),
    ),
    Case(
        "excel_merged_header",
        ex.excel_merged_header,
        ".xlsx with group names in merged cells above the column names",
        "accepted with note",
        "finds the header on row 2 under the merged cells and says so",
        (Step("validate", 0, ("row 2|2행",)),),
    ),
    Case(
        "mixed_dates",
        ex.mixed_dates,
        "CP949; three date formats in the time column, one with 오전/오후",
        "accepted with note",
        "reads every format as a date-time (the time split works) and notes the encoding",
        (Step("validate", 0, ("cp949",)),),
    ),
    Case(
        "full_width_digits",
        ex.full_width_digits,
        "full-width digits (`４３．７`) in 12 mold temperatures",
        "refused",
        "exit 1: the column holds values that are not numbers; the failure names it with samples",
        (Step("validate", 1, (ex.MOLD_TEMP, "４")),),
    ),
    Case(
        "label_variants",
        ex.label_variants,
        "verdict typed by hand: `NG`, `NG `, `ng`, `불량`, `OK`, `ok`, `양품`",
        "refused",
        "exit 2: the target holds more spellings than classes; the message lists them",
        (Step("validate", 2, (ex.LABEL, "불량", "양품")),),
    ),
    Case(
        "empty_columns",
        ex.empty_columns,
        "two named columns with no value at all",
        "accepted with note",
        "warns that both are 100 % missing; trains on the others",
        (Step("validate", 0, ("금형온도2", "비고")),),
    ),
    Case(
        "duplicated_ids",
        ex.duplicated_ids,
        "shot numbers 101-110 twice (counter reset)",
        "refused",
        "exit 1: `columns.id` is not unique, with the repeated ids",
        (Step("validate", 1, (ex.ID, "unique|중복", "101")),),
    ),
    Case(
        "stray_labels",
        ex.stray_labels,
        "three verdicts that are neither OK nor NG (`?`, `재검`, `보류`)",
        "refused",
        "exit 2: the target has more classes than the task; the message lists the stray values",
        (Step("validate", 2, (ex.LABEL, "재검", "보류")),),
    ),
    _file_fault(
        "excel_several_sheets",
        ex.excel_several_sheets,
        ".xlsx whose first sheet is a summary; the shots are on sheet 2",
        2,
        "the first sheet lacks the column the verb needs (판정, the model's columns, the id); the message names "
        "the sheets and `data.read.sheet`",
        ("data.read.sheet", "'샷데이터'"),
    ),
    _file_fault(
        "cp949_stray_utf8",
        ex.cp949_stray_utf8,
        "CP949 file whose last line was appended in UTF-8",
        2,
        "the file mixes encodings; the message names the line and the encoding",
        ("{file}", "241", "encoding|인코딩"),
    ),
    Case(
        "unlabelled_rows",
        ex.unlabelled_rows,
        "eight shots without a verdict (not inspected yet)",
        "accepted with note",
        "`validate` and `run` agree: the 8 rows are left out of training and counted",
        (Step("validate", 0, (ex.LABEL, "8")), Step("run", 0, ("8",))),
    ),
    Case(
        "part_name_log",
        ex.part_name_log,
        "CP949 shot log without lot or id column; 품명 holds four part variants",
        "accepted with note",
        "`init --from-data` proposes 품명 as the product column, never a temperature as a group",
        (Step("init", 0, ("product: 품명",)),),
    ),
    Case(
        "semicolon_decimal_comma",
        ex.semicolon_decimal_comma,
        "`;` between fields and `,` as the decimal mark (`40,3`)",
        "accepted with note",
        "detects both and says so; the settings stay numbers",
        (Step("validate", 0, ("';'|separator|구분자", "decimal|소수점")),),
    ),
)


def readme_table(cases: tuple[Case, ...] = CASES) -> str:
    """The README's corpus table: one row per case."""
    lines = ["| case | what the file looks like | verdict | what axpoc does |", "|---|---|---|---|"]
    lines += [
        f"| `{c.name}` | {c.looks_like} | {c.verdict} | {c.does}"
        + (f" (**not yet**: {c.gap})" if c.gap else "")
        + " |"
        for c in cases
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(readme_table())

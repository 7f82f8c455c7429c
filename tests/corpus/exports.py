"""Broken and awkward factory exports, written by seeded pure functions into a folder.

Every writer takes the target folder and a seed and returns the path of the file it wrote (the data file
a config points at). The rows come from two realistic base tables: an injection-molding shot log with
Korean headers (shot number, time, lot, part name, process settings, a thickness and an OK/NG verdict)
and a small press-forming DOE. Each writer then breaks the file the way plants' exports break: cut off,
wrong encoding, a title row, dirty numbers, repeated headers, label spelling, ... The files are small
(tens to a few hundred rows) so that the whole corpus runs end to end in the test suite.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

ID, TIME, LOT, PART, LABEL = "샷번호", "일시", "로트", "품명", "판정"
MOLD_TEMP, PRESSURE, SPEED, HOLD, COOL, THICKNESS = (
    "금형온도",
    "사출압력",
    "사출속도",
    "보압시간",
    "냉각시간",
    "두께",
)
DEFECT_TYPE = "불량유형"
PARTS = ("커버A", "커버B", "브래킷", "하우징")
DEFECT_TYPES = ("미성형", "버", "수축", "웰드라인", "은줄", "기포")
"""Short shot, flash, sink mark, weld line, silver streak, void: the six defect types of the 7-class file."""


# --- base tables -------------------------------------------------------------------------------------


def shot_log(rows: int = 240, *, seed: int = 0, defect_rate: float = 0.15) -> pd.DataFrame:
    """A shot log whose NG shots follow the settings (a cold mold and a short hold make short shots).

    The signal is strong on purpose: a model trained on it beats inspecting nothing, so a case that is
    refused or never champion is so because of the file, not because the base table is noise.
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-02 08:00:00")
    times = start + pd.to_timedelta(np.arange(rows) * 9 + rng.integers(0, 3, rows), unit="min")
    part = np.array(PARTS)[rng.integers(0, len(PARTS), rows)]
    mold = rng.normal(45, 4, rows).round(1)
    pressure = rng.normal(950, 40, rows).round(0)
    speed = rng.normal(80, 8, rows).round(1)
    hold = rng.normal(3.0, 0.4, rows).round(2)
    cool = rng.normal(12, 1.5, rows).round(1)
    thickness = (rng.normal(120, 25, rows) + (part == "하우징") * 60).round(1)
    risk = -(mold - 45) / 4 - (hold - 3.0) / 0.4 + rng.normal(0, 0.6, rows)
    bad = risk >= np.quantile(risk, 1 - defect_rate)
    return pd.DataFrame(
        {
            ID: np.arange(1, rows + 1),
            TIME: times.strftime("%Y-%m-%d %H:%M:%S"),
            LOT: [f"L2603-{1 + i * 8 // rows:02d}" for i in range(rows)],
            PART: part,
            MOLD_TEMP: mold,
            PRESSURE: pressure,
            SPEED: speed,
            HOLD: hold,
            COOL: cool,
            THICKNESS: thickness,
            LABEL: np.where(bad, "NG", "OK"),
        }
    )


def defect_types(rows: int = 280, *, seed: int = 0) -> pd.DataFrame:
    """The shot log with a 7-class 불량유형 (정상 + six defect types) instead of OK/NG."""
    frame = shot_log(rows, seed=seed, defect_rate=0.3)
    rng = np.random.default_rng(seed + 1)
    bad = frame.pop(LABEL).eq("NG").to_numpy()
    kinds = np.where(
        frame[MOLD_TEMP] < 43, rng.choice(DEFECT_TYPES[:3], rows), rng.choice(DEFECT_TYPES[3:], rows)
    )
    frame[DEFECT_TYPE] = np.where(bad, kinds, "정상")
    return frame


def press_doe(*, seed: int = 0) -> pd.DataFrame:
    """A 39-run press-forming DOE (3 x 13 settings) with 6 cracked parts, as engineers keep them."""
    rng = np.random.default_rng(seed)
    rows = 39
    blank = np.tile([0.8, 1.0, 1.2], 13)
    speed = np.repeat(np.linspace(20, 80, 13), 3).round(1)
    holder = rng.normal(120, 15, rows).round(0)
    radius = rng.choice([3.0, 5.0, 8.0], rows)
    risk = speed / 20 - radius / 2 - blank + rng.normal(0, 0.5, rows)
    crack = (risk >= np.sort(risk)[-6]).astype(int)
    return pd.DataFrame(
        {
            "실험번호": np.arange(1, rows + 1),
            "블랭크두께": blank,
            "펀치속도": speed,
            "홀더력": holder,
            "다이R": radius,
            "크랙": crack,
        }
    )


# --- writing helpers ---------------------------------------------------------------------------------


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_csv(folder: Path, name: str, frame: pd.DataFrame, encoding: str = "utf-8") -> Path:
    return _write_text(folder / name, _csv_text(frame), encoding)


def _with_column(frame: pd.DataFrame, column: str, values: list[object], rows: list[int]) -> pd.DataFrame:
    """``frame`` with ``values`` written into ``column`` at ``rows`` (the column becomes text)."""
    out = frame.copy()
    out[column] = out[column].astype(object)
    for row, value in zip(rows, values, strict=True):
        out.loc[row, column] = value
    return out


def _spread(rows: int, count: int, seed: int) -> list[int]:
    """``count`` distinct row positions spread over the file, the first ten rows left intact."""
    rng = np.random.default_rng(seed)
    return sorted(int(r) for r in rng.choice(np.arange(10, rows), count, replace=False))


# --- the writers -------------------------------------------------------------------------------------


def clean_shot_log(folder: Path, seed: int = 0) -> Path:
    """The base shot log as a plain UTF-8 CSV: the reference every other case breaks."""
    return write_csv(folder, "shots.csv", shot_log(seed=seed))


def defect_types_cp949(folder: Path, seed: int = 0) -> Path:
    return write_csv(folder, "불량유형_7종.csv", defect_types(seed=seed), encoding="cp949")


def excel_title_row(folder: Path, seed: int = 0) -> Path:
    """A title and a print date above the table, and a blank row, as an MES report export."""
    from openpyxl import Workbook

    frame = shot_log(seed=seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "샷데이터"
    sheet.append(["2026년 3월 사출 샷 데이터 (1호기)"])
    sheet.append(["출력일: 2026-03-31", None, None, "작성자: 생산관리팀"])
    sheet.append([])
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_plain(v) for v in row])
    path = folder / "샷데이터_타이틀.xlsx"
    book.save(path)
    return path


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _cut(folder: Path, name: str, text: str, keep: int) -> Path:
    """The CSV text cut after ``keep`` characters, as a copy stopped mid-transfer."""
    return _write_text(folder / name, text[:keep])


def cut_short_last_line(folder: Path, seed: int = 0) -> Path:
    """The last line stops after a few fields; the line ends with a newline, as a flushed buffer."""
    text = _csv_text(shot_log(seed=seed))
    last = text.rstrip("\n").rsplit("\n", 1)[1]
    fields = last.split(",")
    return _write_text(folder / "cut_short_line.csv", text[: -len(last) - 1] + ",".join(fields[:4]) + "\n")


def cut_after_separator(folder: Path, seed: int = 0) -> Path:
    """Cut right after a separator in the middle of the last line."""
    text = _csv_text(shot_log(seed=seed)).rstrip("\n")
    start = text.rfind("\n") + 1
    comma = [i for i, c in enumerate(text) if c == "," and i > start][5]
    return _cut(folder, "cut_after_sep.csv", text, comma + 1)


def cut_inside_last_field(folder: Path, seed: int = 0) -> Path:
    """Cut inside the label field of the last line: 'NG' became 'N', every column present."""
    frame = shot_log(seed=seed)
    frame.loc[frame.index[-1], LABEL] = "NG"
    text = _csv_text(frame).rstrip("\n")
    return _cut(folder, "cut_last_field.csv", text, len(text) - 1)


def cut_mid_quote(folder: Path, seed: int = 0) -> Path:
    """A quoted remark column, cut inside the opening quote of the last line's remark."""
    frame = shot_log(seed=seed)
    frame["비고"] = ["정상 생산" if i % 5 else "금형 교체, 조건 변경" for i in range(len(frame))]
    frame.loc[frame.index[-1], "비고"] = "금형 교체, 조건 변경"
    text = frame.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).rstrip("\n")
    return _cut(folder, "cut_mid_quote.csv", text, text.rfind('"') - 4)


def cut_no_newline(folder: Path, seed: int = 0) -> Path:
    """A short last line and no newline at the end of the file."""
    text = _csv_text(shot_log(seed=seed)).rstrip("\n")
    last = text.rsplit("\n", 1)[1]
    return _write_text(folder / "cut_no_newline.csv", text[: -len(last)] + ",".join(last.split(",")[:7]))


def press_doe_39(folder: Path, seed: int = 0) -> Path:
    return write_csv(folder, "프레스_DOE_39.csv", press_doe(seed=seed))


def one_class(folder: Path, seed: int = 0) -> Path:
    frame = shot_log(120, seed=seed)
    frame[LABEL] = "OK"
    return write_csv(folder, "양품만.csv", frame)


def empty_file(folder: Path, seed: int = 0) -> Path:
    del seed  # nothing to draw
    return _write_text(folder / "빈파일.csv", "")


def header_only(folder: Path, seed: int = 0) -> Path:
    return _write_text(folder / "헤더만.csv", ",".join(shot_log(12, seed=seed).columns) + "\n")


def infinite_cells(folder: Path, seed: int = 0) -> Path:
    """'inf', '1e400' (overflows to inf) and '-inf' in the pressure column of three shots."""
    frame = shot_log(seed=seed)
    frame = _with_column(frame, PRESSURE, ["inf", "1e400", "-inf"], [57, 123, 201])
    return write_csv(folder, "무한대.csv", frame)


DIRTY_VALUES = {
    THICKNESS: ["<0.01", ">500", "158(Hv30)", "224Hv10", "67tot33res", "150-200", "N", "-"],
}
"""Dirty numbers of the issue, all in one column that is otherwise numbers (8 of 240 values)."""


def dirty_numbers(folder: Path, seed: int = 0) -> Path:
    frame = shot_log(seed=seed)
    for column, values in DIRTY_VALUES.items():
        frame = _with_column(frame, column, values, _spread(len(frame), len(values), seed))
    return write_csv(folder, "경도_더티.csv", frame)


def batch_all_n(folder: Path, seed: int = 0) -> Path:
    """A 20-shot scoring batch in the training file's format whose 보압시간 and 냉각시간 are all 'N'."""
    frame = shot_log(20, seed=seed + 7).drop(columns=[LABEL])
    frame[HOLD] = "N"
    frame[COOL] = "N"
    return write_csv(folder, "배치_N.csv", frame)


def batch_out_of_range(folder: Path, seed: int = 0) -> Path:
    """A 20-shot batch with one thickness of 99999 (trained around 60..250) and one unseen part name."""
    frame = shot_log(20, seed=seed + 8).drop(columns=[LABEL])
    frame.loc[5, THICKNESS] = 99999.0
    frame.loc[9, PART] = "신규커버C"
    return write_csv(folder, "배치_범위밖.csv", frame)


def batch_infinite(folder: Path, seed: int = 0) -> Path:
    """A 20-shot batch with 'inf' and '1e400' in two cells."""
    frame = shot_log(20, seed=seed + 9).drop(columns=[LABEL])
    frame = _with_column(frame, PRESSURE, ["inf", "1e400"], [3, 11])
    return write_csv(folder, "배치_무한대.csv", frame)


def out_of_range_values(folder: Path, seed: int = 0) -> Path:
    """Training data with impossible values: a negative mold temperature and a 99999 thickness."""
    frame = shot_log(seed=seed)
    frame.loc[40, MOLD_TEMP] = -999.0
    frame.loc[170, THICKNESS] = 99999.0
    return write_csv(folder, "범위밖.csv", frame)


def header_repeated(folder: Path, seed: int = 0) -> Path:
    """The header line again after row 120, as when an MES pages its export and the pages are pasted."""
    frame = shot_log(seed=seed)
    text = _csv_text(frame).split("\n")
    header = text[0]
    lines = [*text[:121], header, *text[121:]]
    return _write_text(folder / "헤더반복.csv", "\n".join(lines))


def stray_separator(folder: Path, seed: int = 0) -> Path:
    """Two data lines with a stray separator (lines 31 and 151): every value after it is one column off and
    the line holds one field more than the header."""
    frame = shot_log(seed=seed)
    text = _csv_text(frame).split("\n")
    for line in (30, 150):  # 0-based: lines 31 and 151 of the file
        text[line] = text[line].replace(",", ",,", 1)
    return _write_text(folder / "구분자오류.csv", "\n".join(text))


def summary_row(folder: Path, seed: int = 0) -> Path:
    """A '합계' line at the end: the id cell says 합계, the numbers are column sums, the label a count."""
    frame = shot_log(seed=seed)
    total: dict[str, object] = dict.fromkeys(frame.columns, "")
    total[ID] = "합계"
    for column in (MOLD_TEMP, PRESSURE, SPEED, HOLD, COOL, THICKNESS):
        total[column] = round(float(frame[column].sum()), 1)
    total[LABEL] = f"NG {int(frame[LABEL].eq('NG').sum())}건"
    return write_csv(folder, "합계행.csv", pd.concat([frame.astype(object), pd.DataFrame([total])]))


def excel_merged_header(folder: Path, seed: int = 0) -> Path:
    """Two header rows: group names in merged cells above the column names, as a formatted report."""
    from openpyxl import Workbook

    frame = shot_log(seed=seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "조건"
    groups = ["기본정보", None, None, None, "성형조건", None, None, None, None, "품질", None]
    sheet.append(groups)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    sheet.merge_cells(start_row=1, start_column=5, end_row=1, end_column=9)
    sheet.merge_cells(start_row=1, start_column=10, end_row=1, end_column=11)
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_plain(v) for v in row])
    path = folder / "병합헤더.xlsx"
    book.save(path)
    return path


def mixed_dates(folder: Path, seed: int = 0) -> Path:
    """Three date formats in one column, one of them Korean 오전/오후, as shifts with different PCs."""
    frame = shot_log(seed=seed)
    stamps = pd.to_datetime(frame[TIME])
    formats = []
    for i, stamp in enumerate(stamps):
        if i % 3 == 0:
            formats.append(stamp.strftime("%Y-%m-%d %H:%M:%S"))
        elif i % 3 == 1:
            half = "오전" if stamp.hour < 12 else "오후"
            formats.append(f"{stamp:%Y-%m-%d} {half} {(stamp.hour - 1) % 12 + 1}:{stamp:%M:%S}")
        else:
            formats.append(stamp.strftime("%Y/%m/%d %H:%M"))
    frame[TIME] = formats
    return write_csv(folder, "날짜혼합.csv", frame, encoding="cp949")


_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def full_width_digits(folder: Path, seed: int = 0) -> Path:
    """Full-width digits (an IME left in full-width mode) in the mold temperature of a dozen shots."""
    frame = shot_log(seed=seed)
    rows = _spread(len(frame), 12, seed)
    values = [str(frame.loc[r, MOLD_TEMP]).translate(_FULL_WIDTH) for r in rows]
    return write_csv(folder, "전각숫자.csv", _with_column(frame, MOLD_TEMP, values, rows))


def label_variants(folder: Path, seed: int = 0) -> Path:
    """The verdict typed by hand: 'NG ', 'ng', '불량' beside 'NG', and 'ok' / '양품' beside 'OK'."""
    frame = shot_log(seed=seed)
    rng = np.random.default_rng(seed)
    bad = frame[LABEL].eq("NG")
    frame.loc[bad, LABEL] = rng.choice(["NG", "NG ", "ng", "불량"], int(bad.sum()))
    frame.loc[~bad, LABEL] = rng.choice(["OK", "OK", "ok", "양품"], int((~bad).sum()))
    return write_csv(folder, "판정표기.csv", frame)


def empty_columns(folder: Path, seed: int = 0) -> Path:
    """Two named columns that hold nothing (a sensor never wired, a remark nobody filled)."""
    frame = shot_log(seed=seed)
    frame.insert(6, "금형온도2", np.nan)
    frame["비고"] = ""
    return write_csv(folder, "빈컬럼.csv", frame)


def duplicated_ids(folder: Path, seed: int = 0) -> Path:
    """Shot numbers 101..110 appear twice (the counter was reset after a mold change)."""
    frame = shot_log(seed=seed)
    frame.loc[150:159, ID] = frame.loc[100:109, ID].to_numpy()
    return write_csv(folder, "샷번호중복.csv", frame)


STRAY_LABELS = ("?", "재검", "보류")


def stray_labels(folder: Path, seed: int = 0) -> Path:
    """Three shots whose verdict is not OK/NG ('?', '재검' re-inspect, '보류' on hold)."""
    frame = shot_log(seed=seed)
    rows = _spread(len(frame), len(STRAY_LABELS), seed + 3)
    return write_csv(folder, "판정이상값.csv", _with_column(frame, LABEL, list(STRAY_LABELS), rows))


def excel_several_sheets(folder: Path, seed: int = 0) -> Path:
    """A workbook whose first sheet is a summary; the shots are on the second sheet."""
    frame = shot_log(seed=seed)
    summary = frame.groupby(PART, as_index=False)[LABEL].apply(lambda s: int(s.eq("NG").sum()))
    summary.columns = [PART, "NG수"]
    path = folder / "여러시트.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name="요약", index=False)
        frame.to_excel(writer, sheet_name="샷데이터", index=False)
        frame.head(0).to_excel(writer, sheet_name="메모", index=False)
    return path


def cp949_stray_utf8(folder: Path, seed: int = 0) -> Path:
    """A CP949 file with one line appended later by a UTF-8 tool.

    The line's part name is 하우징, whose UTF-8 bytes are no CP949 (some words', such as 불량, are: those
    lines read as garbage and no decoder can notice).
    """
    frame = shot_log(seed=seed)
    frame.loc[frame.index[-1], PART] = "하우징"
    body = _csv_text(frame.iloc[:-1]).encode("cp949")
    tail = _csv_text(frame.iloc[-1:]).split("\n", 1)[1].encode("utf-8")
    path = folder / "인코딩혼합.csv"
    path.write_bytes(body + tail)
    return path


def unlabelled_rows(folder: Path, seed: int = 0) -> Path:
    """Eight shots without a verdict (not inspected yet)."""
    frame = shot_log(seed=seed)
    rows = _spread(len(frame), 8, seed + 5)
    return write_csv(folder, "판정누락.csv", _with_column(frame, LABEL, [""] * 8, rows))


def part_name_log(folder: Path, seed: int = 0) -> Path:
    """The shot log without lot and id: only a part-name column can group it (for ``init``'s roles)."""
    frame = shot_log(seed=seed).drop(columns=[LOT])
    return write_csv(folder, "품명로그.csv", frame, encoding="cp949")


def semicolon_decimal_comma(folder: Path, seed: int = 0) -> Path:
    """A European-locale export: ';' between fields and ',' as the decimal mark."""
    text = shot_log(seed=seed).to_csv(index=False, sep=";", decimal=",", lineterminator="\n")
    return _write_text(folder / "세미콜론.csv", text)

"""Read one file, or a folder/glob of same-shaped files, the way plants export them.

Text files get their encoding, separator and header row detected; Excel sheets their header row (title
rows above it are common); ``.xls`` files are sniffed, because MES systems save HTML tables or
tab-separated text under that name. Numbers are read as written: pandas' default missing-value words
(``N/A``, ``NA``, ...) are switched off so that :func:`~axpoc.data._numbers.clean_numbers` can count them.
"""

from __future__ import annotations

import csv
import difflib
import glob
import re
import struct
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO, TextIOWrapper
from pathlib import Path
from typing import IO, Any

import pandas as pd

from axpoc._columns import is_curve_column
from axpoc.config import ReadOptions
from axpoc.data._complete import OLE2, ZIP, check_container, check_stream, check_text
from axpoc.data._encoding import detect_encoding, open_binary, read_sample
from axpoc.data._numbers import NumberRules
from axpoc.data._roles import SOURCE_COLUMN
from axpoc.data._times import is_timestamp_text
from axpoc.errors import AxpocError, UserError, ValidationFailed
from axpoc.i18n import ReadNote

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".dat"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
COMPRESSED_SUFFIXES = frozenset({".gz", ".bz2", ".xz"})
SEPARATORS = (",", ";", "\t", "|")
HEADER_SCAN_ROWS = 20
"""The header row is looked for among this many rows at the top of a sheet or text file."""

_GLOB_CHARS = re.compile(r"[*?\[]")
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_SUPPORTED = ".csv, .tsv, .txt (also .gz/.bz2/.xz), .xlsx, .xlsm, .xls, .parquet"


@dataclass
class ReadInfo:
    """How one file was read: what was detected is recorded so that a run can be repeated exactly."""

    path: Path
    format: str
    encoding: str | None = None
    separator: str | None = None
    header_row: int | None = None
    """1-based, as Excel or a text editor shows it."""
    sheet: str | None = None
    rows: int = 0
    columns: int = 0
    notes: list[str] = field(default_factory=list)


def read_table(path: str | Path, options: ReadOptions | None = None) -> tuple[pd.DataFrame, ReadInfo]:
    """Read one file, choosing the reader by its suffix (and, for ``.xls``, by its first bytes)."""
    path = Path(path)
    options = options or ReadOptions()
    _check_file(path)
    kind = _sniffed_kind(path)
    layout = _check_whole(path, kind, options)
    if kind == "text" and layout is not None:
        frame, info = _read_text(path, options, layout)
    elif kind == "excel":
        frame, info = _read_excel(path, options, engine="openpyxl")
    elif kind == "xls":
        frame, info = _read_xls(path, options, layout)
    elif kind == "parquet":
        frame, info = _read_parquet(path)
    else:
        raise UserError(f"{path}: cannot read '{''.join(path.suffixes)}' files. axpoc reads {_SUPPORTED}.")
    frame = _drop_empty(_drop_repeats_and_totals(frame, info), info)
    info.rows, info.columns = frame.shape
    return frame, info


def read_files(
    pattern_or_folder: str | Path, options: ReadOptions | None = None
) -> tuple[pd.DataFrame, list[ReadInfo]]:
    """Read every file of a folder or glob and stack them; ``SOURCE_COLUMN`` names each row's file.

    The files must have the same columns (in any order); a file that differs is a :class:`UserError`.
    Files are taken in natural order (``part_2`` before ``part_10``).
    """
    files, base = list_files(pattern_or_folder)
    frames: list[pd.DataFrame] = []
    infos: list[ReadInfo] = []
    reference: list[object] = []
    for file in files:
        frame, info = read_table(file, options)
        if not frames:
            reference = list(frame.columns)
        elif set(frame.columns) != set(reference):
            raise UserError(_shape_message(file, frame, infos[0].path, reference))
        frame = frame[reference]
        frame[SOURCE_COLUMN] = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
        frames.append(frame)
        infos.append(info)
    return pd.concat(frames, ignore_index=True), infos


def list_files(pattern_or_folder: str | Path) -> tuple[list[Path], Path]:
    """The readable files of a folder or glob, in natural order, and the folder they are relative to."""
    text = str(pattern_or_folder)
    path = Path(text)
    if path.is_dir():
        files = [p for p in path.iterdir() if p.is_file() and _readable(p)]
        if not files:
            raise UserError(
                f"{path}: the folder has no data files ({_SUPPORTED}). It contains: {_listing(path)}."
            )
        return sorted(files, key=_natural), path
    if path.is_file() or not _GLOB_CHARS.search(text):
        _check_file(path)
        return [path], path.parent
    base = Path(_GLOB_CHARS.split(text, maxsplit=1)[0] + "x").parent  # the folder part before any wildcard
    files = [Path(p) for p in glob.glob(text, recursive=True)]
    files = [p for p in files if p.is_file() and _readable(p)]
    if not files:
        where = f" It contains: {_listing(base)}." if base.is_dir() else f" The folder {base} does not exist."
        raise UserError(f"No data files match '{text}'.{where} Check the pattern in data.path.")
    return sorted(files, key=_natural), base


def detect_header_row(rows: list[list[object]], options: ReadOptions | None = None) -> int | None:
    """The 1-based header row among ``rows`` (the top of a sheet), or None when no row looks like one.

    Rule: ``width`` is the most common number of filled cells per row. The header is the first row with
    at least max(2, 0.8 x width) filled cells, not all the same (a merged title cell), at least 75 % of
    them text (not numbers, not dates), whose next three rows hold on average at least half of ``width``
    filled cells. Title rows above the table have too few cells; data rows come after the header.
    """
    rules = NumberRules(options or ReadOptions())
    filled = [[c for c in row if not _blank(c)] for row in rows[: HEADER_SCAN_ROWS + 3]]
    counts = [len(cells) for cells in filled]
    if not counts:
        return None
    width = max(Counter(counts).items(), key=lambda item: (item[1], item[0]))[0]
    for i, cells in enumerate(filled[:HEADER_SCAN_ROWS]):
        if len(cells) < max(2, 0.8 * width) or len({str(c) for c in cells}) == 1:
            continue
        text = sum(
            1
            for c in cells
            # '1차압력', '2nd stage' read as annotated numbers in a data column; in a header they are names
            if rules.classify(c)[0] in ("text", "missing_tokens", "annotated") and not is_timestamp_text(c)
        )
        below = counts[i + 1 : i + 4]
        if text >= 0.75 * len(cells) and below and sum(below) / len(below) >= 0.5 * width:
            return i + 1
    return None


def _blank(cell: object) -> bool:
    return (
        cell is None
        or (isinstance(cell, float) and cell != cell)
        or (isinstance(cell, str) and not cell.strip())
    )


def _sniffed_kind(path: Path) -> str | None:
    """The reader a file needs: by its suffix, and a workbook renamed to .csv sniffed like an .xls."""
    kind = _kind(path)
    return "xls" if kind == "text" and _head(path).startswith((OLE2, ZIP)) else kind


def _kind(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes = suffixes[:-1]
        return "text" if suffixes and suffixes[-1] in TEXT_SUFFIXES else None
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "text"
    if last in EXCEL_SUFFIXES:
        return "excel"
    if last == ".xls":
        return "xls"
    if last in PARQUET_SUFFIXES:
        return "parquet"
    return None


def _readable(path: Path) -> bool:
    """A data file, not an Excel lock file (``~$book.xlsx``) or a hidden file."""
    return not path.name.startswith(("~$", ".")) and _kind(path) is not None


def _natural(path: Path) -> list[object]:
    return [
        (0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in re.split(r"(\d+)", path.as_posix())
    ]


def _listing(folder: Path, limit: int = 10) -> str:
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    return (
        ", ".join(names[:limit]) + (f" ... ({len(names)} in all)" if len(names) > limit else "") or "nothing"
    )


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise UserError(
            f"{path} is a folder, not a file. To read every file in it, give the folder (or a glob such as "
            f"'{path}/*.csv') as data.path."
        )
    if not path.exists():
        folder = path.parent
        if not folder.is_dir():
            raise UserError(
                f"File not found: {path} (the folder {folder} does not exist either). Check data.path."
            )
        names = [p.name for p in folder.iterdir()]
        close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.5)
        hint = (
            f"Did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else f"The folder has: {_listing(folder)}."
        )
        raise UserError(
            f"File not found: {path}. {hint} Check data.path (relative paths start at the config's folder)."
        )
    if path.stat().st_size == 0:
        raise UserError(
            f"{path} is empty (0 bytes). Export the data again, or remove the file from the folder."
        )


def _shape_message(file: Path, frame: pd.DataFrame, first: Path, reference: list[object]) -> str:
    missing = [str(c) for c in reference if c not in frame.columns]
    extra = [str(c) for c in frame.columns if c not in reference]
    parts = [f"missing {', '.join(missing)}" if missing else "", f"extra {', '.join(extra)}" if extra else ""]
    return (
        f"{file}: its columns differ from those of {first.name} ({'; '.join(p for p in parts if p)}). Files read "
        "together must have the same columns; fix the header or move the odd file out of the folder."
    )


def _drop_repeats_and_totals(frame: pd.DataFrame, info: ReadInfo) -> pd.DataFrame:
    """Drop lines that repeat the header (export pages pasted together) and summary lines at the end.

    A repeated header is a row whose filled cells (at least two) all equal their column's name; a summary
    line is one of the last :data:`_SUMMARY_TAIL` rows whose first filled cell is a word such as 합계 or
    Total. Both would otherwise turn numeric columns into text and add a class to the target. Each drop
    is a note naming the row as a spreadsheet or text editor shows it; columns that hold only numbers
    once they are gone become numeric again.
    """
    if frame.empty:
        return frame
    # only rows that could be one are looked at cell by cell: a scoring batch may hold millions of rows
    hits = sum(
        (frame[c].eq(str(c)) for c in frame.columns if not _numeric(frame[c])), pd.Series(0, frame.index)
    )
    suspects = frame.index[hits.ge(2)].union(frame.index[-_SUMMARY_TAIL:])
    cells = frame.loc[suspects].astype(object).map(lambda v: "" if _blank(v) else str(v).strip())
    names = pd.Series([str(c).strip() for c in frame.columns], index=frame.columns)
    filled = cells.ne("")
    repeats = filled.sum(axis=1).ge(2) & (cells.eq(names, axis=1) | ~filled).all(axis=1)
    first = cells.apply(lambda row: next((v for v in row if v), ""), axis=1)
    at_end = pd.Series(cells.index.isin(frame.index[-_SUMMARY_TAIL:]), index=cells.index)
    totals = at_end & first.str.replace(" ", "").str.casefold().isin(_SUMMARY_WORDS)
    if not (repeats | totals).any():
        return frame
    line = {i: (info.header_row or 1) + 1 + frame.index.get_loc(i) for i in cells.index}
    if repeats.any():
        rows = ", ".join(str(line[i]) for i in cells.index[repeats])
        info.notes.append(ReadNote("repeated_header", {"n": int(repeats.sum()), "rows": rows}))
    for i in cells.index[totals]:
        info.notes.append(ReadNote("summary_row", {"row": line[i], "first": first[i]}))
    drop = frame.index.isin(cells.index[repeats | totals])
    filled = filled.loc[repeats | totals]
    kept = frame.loc[~drop].reset_index(drop=True)
    for column in frame.columns[filled.any()]:
        if pd.api.types.is_numeric_dtype(kept[column]):
            continue
        numbers = pd.to_numeric(kept[column], errors="coerce")
        if numbers.notna().sum() == kept[column].notna().sum():
            kept[column] = numbers
    return kept


_SUMMARY_TAIL = 3


def _numeric(column: pd.Series) -> bool:
    """A column pandas read as numbers, booleans, dates or curves: it cannot hold a repeated header's text."""
    types = pd.api.types
    return types.is_numeric_dtype(column) or types.is_datetime64_any_dtype(column) or is_curve_column(column)


_SUMMARY_WORDS = frozenset(
    {"합계", "소계", "총계", "누계", "계", "평균", "total", "subtotal", "sum", "average"}
)


def _drop_empty(frame: pd.DataFrame, info: ReadInfo) -> pd.DataFrame:
    """Drop rows with no value and unnamed columns with no value (trailing separators, Excel formatting)."""
    empty_rows = frame.isna().all(axis=1)
    unnamed = [c for c in frame.columns if str(c).startswith("Unnamed: ") and frame[c].isna().all()]
    if unnamed:
        info.notes.append(ReadNote("empty_columns", {"n": len(unnamed)}))
    if empty_rows.any():
        info.notes.append(ReadNote("empty_rows", {"n": int(empty_rows.sum())}))
    return frame.loc[~empty_rows, [c for c in frame.columns if c not in unnamed]].reset_index(drop=True)


@dataclass
class _Layout:
    """How a text file is laid out: what ``pd.read_csv`` needs, and the header's fields when sampled."""

    encoding: str
    sep: str
    header_row: int
    header: list[str] | None
    notes: list[str]
    decimal: str = "."

    def info(self, path: Path, fmt: str) -> ReadInfo:
        """What was detected, as a :class:`ReadInfo` of ``path`` (rows and columns still to count)."""
        info = ReadInfo(
            path=path, format=fmt, encoding=self.encoding, separator=self.sep, header_row=self.header_row
        )
        info.notes.extend(self.notes)
        return info


def csv_arguments(layout: _Layout, options: ReadOptions) -> dict[str, Any]:
    """What ``pd.read_csv`` needs for a text file laid out as ``layout``: whole and chunked reads parse alike.

    Numbers are read as written: pandas' own missing-value words are off (``options.na_values`` and
    blanks are missing), so that :func:`~axpoc.data._numbers.clean_numbers` can count the others.
    """
    return {
        "sep": layout.sep,
        "encoding": layout.encoding,
        "skiprows": layout.header_row - 1,
        "header": 0,
        "keep_default_na": False,
        "na_values": ["", *options.na_values],
        "decimal": layout.decimal,
        "low_memory": False,
    }


def no_rows_error(source: str) -> UserError:
    """A file (or query) that gave a header and no data rows: the same message in every verb that reads one."""
    return UserError(
        f"{source}: no data rows were read (a header alone is not data). Check the file or the query, or "
        "export the data again."
    )


def no_columns_message(path: Path, header_row: int) -> str:
    return f"{path} has no columns from row {header_row} on. Check data.read.header_row."


def _layout(path: Path, options: ReadOptions) -> _Layout:
    """Detect (or take from ``options``) the encoding, separator and header row of a text file."""
    encoding = detect_encoding(path, options.encoding)
    sample, complete = read_sample(path, encoding)
    lines = sample.splitlines() if complete else sample.splitlines()[:-1]
    if not any(line.strip() for line in lines) and complete:
        raise UserError(f"{path} holds no data (only blank lines). Export the data again.")
    notes = []
    if encoding not in ("utf-8", "utf-8-sig"):
        code = "encoding_detected" if options.encoding == "auto" else "encoding"
        notes.append(ReadNote(code, {"encoding": encoding}))
    sep = options.sep or detect_separator(lines, exclude=options.decimal)
    if options.sep is None and sep != ",":
        notes.append(ReadNote("separator", {"sep": sep}))
    header = options.header_row
    if header is None:
        rows = [next(csv.reader([line], delimiter=sep), []) for line in lines[: HEADER_SCAN_ROWS + 3]]
        header = detect_header_row(rows, options) or 1
        if header != 1:
            notes.append(ReadNote("header_skipped", {"header": header, "above": header - 1}))
    fields = next(csv.reader([lines[header - 1]], delimiter=sep), []) if header <= len(lines) else None
    decimal = options.decimal
    if decimal == "." and sep != "," and options.thousands is None and _decimal_commas(lines[header:], sep):
        decimal = ","
        notes.append(ReadNote("decimal_comma"))
    return _Layout(encoding=encoding, sep=sep, header_row=header, header=fields, notes=notes, decimal=decimal)


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_DECIMAL_POINT = re.compile(r"[+-]?\d*\.\d+")


def _decimal_commas(lines: list[str], sep: str) -> bool:
    """Whether the sampled cells write decimals with a comma: several '40,3'-shaped cells, no '40.3', and
    at least one that cannot be a thousands group ('1,234' alone would be ambiguous)."""
    cells = [c.strip() for line in lines[:200] for c in next(csv.reader([line], delimiter=sep), [])]
    commas = [c for c in cells if _DECIMAL_COMMA.fullmatch(c)]
    if len(commas) < 3 or any(_DECIMAL_POINT.fullmatch(c) for c in cells):
        return False
    return any(len(c.split(",")[1]) != 3 or len(c.split(",")[0].lstrip("+-")) > 3 for c in commas)


def check_complete(path: str | Path, options: ReadOptions | None = None) -> None:
    """Refuse a file that looks cut off (an export or copy that stopped early): :class:`FileCutOff`, exit 1.

    Every reader applies this one rule (:mod:`axpoc.data._complete`) before it uses a file;
    :func:`read_table` does so itself, a reader of its own (a streaming scorer) calls this first.
    """
    path = Path(path)
    options = options or ReadOptions()
    _check_file(path)
    _check_whole(path, _sniffed_kind(path), options)


def _check_whole(path: Path, kind: str | None, options: ReadOptions) -> _Layout | None:
    """The completeness check for a file of ``kind``; a text file's layout, detected on the way."""
    if kind in ("excel", "parquet") or (kind == "xls" and _head(path).startswith((OLE2, ZIP))):
        check_container(path, kind)
        return None
    if kind not in ("text", "xls"):
        return None
    check_stream(path)
    layout = _layout(path, options)
    if kind == "text" or not _markup(path, layout.encoding):
        check_text(
            path, encoding=layout.encoding, sep=layout.sep, header_row=layout.header_row, header=layout.header
        )
    return layout


def _read_text(
    path: Path, options: ReadOptions, layout: _Layout, *, fmt: str = "csv"
) -> tuple[pd.DataFrame, ReadInfo]:
    encoding, sep, header = layout.encoding, layout.sep, layout.header_row
    info = layout.info(path, fmt)
    try:
        frame = pd.read_csv(path, **csv_arguments(layout, options))
    except pd.errors.EmptyDataError:
        raise UserError(no_columns_message(path, header)) from None
    except pd.errors.ParserError as exc:
        raise parser_error(path, exc, encoding=encoding, sep=sep, header_row=header) from None
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        # the first line holds one field more than the header: pandas took every row's first field as its
        # index and shifted the values left, one column off
        lines = long_lines(path, encoding=encoding, sep=sep, header_row=header)
        raise ValidationFailed(
            fields_message(path, lines or [header + 1], expected=len(frame.columns), sep=sep)
        )
    return frame, info


def parser_error(path: Path, exc: Exception, *, encoding: str, sep: str, header_row: int) -> AxpocError:
    """pandas' ParserError as the answer every reader gives (training's and predict's alike).

    Lines holding more fields than the header are the data's fault, like a cut-off last line: data rejected
    (:class:`ValidationFailed`, exit 1), every such line named (pandas stops at the first). Text pandas cannot
    split at all points to the separator setting: a :class:`UserError` (exit 2).
    """
    match = _PARSER_LINE.search(str(exc))
    lines = long_lines(path, encoding=encoding, sep=sep, header_row=header_row)
    if match is None and not lines:
        return UserError(
            f"{path}: the text could not be split into columns ({str(exc).strip()}). Check data.read.sep."
        )
    if match is None:
        width = _width(path, encoding, sep, header_row)
        return ValidationFailed(fields_message(path, lines, expected=width, sep=sep))
    expected, line, saw = (int(g) for g in match.groups())
    named = lines or [line]
    return ValidationFailed(
        fields_message(path, named, expected=expected, sep=sep, saw=saw if named == [line] else None)
    )


def _lines_of(path: Path, encoding: str) -> IO[str]:
    """The file's text (decompressed), with line ends kept as they are, for the csv module."""
    return TextIOWrapper(open_binary(path), encoding=encoding, errors="replace", newline="")


def _width(path: Path, encoding: str, sep: str, header_row: int) -> int:
    """The number of fields of the header line."""
    with _lines_of(path, encoding) as handle:
        for _ in range(header_row - 1):
            handle.readline()
        return len(next(csv.reader(handle, delimiter=sep), []))


def long_lines(path: Path, *, encoding: str, sep: str, header_row: int) -> list[int]:
    """The lines (1-based, as a text editor counts them) whose rows hold more fields than the header.

    A pass over the whole file with the csv module: slow, so only for naming lines once pandas has found
    some (its own check stops at the first, and is off when only some columns are read).
    """
    lines = []
    with _lines_of(path, encoding) as handle:
        for _ in range(header_row - 1):
            handle.readline()
        reader = csv.reader(handle, delimiter=sep)
        width = len(next(reader, []))
        for row in reader:
            if len(row) > width:
                lines.append(header_row - 1 + reader.line_num)
    return lines


def fields_message(path: Path, lines: list[int], *, expected: int, sep: str, saw: int | None = None) -> str:
    """The one message for lines holding more fields than the header: the file, the lines and the fix."""
    many = len(lines) > 1
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    return (
        f"{path}: line{'s' if many else ''} {shown} ha{'ve' if many else 's'} "
        f"{f'{saw} fields' if saw is not None else 'more fields'} where the header has {expected} "
        f"(separator {sep!r}). Fix {'those lines' if many else 'that line'} (a stray separator or quote), or set "
        "data.read.sep if the separator is wrong."
    )


def detect_separator(lines: list[str], *, exclude: str = "") -> str:
    """The candidate that splits the most lines into the same number (>1) of fields; ',' when none does.

    The decimal mark (``exclude``) is never a candidate, so '1,5;2,5' splits on ';' when decimal is ','.
    """
    lines = [line for line in lines if line.strip()][: HEADER_SCAN_ROWS + 10]
    best, best_score = ",", (0, 0)
    if not lines:
        return best
    for sep in (s for s in SEPARATORS if s != exclude):
        widths = Counter(len(next(csv.reader([line], delimiter=sep), [])) for line in lines)
        width, share = max(widths.items(), key=lambda item: (item[1], item[0]))
        if width > 1 and (share, width) > best_score:
            best, best_score = sep, (share, width)
    return best


def _read_excel(path: Path, options: ReadOptions, *, engine: str) -> tuple[pd.DataFrame, ReadInfo]:
    """A workbook's sheet; a workbook that cannot be opened or whose sheet is damaged is a UserError."""
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException
    from xlrd import XLRDError
    from xlrd.compdoc import CompDocError

    broken = (
        InvalidFileException,
        XLRDError,
        CompDocError,
        zipfile.BadZipFile,
        NotImplementedError,  # zipfile, when a damaged entry names an unknown compression
        zlib.error,
        ParseError,
        EOFError,
        struct.error,  # xlrd meets a damaged BIFF record with these three
        AssertionError,
        IndexError,
    )
    try:
        with warnings.catch_warnings():
            # pandas 3 deprecates xlrd in favour of python-calamine (not a dependency): nothing a user can act on
            warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
            book = pd.ExcelFile(path, engine=engine)
    except (*broken, KeyError, ValueError, OSError) as exc:
        raise UserError(
            f"{path}: cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}). Open it in Excel "
            "and save it again as .xlsx."
        ) from None
    with book:
        try:
            return _read_sheet(path, book, options, engine=engine)
        except broken as exc:
            raise UserError(
                f"{path}: the workbook is damaged ({type(exc).__name__}: {exc}). Open it in Excel and save it "
                "again as .xlsx, or export the data again."
            ) from None


def _read_sheet(
    path: Path, book: pd.ExcelFile, options: ReadOptions, *, engine: str
) -> tuple[pd.DataFrame, ReadInfo]:
    sheet = _pick_sheet(path, [str(s) for s in book.sheet_names], options.sheet)
    info = ReadInfo(path=path, format="excel" if engine == "openpyxl" else "xls", sheet=sheet)
    if len(book.sheet_names) > 1 and options.sheet is None:
        info.notes.append(ReadNote("sheet", {"sheet": sheet, "total": len(book.sheet_names)}))
    header = options.header_row
    if header is None:
        grid = pd.read_excel(
            book,
            sheet_name=sheet,
            header=None,
            nrows=HEADER_SCAN_ROWS + 3,
            keep_default_na=False,
            na_values=[""],
        )
        header = detect_header_row(grid.astype(object).values.tolist(), options) or 1
        info.notes.append(ReadNote("header_row" if header == 1 else "header_rows_above", {"header": header}))
    info.header_row = header
    frame = pd.read_excel(
        book,
        sheet_name=sheet,
        header=header - 1,
        keep_default_na=False,
        na_values=["", *options.na_values],
    )
    return frame, info


def sheets_holding(
    path: Path, column: str, options: ReadOptions, *, engine: str = "openpyxl"
) -> tuple[list[str], list[str]]:
    """A workbook's sheet names, and those whose header row (detected as when reading) names ``column``."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
        book = pd.ExcelFile(path, engine=engine)
    with book:
        names = [str(s) for s in book.sheet_names]
        holding = []
        for name in names:
            grid = pd.read_excel(
                book, sheet_name=name, header=None, nrows=HEADER_SCAN_ROWS + 3, keep_default_na=False
            )
            rows = grid.astype(object).values.tolist()
            header = options.header_row or detect_header_row(rows, options) or 1
            if len(rows) >= header and column in (str(c).strip() for c in rows[header - 1]):
                holding.append(name)
    return names, holding


def _pick_sheet(path: Path, names: list[str], wanted: str | int | None) -> str:
    if wanted is None:
        return names[0]
    if isinstance(wanted, int):
        if 0 <= wanted < len(names):
            return names[wanted]
        raise UserError(
            f"{path}: data.read.sheet {wanted} is out of range; the workbook has {len(names)} sheet(s) "
            f"(0-based): {', '.join(repr(n) for n in names)}."
        )
    if wanted in names:
        return wanted
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise UserError(
        f"{path}: no sheet named '{wanted}'.{hint} Sheets: {', '.join(repr(n) for n in names)}. "
        "Set data.read.sheet to one of them (or its 0-based number)."
    )


def _read_xls(path: Path, options: ReadOptions, layout: _Layout | None) -> tuple[pd.DataFrame, ReadInfo]:
    """A real BIFF workbook, an .xlsx under the old name, an HTML table, or tab-separated text."""
    head = _head(path)
    if layout is None:  # a workbook: the completeness check saw its first bytes
        xlsx = head.startswith(ZIP)
        frame, info = _read_excel(path, options, engine="openpyxl" if xlsx else "xlrd")
        if path.suffix.lower() != ".xls" or xlsx:
            kind = ".xlsx" if xlsx else ".xls"
            info.notes.append(ReadNote("workbook_renamed", {"kind": kind, "suffix": path.suffix}))
        return frame, info
    markup = _markup(path, layout.encoding)
    if markup == "xml":
        raise UserError(
            f"{path} is an 'XML Spreadsheet 2003' file, which axpoc cannot read. Open it in Excel and save it "
            "as .xlsx (or CSV UTF-8)."
        )
    if markup == "html":
        return _read_html(path, options, layout.encoding)
    frame, info = _read_text(path, options, layout, fmt="text-xls")
    info.notes.append(ReadNote("text_as_xls"))
    return frame, info


def _markup(path: Path, encoding: str) -> str | None:
    """'xml' (an XML Spreadsheet 2003) or 'html' (a table) for text saved as .xls; None for plain text."""
    sample, _ = read_sample(path, encoding)
    if "urn:schemas-microsoft-com:office:spreadsheet" in sample:
        return "xml"
    return "html" if re.search(r"<table", sample, re.IGNORECASE) else None


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(8)


def _read_html(path: Path, options: ReadOptions, encoding: str) -> tuple[pd.DataFrame, ReadInfo]:
    """An HTML table saved as .xls by an MES: the largest table, or ``read.sheet`` as a table number."""
    missing = ["", *options.na_values]
    try:
        tables = pd.read_html(
            StringIO(path.read_text(encoding=encoding)),
            thousands=None,
            keep_default_na=False,
            na_values=missing,
        )
    except ValueError as exc:
        raise UserError(f"{path}: an HTML file without a readable table ({exc}).") from None
    info = ReadInfo(path=path, format="html", encoding=encoding)
    if isinstance(options.sheet, str):
        raise UserError(
            f"{path}: an HTML table file has no sheet names; set data.read.sheet to a table number."
        )
    if options.sheet is None:
        index = max(range(len(tables)), key=lambda i: tables[i].size)
    elif 0 <= options.sheet < len(tables):
        index = options.sheet
    else:
        raise UserError(
            f"{path}: data.read.sheet {options.sheet} is out of range; the file has {len(tables)} table(s)."
        )
    if len(tables) > 1:
        info.notes.append(ReadNote("html_table", {"index": index, "total": len(tables)}))
    grid = _as_grid(tables[index])
    header = options.header_row or detect_header_row(grid, options) or 1
    if options.header_row is None and header != 1:
        info.notes.append(ReadNote("header_rows_above", {"header": header}))
    info.header_row = header
    buffer = StringIO()  # through CSV text, so that pandas infers types and names duplicate headers as usual
    csv.writer(buffer).writerows([["" if _blank(c) else c for c in row] for row in grid[header - 1 :]])
    buffer.seek(0)
    frame = pd.read_csv(buffer, keep_default_na=False, na_values=missing, decimal=options.decimal)
    return frame, info


def _as_grid(table: pd.DataFrame) -> list[list[object]]:
    """All rows of an HTML table as cells, the ``<th>`` header row (if pandas took one) included."""
    rows = table.astype(object).values.tolist()
    if list(table.columns) == list(range(table.shape[1])):
        return rows
    labels = [c[-1] if isinstance(c, tuple) else c for c in table.columns]
    return [labels, *rows]


def _read_parquet(path: Path) -> tuple[pd.DataFrame, ReadInfo]:
    import pyarrow

    try:
        frame = pd.read_parquet(path)
    except (pyarrow.ArrowException, OSError) as exc:
        raise UserError(
            f"{path}: not a readable Parquet file ({exc}). Write it again, or export CSV."
        ) from None
    return frame, ReadInfo(path=path, format="parquet")

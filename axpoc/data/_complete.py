"""Is the file whole? A CSV, workbook or Parquet file that an export or a copy left unfinished.

A cut-off CSV still parses: its last row just misses values, or ends in half a number. One rule, applied
by every reader before the data is used, looks at the end of the file:

- a ``.gz``/``.bz2``/``.xz`` stream, an ``.xlsx`` zip, an ``.xls`` compound file or a Parquet file
  without its end marker (these formats end with one);
- the text ends inside a multi-byte character, or inside a quoted value that is never closed;
- the last row has fewer fields than the rows before it (or the header): cut after a separator, or a
  summary line ("합계,1234") where a row belongs;
- the file ends without a line break and the last value is unfinished: empty after a separator in a
  column that is never empty, an incomplete number (``12.``, ``1e``), fewer decimals than a fixed-format
  column always has, or the beginning of a value pattern the column always follows (``NG`` cut to ``N``,
  ``2024-03-05 12:30:00`` cut to ``2024-03-05 12:3``).

A short last row whose empty fields still have their separators is complete, and so is a last line
without a line break that has every field: nothing is refused for that alone.
"""

from __future__ import annotations

import codecs
import csv
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from lzma import LZMAError
from pathlib import Path

from axpoc.data._encoding import open_binary
from axpoc.errors import UserError, ValidationFailed

TAIL_BYTES = 64 * 1024
"""Only the end of a file is examined: the last rows are where a cut shows."""
REFERENCE_ROWS = 50
"""The last row is compared with up to this many rows before it."""
MAX_SHAPES = 8
"""A last column with more distinct value patterns than this is free text: its end proves nothing."""

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of a compound file (a genuine .xls workbook)."""
ZIP = b"PK\x03\x04"
"""The first bytes of a zip archive (an .xlsx workbook)."""
_ZIP_END = b"PK\x05\x06"
_PARQUET = b"PAR1"
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,](\d+))?(?:[eE][-+]?\d+)?$")
_UNFINISHED_NUMBER = re.compile(r"^[-+]?(?:\d+[.,]?)?(?:\d+[eE][-+]?)?$")
_DIGIT = re.compile(r"\d")
_LINES = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
"""Line ends as pandas reads them: LF, CRLF, and a lone CR (old Mac exports)."""
_FIX = (
    "Export the data again (or copy the whole file again) and run again; if the last line really is "
    "complete, end the file with a line break."
)


class FileCutOff(ValidationFailed):
    """The file looks cut off (an export or copy that stopped early): the data is refused (exit 1)."""

    code = "file_cut_off"


def cut_off(path: Path, what: str, *, fix: str = _FIX) -> FileCutOff:
    """The one message for every kind of cut: file, where, what was seen, what to do."""
    return FileCutOff(
        f"{path}: {what}, so the file looks cut off (an export or copy that stopped early). {fix} "
        "Nothing was read from it."
    )


def check_container(path: Path, kind: str) -> None:
    """Workbooks, compound files and Parquet files end with a marker that a cut file lacks."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
        handle.seek(max(0, size - 65_557))  # the zip end record sits within the last 64 KiB + 22 bytes
        tail = handle.read()
    fix = "Export or save it again (or copy the whole file again) and run again."
    if kind == "parquet" and head.startswith(_PARQUET) and not tail.endswith(_PARQUET):
        raise cut_off(path, "the Parquet file has no end marker", fix=fix)
    if head.startswith(ZIP) and _ZIP_END not in tail:
        raise cut_off(path, "the workbook (a zip archive) has no end record", fix=fix)
    if head.startswith(OLE2) and size % 512:
        raise cut_off(path, f"the workbook's size ({size:,} bytes) is not a whole number of blocks", fix=fix)


def check_stream(path: Path) -> None:
    """A compressed text file whose stream stops before its end marker (read through once)."""
    if path.suffix.lower() not in (".gz", ".bz2", ".xz"):
        return
    try:
        with open_binary(path) as handle:
            while handle.read(1 << 20):
                pass
    except EOFError as exc:
        raise cut_off(path, f"the {path.suffix} stream ends early ({exc})") from None
    except (OSError, zlib.error, LZMAError) as exc:
        raise UserError(
            f"{path}: not a readable {path.suffix} file ({exc}). Compress it again, or give the uncompressed file."
        ) from None


@dataclass
class _Record:
    fields: list[str]
    first_line: int
    """1-based, within the examined text."""
    last_line: int
    raw: str


def check_text(path: Path, *, encoding: str, sep: str, header_row: int, header: list[str] | None) -> None:
    """Apply the module's rule to the end of a text file read with ``encoding``, ``sep`` and ``header_row``.

    ``header`` holds the header's fields; None reads them from the tail when it is the whole file.
    """
    data, whole = _tail(path)
    text, cut_char = _decode(data, encoding)
    if cut_char:
        raise cut_off(path, f"line {_line_count(path, encoding)}, the last line, ends inside a character")
    lines = [line for line in _LINES.split(text) if line]
    skipped = header_row if whole else 1  # title rows and the header; else the tail's partial first line
    if whole:
        header = next(csv.reader(lines[header_row - 1 : header_row], delimiter=sep), [])
    records = _records(lines[skipped:], sep, offset=skipped)
    if not records or header is None:
        return
    last, before = records[-1], records[-1 - REFERENCE_ROWS : -1]
    widths = {len(r.fields) for r in before}
    if len(widths) > 1:
        return  # rows of several widths (a ragged export): a short last row proves nothing
    # without rows to compare with, the header's trailing empty names ('a,b,c,') are not fields
    expected = widths.pop() if widths else len(header) - _trailing_blanks(header)

    def line(number: int) -> int:
        return number if whole else _line_count(path, encoding) - len(lines) + number

    if _open_quote(last.raw, sep):
        raise cut_off(path, f"the quoted value that starts on line {line(last.first_line)} is never closed")
    ends_line = last.raw.endswith(("\n", "\r"))
    found = len(last.fields)
    if found < expected:
        if ends_line:
            raise cut_off(
                path,
                f"line {line(last.last_line)}, the last line, has {found} of {expected} fields",
                fix="Export the data again (or copy the whole file again) and run again; if it is a summary or "
                "footer line (e.g. '합계'), delete it.",
            )
        raise cut_off(
            path,
            f"line {line(last.last_line)}, the last line, has {found} of {expected} fields and no line break",
        )
    if ends_line or found != expected or last.raw.rstrip().endswith('"'):
        return
    previous = last.fields[-2] if found > 1 else ""
    why = _unfinished(last.fields[-1], previous, [r.fields[-1] for r in before])
    if why:
        raise cut_off(path, f"line {line(last.last_line)}, the last line, has no line break and {why}")


def _trailing_blanks(fields: list[str]) -> int:
    blanks = 0
    for name in reversed(fields):
        if name.strip():
            break
        blanks += 1
    return blanks


def _tail(path: Path) -> tuple[bytes, bool]:
    """The last ``TAIL_BYTES`` of the (decompressed) file, and whether that is the whole file."""
    if path.suffix.lower() in (".gz", ".bz2", ".xz"):
        kept, total = b"", 0
        with open_binary(path) as handle:
            while chunk := handle.read(1 << 20):
                kept, total = (kept + chunk)[-TAIL_BYTES:], total + len(chunk)
        return kept, total <= TAIL_BYTES
    size = path.stat().st_size
    with path.open("rb") as handle:
        start = max(0, size - TAIL_BYTES)
        handle.seek(start - start % 2)  # even: UTF-16 characters start at even offsets
        return handle.read(), start == 0


def _decode(data: bytes, encoding: str) -> tuple[str, bool]:
    """The text, and whether it ends inside a multi-byte character."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(data, final=False)
    pending, _ = decoder.getstate()
    return text, bool(pending)


def _records(lines: Sequence[str], sep: str, *, offset: int) -> list[_Record]:
    """Records (quoted line breaks kept inside a record) with the lines they span, blank rows left out."""
    records: list[_Record] = []
    reader = csv.reader(iter(lines), delimiter=sep)
    seen = 0
    try:
        for fields in reader:
            first, seen = seen + 1, reader.line_num
            if any(f.strip() for f in fields):
                raw = "".join(lines[first - 1 : seen])
                records.append(_Record(fields, first + offset, seen + offset, raw))
    except csv.Error:
        return []  # text the csv module cannot split: the reader's own parser names the line
    return records


def _open_quote(raw: str, sep: str) -> bool:
    """The record's text ends inside a quoted value."""
    try:
        list(csv.reader([raw], delimiter=sep, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _unfinished(value: str, previous: str, column: list[str]) -> str:
    """Why ``value``, the file's last, looks cut when the same column held ``column`` above; '' if not.

    ``previous`` is the value before it on the same line.
    """
    if not column:
        return ""
    if not value.strip():
        # one empty value after a filled one: a row whose last fields are empty leaves several
        if previous.strip() and all(v.strip() for v in column):
            return "its last value is empty in a column that is never empty above it (cut after a separator)"
        return ""
    numbers = [_NUMBER.match(v.strip()) for v in column]
    if all(numbers):
        if not _NUMBER.match(value.strip()):
            if _UNFINISHED_NUMBER.match(value.strip()):
                return f"its last value {value!r} is an unfinished number"
            return ""
        decimals = {len(m[1] or "") for m in numbers if m}
        got = len(_NUMBER.match(value.strip())[1] or "")  # type: ignore[index]
        # a float written without trailing zeros drops a decimal one time in ten: a fixed format needs
        # a full window of rows to be told from chance
        if len(decimals) == 1 and len(column) >= REFERENCE_ROWS and got < (places := decimals.pop()):
            return f"its last value {value!r} has {got} decimal place(s) where every value above has {places}"
        return ""
    shapes = {_DIGIT.sub("9", v) for v in column}
    shape = _DIGIT.sub("9", value)
    if len(shapes) <= MAX_SHAPES and shape not in shapes and any(s.startswith(shape) for s in shapes):
        example = next(v for v in column if _DIGIT.sub("9", v).startswith(shape))
        return f"its last value {value!r} is the beginning of a value like {example!r} above it"
    return ""


def _line_count(path: Path, encoding: str) -> int:
    """The file's number of lines, as an editor shows them (a last line without a line break counts)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    count, last = 0, ""
    with open_binary(path) as handle:
        while chunk := handle.read(1 << 20):
            text = decoder.decode(chunk)
            count += text.count("\n") + text.count("\r") - text.count("\r\n")
            last = text[-1:] or last
    return count + (last not in ("\n", "\r", ""))

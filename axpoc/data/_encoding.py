"""Text encodings of plant files: UTF-8 (with or without BOM), UTF-16 from Excel, CP949 from Korean Windows."""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from axpoc.errors import UserError

_CHUNK = 1 << 20
_SAMPLE = 64 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_STRICT = ("utf-8", "cp949")
# EUC-KR files from Korean Windows are nearly always CP949 (its superset with all 11,172 syllables).
_ALIASES = {"euc-kr": "cp949", "euc_kr": "cp949", "euckr": "cp949", "ks_c_5601-1987": "cp949"}


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing ``.gz``, ``.bz2`` and ``.xz``."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    if suffix == ".xz":
        return lzma.open(path, "rb")
    return path.open("rb")


def _chunks(path: Path) -> Iterator[bytes]:
    with open_binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _decodes(path: Path, encoding: str) -> UnicodeDecodeError | None:
    """Strictly decode the whole file in chunks; return the first error, or None when it decodes.

    A file that ends inside a character decodes: it was cut, which the completeness check reports.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    try:
        for chunk in _chunks(path):
            decoder.decode(chunk)
            offset += len(chunk)
    except UnicodeDecodeError as exc:
        return UnicodeDecodeError(exc.encoding, exc.object, exc.start + offset, exc.end + offset, exc.reason)
    return None


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """The encoding to read ``path`` with: a declared one is checked, ``auto`` is detected.

    Order: a byte-order mark; strict UTF-8; strict CP949 (covers EUC-KR); charset-normalizer's guess.
    """
    declared = _ALIASES.get(declared.lower(), declared)
    if declared != "auto":
        try:
            codecs.lookup(declared)
        except LookupError:
            raise UserError(
                f"data.read.encoding: unknown encoding '{declared}'. Use 'auto', 'utf-8', 'utf-8-sig' or 'cp949'."
            ) from None
        error = _decodes(path, declared)
        if error is not None:
            raise UserError(
                f"{path}: cannot be read as {declared} ({error.reason} at byte {error.start}). "
                "Set data.read.encoding to 'auto' to detect it, or to the encoding the file was saved with "
                "(Korean Windows exports are usually 'cp949')."
            )
        return declared
    with open_binary(path) as handle:
        head = handle.read(_SAMPLE)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    errors: dict[str, UnicodeDecodeError] = {}
    for encoding in _STRICT:
        error = _decodes(path, encoding)
        if error is None:
            return encoding
        errors[encoding] = error
    _refuse_mixed(path, errors)
    return _guess(path, head)


def _refuse_mixed(path: Path, errors: dict[str, UnicodeDecodeError]) -> None:
    """Refuse a file whose lines are Korean text in one strict encoding up to a line that is not.

    Typical: a CP949 export with a line appended by a UTF-8 program. A guess for the whole file would
    garble every Korean header; the line that breaks the pattern is named instead. Only lines above the
    failing one that hold non-ASCII text count as evidence, so a file with no such line is still guessed.
    """
    found = []
    for encoding, error in errors.items():
        line, evidence = _line_of(path, error.start)
        if evidence:
            found.append((error.start, encoding, line))
    if not found:
        return
    _, encoding, line = max(found)
    others = [e for e in _STRICT if e != encoding and _line_decodes(path, line, e)]
    also = f" (it reads as {others[0]})" if others else ""
    raise UserError(
        f"{path}: line {line} is not {encoding} like the lines above it{also}, so the file mixes text "
        "encodings (lines added by another program or pasted in). Save the whole file again in one encoding "
        f"(Excel: 'CSV UTF-8'), or retype line {line}, and run again."
    )


def _line_of(path: Path, offset: int) -> tuple[int, bool]:
    """The 1-based line holding byte ``offset``, and whether the lines above it hold non-ASCII bytes."""
    newlines, seen, evidence, non_ascii = 0, 0, False, False
    for chunk in _chunks(path):
        piece = chunk[: max(0, offset - seen)]
        last = piece.rfind(b"\n")
        if last >= 0:
            evidence = non_ascii or not piece[:last].isascii()
        non_ascii = non_ascii or not piece.isascii()
        newlines += piece.count(b"\n")
        seen += len(chunk)
        if seen >= offset:
            break
    return newlines + 1, evidence


def _line_decodes(path: Path, line: int, encoding: str) -> bool:
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if number == line:
                try:
                    raw.decode(encoding)
                except UnicodeDecodeError:
                    return False
                return True
    return False


def _guess(path: Path, head: bytes) -> str:
    from charset_normalizer import from_bytes

    match = from_bytes(head).best()
    if match is not None and _decodes(path, match.encoding) is None:
        return match.encoding
    tried = ", ".join([*_STRICT, "charset-normalizer" + (f" ({match.encoding})" if match else "")])
    raise UserError(
        f"{path}: the text encoding could not be detected (tried {tried}). Open the file in Excel or a text "
        "editor, check which encoding it was saved with, and set data.read.encoding in the config, "
        "e.g. 'cp949' for Korean Windows or 'utf-8'."
    )


def read_sample(path: Path, encoding: str, size: int = _SAMPLE) -> tuple[str, bool]:
    """The first ``size`` bytes as text, and whether that is the whole file (else the last line is cut)."""
    with open_binary(path) as handle:
        head = handle.read(size + 1)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head[:size], final=False)
    return text, len(head) <= size

"""Write tables atomically (:mod:`axpoc._files`) and check output paths before any work is done for them."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from axpoc._columns import curve_columns
from axpoc._files import write_atomic
from axpoc.errors import UserError


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """CSV in UTF-8 with a BOM, so Excel on Korean Windows shows Korean text; no index column."""
    path = Path(path)
    curves = curve_columns(frame)
    if curves:
        raise UserError(
            f"{path}: columns {', '.join(map(str, curves))} hold sensor curves (arrays), which CSV cannot keep. "
            "Write a .parquet file instead."
        )
    return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """CSV (UTF-8 with BOM) or Parquet, chosen by the file suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(frame, path)
    if suffix in (".parquet", ".pq"):
        return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
    raise UserError(f"{path}: cannot write '{suffix}' files; use a .csv or .parquet file name.")


def output_file(path: str | Path, *, option: str, example: str) -> Path:
    """``path`` resolved, with its folder created, before any work is done for it.

    Why: a verb that first works for minutes and then fails to write (a folder where the file should go,
    a file where a folder should be, no permission) wastes the run and, unchecked, ends in a traceback.
    ``option`` (e.g. ``--out``) and ``example`` (a file name) make the message say what to give instead.
    """
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise UserError(f"{option} {path} is a folder; give a file name, e.g. {option} {path / example}.")
    writable_parent(path, option=option)
    return path


def writable_parent(path: Path, *, option: str) -> Path:
    """``path``'s folder, created; a file in the way, a folder that cannot be made or no write permission is
    a user error naming ``option`` (e.g. ``--out``, ``--into``) and a way out."""
    blocker = next((p for p in path.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise UserError(
            f"{option} {path}: {blocker} is a file, not a folder; choose a path in a folder, "
            f"e.g. {option} {blocker.parent / path.name}."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"{option} {path}: the folder {path.parent} cannot be created ({exc.strerror or exc}); "
            "choose a folder you can write to."
        ) from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise UserError(
            f"{option} {path}: no permission to write into {path.parent}; choose a folder you can write to."
        )
    return path.parent

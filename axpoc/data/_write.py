"""Write tables atomically: a crash mid-write never leaves a half file where a good one was."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from axpoc.errors import UserError


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """CSV in UTF-8 with a BOM, so Excel on Korean Windows shows Korean text; no index column."""
    path = Path(path)
    curves = [c for c in frame.columns if holds_arrays(frame[c])]
    if curves:
        raise UserError(
            f"{path}: columns {', '.join(map(str, curves))} hold sensor curves (arrays), which CSV cannot keep. "
            "Write a .parquet file instead."
        )
    return _atomic(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """CSV (UTF-8 with BOM) or Parquet, chosen by the file suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(frame, path)
    if suffix in (".parquet", ".pq"):
        return _atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
    raise UserError(f"{path}: cannot write '{suffix}' files; use a .csv or .parquet file name.")


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Write to a temporary file beside ``path``, then rename it over ``path`` in one step.

    The temp file is created like any other file (mode 0666 less the umask, usually 0644), not with
    ``mkstemp``'s private 0600: outputs and reports are meant to be read by colleagues and other programs.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    tmp.open("x").close()
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def holds_arrays(series: pd.Series) -> bool:
    """Whether a column holds sensor curves: 1-D arrays (or lists) in its cells."""
    if not pd.api.types.is_object_dtype(series):
        return False
    first = series.dropna()
    return not first.empty and isinstance(first.iloc[0], np.ndarray | list)

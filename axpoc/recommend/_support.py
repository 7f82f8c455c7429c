"""Where the data is: how many training parts ran near a setting, and whether that is enough.

The measure, in one paragraph (README "axpoc recommend" says the same): the product (``columns.product``)
must match exactly, because a part of another product is not "nearby", and within a product every numeric
feature of the model (the controllable settings and the numeric context) is standardised by that product's
median and spread (IQR / 1.349, else the standard deviation), so each counts at its own variation and not at
the gap between products' set points; other text columns (a material lot's code) do not enter
the distance: a lot code says nothing about how near two settings are, and a new lot is never in the data.
Parts of one production run (a lot, a tool: ``columns.group``; else a block of the training part) share
their set points, so a part's nearest neighbours are its own run's; the **radius** is therefore the
``quantile`` (95 %), per product, of each training part's distance to its ``k``-th nearest part of *another*
run: how far a new run typically lies from the runs before it. A setting's **support** is the number of training
parts within that radius of it; it is **supported** when at least ``k`` are, or, for a context that is
itself unusual (today's setting has fewer than ``k`` nearby), when at least as many as today's setting has
and never none: a recommendation takes the part no further from the data than it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from axpoc._columns import is_curve_column

K_NEIGHBOURS = 5
RADIUS_QUANTILE = 0.95
RUN_BLOCKS = 20
"""Without a group column, the training part (in its order: time, for a time split) cut into this many runs."""


@dataclass(frozen=True)
class Cell:
    """The training parts of one product, standardised by that product's own median and spread."""

    centre: np.ndarray
    scale: np.ndarray
    points: np.ndarray
    radius: float


@dataclass
class Support:
    """A fitted support measure on the training part (see the module doc)."""

    numeric: list[str]
    exact: list[str]
    cells: dict[tuple[object, ...], Cell]
    k: int = K_NEIGHBOURS

    @classmethod
    def fit(
        cls,
        train: pd.DataFrame,
        features: list[str],
        *,
        product: str | None = None,
        runs: np.ndarray | None = None,
        k: int = K_NEIGHBOURS,
    ) -> Support:
        """Learn each product's scales and radius from the training part.

        ``runs`` labels each training row's production run (its lot or tool, ``columns.group``); without
        it the training part, in its order, is cut into `RUN_BLOCKS` blocks."""
        numeric = [c for c in features if _is_number(train[c])]
        exact = (
            [product] if product is not None and product in train.columns and product not in numeric else []
        )
        support = cls(numeric, exact, {}, k)
        values = support._values(train)
        keys = support.keys(train)
        labels = (
            np.asarray(runs) if runs is not None else np.arange(len(train)) * RUN_BLOCKS // max(len(train), 1)
        )
        for key in dict.fromkeys(keys):
            mask = np.array([kk == key for kk in keys])
            support.cells[key] = _cell(values[mask], labels[mask].astype(str), k)
        return support

    def _values(self, rows: pd.DataFrame) -> np.ndarray:
        return rows[self.numeric].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)

    def keys(self, rows: pd.DataFrame) -> list[tuple[object, ...]]:
        return [tuple(str(v) for v in row) for row in rows[self.exact].itertuples(index=False)]

    def radius(self, context: pd.DataFrame) -> float:
        """The radius of the context's product (0 for a product without training parts)."""
        cell = self.cells.get(self.keys(context)[0])
        return 0.0 if cell is None else cell.radius

    def count(self, rows: pd.DataFrame) -> np.ndarray:
        """Training parts within the radius of each row (0 when no training part shares its product)."""
        values, keys = self._values(rows), self.keys(rows)
        out = np.zeros(len(rows), dtype=int)
        for key in dict.fromkeys(keys):
            cell = self.cells.get(key)
            if cell is None:
                continue
            mask = np.array([kk == key for kk in keys])
            points = (np.where(np.isnan(values[mask]), cell.centre, values[mask]) - cell.centre) / cell.scale
            gaps = np.sqrt(((points[:, None, :] - cell.points[None, :, :]) ** 2).sum(axis=2))
            out[mask] = (gaps <= cell.radius).sum(axis=1)
        return out

    def needed(self, today: int) -> int:
        """Training parts a setting needs nearby for this context: ``k``, or when today's setting itself has
        fewer (an unusual context: a worn tool, a rare lot), as many as today's has, but never none."""
        return min(self.k, max(1, int(today)))

    def supported(self, counts: np.ndarray, need: int | None = None) -> np.ndarray:
        return np.asarray(counts) >= (self.k if need is None else need)

    def observed_range(self, context: pd.DataFrame, column: str) -> tuple[float, float] | None:
        """The lowest and highest value of ``column`` among training parts of the context's product."""
        cell = self.cells.get(self.keys(context)[0])
        if cell is None or column not in self.numeric:
            return None
        j = self.numeric.index(column)
        raw = cell.points[:, j] * cell.scale[j] + cell.centre[j]
        return float(raw.min()), float(raw.max())


def _cell(values: np.ndarray, runs: np.ndarray, k: int) -> Cell:
    """One product's parts standardised (median, IQR / 1.349, else the standard deviation, else 1) and the
    95th percentile of their distances to the k-th nearest part of another run."""
    centre = np.nanmedian(values, axis=0) if values.shape[1] else np.zeros(0)
    centre = np.where(np.isfinite(centre), centre, 0.0)
    filled = np.where(np.isnan(values), centre, values)
    scale = (np.percentile(filled, 75, axis=0) - np.percentile(filled, 25, axis=0)) / 1.349
    sd = filled.std(axis=0)
    scale = np.where(scale > 0, scale, np.where(sd > 0, sd, 1.0))
    points = (filled - centre) / scale
    distances = _kth_distance(points, runs, k) if len(points) > k else np.array([])
    distances = distances[np.isfinite(distances)]
    radius = float(np.quantile(distances, RADIUS_QUANTILE)) if len(distances) else 0.0
    return Cell(centre, scale, points, radius)


def _kth_distance(points: np.ndarray, runs: np.ndarray, k: int) -> np.ndarray:
    """Distance of each point to its ``k``-th nearest point of another run (inf when too few), in blocks."""
    out = np.empty(len(points))
    for start in range(0, len(points), 128):
        block = points[start : start + 128]
        gaps = np.sqrt(((block[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
        gaps[runs[start : start + 128, None] == runs[None, :]] = np.inf
        out[start : start + 128] = np.partition(gaps, k - 1, axis=1)[:, k - 1]
    return out


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_scalar(series: pd.Series) -> bool:
    """Not a column of curves (arrays per cell), which no distance here can use."""
    return not is_curve_column(series)

"""Numpy kernels for per-cycle curve features, vectorised over blocks of equal-length curves.

Curves of equal length are stacked into one 2-D block so that every statistic is one numpy call over
all of them. Blocks are walked in row chunks of about a megabyte: the dozen passes that the features
make over the same samples then stay in the CPU cache instead of streaming from memory each time.
Each distinct length costs one pass of its own, so results are exact per cycle whatever the mix of
lengths; cycles of all-different lengths therefore run slower than equal ones.

Missing samples: any non-finite sample (NaN, +-inf) is missing. Missing samples at the start or end of
a curve are trimmed away (a shorter acquisition, or a wide export padded with blanks); missing samples
inside a curve are filled by linear interpolation between their finite neighbours. A curve with fewer
than ``MIN_LENGTH`` samples left (empty, all missing, absent cell) gets NaN for every feature, which the
imputer downstream in the model pipeline handles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import cached_property
from itertools import pairwise

import numpy as np

MIN_LENGTH = 2
_CHUNK_SAMPLES = 1 << 17
_FLAT_RESOLUTION = 1e-12

STATS = (
    "mean",
    "std",
    "min",
    "max",
    "range",
    "q10",
    "q25",
    "q50",
    "q75",
    "q90",
    "skew",
    "kurtosis",
    "rms",
    "crest_factor",
)
SHAPE = (
    "peak_value",
    "peak_position",
    "rise_time",
    "area",
    "time_above",
    "initial_slope",
    "final_slope",
)
REFERENCE = ("ref_rmse", "ref_max_abs_dev", "ref_corr")


def spectrum_names(n_bands: int) -> tuple[str, ...]:
    """Names of the spectral features: one energy share per band, then the dominant frequency."""
    return (*(f"band_{j}" for j in range(n_bands)), "dominant_freq")


def _is_flat(var: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """True where a spread is only rounding noise around the level: shape statistics are undefined there."""
    return var <= (_FLAT_RESOLUTION * mean) ** 2


def _slope(y: np.ndarray) -> np.ndarray:
    """Least-squares slope per row against the sample index (spacing 1)."""
    x = np.arange(y.shape[1]) - (y.shape[1] - 1) / 2.0
    return (y @ x) / (x @ x)


class _Block:
    """Equal-length curves (one per row) whose intermediate results are computed once, on first use."""

    def __init__(self, x: np.ndarray, level: float) -> None:
        self.x = x
        self.n = x.shape[1]
        self.level = level
        self.window = max(MIN_LENGTH, round(0.1 * self.n))

    @cached_property
    def total(self) -> np.ndarray:
        return self.x.sum(axis=1)

    @cached_property
    def mean(self) -> np.ndarray:
        return self.total / self.n

    @cached_property
    def min(self) -> np.ndarray:
        return self.x.min(axis=1)

    @cached_property
    def max(self) -> np.ndarray:
        return self.x.max(axis=1)

    @cached_property
    def sorted(self) -> np.ndarray:
        return np.sort(self.x, axis=1)

    @cached_property
    def centered(self) -> np.ndarray:
        return self.x - self.mean[:, None]

    @cached_property
    def centered_sq(self) -> np.ndarray:
        return self.centered * self.centered

    @cached_property
    def var(self) -> np.ndarray:
        return self.centered_sq.sum(axis=1) / self.n

    @cached_property
    def shape_var(self) -> np.ndarray:
        """Variance with NaN where the curve is flat, so skew and kurtosis are NaN, not rounding noise."""
        return np.where(_is_flat(self.var, self.mean), np.nan, self.var)

    @cached_property
    def rms(self) -> np.ndarray:
        return np.sqrt(np.einsum("ij,ij->i", self.x, self.x) / self.n)

    def quantile(self, q: float) -> np.ndarray:
        """Quantile with linear interpolation between order statistics (numpy's default method)."""
        pos = q * (self.n - 1)
        lo = int(pos)
        low = self.sorted[:, lo]
        if lo == self.n - 1:
            return low
        return low + (pos - lo) * (self.sorted[:, lo + 1] - low)

    def crossing(self, fraction: float) -> np.ndarray:
        """Sub-sample index where each curve first reaches min + fraction * (max - min)."""
        level = self.min + fraction * (self.max - self.min)
        first = (self.x >= level[:, None]).argmax(axis=1)
        rows = np.arange(self.x.shape[0])
        here = self.x[rows, first]
        step = here - self.x[rows, np.maximum(first - 1, 0)]
        return first - np.where(step > 0, (here - level) / step, 0.0)


_BLOCK_FEATURES: dict[str, Callable[[_Block], np.ndarray]] = {
    "mean": lambda b: b.mean,
    "std": lambda b: np.sqrt(b.var),
    "min": lambda b: b.min,
    "max": lambda b: b.max,
    "range": lambda b: b.max - b.min,
    "q10": lambda b: b.quantile(0.10),
    "q25": lambda b: b.quantile(0.25),
    "q50": lambda b: b.quantile(0.50),
    "q75": lambda b: b.quantile(0.75),
    "q90": lambda b: b.quantile(0.90),
    "skew": lambda b: np.einsum("ij,ij->i", b.centered_sq, b.centered) / b.n / b.shape_var**1.5,
    "kurtosis": lambda b: np.einsum("ij,ij->i", b.centered_sq, b.centered_sq) / b.n / b.shape_var**2 - 3.0,
    "rms": lambda b: b.rms,
    "crest_factor": lambda b: np.maximum(np.abs(b.max), np.abs(b.min)) / b.rms,
    "peak_value": lambda b: b.max,
    "peak_position": lambda b: b.x.argmax(axis=1) / (b.n - 1),
    "rise_time": lambda b: (b.crossing(0.9) - b.crossing(0.1)) / (b.n - 1),
    "area": lambda b: b.total - 0.5 * (b.x[:, 0] + b.x[:, -1]),
    "time_above": lambda b: np.count_nonzero(b.x > b.level, axis=1) / b.n,
    "initial_slope": lambda b: _slope(b.x[:, : b.window]),
    "final_slope": lambda b: _slope(b.x[:, -b.window :]),
}
BLOCK_FEATURES = frozenset(_BLOCK_FEATURES)


def block_features(block: np.ndarray, names: tuple[str, ...], level: float) -> np.ndarray:
    """Features ``names`` (stats and shape) of each row of ``block``; one column per name."""
    cycles = _Block(block, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.column_stack([_BLOCK_FEATURES[name](cycles) for name in names])


def resample(block: np.ndarray, size: int) -> np.ndarray:
    """Resample each row to ``size`` points on the same span (sample i covers [i, i + 1)).

    Shrinking averages each output cell's span exactly (area averaging), which keeps the spectrum free
    of aliases and the curve's mean unchanged; growing interpolates linearly between sample centres.
    Both are the identity when the length already is ``size``.
    """
    n = block.shape[1]
    if n >= size:
        scaled = np.arange(size + 1) * n
        start = scaled // size
        frac = (scaled % size) / size
        partial = block[:, np.minimum(start, n - 1)] * frac
        return (np.add.reduceat(block, start[:-1], axis=1) + partial[:, 1:] - partial[:, :-1]) * (size / n)
    centre = np.clip((np.arange(size) + 0.5) * (n / size) - 0.5, 0.0, n - 1.0)
    left = centre.astype(np.intp)
    right = np.minimum(left + 1, n - 1)
    weight = centre - left
    return block[:, left] * (1.0 - weight) + block[:, right] * weight


def resampled_features(
    curves: np.ndarray, reference: np.ndarray, names: tuple[str, ...], n_bands: int
) -> np.ndarray:
    """Spectrum and reference-distance features of resampled curves (rows), in the order of ``names``.

    The spectrum is the rFFT power of the resampled curve without its mean (bin 0). Frequencies are
    fractions of the resampled curve's Nyquist frequency, so they count cycles per curve and cycles
    of different durations compare. Band j holds the power in (j / n_bands, (j + 1) / n_bands] x Nyquist.
    """
    size = curves.shape[1]
    mean = curves.mean(axis=1)
    centered = curves - mean[:, None]
    sum_sq = np.einsum("ij,ij->i", centered, centered)
    flat = _is_flat(sum_sq / size, mean)
    values: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        if not set(names) <= set(REFERENCE):
            spectrum = np.fft.rfft(curves, axis=1)[:, 1:]
            power = spectrum.real**2 + spectrum.imag**2
            freq = 2.0 * np.arange(1, power.shape[1] + 1) / size
            band = np.minimum(np.ceil(freq * n_bands).astype(np.intp) - 1, n_bands - 1)
            energy = power @ (band[:, None] == np.arange(n_bands)).astype(np.float64)
            shares = energy / energy.sum(axis=1, keepdims=True)
            shares[flat] = np.nan
            values.update({f"band_{j}": shares[:, j] for j in range(n_bands)})
            values["dominant_freq"] = np.where(flat, np.nan, freq[power.argmax(axis=1)])
        if set(names) & set(REFERENCE):
            deviation = curves - reference
            values["ref_rmse"] = np.sqrt(np.einsum("ij,ij->i", deviation, deviation) / size)
            values["ref_max_abs_dev"] = np.abs(deviation).max(axis=1)
            ref_centered = reference - reference.mean()
            corr = centered @ ref_centered / np.sqrt(sum_sq * (ref_centered @ ref_centered))
            values["ref_corr"] = np.where(flat, np.nan, corr)
    return np.column_stack([values[name] for name in names])


def median_curve(curves: np.ndarray) -> np.ndarray:
    """Pointwise median over rows; one row-wise sort of the transpose beats ``np.median(axis=0)``."""
    ordered = np.sort(np.ascontiguousarray(curves.T), axis=1)
    middle = ordered.shape[1]
    return 0.5 * (ordered[:, (middle - 1) // 2] + ordered[:, middle // 2])


def fill_and_trim(curves: np.ndarray) -> list[np.ndarray]:
    """Apply the missing-sample rule (module docstring) to curves, all at once on their concatenation."""
    lengths = np.fromiter(map(len, curves), dtype=np.intp, count=len(curves))
    flat = np.concatenate([*curves, np.empty(0)], dtype=np.float64)
    row = np.repeat(np.arange(len(curves)), lengths)
    position = np.arange(flat.size)
    finite = np.isfinite(flat)
    known = position[finite]
    if known.size == 0:
        return [np.empty(0)] * len(curves)
    flat[~finite] = np.interp(position[~finite], known, flat[finite])
    known_row = row[finite]
    wanted = np.arange(len(curves))
    count = np.bincount(known_row, minlength=len(curves))
    first = np.where(count > 0, known[np.minimum(np.searchsorted(known_row, wanted), known.size - 1)], 1)
    last = np.where(count > 0, known[np.searchsorted(known_row, wanted, side="right") - 1], 0)
    keep = (position >= first[row]) & (position <= last[row])
    kept_lengths = np.bincount(row[keep], minlength=len(curves))
    return np.split(flat[keep], np.cumsum(kept_lengths)[:-1])


def _equal_length_blocks(curves: np.ndarray, rows: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Stack curves of equal length, chunk by chunk; yield (their rows, 2-D float64 block)."""
    lengths = np.fromiter(map(len, curves), dtype=np.intp, count=len(curves))
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    starts = np.flatnonzero(np.diff(sorted_lengths, prepend=-1))
    for start, stop in zip(starts, [*starts[1:], len(order)], strict=True):
        n = int(sorted_lengths[start])
        if n < MIN_LENGTH:
            continue
        n_chunks = math.ceil((stop - start) * n / _CHUNK_SAMPLES)
        bounds = np.linspace(start, stop, n_chunks + 1).round().astype(np.intp)
        for first, last in pairwise(bounds):
            chunk = order[first:last]
            block = np.concatenate(curves[chunk], dtype=np.float64).reshape(len(chunk), n)
            yield rows[chunk], block


def iter_blocks(curves: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (row positions, block) covering every usable curve once, missing samples already handled.

    ``curves`` is a 1-D object array of 1-D numeric arrays. Curves with missing samples are found by
    their non-finite sum, set aside, repaired together by `fill_and_trim` and yielded at the end.
    """
    repair = []
    for rows, block in _equal_length_blocks(curves, np.arange(len(curves))):
        finite = np.isfinite(block.sum(axis=1))
        if finite.all():
            yield rows, block
            continue
        repair.append(rows[~finite])
        if finite.any():
            yield rows[finite], block[finite]
    if repair:
        rows = np.concatenate(repair)
        repaired = np.fromiter(fill_and_trim(curves[rows]), dtype=object, count=len(rows))
        yield from _equal_length_blocks(repaired, rows)


def scan(
    curves: np.ndarray, *, names: tuple[str, ...], level: float, size: int | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """One pass over all curves: stats and shape features ``names``, and curves resampled to ``size``.

    Returns the feature table (NaN rows for unusable curves), the resampled curves (None when
    ``size`` is None) and a mask of the usable rows.
    """
    table = np.full((len(curves), len(names)), np.nan)
    resampled = None if size is None else np.full((len(curves), size), np.nan)
    usable = np.zeros(len(curves), dtype=bool)
    for rows, block in iter_blocks(curves):
        if names:
            table[rows] = block_features(block, names, level)
        if size is not None:
            resampled[rows] = resample(block, size)
        usable[rows] = True
    return table, resampled, usable

"""Building blocks shared by the demo-data generators of the process modules.

The shift clock, runs (material lots, set-point changes, die or tool lives), defect picking at a
requested rate and ragged sensor curves are the same mechanics in every process; each process module
supplies only its own physics. Plain functions: nothing here is ever pickled into a model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from axpoc.errors import UserError
from axpoc.process import ColumnSpec

MIN_ROWS = 50
FIRST_DAY = pd.Timestamp("2024-03-04")  # a Monday
SHIFT_STARTS_H = (6.0, 15.0)  # day shift 06-14, swing shift 15-23; the machine stands idle in between
SHIFT_HOURS = 8.0


def check_args(*, rows: int, defect_rate: float, drift: float) -> None:
    """The generator arguments come from ``data.demo`` in a config: name the key on a bad value."""
    if int(rows) != rows or rows < MIN_ROWS:
        raise UserError(f"data.demo.rows: expected a whole number of at least {MIN_ROWS}, got {rows!r}.")
    if not 0 < defect_rate < 0.5:
        raise UserError(
            f"data.demo.defect_rate: expected a share between 0 and 0.5 (e.g. 0.03), got {defect_rate!r}."
        )
    if drift < 0:
        raise UserError(f"data.demo.drift: expected 0 (no drift) or more (e.g. 1.0), got {drift!r}.")


def shift_clock(busy_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place cycles of the given durations back to back into 8-h shifts, two a day.

    Returns each cycle's start time (``datetime64`` in whole seconds, as MES exports; cycles last over a
    second), the minutes since its shift began and the minutes the machine stood idle before that shift
    (``inf`` for the very first shift: a cold start).
    """
    starts_h = np.asarray(SHIFT_STARTS_H)
    shift_s = SHIFT_HOURS * 3600.0
    begin = np.cumsum(busy_s) - busy_s
    shift = (begin // shift_s).astype(np.int64)
    in_shift = begin - shift * shift_s

    def shift_start_s(k: np.ndarray) -> np.ndarray:
        return (k // len(starts_h)) * 86400.0 + starts_h[k % len(starts_h)] * 3600.0

    idle_s = np.where(shift > 0, shift_start_s(shift) - shift_start_s(shift - 1) - shift_s, np.inf)
    seconds = np.round(shift_start_s(shift) + in_shift).astype(np.int64)
    stamps = FIRST_DAY.to_datetime64() + seconds.astype("timedelta64[s]")
    return stamps, in_shift / 60.0, idle_s / 60.0


def cold_share(
    minutes_in_shift: np.ndarray, idle_min: np.ndarray, *, heat_min: float, cool_min: float
) -> np.ndarray:
    """How far below running temperature a machine is: 1 = fully cold, 0 = warmed up.

    It cools towards ambient while idle (time constant ``cool_min``) and warms back up in the shift
    (``heat_min``), so the first cycles of every shift run cold, after a night colder than after a break.
    """
    return (1.0 - np.exp(-idle_min / cool_min)) * np.exp(-minutes_in_shift / heat_min)


def runs(rows: int, *, mean_length: float, rng: np.random.Generator, spread: float = 0.5) -> np.ndarray:
    """Run index per row for things that last a while: a material lot, a set-point, a die or tool life.

    Run lengths are uniform within ``mean_length * (1 ± spread)``.
    """
    low = max(1, round(mean_length * (1 - spread)))
    high = max(low, round(mean_length * (1 + spread)))
    lengths = rng.integers(low, high + 1, size=rows // low + 2)
    return np.repeat(np.arange(len(lengths)), lengths)[:rows]


def levels(run: np.ndarray, *, sd: float, rng: np.random.Generator) -> np.ndarray:
    """A normal level drawn once per run and held for its rows (e.g. a lot's hardness offset)."""
    return rng.normal(0.0, sd, run[-1] + 1)[run]


def position_in_run(run: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... counted from each run's first row (e.g. strokes since the die was serviced)."""
    first = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
    return np.arange(len(run)) - np.repeat(first, np.diff(np.r_[first, len(run)]))


def codes(prefix: str, index: np.ndarray) -> np.ndarray:
    """Readable names for run indices: ``codes("L", [0, 0, 1])`` -> ``L0001, L0001, L0002``."""
    names = np.array([f"{prefix}{i + 1:04d}" for i in range(int(index.max()) + 1)], dtype=object)
    return names[index]


def defect_count(rate: float, rows: int) -> int:
    """Defects to place: the requested share, but at least one good and one defective row."""
    return min(rows - 1, max(1, round(rate * rows)))


def pick_defects(scores: np.ndarray, *, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Decide defects from per-mechanism risk scores (rows x mechanisms, logits).

    Each mechanism's score, centred on its own top-``rate`` quantile so that the mechanisms are about
    equally common, plus logistic noise is its latent severity; the rows whose worst severity is among
    the top ``rate`` become defects, typed by that worst mechanism. This is a logistic model whose offset
    is calibrated on the sample, so the realised rate equals the request. Returns 0 for good rows, else
    1 + the mechanism's column.
    """
    latent = scores - np.quantile(scores, 1 - rate, axis=0) + rng.logistic(size=scores.shape)
    worst = latent.max(axis=1)
    n = defect_count(rate, len(worst))
    cut = np.partition(worst, -n)[-n]
    return np.where(worst >= cut, latent.argmax(axis=1) + 1, 0)


def relu(x: np.ndarray) -> np.ndarray:
    """The part of a deviation beyond zero, for mechanisms that only act one way."""
    return np.maximum(x, 0.0)


def ragged_curves(lengths: np.ndarray, build: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """One 1-D float array per cycle, each of its own length, from a single vectorised ``build``.

    ``build`` receives the phase along each cycle, ``rows x max(lengths)``, 0 at a cycle's first sample
    and 1 at its last (beyond 1 in the padding, which is cut off), and returns the values on that grid.
    Per-cycle parameters enter ``build`` as ``rows x 1`` columns that broadcast over the phase.
    """
    width = int(lengths.max())
    phase = np.arange(width)[None, :] / (lengths[:, None] - 1.0)
    grid = build(phase)
    out = np.empty(len(lengths), dtype=object)
    for i, n in enumerate(lengths):
        out[i] = grid[i, :n].copy()
    return out


def frame(columns: Sequence[ColumnSpec], values: dict[str, object]) -> pd.DataFrame:
    """The generated table with exactly the template's columns, in the template's order."""
    return pd.DataFrame({c.name: values[c.name] for c in columns})


Hidden = dict[str, Any]
"""What a generated batch knows but its columns do not show: per-row state (a lot's melt viscosity, a die's
wear) as arrays under their names, and under ``"calibration"`` the batch's calibrated defect mechanism. With
it, a process module's ``defect_probability`` gives the true defect probability of the batch's parts at other
settings, which is how a recommendation is checked against the physics (``benchmarks/recommend_physics.py``).
A plain dict: the process layer defines no classes (nothing of it may end up pickled into a model)."""


def hidden_state(calibration: dict[str, Any], **state: np.ndarray) -> Hidden:
    """A :data:`Hidden` of per-row ``state`` arrays and the batch's ``calibration``."""
    return {**state, "calibration": calibration}


def take_rows(hidden: Hidden, index: np.ndarray) -> Hidden:
    """The hidden state of the rows ``index`` (positions in the batch), calibration unchanged."""
    return {k: v if k == "calibration" else v[index] for k, v in hidden.items()}


def calibrate(scores: np.ndarray, *, rate: float) -> dict[str, Any]:
    """The fixed version of :func:`pick_defects`' mechanism: per-mechanism offsets (the same quantiles) and
    the latent cut at which the batch's mean true defect probability equals ``rate``."""
    offsets = np.quantile(scores, 1 - rate, axis=0)
    low, high = -20.0, 20.0
    for _ in range(60):  # bisection: the mean probability falls as the cut rises
        cut = (low + high) / 2
        if logistic_defect_probability(scores, {"offsets": offsets, "cut": cut}).mean() > rate:
            low = cut
        else:
            high = cut
    return {"offsets": offsets, "cut": (low + high) / 2}


def logistic_defect_probability(scores: np.ndarray, calibration: dict[str, Any]) -> np.ndarray:
    """P(the worst mechanism's latent severity reaches the cut): 1 - prod_k sigmoid(cut - score_k + offset_k)."""
    offsets = np.asarray(calibration["offsets"], dtype=float)
    margin = float(calibration["cut"]) - (scores - offsets)
    return 1.0 - np.prod(1.0 / (1.0 + np.exp(-margin)), axis=1)


def product_index(products: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Position of each row's product in the module's ``PRODUCTS`` (an unknown product is an error)."""
    lookup = {str(name): i for i, name in enumerate(names)}
    unknown = sorted({str(p) for p in products} - set(lookup))
    if unknown:
        raise UserError(
            f"product {unknown[0]!r} is not one of this process's demo products ({', '.join(lookup)})."
        )
    return np.array([lookup[str(p)] for p in products])

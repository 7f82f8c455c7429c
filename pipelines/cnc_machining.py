"""CNC machining (CNC 가공): one row per part (a finish-turning pass), spindle-load and vibration curves.

The target is the surface roughness Ra of the turned diameter (regression, spec USL 1.6 µm); the data
also carries the binary ``out_of_spec`` label, the measured diameter and the tool's flank wear, all
results measured after the pass and so never features of a model of Ra.

Demo-data physics of :func:`generate`, mechanism by mechanism:

- **Time.** A part takes its cutting time plus 40-70 s of loading, probing and unloading; a tool change
  stops the machine for ~3 min; two 8-h shifts a day (06-14, 15-23).
- **Programs.** Two shafts (Ø25 and Ø40 mm) with their own speed, feed and depth of cut, run in batches
  of ~150 parts; operators run the feed override at 80-120 % and the spindle override at 90-110 %,
  changed every ~100 parts. The depth
  of cut follows the bar-stock lot's diameter (a lot lasts 200-400 parts) and part-to-part scatter.
- **Tool wear.** Flank wear VB grows every pass, faster at higher cutting speed, feed and depth and on
  harder stock (Taylor-like), with a quick break-in and an accelerating end; each insert has its own
  wear rate. The insert is replaced at 220-300 µm (operator judgement) or when the tool-life counter
  reaches 320 passes; ``tool_id`` changes.
- **Load and vibration.** Spindle load follows the cutting power (specific cutting force × depth × feed ×
  speed), rising with wear; vibration rises with wear, depth of cut and the insert's runout. Each has a
  curve per pass (sampled at 10 Hz, so 80-180 samples depending on the cutting time: entry, steady cut,
  exit) and a per-pass mean.
- **Ra.** The geometric roughness f²/(32 r) of a 0.8 mm nose radius, with the usual practical factor,
  grows with flank wear, with built-up edge at low cutting speed and with vibration, differs by insert
  (edge preparation) and stock lot (softer smears more); log-normal scatter. A log offset (the machine's
  base roughness) is calibrated so that the share of parts above the USL equals ``defect_rate``;
  ``out_of_spec`` = Ra > USL.
- **Diameter.** Grows with flank wear (the edge recedes), with the coolant temperature and shrinks on a
  cold machine at the start of a shift (spindle growth); the tool offset is set at each change to centre
  the expected wear.
- **Drift** (``drift`` = 1 at the end of the data, growing linearly from 0): coolant concentration falls
  (wear rate up to ×1.8), the coolant warms (+4 °C) and a spindle bearing degrades (vibration +0.5 mm/s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from axpoc.process import ColumnSpec, ProcessTemplate, QualityCharacteristic

from ._physics import (
    Hidden,
    check_args,
    codes,
    cold_share,
    defect_count,
    frame,
    hidden_state,
    levels,
    product_index,
    ragged_curves,
    runs,
    shift_clock,
)

PRODUCTS = np.array(["SFT-2501", "SFT-4002"], dtype=object)
PRODUCT_SHARE = (0.55, 0.45)
# Program per part number: Ø25 and Ø40 mm shafts, 60 mm finish pass.
DIAMETER_MM = np.array([25.0, 40.0])
RPM = np.array([2400.0, 1500.0])
FEED_MM_REV = np.array([0.14, 0.13])
DEPTH_MM = np.array([0.5, 0.8])
PASS_LENGTH_MM = 60.0
NOSE_RADIUS_MM = 0.8
RA_USL_UM = 1.6
FEED_OVERRIDES = (0.8, 0.9, 1.0, 1.1, 1.2)
SPINDLE_OVERRIDES = (0.9, 1.0, 1.1)
SAMPLE_HZ = 10.0
TOOL_LIFE_PASSES = 320  # the tool-life counter's limit
RA_SCATTER = 0.09  # part-to-part scatter of log Ra that no column explains

COLUMNS = (
    ColumnSpec("timestamp", "time", label_ko="시각", label_en="Timestamp"),
    ColumnSpec("part_id", "id", label_ko="부품 번호", label_en="Part ID"),
    ColumnSpec("tool_id", "group", label_ko="공구 번호", label_en="Tool ID"),
    ColumnSpec("product", "product", label_ko="품번", label_en="Part number"),
    ColumnSpec("lot", "category", label_ko="소재 로트", label_en="Bar-stock lot"),
    ColumnSpec(
        "spindle_speed_rpm", unit="rpm", min=100, max=12000, label_ko="주축 회전수", label_en="Spindle speed"
    ),
    ColumnSpec("feed_mm_rev", unit="mm/rev", min=0.01, max=0.6, label_ko="이송량", label_en="Feed"),
    ColumnSpec(
        "depth_of_cut_mm", unit="mm", min=0.05, max=5.0, label_ko="절삭 깊이", label_en="Depth of cut"
    ),
    ColumnSpec(
        "coolant_temp_c", unit="°C", min=5, max=45, label_ko="절삭유 온도", label_en="Coolant temperature"
    ),
    ColumnSpec(
        "tool_passes",
        unit="passes",
        min=0,
        max=5000,
        label_ko="공구 사용 횟수",
        label_en="Passes on the tool",
    ),
    ColumnSpec("spindle_load_pct", unit="%", min=0, max=150, label_ko="주축 부하", label_en="Spindle load"),
    ColumnSpec(
        "vibration_rms_mm_s", unit="mm/s", min=0, max=30, label_ko="진동 (RMS)", label_en="Vibration (RMS)"
    ),
    ColumnSpec(
        "spindle_load", "curve", unit="%", min=0, max=150, label_ko="주축 부하 곡선", label_en="Spindle load"
    ),
    ColumnSpec("vibration", "curve", unit="mm/s", min=0, max=30, label_ko="진동 곡선", label_en="Vibration"),
    ColumnSpec(
        "ra_um", "target", unit="µm", min=0.05, max=8.0, label_ko="표면 거칠기 Ra", label_en="Roughness Ra"
    ),
    ColumnSpec("out_of_spec", "target", min=0, max=1, label_ko="규격 이탈", label_en="Out of spec"),
    ColumnSpec("diameter_mm", "target", unit="mm", min=1, max=500, label_ko="가공 직경", label_en="Diameter"),
    ColumnSpec(
        "flank_wear_um",
        "target",
        unit="µm",
        min=0,
        max=600,
        label_ko="공구 마모 VB",
        label_en="Flank wear VB",
    ),
)


def _flank_wear(rate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flank wear before each pass, the tool index and the passes on it: inserts worn out and replaced.

    Wear feeds back on its own growth (break-in, steady, accelerating end), so this runs pass by pass.
    """
    rows = len(rate)
    insert = rng.lognormal(0.0, 0.2, rows)  # per-insert wear-rate factor; more than enough inserts
    limit = rng.uniform(220.0, 300.0, rows)
    wear, tool, passes = np.empty(rows), np.empty(rows, np.int64), np.empty(rows, np.int64)
    vb, k, n = 0.0, 0, 0
    for i in range(rows):
        if vb > limit[k] or n >= TOOL_LIFE_PASSES:
            vb, k, n = 0.0, k + 1, 0
        wear[i], tool[i], passes[i] = vb, k, n
        vb += rate[i] * insert[k] * (1 + 2 * np.exp(-vb / 15) + max(vb - 180.0, 0.0) ** 2 / 4900)
        n += 1
    return wear, tool, passes


def generate(*, rows: int, defect_rate: float, drift: float, seed: int) -> pd.DataFrame:
    """Seeded demo parts; ``defect_rate`` is the realised share with Ra above the USL (see the module doc)."""
    return simulate(rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)[0]


def simulate(*, rows: int, defect_rate: float, drift: float, seed: int) -> tuple[pd.DataFrame, Hidden]:
    """:func:`generate`'s parts and what they do not show: flank wear, vibration, the insert's edge, the
    stock's hardness and the calibrated base roughness (for :func:`defect_probability`)."""
    check_args(rows=rows, defect_rate=defect_rate, drift=drift)
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0.0, drift, rows)
    batch = runs(rows, mean_length=150, rng=rng)
    part = rng.choice(len(PRODUCTS), p=PRODUCT_SHARE, size=batch[-1] + 1)[batch]
    lot = runs(rows, mean_length=300, rng=rng, spread=0.35)
    hard = levels(lot, sd=1.0, rng=rng)
    setting = runs(rows, mean_length=100, rng=rng)
    n_settings = setting[-1] + 1
    feed_override = rng.choice(FEED_OVERRIDES, p=(0.1, 0.2, 0.4, 0.2, 0.1), size=n_settings)[setting]
    spindle_override = rng.choice(SPINDLE_OVERRIDES, p=(0.2, 0.6, 0.2), size=n_settings)[setting]
    rpm = RPM[part] * spindle_override
    feed = FEED_MM_REV[part] * feed_override
    depth = DEPTH_MM[part] + levels(lot, sd=0.05, rng=rng) + rng.normal(0.0, 0.02, rows)
    speed = np.pi * DIAMETER_MM[part] * rpm / 1000.0  # cutting speed, m/min

    rate = (
        0.9
        * (speed / 190.0) ** 3
        * (feed / 0.13) ** 0.8
        * (depth / 0.65) ** 0.4
        * np.exp(0.15 * hard)
        * (1 + 0.8 * ramp)
    )
    wear, tool, passes = _flank_wear(rate, rng)
    cut_s = 60.0 * PASS_LENGTH_MM / (feed * rpm)
    tool_change = np.r_[False, tool[1:] != tool[:-1]]
    stamps, minutes, idle = shift_clock(cut_s + rng.uniform(40.0, 70.0, rows) + 180.0 * tool_change)
    cold = cold_share(minutes, idle, heat_min=45.0, cool_min=120.0)
    coolant = 18.0 + 6.0 * (1 - cold) + 4.0 * ramp + rng.normal(0.0, 0.3, rows)

    power_kw = 1800.0 * (1 + 0.6 * wear / 300.0) * np.exp(0.05 * hard) * depth * feed * speed / 60000.0
    load = 6.0 + 100.0 * power_kw / 3.7 + rng.normal(0.0, 1.5, rows)
    runout = levels(tool, sd=0.15, rng=rng)  # how the insert sits in its holder
    vibration = (0.5 + 0.0025 * wear + 0.6 * depth + 0.5 * ramp) * np.exp(
        runout + rng.normal(0.0, 0.18, rows)
    )

    edge = levels(tool, sd=0.04, rng=rng)  # edge preparation of the insert
    log_ra = _log_ra(feed, speed, wear, vibration) + edge - 0.1 * hard + rng.normal(0.0, RA_SCATTER, rows)
    ranked = np.sort(log_ra)[::-1]
    k = defect_count(defect_rate, rows)
    base = (ranked[k - 1] + ranked[k]) / 2  # the log Ra that lands on the USL
    ra = np.exp(log_ra + np.log(RA_USL_UM) - base)

    offset_um = -6.0 + levels(tool, sd=1.5, rng=rng)
    diameter_dev_um = (
        offset_um + 0.08 * wear - 5.0 * cold + 1.5 * (coolant - 20.0) + rng.normal(0.0, 2.0, rows)
    )

    lengths = np.clip(np.round(SAMPLE_HZ * cut_s + rng.normal(0.0, 2.0, rows)), 80, 180).astype(np.int64)

    def pass_curve(level: np.ndarray, *, ripple: float, noise: float) -> np.ndarray:
        """Entry ramp, steady cut with spindle-frequency ripple and wear-driven unsteadiness, exit."""
        phase_shift = rng.uniform(0.0, 2 * np.pi, (rows, 1))

        def build(x: np.ndarray) -> np.ndarray:
            engaged = np.clip(x / 0.05, 0.0, 1.0) * np.clip((1.0 - x) / 0.04, 0.0, 1.0)
            steady = level[:, None] * (1 + ripple * np.sin(2 * np.pi * 12 * x + phase_shift))
            scatter = rng.normal(0.0, 1.0, x.shape) * (noise * (1 + wear / 150.0))[:, None]
            return np.maximum(engaged * steady + scatter, 0.0)

        return ragged_curves(lengths, build)

    hidden = hidden_state({"base": base}, wear=wear, vibration=vibration, edge=edge, hard=hard)
    parts = frame(
        COLUMNS,
        {
            "timestamp": stamps,
            "part_id": np.arange(1, rows + 1),
            "tool_id": codes("T-", tool),
            "product": PRODUCTS[part],
            "lot": codes("B24-", lot),
            "spindle_speed_rpm": rpm.round(0),
            "feed_mm_rev": feed.round(3),
            "depth_of_cut_mm": depth.round(3),
            "coolant_temp_c": coolant.round(1),
            "tool_passes": passes,
            "spindle_load_pct": load.round(2),
            "vibration_rms_mm_s": vibration.round(3),
            "spindle_load": pass_curve(load, ripple=0.03, noise=0.4),
            "vibration": pass_curve(vibration, ripple=0.15, noise=0.05),
            "ra_um": ra,
            "out_of_spec": (ra > RA_USL_UM).astype(np.int64),
            "diameter_mm": (DIAMETER_MM[part] + diameter_dev_um / 1000.0).round(4),
            "flank_wear_um": np.maximum(wear + rng.normal(0.0, 3.0, rows), 0.0).round(1),
        },
    )
    return parts, hidden


def _log_ra(feed: np.ndarray, speed: np.ndarray, wear: np.ndarray, vibration: np.ndarray) -> np.ndarray:
    """log Ra before the insert's edge, the stock and the scatter: feed marks, wear, built-up edge, chatter."""
    geometric = feed**2 / (32.0 * NOSE_RADIUS_MM) * 1000.0
    built_up_edge = 0.3 * np.maximum(160.0 - speed, 0.0) / 40.0
    return np.log(
        (1.3 * geometric + 0.1) * (1 + 0.8 * (wear / 250.0) ** 2) + built_up_edge + 0.2 * (vibration - 0.6)
    )


def defect_probability(parts: pd.DataFrame, hidden: Hidden) -> np.ndarray:
    """The true P(Ra > USL) of parts of a simulated batch (``hidden`` taken at their rows), cut at the feed
    and spindle speed their columns now hold (the tool's wear so far and its vibration stay)."""
    from scipy.stats import norm

    part = product_index(parts["product"].to_numpy(), PRODUCTS)
    feed = parts["feed_mm_rev"].to_numpy(dtype=float)
    speed = np.pi * DIAMETER_MM[part] * parts["spindle_speed_rpm"].to_numpy(dtype=float) / 1000.0
    mean = _log_ra(feed, speed, hidden["wear"], hidden["vibration"]) + hidden["edge"] - 0.1 * hidden["hard"]
    return norm.sf((float(hidden["calibration"]["base"]) - mean) / RA_SCATTER)  # type: ignore[arg-type]


TEMPLATE = ProcessTemplate(
    name="cnc_machining",
    title_ko="CNC 가공",
    title_en="CNC machining",
    columns=COLUMNS,
    target="ra_um",
    task="regression",
    roles={"id": "part_id", "time": "timestamp", "group": "tool_id", "product": "product"},
    candidates=("ridge", "random_forest", "hist_gradient_boosting", "lightgbm", "ensemble"),
    gates={"r2": ">= 0.6", "rmse": "<= 0.2", "cpk_passed": ">= 1.0"},
    costs={
        "inspection_cost": 2000.0,
        "escape_cost": 150000.0,
        "false_alarm_cost": 5000.0,
        "inspection_minutes_per_part": 3.0,
    },
    spec={"usl": RA_USL_UM},
    generate=generate,
    quality=QualityCharacteristic(
        "ra_um", unit="µm", usl=RA_USL_UM, label_ko="표면 거칠기 Ra", label_en="Roughness Ra"
    ),
)

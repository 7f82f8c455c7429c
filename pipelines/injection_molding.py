"""Injection molding (사출 성형): one row per shot, a cavity-pressure curve per shot.

Demo-data physics of :func:`generate`, mechanism by mechanism:

- **Time.** Shots run back to back in two 8-h shifts a day (06-14, 15-23); a shot takes fill + holding
  + cooling time + ~7 s for mold opening, ejection and closing, 25-45 s in all, with jitter.
- **Warm-up.** The mold cools while the machine stands idle between shifts (more over night than over
  the one-hour break) and comes back to its set temperature with a ~35 min time constant, so the first
  shots of a shift run on a cold mold.
- **Set points.** Three part numbers (PP housing, ABS cover, PA66 clip) each have their own settings;
  operators retune temperatures, speed, pressures and times now and then (a new level every ~120 shots)
  on top of shot-to-shot scatter. The melt runs a little hotter at higher injection speed (shear heat).
- **Material lots.** A resin lot (a dryer batch) lasts 120-280 shots; each lot has its own melt viscosity,
  not in the columns, that leans towards short shots (stiff melt) or flash (runny melt).
- **Defects.** Short shot: cold melt, low injection pressure, cold mold, little cushion (worst when
  melt and pressure are both low). Flash: high injection pressure and hot melt against low clamp force.
  Sink mark: low holding pressure or short holding time on a hot mold. Each mechanism is a logit; the
  worst one decides, with an offset calibrated so the defect rate equals ``defect_rate``; each
  mechanism's logit is centred on its own top-``defect_rate`` quantile, so the types are about equally
  common. The logistic noise of that choice stands for what no column records (a contaminated pellet, a
  stuck vent), so the settings alone never tell every defect.
- **Cavity pressure.** Sampled at a fixed rate, 180-220 samples (more with longer holding): flow front
  arrival, rise to the peak at switch-over, holding plateau decaying as the gate freezes (slower on a hot
  mold), release; the charge amplifier's gain scatters by ~3 % from shot to shot and its noise by ~8 bar.
  A short shot peaks low and drops early; flash vents the peak and the plateau; a sink mark has a weak,
  fast-decaying plateau. How plainly a defect shows differs from shot to shot (30-100 % of the full
  trace): a sensor near the gate sees a marginal short shot or a thin flash only faintly.
- **Drift** (``drift`` = 1 at the end of the data, growing linearly from 0): the screw check ring wears
  (cushion -1.5 mm, more short shots and sink marks), the cooling water warms (mold +2 °C) and the mold
  thermocouple reads high (+4 °C).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from axpoc.process import ColumnSpec, ProcessTemplate, QualityCharacteristic

from ._physics import (
    Hidden,
    calibrate,
    check_args,
    codes,
    cold_share,
    frame,
    hidden_state,
    levels,
    logistic_defect_probability,
    pick_defects,
    product_index,
    ragged_curves,
    relu,
    runs,
    shift_clock,
)

PRODUCTS = np.array(["HSG-1010", "CVR-2020", "CLP-3030"], dtype=object)
PRODUCT_SHARE = (0.45, 0.35, 0.20)
# Settings per part number: PP housing, ABS cover, PA66 clip.
BARREL_C = np.array([230.0, 240.0, 285.0])
MOLD_C = np.array([45.0, 60.0, 80.0])
SPEED_MM_S = np.array([80.0, 60.0, 120.0])
INJECTION_BAR = np.array([1100.0, 1300.0, 900.0])
HOLDING_BAR = np.array([600.0, 700.0, 500.0])
HOLDING_S = np.array([6.0, 5.0, 3.0])
COOLING_S = np.array([20.0, 16.0, 10.0])
CLAMP_TON = np.array([180.0, 220.0, 120.0])
CUSHION_MM = np.array([6.0, 5.0, 4.0])
DEFECT_TYPES = np.array(["none", "short_shot", "flash", "sink_mark"], dtype=object)
SIGNAL = 3.5  # logit per unit of a mechanism's score: how strongly settings decide defects
# Defect traces on the cavity-pressure curve at full strength (relative drops) and the sensor's own scatter.
SHORT_PEAK, SHORT_PLATEAU, SHORT_RELEASE = 0.3, 0.5, 0.6
FLASH_PEAK, FLASH_VENT = 0.06, 0.08
SINK_PLATEAU, SINK_FREEZE = 0.2, 0.3
SENSOR_GAIN_SD, SENSOR_NOISE_BAR = 0.03, 8.0

COLUMNS = (
    ColumnSpec("timestamp", "time", label_ko="시각", label_en="Timestamp"),
    ColumnSpec("shot_id", "id", label_ko="샷 번호", label_en="Shot ID"),
    ColumnSpec("lot", "group", label_ko="원료 로트", label_en="Material lot"),
    ColumnSpec("product", "product", label_ko="품번", label_en="Part number"),
    ColumnSpec(
        "barrel_temp_c", unit="°C", min=150, max=350, label_ko="실린더 온도", label_en="Barrel temperature"
    ),
    ColumnSpec("melt_temp_c", unit="°C", min=150, max=350, label_ko="수지 온도", label_en="Melt temperature"),
    ColumnSpec("mold_temp_c", unit="°C", min=10, max=130, label_ko="금형 온도", label_en="Mold temperature"),
    ColumnSpec(
        "injection_speed_mm_s", unit="mm/s", min=5, max=300, label_ko="사출 속도", label_en="Injection speed"
    ),
    ColumnSpec(
        "injection_pressure_bar",
        unit="bar",
        min=200,
        max=2500,
        label_ko="사출 압력",
        label_en="Injection pressure",
    ),
    ColumnSpec(
        "holding_pressure_bar", unit="bar", min=100, max=1800, label_ko="보압", label_en="Holding pressure"
    ),
    ColumnSpec("holding_time_s", unit="s", min=0.5, max=20, label_ko="보압 시간", label_en="Holding time"),
    ColumnSpec("cooling_time_s", unit="s", min=2, max=60, label_ko="냉각 시간", label_en="Cooling time"),
    ColumnSpec("cycle_time_s", unit="s", min=8, max=120, label_ko="사이클 타임", label_en="Cycle time"),
    ColumnSpec("cushion_mm", unit="mm", min=0, max=30, label_ko="쿠션량", label_en="Cushion"),
    ColumnSpec("clamp_force_ton", unit="ton", min=20, max=1000, label_ko="형체력", label_en="Clamp force"),
    ColumnSpec(
        "cavity_pressure",
        "curve",
        unit="bar",
        min=0,
        max=1500,
        label_ko="캐비티 압력",
        label_en="Cavity pressure",
    ),
    ColumnSpec("defect", "target", min=0, max=1, label_ko="불량 여부", label_en="Defect"),
    ColumnSpec("defect_type", "target", label_ko="불량 유형", label_en="Defect type"),
)


def generate(*, rows: int, defect_rate: float, drift: float, seed: int) -> pd.DataFrame:
    """Seeded demo shots; ``defect_rate`` is the realised share of defective shots (see the module doc)."""
    return simulate(rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)[0]


def simulate(*, rows: int, defect_rate: float, drift: float, seed: int) -> tuple[pd.DataFrame, Hidden]:
    """:func:`generate`'s shots and what they do not show: each lot's melt viscosity, the thermocouple's
    drift and the calibrated defect mechanism (for :func:`defect_probability`)."""
    check_args(rows=rows, defect_rate=defect_rate, drift=drift)
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0.0, drift, rows)
    lot = runs(rows, mean_length=200, rng=rng, spread=0.4)
    part = rng.choice(len(PRODUCTS), p=PRODUCT_SHARE, size=lot[-1] + 1)[lot]
    viscosity = levels(lot, sd=1.0, rng=rng)
    setting = runs(rows, mean_length=120, rng=rng)

    def retuned(nominal: np.ndarray, *, level: float, scatter: float) -> np.ndarray:
        """A setting as run: the part's nominal times operator retuning and shot scatter (relative)."""
        return nominal[part] * (1 + levels(setting, sd=level, rng=rng) + rng.normal(0.0, scatter, rows))

    barrel = BARREL_C[part] + levels(setting, sd=3.0, rng=rng) + rng.normal(0.0, 1.5, rows)
    speed = retuned(SPEED_MM_S, level=0.06, scatter=0.03)
    melt = barrel + 0.03 * (speed - SPEED_MM_S[part]) + rng.normal(0.0, 1.5, rows)
    injection = retuned(INJECTION_BAR, level=0.04, scatter=0.035)
    holding = retuned(HOLDING_BAR, level=0.05, scatter=0.05)
    holding_s = retuned(HOLDING_S, level=0.12, scatter=0.01)
    cooling_s = retuned(COOLING_S, level=0.08, scatter=0.005)
    clamp = retuned(CLAMP_TON, level=0.025, scatter=0.025)
    cushion = CUSHION_MM[part] + levels(setting, sd=0.4, rng=rng) + rng.normal(0.0, 0.4, rows) - 1.5 * ramp
    fill_s = SPEED_MM_S[part] / speed  # 1 s at the nominal speed
    cycle_s = fill_s + holding_s + cooling_s + 7.0 + np.abs(rng.normal(0.0, 0.8, rows))
    stamps, minutes, idle = shift_clock(cycle_s)
    mold = (
        MOLD_C[part]
        - 15.0 * cold_share(minutes, idle, heat_min=35.0, cool_min=90.0)
        + levels(setting, sd=1.5, rng=rng)
        + rng.normal(0.0, 1.0, rows)
        + 2.0 * ramp
    )

    settings = {
        "melt_temp_c": melt,
        "injection_pressure_bar": injection,
        "mold_temp_c": mold,
        "holding_pressure_bar": holding,
        "holding_time_s": holding_s,
        "clamp_force_ton": clamp,
        "cushion_mm": cushion,
        "cooling_time_s": cooling_s,
    }
    scores = _scores(settings, part, viscosity)
    z_hold_s = (holding_s / HOLDING_S[part] - 1) / 0.12
    kind = pick_defects(scores, rate=defect_rate, rng=rng)

    # How plainly a defect shows on the cavity-pressure curve differs from shot to shot (see the module doc).
    trace = np.where(kind > 0, rng.uniform(0.3, 1.0, rows), 0.0)[:, None]
    short, flash, sink = (
        (kind == 1)[:, None] * trace,
        (kind == 2)[:, None] * trace,
        (kind == 3)[:, None] * trace,
    )
    arrive = (0.06 * SPEED_MM_S[part] / speed)[:, None]
    switch = arrive + (0.12 * SPEED_MM_S[part] / speed)[:, None]
    release = np.minimum(switch + (0.4 * holding_s / HOLDING_S[part])[:, None], 0.85)
    release = release - SHORT_RELEASE * short * (release - switch - 0.08)
    peak = (0.45 * injection * np.exp(0.004 * (melt - BARREL_C[part])))[:, None] * (
        1 - SHORT_PEAK * short - FLASH_PEAK * flash
    )
    plateau = (0.7 * holding)[:, None] * (
        1 - SHORT_PLATEAU * short - FLASH_PEAK * flash - SINK_PLATEAU * sink
    )
    freeze = (0.35 * (1 + 0.02 * (mold - MOLD_C[part])))[:, None] * (1 - SINK_FREEZE * sink)
    vent = FLASH_VENT * flash * peak
    gain = rng.lognormal(0.0, SENSOR_GAIN_SD, rows)[:, None]  # charge-amplifier gain, cycle to cycle

    def held(x: np.ndarray) -> np.ndarray:
        since = x - switch
        packed = plateau + (peak - plateau) * np.exp(-since / 0.025) - vent * np.exp(-since / 0.05)
        return packed * np.exp(-since / freeze)

    def cavity(x: np.ndarray) -> np.ndarray:
        rise = peak * np.clip((x - arrive) / (switch - arrive), 0.0, 1.0) ** 1.8
        after = held(release) * np.exp(-np.maximum(x - release, 0.0) / 0.05)
        curve = np.where(x < switch, rise, np.where(x < release, held(np.maximum(x, switch)), after))
        return np.maximum(gain * curve + rng.normal(0.0, SENSOR_NOISE_BAR, x.shape), 0.0)

    lengths = np.clip(
        np.round(200 + 10 * np.clip(z_hold_s, -1.5, 1.5) + rng.normal(0.0, 4.0, rows)), 180, 220
    )
    hidden = hidden_state(
        calibrate(scores, rate=defect_rate), viscosity=viscosity, mold_reads_high=4.0 * ramp
    )
    shots = frame(
        COLUMNS,
        {
            "timestamp": stamps,
            "shot_id": np.arange(100001, 100001 + rows),
            "lot": codes("R24-", lot),
            "product": PRODUCTS[part],
            "barrel_temp_c": barrel.round(1),
            "melt_temp_c": melt.round(1),
            "mold_temp_c": (mold + 4.0 * ramp).round(1),
            "injection_speed_mm_s": speed.round(1),
            "injection_pressure_bar": injection.round(0),
            "holding_pressure_bar": holding.round(0),
            "holding_time_s": holding_s.round(2),
            "cooling_time_s": cooling_s.round(2),
            "cycle_time_s": cycle_s.round(2),
            "cushion_mm": np.maximum(cushion, 0.0).round(2),
            "clamp_force_ton": clamp.round(1),
            "cavity_pressure": ragged_curves(lengths.astype(np.int64), cavity),
            "defect": (kind > 0).astype(np.int64),
            "defect_type": DEFECT_TYPES[kind],
        },
    )
    return shots, hidden


def _scores(settings: dict[str, np.ndarray], part: np.ndarray, viscosity: np.ndarray) -> np.ndarray:
    """Per-mechanism logits (short shot, flash, sink mark) from the shot's conditions (see the module doc)."""
    # Deviations from the part's nominal, in units of their typical spread.
    z_melt = (settings["melt_temp_c"] - BARREL_C[part]) / 4.0
    z_inj = (settings["injection_pressure_bar"] / INJECTION_BAR[part] - 1) / 0.055
    z_mold = (settings["mold_temp_c"] - MOLD_C[part]) / 5.0
    z_hold = (settings["holding_pressure_bar"] / HOLDING_BAR[part] - 1) / 0.07
    z_hold_s = (settings["holding_time_s"] / HOLDING_S[part] - 1) / 0.12
    z_clamp = (settings["clamp_force_ton"] / CLAMP_TON[part] - 1) / 0.035
    z_cushion = (settings["cushion_mm"] - CUSHION_MM[part]) / 0.57
    z_cool = (settings["cooling_time_s"] / COOLING_S[part] - 1) / 0.08
    return SIGNAL * np.column_stack(
        [
            -0.9 * z_melt
            - 0.9 * z_inj
            - 0.7 * z_mold
            - 0.5 * z_cushion
            + 0.3 * viscosity
            + 0.6 * relu(-z_melt) * relu(-z_inj),
            0.9 * z_inj + 0.8 * z_melt - 1.0 * z_clamp - 0.3 * viscosity + 0.6 * relu(z_inj) * relu(-z_clamp),
            -0.9 * z_hold
            - 0.9 * z_hold_s
            + 0.8 * z_mold
            - 0.5 * z_cushion
            - 0.3 * z_cool
            + 0.6 * relu(-z_hold) * relu(-z_hold_s),
        ]
    )


def defect_probability(shots: pd.DataFrame, hidden: Hidden) -> np.ndarray:
    """The true P(defect) of shots of a simulated batch (``hidden`` taken at their rows), run at the
    settings their columns now hold: the mechanism of :func:`generate` without its draw."""
    settings = {
        name: shots[name].to_numpy(dtype=float)
        for name in (
            "melt_temp_c",
            "injection_pressure_bar",
            "mold_temp_c",
            "holding_pressure_bar",
            "holding_time_s",
            "clamp_force_ton",
            "cushion_mm",
            "cooling_time_s",
        )
    }
    settings["mold_temp_c"] = settings["mold_temp_c"] - hidden["mold_reads_high"]
    part = product_index(shots["product"].to_numpy(), PRODUCTS)
    return logistic_defect_probability(_scores(settings, part, hidden["viscosity"]), hidden["calibration"])


WEIGHT_SPEC_PCT = 1.5  # part weight within ±1.5 % of the part's nominal weight


def part_weight(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Part weight at inspection, % off the part number's nominal (a scale at the end of the line).

    A fuller cavity weighs more: more cushion and holding pressure pack more melt, a hot melt is denser
    in the mold; a short shot lacks material (-3 %), a flash carries extra (+1.5 %), a sink mark a little
    less (-0.5 %); the scale and the part's own scatter add 0.35 %.
    """
    part = product_index(frame["product"].to_numpy(), PRODUCTS)
    kind = pd.Series(frame["defect_type"]).map({t: i for i, t in enumerate(DEFECT_TYPES)}).to_numpy(dtype=int)
    packing = (
        0.25 * (frame["cushion_mm"].to_numpy(dtype=float) - CUSHION_MM[part]) / 0.57
        + 0.2 * (frame["holding_pressure_bar"].to_numpy(dtype=float) / HOLDING_BAR[part] - 1) / 0.07
        + 0.1 * (frame["melt_temp_c"].to_numpy(dtype=float) - BARREL_C[part]) / 4.0
    )
    defect = np.select([kind == 1, kind == 2, kind == 3], [-3.0, 1.5, -0.5], 0.0)
    return (packing + defect + rng.normal(0.0, 0.35, len(frame))).round(3)


TEMPLATE = ProcessTemplate(
    name="injection_molding",
    title_ko="사출 성형",
    title_en="Injection molding",
    columns=COLUMNS,
    target="defect",
    task="binary",
    positive_class=1,
    roles={"id": "shot_id", "time": "timestamp", "group": "lot", "product": "product"},
    candidates=("logistic", "random_forest", "hist_gradient_boosting", "lightgbm", "ensemble"),
    gates={"roc_auc": ">= 0.8", "recall": ">= 0.8", "false_alarm_rate": "<= 0.1", "monthly_saving": "> 0"},
    costs={
        "inspection_cost": 300.0,
        "escape_cost": 50000.0,
        "false_alarm_cost": 1500.0,
        "inspection_minutes_per_part": 0.5,
    },
    generate=generate,
    quality=QualityCharacteristic(
        "weight_dev_pct",
        unit="%",
        lsl=-WEIGHT_SPEC_PCT,
        usl=WEIGHT_SPEC_PCT,
        label_ko="제품 중량 편차",
        label_en="Part weight deviation",
        measure=part_weight,
    ),
)

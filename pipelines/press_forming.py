"""Press forming (프레스 성형): one row per inspected stroke, a tonnage curve per stroke.

Demo-data physics of :func:`generate`, mechanism by mechanism:

- **Time.** Strokes follow the stroke rate (20-30 spm) in two 8-h shifts a day (06-14, 15-23); a coil
  change stops the press for ~10 min. Every stroke runs through the physics below, but only one part in
  ten (``SAMPLE_EVERY``) goes to the inspection table and gets a label: the data holds those strokes,
  numbered by the press's stroke counter.
- **Material lots.** A coil lasts 1300-2700 strokes; its thickness offset and its hardness (from the mill
  certificate, one value per coil) are lot-level. Two part numbers: a 1.2 mm mild-steel bracket and a
  1.6 mm high-strength panel, each with its own die and settings.
- **Set points.** Operators retune blank-holder force, stroke rate and the lubricator now and then (a new
  level every ~400 strokes) on top of stroke-to-stroke scatter.
- **Warm-up.** The die heats from ambient to ~50 °C over the shift (time constant ~40 min; faster
  strokes heat more), after cooling while the press stood idle.
- **Die wear.** Edges and radii wear with every stroke, faster on hard material and thin lubricant, until
  die maintenance (regrinding, every 1500-3500 strokes) resets the wear and the stroke counter.
- **Defects.** Crack (split): hard, thin material, too little lubricant, high blank-holder force, a hot die
  thinning the lubricant film. Burr: die wear (edge rounding, growing clearance), thick and soft material,
  fast strokes. Each mechanism is a logit centred on its own top-``defect_rate`` quantile; the worst one
  decides, with an offset calibrated so the defect rate equals ``defect_rate``. The logistic noise of that
  choice stands for what no column records (a scratch on the blank, a slug on the die), so the settings
  alone never tell every defect.
- **Tonnage.** Sampled at a fixed rate, 140-185 samples (more at slower strokes): punch contact, load rising
  to the peak at breakthrough (∝ thickness × hardness, up with blank-holder force and wear), snap-through
  with reverse load ringing; the breakthrough point scatters from stroke to stroke, the strain-gauge
  amplifier's gain by ~2 % and its noise by ~4 t. A crack breaks through a little early at a lower peak; a
  burr breaks through late, at a higher peak, and unloads slowly. How plainly a defect shows differs from
  part to part (10-100 % of the full trace): a hairline crack or a small burr barely changes the load.
- **Drift** (``drift`` = 1 at the end of the data, growing linearly from 0): the die coating degrades
  (wear rate up to ×2), the shop warms (+5 °C), lubricator nozzles clog (-0.25 g/m²) and the tonnage
  strain gauges lose calibration (+4 % gain).
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
    position_in_run,
    product_index,
    ragged_curves,
    relu,
    runs,
    shift_clock,
)

PRODUCTS = np.array(["BRK-1100", "PNL-2200"], dtype=object)
PRODUCT_SHARE = (0.6, 0.4)
# Settings per part number: mild-steel bracket, high-strength panel.
THICKNESS_MM = np.array([1.2, 1.6])
HARDNESS_HV = np.array([120.0, 165.0])
HOLDER_KN = np.array([180.0, 260.0])
STROKES_PER_MIN = np.array([30.0, 20.0])
TONNAGE_TON = np.array([160.0, 240.0])
LUBE_G_M2 = 1.8
AMBIENT_C = 22.0
DIE_RISE_C = 28.0
DEFECT_TYPES = np.array(["none", "crack", "burr"], dtype=object)
SIGNAL = 2.5  # logit per unit of a mechanism's score: how strongly the stroke's conditions decide defects
SAMPLE_EVERY = 10  # one part in this many goes to the inspection table; only those have a label
COIL_STROKES = 2000
# Defect traces on the tonnage curve at full strength (relative changes) and the sensor's own scatter.
TRACE_MIN = 0.1
CRACK_EARLY, CRACK_PEAK = 0.1, 0.08
BURR_LATE, BURR_PEAK, BURR_UNLOAD = 0.02, 0.03, 0.012
SENSOR_GAIN_SD, SENSOR_NOISE_TON = 0.02, 4.0
THROUGH_JITTER = 0.012  # breakthrough position scatters with the blank's edge and the die's play

COLUMNS = (
    ColumnSpec("timestamp", "time", label_ko="시각", label_en="Timestamp"),
    ColumnSpec("stroke_id", "id", label_ko="타발 번호", label_en="Stroke ID"),
    ColumnSpec("lot", "group", label_ko="코일 로트", label_en="Coil lot"),
    ColumnSpec("product", "product", label_ko="품번", label_en="Part number"),
    ColumnSpec(
        "blank_thickness_mm", unit="mm", min=0.3, max=6.0, label_ko="소재 두께", label_en="Blank thickness"
    ),
    ColumnSpec(
        "material_hardness_hv", unit="HV", min=60, max=400, label_ko="소재 경도", label_en="Material hardness"
    ),
    ColumnSpec("die_temp_c", unit="°C", min=5, max=120, label_ko="금형 온도", label_en="Die temperature"),
    ColumnSpec(
        "lubrication_g_m2", unit="g/m²", min=0, max=6, label_ko="윤활유 도포량", label_en="Lubrication"
    ),
    ColumnSpec(
        "blank_holder_force_kn",
        unit="kN",
        min=20,
        max=1500,
        label_ko="블랭크 홀더력",
        label_en="Blank-holder force",
    ),
    ColumnSpec("stroke_rate_spm", unit="spm", min=5, max=60, label_ko="분당 타발 수", label_en="Stroke rate"),
    ColumnSpec(
        "strokes_since_maintenance",
        unit="strokes",
        min=0,
        max=100000,
        label_ko="금형 정비 후 타발 수",
        label_en="Strokes since die maintenance",
    ),
    ColumnSpec(
        "tonnage", "curve", unit="ton", min=-200, max=2000, label_ko="프레스 하중", label_en="Press tonnage"
    ),
    ColumnSpec("defect", "target", min=0, max=1, label_ko="불량 여부", label_en="Defect"),
    ColumnSpec("defect_type", "target", label_ko="불량 유형", label_en="Defect type"),
)


def generate(*, rows: int, defect_rate: float, drift: float, seed: int) -> pd.DataFrame:
    """Seeded demo strokes; ``defect_rate`` is the realised share of defective parts (see the module doc)."""
    return simulate(rows=rows, defect_rate=defect_rate, drift=drift, seed=seed)[0]


def simulate(*, rows: int, defect_rate: float, drift: float, seed: int) -> tuple[pd.DataFrame, Hidden]:
    """:func:`generate`'s strokes and what they do not show: the die's wear, how warm the die runs and the
    stroke rate it warmed at, and the calibrated defect mechanism (for :func:`defect_probability`)."""
    check_args(rows=rows, defect_rate=defect_rate, drift=drift)
    rng = np.random.default_rng(seed)
    n = rows * SAMPLE_EVERY
    ramp = np.linspace(0.0, drift, n)
    lot = runs(n, mean_length=COIL_STROKES, rng=rng, spread=0.35)
    part = rng.choice(len(PRODUCTS), p=PRODUCT_SHARE, size=lot[-1] + 1)[lot]
    setting = runs(n, mean_length=400, rng=rng)
    service = runs(n, mean_length=2500, rng=rng, spread=0.4)

    thickness = THICKNESS_MM[part] * (1 + levels(lot, sd=0.006, rng=rng) + rng.normal(0.0, 0.006, n))
    hardness = HARDNESS_HV[part] + levels(lot, sd=4.0, rng=rng)
    holder = HOLDER_KN[part] * (1 + levels(setting, sd=0.05, rng=rng) + rng.normal(0.0, 0.03, n))
    spm = STROKES_PER_MIN[part] * (1 + levels(setting, sd=0.05, rng=rng))
    lube = LUBE_G_M2 * (1 + levels(setting, sd=0.09, rng=rng) + rng.normal(0.0, 0.09, n)) - 0.25 * ramp
    coil_change = np.r_[False, lot[1:] != lot[:-1]]
    stamps, minutes, idle = shift_clock(60.0 / spm + np.abs(rng.normal(0.0, 0.1, n)) + 600.0 * coil_change)
    warm = 1 - cold_share(minutes, idle, heat_min=40.0, cool_min=120.0)
    die_temp = (
        AMBIENT_C + 5.0 * ramp + DIE_RISE_C * (spm / STROKES_PER_MIN[part]) * warm + rng.normal(0.0, 0.8, n)
    )
    z_hard = (hardness - HARDNESS_HV[part]) / 7.0
    z_lube = (lube / LUBE_G_M2 - 1) / 0.127
    strokes = position_in_run(service)
    wear_step = (1 + 0.1 * z_hard - 0.1 * z_lube) * (1 + ramp) / 2500.0
    worn = np.cumsum(wear_step)
    worn -= np.repeat(worn[strokes == 0] - wear_step[strokes == 0], np.bincount(service))

    # The rows: one stroke in SAMPLE_EVERY, the parts taken to the inspection table.
    kept = np.arange(rows) * SAMPLE_EVERY + rng.integers(0, SAMPLE_EVERY, rows)
    (
        ramp,
        lot,
        part,
        thickness,
        hardness,
        holder,
        spm,
        lube,
        stamps,
        die_temp,
        strokes,
        worn,
        warm,
    ) = (
        a[kept]
        for a in (
            ramp,
            lot,
            part,
            thickness,
            hardness,
            holder,
            spm,
            lube,
            stamps,
            die_temp,
            strokes,
            worn,
            warm,
        )
    )
    settings = {
        "blank_thickness_mm": thickness,
        "material_hardness_hv": hardness,
        "die_temp_c": die_temp,
        "lubrication_g_m2": lube,
        "blank_holder_force_kn": holder,
        "stroke_rate_spm": spm,
    }
    scores = _scores(settings, part, worn)
    z_thick = (thickness / THICKNESS_MM[part] - 1) / 0.0126
    kind = pick_defects(scores, rate=defect_rate, rng=rng)

    # How plainly a defect shows on the tonnage curve differs from part to part (see the module doc).
    trace = np.where(kind > 0, rng.uniform(TRACE_MIN, 1.0, rows), 0.0)[:, None]
    crack, burr = (kind == 1)[:, None] * trace, (kind == 2)[:, None] * trace
    contact = (0.30 - 0.01 * z_thick)[:, None]
    through = (0.62 + 0.03 * worn + rng.normal(0.0, THROUGH_JITTER, rows))[:, None]
    through = through - CRACK_EARLY * crack * (through - contact) + BURR_LATE * burr
    peak = (
        TONNAGE_TON[part]
        * (thickness / THICKNESS_MM[part])
        * (hardness / HARDNESS_HV[part])
        * (1 + 0.08 * (holder / HOLDER_KN[part] - 1) + 0.06 * worn - 0.04 * (lube / LUBE_G_M2 - 1))
        * (1 + 0.04 * ramp)
    )[:, None] * (1 - CRACK_PEAK * crack + BURR_PEAK * burr)
    unload = 0.02 * rng.lognormal(0.0, 0.15, (rows, 1)) + BURR_UNLOAD * burr
    gain = rng.lognormal(0.0, SENSOR_GAIN_SD, rows)[:, None]  # strain-gauge amplifier, stroke to stroke

    def tonnage(x: np.ndarray) -> np.ndarray:
        forming = peak * np.clip((x - contact) / (through - contact), 0.0, 1.0) ** 1.5
        after = np.maximum(x - through, 0.0)
        snap = peak * (
            np.exp(-after / unload) - 0.15 * np.exp(-after / 0.04) * np.sin(2 * np.pi * after / 0.05)
        )
        return gain * np.where(x < through, forming, snap) + rng.normal(0.0, SENSOR_NOISE_TON, x.shape)

    lengths = np.clip(
        np.round(160 * np.sqrt(STROKES_PER_MIN[part] / spm) + rng.normal(0.0, 3.0, rows)), 140, 185
    )
    hidden = hidden_state(calibrate(scores, rate=defect_rate), worn=worn, warm=warm, spm=spm)
    strokes_table = frame(
        COLUMNS,
        {
            "timestamp": stamps,
            "stroke_id": kept + 1,
            "lot": codes("C24-", lot),
            "product": PRODUCTS[part],
            "blank_thickness_mm": thickness.round(3),
            "material_hardness_hv": hardness.round(0),
            "die_temp_c": die_temp.round(1),
            "lubrication_g_m2": np.maximum(lube, 0.0).round(2),
            "blank_holder_force_kn": holder.round(1),
            "stroke_rate_spm": spm.round(1),
            "strokes_since_maintenance": strokes,
            "tonnage": ragged_curves(lengths.astype(np.int64), tonnage),
            "defect": (kind > 0).astype(np.int64),
            "defect_type": DEFECT_TYPES[kind],
        },
    )
    return strokes_table, hidden


def _scores(settings: dict[str, np.ndarray], part: np.ndarray, worn: np.ndarray) -> np.ndarray:
    """Per-mechanism logits (crack, burr) from the stroke's conditions (see the module doc)."""
    z_hard = (settings["material_hardness_hv"] - HARDNESS_HV[part]) / 7.0
    z_lube = (settings["lubrication_g_m2"] / LUBE_G_M2 - 1) / 0.127
    z_thick = (settings["blank_thickness_mm"] / THICKNESS_MM[part] - 1) / 0.0126
    z_holder = (settings["blank_holder_force_kn"] / HOLDER_KN[part] - 1) / 0.058
    z_speed = (settings["stroke_rate_spm"] / STROKES_PER_MIN[part] - 1) / 0.05
    z_hot = (settings["die_temp_c"] - AMBIENT_C - DIE_RISE_C) / 4.0
    z_wear = (worn - 0.5) / 0.3
    return SIGNAL * np.column_stack(
        [
            0.6 * z_hard
            - 0.9 * z_lube
            + 0.7 * z_holder
            - 0.5 * z_thick
            + 0.4 * z_hot
            + 0.5 * relu(z_hard) * relu(-z_lube),
            1.2 * z_wear + 0.5 * z_thick - 0.3 * z_hard + 0.3 * z_speed + 0.4 * relu(z_wear) * relu(z_thick),
        ]
    )


def defect_probability(strokes: pd.DataFrame, hidden: Hidden) -> np.ndarray:
    """The true P(defect) of strokes of a simulated batch (``hidden`` taken at their rows), run at the
    settings their columns now hold; a changed stroke rate warms the die more or less, as in :func:`generate`."""
    settings = {
        name: strokes[name].to_numpy(dtype=float)
        for name in (
            "blank_thickness_mm",
            "material_hardness_hv",
            "die_temp_c",
            "lubrication_g_m2",
            "blank_holder_force_kn",
            "stroke_rate_spm",
        )
    }
    part = product_index(strokes["product"].to_numpy(), PRODUCTS)
    faster = (settings["stroke_rate_spm"] - hidden["spm"]) / STROKES_PER_MIN[part]
    settings["die_temp_c"] = settings["die_temp_c"] + DIE_RISE_C * faster * hidden["warm"]
    return logistic_defect_probability(_scores(settings, part, hidden["worn"]), hidden["calibration"])


SPRINGBACK_SPEC_DEG = 1.0  # flange angle within ±1.0° of the drawing


def springback(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Flange-angle deviation at inspection (°): a harder or thinner sheet springs back more, a firmer
    blank holder stretches it and holds the angle; a cracked flange opens (+1.5°), a burr barely shows
    (+0.2°); the gauge and the part's own scatter add 0.25°."""
    part = product_index(frame["product"].to_numpy(), PRODUCTS)
    kind = pd.Series(frame["defect_type"]).map({t: i for i, t in enumerate(DEFECT_TYPES)}).to_numpy(dtype=int)
    deviation = (
        0.4 * (frame["material_hardness_hv"].to_numpy(dtype=float) / HARDNESS_HV[part] - 1) / 0.03
        - 0.3 * (frame["blank_thickness_mm"].to_numpy(dtype=float) / THICKNESS_MM[part] - 1) / 0.0126
        - 0.3 * (frame["blank_holder_force_kn"].to_numpy(dtype=float) / HOLDER_KN[part] - 1) / 0.058
    )
    defect = np.select([kind == 1, kind == 2], [1.5, 0.2], 0.0)
    return (0.25 * deviation + defect + rng.normal(0.0, 0.25, len(frame))).round(3)


TEMPLATE = ProcessTemplate(
    name="press_forming",
    title_ko="프레스 성형",
    title_en="Press forming",
    columns=COLUMNS,
    target="defect",
    task="binary",
    positive_class=1,
    roles={"id": "stroke_id", "time": "timestamp", "group": "lot", "product": "product"},
    candidates=("logistic", "extra_trees", "hist_gradient_boosting", "lightgbm", "ensemble"),
    gates={"roc_auc": ">= 0.8", "recall": ">= 0.8", "false_alarm_rate": "<= 0.1", "monthly_saving": "> 0"},
    costs={
        "inspection_cost": 200.0,
        "escape_cost": 80000.0,
        "false_alarm_cost": 1000.0,
        "inspection_minutes_per_part": 0.3,
    },
    generate=generate,
    quality=QualityCharacteristic(
        "springback_deg",
        unit="°",
        lsl=-SPRINGBACK_SPEC_DEG,
        usl=SPRINGBACK_SPEC_DEG,
        label_ko="플랜지 각도 편차",
        label_en="Flange-angle deviation",
        measure=springback,
    ),
)

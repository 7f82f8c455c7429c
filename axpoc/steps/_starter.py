"""Fill a starter config from a process template or from the user's own data file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from axpoc.config import StarterValues
from axpoc.errors import UserError
from axpoc.process import ProcessTemplate


def starter_from_template(
    name: str, template: ProcessTemplate, *, data_path: str | None = None
) -> StarterValues:
    data_block: dict = (
        {"path": data_path} if data_path else {"demo": {"rows": 3000, "defect_rate": 0.03, "seed": 0}}
    )
    excluded = [c.name for c in template.columns if c.kind == "target" and c.name != template.target]
    return StarterValues(
        name=name,
        process=template.name,
        title=template.title_ko,
        data_block=data_block,
        target=template.target or "defect",
        task=template.task,
        positive_class=template.positive_class,
        roles=dict(template.roles),
        exclude=excluded + list(getattr(template, "exclude", ()) or ()),
        candidates=list(template.candidates),
        gates=dict(template.gates),
        costs=dict(template.costs),
        spec=dict(template.spec) if getattr(template, "spec", None) else None,
    )


def starter_from_data(
    name: str, data_file: Path, *, config_dir: Path, target: str | None = None
) -> StarterValues:
    """Infer encoding, separator, types and likely roles from the user's file.

    The draft passes ``axpoc validate`` on the same file: each role is proposed only on the evidence the
    later checks need (`axpoc.data._infer`); a role that cannot be inferred stays null, and the notes
    (comments at the top of the YAML, and printed by ``init``) say so. A file with no usable target column
    is refused with the reason for each label-like column, rather than written with a guess that
    ``validate`` would reject.
    """
    from axpoc.config import ReadOptions
    from axpoc.data import clean_numbers, infer_roles, read_table
    from axpoc.steps._prepare import _positive

    raw, info = read_table(data_file, ReadOptions())
    if raw.empty:
        raise UserError(
            f"{data_file}: the file has column names but no data rows, so nothing can be inferred. "
            "Export the data again with its rows."
        )
    frame, _ = clean_numbers(raw, ReadOptions())
    if target is not None and target not in frame.columns:
        from axpoc.data import missing_column_message

        raise UserError(f"{data_file.name}: " + missing_column_message("--target", target, frame))
    roles = infer_roles(frame, target=target)
    if not roles.targets:
        raise UserError(_no_target_message(data_file, frame, roles.rejected_targets))
    read: dict = {}
    if info.encoding and info.encoding not in ("utf-8", "utf-8-sig"):
        read["encoding"] = info.encoding
    if info.separator and info.separator != ",":
        read["sep"] = info.separator
    if info.header_row and info.header_row != 1:
        read["header_row"] = info.header_row
    rel = Path(os.path.relpath(data_file.resolve(), config_dir.resolve())).as_posix()
    block: dict = {"path": rel}
    if read:
        block["read"] = read
    named = "--target" if target is not None else "목표 열 후보 (target candidates)"
    target = roles.targets[0]
    task = roles.task_for(frame, target)
    positive = _positive(frame[target].dropna(), None, target) if task == "binary" else None
    classes = sorted(frame[target].dropna().unique().tolist(), key=str) if task == "multiclass" else []
    notes = [
        f"'{data_file.name}' 에서 추론함 (inferred from the file): {info.rows} rows, encoding {info.encoding}, "
        f"separator {info.separator!r}.",
        f"{named}: {', '.join(roles.targets)}",
        *_doubts(roles, target),
    ]
    task = roles.task_for(frame, target)
    classes = sorted(frame[target].dropna().unique().tolist(), key=str) if task == "multiclass" else []
    return StarterValues(
        name=name,
        title=data_file.stem,
        data_block=block,
        target=target,
        task=task,
        positive_class=_plain(positive),
        classes=classes,
        roles={"id": roles.id, "time": roles.time, "group": roles.group, "product": roles.product},
        exclude=roles.suspicious,
        notes=notes,
    )


def _doubts(roles: Any, target: str) -> list[str]:
    """What could not be inferred, one line each (YAML comments and console)."""
    doubts = []
    if roles.from_last_column:
        doubts.append(
            f"확인 필요 (check): 불량 레이블 이름의 열이 없어 마지막 열 '{target}'을 목표로 추정함 "
            "(no column has a label-like name; the last column was taken as the target)."
        )
    said = {
        "id": "부품/샷 번호 열 없음 (no id column found: every value present and different)",
        "time": "날짜·시각 열 없음 (no date-time column found; numbers are never taken for times)",
        "group": "로트·금형·설비 열 없음 (no lot/mold/tool column found; measured values are never groups)",
        "product": "품번·품명 열 없음 (no part number / part name column with a few variants found)",
    }
    doubts += [
        f"추론 못함 (not inferred): {said[role]} - 있으면 columns.{role}에 적으세요."
        for role in roles.missing
    ]
    return doubts


def _no_target_message(data_file: Path, frame: Any, rejected: dict[str, str]) -> str:
    why = "; ".join(f"'{column}': {reason}" for column, reason in rejected.items())
    considered = (
        f" Label-like columns: {why}."
        if why
        else " No column has a label-like name (불량, 판정, defect, NG ...)."
    )
    return (
        f"{data_file.name}: no column can be the target (the defect label to predict), so no config was written."
        f"{considered} A model needs a column that says, for enough rows, which parts were good and which defective "
        "(both kinds, or a measured value for regression). Name it with --target COLUMN, add or fill in such a "
        "column, or write the config by hand with 'axpoc init NAME' and set target.column."
    )


def _plain(value: Any) -> Any:
    """numpy scalars as Python values, so the YAML says ``1``, not a numpy repr."""
    return value.item() if hasattr(value, "item") else value

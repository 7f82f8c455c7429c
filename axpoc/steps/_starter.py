"""Fill a starter config from a process template or from the user's own data file."""

from __future__ import annotations

import os
from pathlib import Path

from axpoc.config._starter import StarterValues
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


def starter_from_data(name: str, data_file: Path, *, config_dir: Path) -> StarterValues:
    """Infer encoding, separator, types and likely roles from the user's file."""
    from axpoc.config import ReadOptions
    from axpoc.data._infer import infer_roles
    from axpoc.data._read import read_table

    frame, info = read_table(data_file, ReadOptions())
    roles = infer_roles(frame)
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
    target = roles.targets[0] if roles.targets else str(frame.columns[-1])
    notes = [
        f"'{data_file.name}' 에서 추론함 (inferred from the file): {info.rows} rows, encoding {info.encoding}, "
        f"separator {info.separator!r}.",
        f"목표 열 후보 (target candidates): {', '.join(roles.targets) or 'none found - set target.column'}",
    ]
    task = roles.task_for(frame, target)
    classes = sorted(frame[target].dropna().unique().tolist(), key=str) if task == "multiclass" else []
    return StarterValues(
        name=name,
        title=data_file.stem,
        data_block=block,
        target=target,
        task=task,
        classes=classes,
        roles={"id": roles.id, "time": roles.time, "group": roles.group, "product": None},
        exclude=roles.suspicious,
        notes=notes,
    )

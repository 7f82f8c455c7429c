"""Every name in a config that ``run`` resolves only later, checked before any data is read.

Lives above ``config`` because it asks the registries (families, processes, scorers), which themselves
read the config's types.
"""

from __future__ import annotations

from axpoc.config import PocConfig
from axpoc.errors import ConfigError, UserError


def check_names(config: PocConfig, *, source: str | None = None) -> None:
    """Every name ``run`` resolves only later (process, ``kpi.primary``, candidates) checked now, before data.

    ``validate`` then refuses what ``run`` would refuse, seconds or minutes earlier. Kept out of
    :func:`config_from_dict` because the registries it asks import scikit-learn (about a second), which
    verbs that never train need not pay.
    """
    from axpoc.compare import Scorer
    from axpoc.models import FAMILIES, get_family
    from axpoc.process import load_process

    where = f"{source}: " if source else ""
    task = config.target.task
    try:
        template = load_process(config.process)
        Scorer.for_task(task, config.kpi.primary)
    except UserError as exc:
        raise ConfigError(f"{where}{exc.message}") from None
    named = [candidate.name for candidate in config.candidates]
    for i, name in enumerate(named):
        if name in named[:i]:
            raise ConfigError(f"{where}candidates[{i}]: '{name}' is listed twice; list each family once.")
        try:
            get_family(name)
        except UserError as exc:
            raise ConfigError(f"{where}candidates[{i}]: {exc.message.removeprefix('candidates: ')}") from None
    names = named or list(template.candidates)
    if names and not any(task in FAMILIES[name].tasks for name in names if name in FAMILIES):
        fitting = ", ".join(f.name for f in FAMILIES.values() if task in f.tasks)
        raise ConfigError(
            f"{where}candidates: none of {', '.join(names)} handles a {task} task (target.task); "
            f"choose from {fitting}."
        )

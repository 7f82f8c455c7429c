"""Live progress of a comparison on stderr: one line per candidate, trials counting up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from axpoc.cli._output import err_console
from axpoc.i18n import console_text, say, texts
from axpoc.kpi import clip_to_range


@dataclass
class CompareProgress:
    progress: Progress
    metric: str = ""
    """The primary metric, whose range the intervals are clipped to (as in JSON and the report)."""
    language: str = "ko"
    """The config's language: the lines and the reasons a candidate stopped are said in it."""
    tasks: dict[str, Any] = field(default_factory=dict)

    def on_trial(self, name: str, number: int, value: float) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(name, total=None)
        line = console_text("trial", self.language, name=name, n=number + 1, value=value)
        self.progress.update(self.tasks[name], description=escape(line))

    def on_candidate(self, result: Any) -> None:
        if result.ok:
            low, high = (
                clip_to_range(bound, self.metric) for bound in (result.interval.low, result.interval.high)
            )
            values = {"mean": result.interval.mean, "low": low, "high": high, "trials": result.n_trials}
            text = console_text("candidate_done", self.language, name=result.name, **values)
        else:
            status = texts(self.language).get(f"status_{result.status}", result.status)
            reason = say(result.reason, self.language)
            text = console_text(
                "candidate_left", self.language, name=result.name, status=status, reason=reason
            )
        text = escape(text)
        if result.name in self.tasks:
            self.progress.update(self.tasks[result.name], description=text, total=1, completed=1)
        else:
            self.progress.add_task(text, total=1, completed=1)


@contextmanager
def compare_progress(config: Any, *, enabled: bool = True) -> Iterator[CompareProgress]:
    """Progress lines for the comparison ``config`` asks for (its primary metric bounds the intervals)."""
    from axpoc.compare import DEFAULT_PRIMARY

    metric = config.kpi.primary or DEFAULT_PRIMARY[config.target.task]
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not enabled,
        transient=False,
    )
    with progress:
        yield CompareProgress(progress, metric=metric, language=config.language)

"""A progress bar on stderr for a first, slow build of a large corpus."""

from __future__ import annotations

import sys
from typing import Any

from ..datafiles import Progress


def terminal_progress() -> Progress | None:
    """A progress bar on stderr for a first, slow build, when stderr is a terminal; none
    otherwise, so nothing extra reaches a log or a pipe. Small corpora finish before it shows."""
    if not sys.stderr.isatty():
        return None
    bars: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bar

        if stage not in bars:
            bars[stage] = Bar(console=Console(stderr=True), transient=True)
            bars[stage].add_task(stage, total=total)
            bars[stage].start()
        bars[stage].update(0, completed=done)
        if done >= total:
            bars[stage].stop()

    return report

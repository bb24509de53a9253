"""Progress of long command-line work (import, verify, rebuild, replay, reconcile) on a
terminal: a bar on stderr, so stdout keeps only the command's answer (a token, a report)
and a pipe or a log file gets no escape codes. When stderr is not a terminal nothing at
all is written.

The work itself reports through a plain callback, `Tick(done, total)`, so the service
layer knows nothing of terminals: `total` may be None while it is not yet known."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Tick = Callable[[int, int | None], None]


def _quiet(done: int, total: int | None = None) -> None:
    return None


@contextmanager
def shown(label: str, stream: TextIO | None = None) -> Iterator[Tick]:
    """A Tick that draws `label` and a bar on the stream (stderr) if it is a terminal."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        yield _quiet
        return
    console = Console(file=stream, stderr=stream is sys.stderr)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield tick

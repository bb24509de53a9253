"""`Progress(done, total)`: the plain callback long work reports through (verify, rebuild,
replay, sealing), so that the layers below the command line know nothing of terminals —
cli/progress.py draws it on a terminal's stderr, or drops it. `total` may be None while
it is not known; both count log positions unless the caller says otherwise."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int | None], None]


def ignored(done: int, total: int | None = None) -> None:
    """The Progress of work nobody watches (an HTTP request, a test)."""
    return None

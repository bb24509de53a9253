"""Progress goes to a terminal's stderr and nowhere else (issue 12 §5)."""

from __future__ import annotations

import io

from cli.progress import shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_written_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with shown("importing", stream) as tick:
        for done in range(0, 101, 10):
            tick(done, 100)
    assert stream.getvalue() == ""


def test_a_terminal_sees_the_label_and_the_count() -> None:
    stream = Terminal()
    with shown("importing", stream) as tick:
        tick(0, None)
        tick(40, 100)
        tick(100, 100)
    assert "importing" in stream.getvalue() and "100/100" in stream.getvalue()

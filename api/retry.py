"""Concurrent retries of one idempotency key: the loser of the race may read the winner's
effects (a worker now registered, a claim now held) before its receipt, and be refused
for them. One more attempt sees the receipt and answers the first result; a conflict
that is real is raised again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from domain.errors import Conflict

T = TypeVar("T")


def settled(command: Callable[[], T]) -> T:
    try:
        return command()
    except Conflict:
        return command()

"""Base classes of every recorded fact: each names who recorded it (谁摸查、谁负责) and the
client's idempotency key it came with."""

from __future__ import annotations

from eventsourcing.domain import Aggregate


class FactCreated(Aggregate.Created):
    """A fact that starts an aggregate's history."""

    recorded_by: str
    event_id: str


class Fact(Aggregate.Event):
    """A fact recorded on an existing aggregate."""

    recorded_by: str
    event_id: str

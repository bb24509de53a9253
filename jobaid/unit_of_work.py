"""One command's view of the store: aggregates loaded once, changed in memory, and saved
together in one transaction."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

A = TypeVar("A", bound=Aggregate)


class UnitOfWork:
    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.aggregates: dict[UUID, Aggregate] = {}

    def find(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate as this unit of work sees it, or None when none is recorded."""
        if aggregate_id not in self.aggregates:
            try:
                found: Any = self.app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
            self.aggregates[aggregate_id] = found
        aggregate = self.aggregates[aggregate_id]
        if not isinstance(aggregate, cls):
            raise TypeError(f"{aggregate_id} is a {type(aggregate).__name__}, not a {cls.__name__}")
        return aggregate

    def add(self, aggregate: A) -> A:
        self.aggregates[aggregate.id] = aggregate
        return aggregate

    def changed(self) -> list[Aggregate]:
        return [a for a in self.aggregates.values() if a.pending_events]

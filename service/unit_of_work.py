"""One command's view of the store: aggregates loaded once, changed in memory, and saved
together in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate

A = TypeVar("A", bound=Aggregate)


class UnitOfWork:
    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.aggregates: dict[UUID, Aggregate] = {}
        self.absent: set[UUID] = set()
        self.parent: UnitOfWork | None = None

        self.recorded: dict[tuple[UUID, int], tuple[int, datetime]] = {}

    def prefetch(self, aggregate_ids: Iterable[UUID]) -> None:
        """Load these aggregates in one query (a batch names many), learning which have
        nothing recorded and where each of their events stands in the global order."""
        from adapters.eventstore import events_of_many

        cache = self.app.repository.cache
        cached: dict[Any, Any] = cache.cache if cache is not None else {}
        known = [self] if self.parent is None else [self, self.parent]
        # A cached aggregate only needs its newest events: `find` fast-forwards it. The
        # cache is shared with other threads: only look ids up in it, never iterate it.
        wanted = {
            aggregate_id
            for aggregate_id in aggregate_ids
            if aggregate_id not in cached
            and not any(aggregate_id in u.aggregates or aggregate_id in u.absent for u in known)
        }
        histories: dict[UUID, list[Any]] = {}
        for stored, position in events_of_many(self.app.recorder, wanted):
            event: Any = self.app.mapper.to_domain_event(stored)
            histories.setdefault(event.originator_id, []).append(event)
            self.recorded[(event.originator_id, event.originator_version)] = (
                position,
                event.timestamp,
            )
        for aggregate_id, events in histories.items():
            aggregate: Any = None
            for each in events:
                aggregate = each.mutate(aggregate)
            self.aggregates[aggregate_id] = aggregate
        self.absent |= wanted - histories.keys()

    def find(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate as this unit of work sees it, or None when none is recorded."""
        if aggregate_id in self.absent:
            return None
        if self.parent is not None and aggregate_id not in self.aggregates:
            if aggregate_id in self.parent.absent:
                return None
            if aggregate_id in self.parent.aggregates:
                # A copy: if this request is refused, the group's state stays as it was.
                self.aggregates[aggregate_id] = copy_of(self.parent.aggregates[aggregate_id])
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
        self.absent.discard(aggregate.id)
        self.aggregates[aggregate.id] = aggregate
        return aggregate

    def child(self) -> UnitOfWork:
        """A unit of work over this one, for one request of a group commit."""
        child = UnitOfWork(self.app)
        child.parent = self
        return child

    def merge(self) -> None:
        """Fold a child's decisions into its parent, to be saved with the group."""
        assert self.parent is not None
        parent = self.parent
        parent.aggregates.update(self.aggregates)
        # In place, in the child's size: a chunk of hundreds merges hundreds of children,
        # and rebuilding the parent's whole set each time made a payment run quadratic.
        parent.absent.update(a for a in self.absent if a not in parent.aggregates)
        parent.absent.difference_update(self.aggregates)
        self.parent.recorded.update(self.recorded)

    def changed(self) -> list[Aggregate]:
        return [a for a in self.aggregates.values() if a.pending_events]


def copy_of(aggregate: Aggregate) -> Aggregate:
    """A deep copy of an aggregate whose pending events are shared, not copied: events are
    immutable, and an account that a chunk of hundreds of payments debits holds hundreds
    of them (copying each for every payment made a payment run quadratic)."""
    pending = vars(aggregate).get("_pending_events")
    memo: dict[int, Any] = {} if pending is None else {id(pending): list(pending)}
    return deepcopy(aggregate, memo)

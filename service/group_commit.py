"""Group commit: concurrent commands saved together in one transaction.

The store serialises writers (PostgreSQL: a table lock per insert), so one save of eight
requests costs little more than one save of one. Each request still decides alone: it
works in a child unit of work layered over the group's, sees what earlier requests of
the group did (a claim, a registration), and is dropped from the group if refused. The
first thread to arrive leads: it runs the queued requests, saves once, and answers each.
If the group's save loses a race with another process, each request is run again alone,
with the usual reload-and-retry."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Recording

from service.unit_of_work import UnitOfWork

T = TypeVar("T")
# Where each event a save stored stands: (aggregate id, version) → its recording.
Saved = dict[tuple[UUID, int], Recording[UUID]]
# A command's answer, once its events are saved and their positions known.
Answer = Callable[[Saved], T]
# A command: it decides in a unit of work, and says how to answer once saved.
Decide = Callable[[UnitOfWork], Answer[T]]

# A group's size is bounded so that its transaction stays short (PostgreSQL cuts one idle
# for 5 s) and a request queued behind it waits for one save, not many: 64 requests, and
# twice a full batch (1,000 facts) of events.
MAX_GROUP = 64
MAX_GROUP_ITEMS = 2000


class Slot(Generic[T]):
    def __init__(self, work: Decide[T], size: int, prefetch: Collection[UUID] = ()) -> None:
        self.work = work
        self.size = size
        self.prefetch = prefetch
        self.wake = threading.Event()  # answered, failed, or asked to lead
        self.finished = False
        self.value: T | None = None
        self.error: BaseException | None = None

    def answer(self, value: T) -> None:
        self.value = value
        self.finished = True
        self.wake.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.finished = True
        self.wake.set()

    def promote(self) -> None:
        """Its thread is to lead the next group (which it is the first of)."""
        self.wake.set()

    def wait(self) -> None:
        """Until answered or promoted."""
        self.wake.wait()
        if not self.finished:
            self.wake.clear()

    def result(self) -> T:
        self.wake.wait()
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


class GroupCommitter:
    def __init__(
        self,
        new_unit: Callable[[], UnitOfWork],
        save: Callable[[UnitOfWork], Saved],
        alone: Callable[[Decide[Any], Collection[UUID]], Any],
    ) -> None:
        self.new_unit = new_unit
        self.save = save
        self.alone = alone
        self.lock = threading.Lock()
        self.queue: list[Slot[Any]] = []
        self.leading = False

    def run(self, work: Decide[T], size: int = 1, prefetch: Collection[UUID] = ()) -> T:
        """Run `work` in the next group; `prefetch` names what it will read, so the group
        loads what all its requests read in one query."""
        slot: Slot[T] = Slot(work, size, prefetch)
        with self.lock:
            self.queue.append(slot)
            lead = not self.leading
            self.leading = True
        if not lead:
            slot.wait()
        while not slot.finished:  # promoted: this thread leads the group it heads
            self._lead(slot)
            if not slot.finished:
                slot.wait()
        return slot.result()

    def _lead(self, own: Slot[Any]) -> None:
        """Commit groups until this thread's own request is answered, then hand the lead
        to the first request still queued: a leader's client is not kept waiting while
        requests that arrived during its commit are saved."""
        while True:
            with self.lock:
                group = self._take()
                if not group:
                    self.leading = False
                    return
            self._commit(group)
            if own.finished:
                with self.lock:
                    if not self.queue:
                        self.leading = False
                        return
                    successor = self.queue[0]
                successor.promote()
                return

    def _take(self) -> list[Slot[Any]]:
        group: list[Slot[Any]] = []
        items = 0
        while self.queue and len(group) < MAX_GROUP:
            if group and items + self.queue[0].size > MAX_GROUP_ITEMS:
                break
            slot = self.queue.pop(0)
            group.append(slot)
            items += slot.size
        return group

    def _commit(self, group: list[Slot[Any]]) -> None:
        """Decide and save a group; every request of it is answered or failed, whatever
        fails (a store outage in the prefetch, say) — none is left waiting."""
        if len(group) == 1:
            self._alone(group[0])
            return
        try:
            self._commit_group(group)
        except Exception as error:
            for slot in group:
                if not slot.finished:
                    slot.fail(error)

    def _commit_group(self, group: list[Slot[Any]]) -> None:
        unit = self.new_unit()
        unit.prefetch(set().union(*(slot.prefetch for slot in group)))
        decided: list[tuple[Slot[Any], Answer[Any]]] = []
        for slot in group:
            child = unit.child()
            try:
                finish = slot.work(child)
            except Exception as error:  # this request alone is refused or failed
                slot.fail(error)
                continue
            child.merge()
            decided.append((slot, finish))
        try:
            positions = self.save(unit)
        except IntegrityError:
            for slot, _ in decided:  # another process won a race: decide again, alone
                self._alone(slot)
            return
        except Exception as error:
            for slot, _ in decided:
                slot.fail(error)
            return
        for slot, finish in decided:
            try:
                slot.answer(finish(positions))
            except Exception as error:
                slot.fail(error)

    def _alone(self, slot: Slot[Any]) -> None:
        try:
            slot.answer(self.alone(slot.work, slot.prefetch))
        except Exception as error:
            slot.fail(error)

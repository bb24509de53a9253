"""The baseline: the bare `eventsourcing` application saving single events in-process,
with as many threads as the HTTP benchmark has clients, and reading its raw log."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from adapters.settings import Settings, storage_env


class Note(Aggregate):
    """About the size of a recorded fact: a few short fields."""

    @event("Written")
    def __init__(self, event_id: str, kind: str, data: Mapping[str, str]) -> None:
        self.event_id = event_id
        self.kind = kind
        self.data = dict(data)


class Tag(Aggregate):
    """A small second aggregate: what the ledger's person key and receipt are."""

    @event("Issued")
    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key


class Bare(Application[UUID]):
    name = "bare"


def open_bare(url: str) -> Bare:
    return Bare(env=storage_env(Settings(url, b"bench")))


def single_saves(
    url: str, threads: int, seconds: float, limit: int, per_fact: bool = False
) -> tuple[int, float]:
    """Saves made (each its own transaction) and the wall time: one event per save, or,
    `per_fact`, the three events one registered worker stores (the worker, its person
    key, its receipt) per save."""
    app = open_bare(url)
    saved = [0] * threads
    deadline = time.perf_counter() + seconds

    def work(n: int) -> None:
        i = 0
        while time.perf_counter() < deadline and sum(saved) < limit:
            note = Note(
                f"ev-{n}-{i}", "WorkerRegistered", {"worker_id": f"w-{n}-{i}", "home": "430102"}
            )
            if per_fact:
                app.save(note, Tag("person", f"p-{n}-{i}"), Tag("receipt", f"ev-{n}-{i}"))
            else:
                app.save(note)
            saved[n] += 1
            i += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    app.close()
    return sum(saved), elapsed


def read_log(app: Application[UUID], decode: bool, section: int = 1000) -> tuple[int, float]:
    """Read the whole notification log in sections (and decode each event, if asked)."""
    started = time.perf_counter()
    count, start = 0, 1
    while True:
        notifications = app.recorder.select_notifications(start=start, limit=section)
        if decode:
            for n in notifications:
                app.mapper.to_domain_event(n)
        count += len(notifications)
        if len(notifications) < section:
            break
        start = notifications[-1].id + 1
    return count, time.perf_counter() - started

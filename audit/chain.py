"""Tamper evidence: the recorded history, hash-chained.

For each stored event at position p (its notification id):
  event_hash     = SHA-256(p, originator id, version, topic, stored state bytes)
  aggregate_hash = SHA-256(the aggregate's previous aggregate_hash, event_hash)
  chain_hash     = SHA-256(the previous position's chain_hash, event_hash, aggregate_hash)
so that editing, deleting, reordering or inserting a stored event — or a chain row — no
longer recomputes. The sealer follows the committed log in position order (writers are
serialised, so positions commit in order) and appends the rows; the chain table's primary
key on position makes a competing sealer's rows collide and roll back, so nothing is
sealed twice or out of order."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification

from adapters.eventstore import EventStore
from adapters.logs import log_retry
from adapters.progress import Progress, ignored
from adapters.sql import SqlCursor, ViewStore

log = logging.getLogger(__name__)
TABLE = "audit_chain"
GENESIS = "0" * 64
SECTION = 2000
HEADS_CACHED = 100_000


def event_hash(position: int, originator_id: UUID, version: int, topic: str, state: bytes) -> str:
    digest = hashlib.sha256()
    for part in (str(position), originator_id.hex, str(version), topic):
        digest.update(part.encode())
        digest.update(b"\x1f")
    digest.update(state)
    return digest.hexdigest()


def link(*hashes: str) -> str:
    return hashlib.sha256("|".join(hashes).encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    position: int
    originator_id: UUID
    originator_version: int
    event_hash: str
    aggregate_hash: str
    chain_hash: str

    @classmethod
    def after(
        cls, notification: Notification, previous_chain: str, previous_aggregate: str
    ) -> Link:
        """The link a stored event makes after the given chain and aggregate heads."""
        originator_id = UUID(str(notification.originator_id))
        hashed = event_hash(
            notification.id,
            originator_id,
            notification.originator_version,
            notification.topic,
            notification.state,
        )
        aggregate = link(previous_aggregate, hashed)
        return cls(
            notification.id,
            originator_id,
            notification.originator_version,
            hashed,
            aggregate,
            link(previous_chain, hashed, aggregate),
        )


class ChainStore:
    """The `audit_chain` table in the ledger's own database."""

    def __init__(self, events: EventStore) -> None:
        self.events = events
        self.views = ViewStore(events.recorder)
        position_type = "BIGINT" if self.views.postgres else "INTEGER"
        with self.views.transaction() as cur:
            if self.views.postgres:
                cur.execute("SELECT pg_advisory_xact_lock(7106117302)")
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} ("
                f"position {position_type} PRIMARY KEY, originator_id TEXT NOT NULL, "
                "originator_version INTEGER NOT NULL, event_hash TEXT NOT NULL, "
                "aggregate_hash TEXT NOT NULL, chain_hash TEXT NOT NULL, sealed_at TEXT NOT NULL)"
            )
            cur.execute(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_aggregate "
                f"ON {TABLE} (originator_id, originator_version)"
            )

    def head(self, cur: SqlCursor | None = None) -> tuple[int, str]:
        """The last sealed position and its chain hash (0 and the genesis hash if none)."""
        if cur is None:
            with self.views.transaction(commit=False) as reader:
                return self.head(reader)
        row = cur.execute(
            f"SELECT position, chain_hash FROM {TABLE} ORDER BY position DESC LIMIT 1"
        ).fetchone()
        return (int(row["position"]), str(row["chain_hash"])) if row else (0, GENESIS)

    def links(self, after: int, limit: int) -> list[dict[str, Any]]:
        with self.views.transaction(commit=False) as cur:
            return cur.execute(
                f"SELECT * FROM {TABLE} WHERE position > ? ORDER BY position LIMIT ?",
                (after, limit),
            ).fetchall()

    def link_at(self, position: int) -> dict[str, Any] | None:
        with self.views.transaction(commit=False) as cur:
            row = cur.execute(f"SELECT * FROM {TABLE} WHERE position = ?", (position,)).fetchone()
            return dict(row) if row else None

    def links_at(self, positions: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The chain rows sealed at these positions (those not sealed yet are absent)."""
        found: dict[int, dict[str, Any]] = {}
        with self.views.transaction(commit=False) as cur:
            for start in range(0, len(positions), 500):  # within any store's parameter limit
                chunk = tuple(positions[start : start + 500])
                marks = ", ".join("?" * len(chunk))
                rows = cur.execute(f"SELECT * FROM {TABLE} WHERE position IN ({marks})", chunk)
                found.update((int(row["position"]), dict(row)) for row in rows.fetchall())
        return found

    def aggregate_hash_at(
        self, originator_id: UUID, version: int, cur: SqlCursor | None = None
    ) -> str | None:
        """The sealed aggregate hash of one aggregate's version, if sealed."""
        if cur is None:
            with self.views.transaction(commit=False) as reader:
                return self.aggregate_hash_at(originator_id, version, reader)
        row = cur.execute(
            f"SELECT aggregate_hash FROM {TABLE} WHERE originator_id = ? AND originator_version = ?",
            (originator_id.hex, version),
        ).fetchone()
        return str(row["aggregate_hash"]) if row else None

    def append(self, cur: SqlCursor, links: Sequence[Link]) -> None:
        sealed_at = datetime.now(UTC).isoformat()
        cur.executemany(
            f"INSERT INTO {TABLE} (position, originator_id, originator_version, event_hash, "
            "aggregate_hash, chain_hash, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    x.position,
                    x.originator_id.hex,
                    x.originator_version,
                    x.event_hash,
                    x.aggregate_hash,
                    x.chain_hash,
                    sealed_at,
                )
                for x in links
            ],
        )


class Sealer:
    """Appends the chain for everything committed since the last sealed position."""

    def __init__(self, events: EventStore) -> None:
        self.events = events
        self.store = ChainStore(events)
        self.heads: OrderedDict[UUID, tuple[int, str]] = OrderedDict()
        self._lock = threading.Lock()

    def seal(self, progress: Progress = ignored) -> int:
        """Seal everything recorded so far; the last sealed position. The position sealed
        through goes to `progress` after each section (one more query each, so only when
        someone watches)."""
        target = (self.events.recorder.max_notification_id() or 0) if progress is not ignored else 0
        while self.step():
            if progress is not ignored:
                progress(min(self.store.head()[0], target), target)
        sealed = self.store.head()[0]
        progress(sealed, sealed)
        return sealed

    def step(self) -> int:
        """Seal the next section; how many events it sealed (0: nothing new)."""
        with self._lock:
            try:
                # Read the log before taking the write lock: on SQLite a reader asked for
                # inside the writer's transaction queues behind requests waiting for the
                # writer, and everyone waits out the pool timeout (5 s, then a 503).
                seen, _ = self.store.head()
                notifications = self.events.recorder.select_notifications(seen + 1, SECTION)
                with self.store.views.transaction() as cur:
                    position, chain = self.store.head(cur)
                    if position != seen:
                        return 1  # another sealer moved on meanwhile: go on from its head
                    batch_heads: dict[UUID, tuple[int, str]] = {}
                    links = list(self._links(cur, notifications, chain, batch_heads))
                    self.store.append(cur, links)
            except IntegrityError:
                return 1  # another sealer got there first: go on from its head
            for originator_id, (version, aggregate_hash) in batch_heads.items():
                self._remember(originator_id, version, aggregate_hash)
            return len(links)

    def _links(
        self,
        cur: SqlCursor,
        notifications: Sequence[Notification],
        chain: str,
        batch_heads: dict[UUID, tuple[int, str]],
    ) -> Iterator[Link]:
        for notification in notifications:
            originator_id = UUID(str(notification.originator_id))
            version = notification.originator_version
            cached = batch_heads.get(originator_id) or self.heads.get(originator_id)
            if cached is not None and cached[0] == version - 1:
                previous_aggregate = cached[1]
            elif version > 1:
                sealed_before = self.store.aggregate_hash_at(originator_id, version - 1, cur)
                previous_aggregate = sealed_before or GENESIS
            else:
                previous_aggregate = GENESIS
            sealed = Link.after(notification, chain, previous_aggregate)
            batch_heads[originator_id] = (version, sealed.aggregate_hash)
            chain = sealed.chain_hash
            yield sealed

    def _remember(self, originator_id: UUID, version: int, aggregate_hash: str) -> None:
        self.heads[originator_id] = (version, aggregate_hash)
        self.heads.move_to_end(originator_id)
        while len(self.heads) > HEADS_CACHED:
            self.heads.popitem(last=False)


class SealingThread:
    """Seals in the background while the service runs, so that little stays unsealed."""

    def __init__(self, events: EventStore, idle: float = 0.2) -> None:
        self.sealer = Sealer(events)
        self.idle = idle
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="jobaid-sealer", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None

    def _run(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                sealed = self.sealer.step()
                failures = 0
            except Exception as error:  # the store is busy or away: keep trying, with back-off
                failures += 1
                log_retry(log, "sealing", failures, error)
                self.stopping.wait(min(30.0, 0.1 * 2 ** min(failures, 8)))
                continue
            if not sealed:
                self.stopping.wait(self.idle)

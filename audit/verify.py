"""`jobaid verify` and `GET /v1/audit/verify`: re-read the whole recorded history in order
and prove it is what was sealed.

Every stored event is walked beside the hash chain (`jobaid/chain.py`): each event must
still decode, each aggregate's versions must run 1, 2, 3… without a gap, and each event
must recompute the event, aggregate and chain hashes sealed for its position. An edited,
deleted, reordered or inserted event — or an edited chain row — shows as the first bad
position. Events recorded after the last sealed position are checked for decoding and
versions and reported as the unsealed tail. With a checkpoint kept outside the system
(`jobaid audit checkpoint`), `--against FILE` also proves the history still extends it."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from adapters.eventstore import EventStore
from adapters.progress import Progress, ignored
from audit.chain import GENESIS, SECTION, ChainStore, Link, Sealer

HEADS_KEPT = 200_000
PROGRESS_EVERY = 1000  # events between two reports: a bar moves, and costs nothing


class Tampered(Exception):
    def __init__(self, position: int, detail: str) -> None:
        super().__init__(detail)
        self.position = position
        self.detail = detail


def verify(
    events: EventStore, checkpoint: dict[str, Any] | None = None, progress: Progress = ignored
) -> dict[str, Any]:
    """{ok, checked, sealed_through, unsealed, first_bad_position, detail}; the position
    checked so far goes to `progress` every PROGRESS_EVERY events."""
    store = ChainStore(events)
    sealed_through, _ = store.head()
    walk = Walk(events, sealed_through, int(checkpoint["position"]) if checkpoint else None, store)
    head = events.recorder.max_notification_id() or 0
    progress(0, head)
    try:
        for notification, sealed in merged(events, store):
            walk.check(notification, sealed)
            if walk.checked % PROGRESS_EVERY == 0 and notification is not None:
                progress(min(notification.id, head), head)
        progress(head, head)
        if checkpoint is not None:
            walk.check_checkpoint(checkpoint)
    except Tampered as found:
        return {
            "ok": False,
            "checked": walk.checked,
            "sealed_through": sealed_through,
            "unsealed": walk.unsealed,
            "first_bad_position": found.position,
            "detail": found.detail,
        }
    return {
        "ok": True,
        "checked": walk.checked,
        "sealed_through": sealed_through,
        "unsealed": walk.unsealed,
        "first_bad_position": None,
        "detail": "intact"
        if checkpoint is None
        else f"intact, and extends the checkpoint at {checkpoint['position']}",
    }


def merged(
    events: EventStore, store: ChainStore
) -> Iterator[tuple[Notification | None, dict[str, Any] | None]]:
    """(event, chain row) pairs in position order; either may be missing at a position."""
    stored = sections(
        lambda after: events.recorder.select_notifications(after + 1, SECTION), lambda n: n.id
    )
    links = sections(lambda after: store.links(after, SECTION), lambda row: int(row["position"]))
    event, row = next(stored, None), next(links, None)
    while event is not None or row is not None:
        event_at = event.id if event is not None else None
        row_at = int(row["position"]) if row is not None else None
        if row_at is None or (event_at is not None and event_at < row_at):
            yield event, None
            event = next(stored, None)
        elif event_at is None or row_at < event_at:
            yield None, row
            row = next(links, None)
        else:
            yield event, row
            event, row = next(stored, None), next(links, None)


def sections(read: Any, position_of: Any) -> Iterator[Any]:
    after = 0
    while True:
        section = read(after)
        yield from section
        if len(section) < SECTION:
            return
        after = position_of(section[-1])


class Walk:
    """What has been seen so far: aggregate heads, the chain head, counts."""

    def __init__(
        self,
        events: EventStore,
        sealed_through: int,
        checkpoint_at: int | None = None,
        store: ChainStore | None = None,
    ) -> None:
        self.events = events
        self.store = store or ChainStore(events)
        self.sealed_through = sealed_through
        self.checkpoint_at = checkpoint_at
        # Each aggregate's last version and aggregate hash, bounded so that memory stays
        # flat however long the history: an evicted head is read back from the chain row
        # already verified in this walk. Heads in the unsealed tail are few and kept.
        self.versions: OrderedDict[UUID, tuple[int, str]] = OrderedDict()
        self.unsealed_heads: dict[UUID, tuple[int, str]] = {}
        self.chain = GENESIS
        self.chain_at: dict[int, str] = {}
        self.checked = 0
        self.unsealed = 0

    def check(self, notification: Notification | None, sealed: dict[str, Any] | None) -> None:
        if notification is None:
            assert sealed is not None
            raise Tampered(
                int(sealed["position"]), "a sealed event is missing from the store (deleted)"
            )
        originator_id = UUID(str(notification.originator_id))
        version, previous = self._head(originator_id, notification.originator_version)
        if notification.originator_version != version + 1:
            raise Tampered(
                notification.id,
                f"aggregate {originator_id} has version {notification.originator_version} where {version + 1} was due",
            )
        self._decodes(notification)
        if sealed is None:
            if notification.id < self.sealed_through:
                raise Tampered(
                    notification.id,
                    "an event that was never sealed stands inside the sealed history (inserted)",
                )
            self.unsealed += 1
            self.unsealed_heads[originator_id] = (version + 1, previous)
        else:
            again = Link.after(notification, self.chain, previous)
            self._compare(again, sealed)
            self.chain = again.chain_hash
            self._remember(originator_id, (version + 1, again.aggregate_hash))
        self.checked += 1

    def _head(self, originator_id: UUID, version: int) -> tuple[int, str]:
        known = self.unsealed_heads.get(originator_id) or self.versions.get(originator_id)
        if known is not None:
            return known
        if version > 1:
            sealed = self.store.aggregate_hash_at(originator_id, version - 1)
            if sealed is not None:
                return version - 1, sealed
        return 0, GENESIS

    def _remember(self, originator_id: UUID, head: tuple[int, str]) -> None:
        self.versions[originator_id] = head
        self.versions.move_to_end(originator_id)
        if len(self.versions) > HEADS_KEPT:
            self.versions.popitem(last=False)

    def _decodes(self, notification: Notification) -> None:
        try:
            event = self.events.mapper.to_domain_event(notification)
        except Exception as error:  # anything that no longer decodes is corruption here
            raise Tampered(
                notification.id, f"the event does not decode ({type(error).__name__})"
            ) from None
        if event.originator_version != notification.originator_version:
            raise Tampered(notification.id, "the event's content names another version")

    def _compare(self, again: Link, sealed: dict[str, Any]) -> None:
        position = again.position
        if (again.originator_id.hex, again.originator_version) != (
            sealed["originator_id"],
            sealed["originator_version"],
        ):
            raise Tampered(
                position,
                "another event stands at this position than was sealed (reordered or inserted)",
            )
        if again.event_hash != sealed["event_hash"]:
            raise Tampered(position, "the stored event differs from what was sealed (edited)")
        if again.aggregate_hash != sealed["aggregate_hash"]:
            raise Tampered(position, "the aggregate's earlier history differs from what was sealed")
        if again.chain_hash != sealed["chain_hash"]:
            raise Tampered(
                position, "the chain does not link here (an earlier event or chain row changed)"
            )
        if position == self.checkpoint_at:
            self.chain_at[position] = again.chain_hash

    def check_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        position = int(checkpoint["position"])
        # Position 0 is the empty history (nothing sealed yet): every history extends it.
        found = GENESIS if position == 0 else self.chain_at.get(position)
        if found != checkpoint["chain_hash"]:
            raise Tampered(
                position, "the history no longer extends the checkpoint kept outside the system"
            )


def checkpoint(
    events: EventStore, signed_off_by: str, progress: Progress = ignored
) -> dict[str, Any]:
    """Seal what is recorded and describe the chain head: a small file an auditor keeps."""
    sealer = Sealer(events)
    position = sealer.seal(progress)
    link_row = sealer.store.link_at(position) if position else None
    body = {
        "position": position,
        "chain_hash": link_row["chain_hash"] if link_row else GENESIS,
        "taken_at": datetime.now(UTC).isoformat(),
        "signed_off_by": signed_off_by,
    }
    body["digest"] = digest_of(body)
    return body


def latest_seal(events: EventStore, taken_by: str) -> dict[str, Any]:
    """The chain head as sealed so far (the sealer runs beside the service), without
    sealing anything: what `GET /v1/audit/checkpoint` hands out. The same file as
    `jobaid audit checkpoint` writes (digest included), so `jobaid verify --against` and
    `GET /v1/audit/verify?position=&chain_hash=` take it as it is."""
    store = ChainStore(events)
    position, chain_hash = store.head()
    link_row = store.link_at(position) if position else None
    body = {
        "position": position,
        "chain_hash": chain_hash,
        "sealed_at": link_row["sealed_at"] if link_row else None,
        "taken_at": datetime.now(UTC).isoformat(),
        "signed_off_by": taken_by,
    }
    body["digest"] = digest_of(body)
    return body


def digest_of(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def read_checkpoint(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    digest = data.pop("digest", None)
    if digest != digest_of(data):
        raise ValueError(f"{path}: the checkpoint file was altered (its digest does not match)")
    return data

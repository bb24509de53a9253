"""Uniqueness and idempotency records. A business id (placement, enrollment, loan,
appropriation, a person's ID number) is reserved by creating a Key whose aggregate id is
derived from it, in the same save as the fact that uses it: a second use collides in the
store. A Receipt remembers what a client's `event_id` / `reversal_id` asked for and what it
got, so a retry answers the first result and a reuse with other content is refused."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict


class Key(Aggregate):
    """A reserved business id and what owns it."""

    TOPIC = "jobaid:Key"

    class Event(Aggregate.Event):
        TOPIC = "jobaid:Key.Event"

    @event("Reserved", topic="jobaid:KeyReserved")
    def __init__(self, namespace: str, value: str, owner: str) -> None:
        self.namespace = namespace
        self.value = value
        self.owner = owner

    @staticmethod
    def create_id(namespace: str, value: str) -> UUID:
        return ids.key_uuid(namespace, value)

    @classmethod
    def reserve(cls, namespace: str, value: str, owner: str, taken: bool, field: str) -> Key:
        """Reserve `value` for `owner`; a value already reserved is a conflict naming `field`."""
        if taken:
            raise Conflict(f"{field} {value} is already used")
        return cls(namespace=namespace, value=value, owner=owner)


class Receipt(Aggregate):
    """The answer given to one idempotency key."""

    TOPIC = "jobaid:Receipt"

    class Event(Aggregate.Event):
        TOPIC = "jobaid:Receipt.Event"

    @event("Issued", topic="jobaid:ReceiptIssued")
    def __init__(
        self,
        kind: str,
        key: str,
        request_hash: str,
        event_type: str,
        target_id: str,
        target_version: int,
    ) -> None:
        self.kind = kind
        self.key = key
        self.request_hash = request_hash
        self.event_type = event_type
        self.target_id = target_id
        self.target_version = target_version

    @staticmethod
    def create_id(kind: str, key: str) -> UUID:
        return ids.receipt_uuid(kind, key)

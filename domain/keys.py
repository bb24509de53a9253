"""Uniqueness and idempotency records. A business id (placement, enrollment, loan,
appropriation, a person's ID number) is reserved by creating a Key whose aggregate id is
derived from it, in the same save as the fact that uses it: a second use collides in the
store. A Receipt remembers what a client's `event_id` / `reversal_id` asked for and what it
got, so a retry answers the first result and a reuse with other content is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate


class Key(Aggregate):
    """A reserved business id and what owns it."""

    TOPIC = "jobaid:Key"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Key.Created"

    class Reserved(Created):
        TOPIC = "jobaid:KeyReserved"
        namespace: str
        value: str
        owner: str

        def apply(self, aggregate: Any) -> None:
            aggregate.namespace = self.namespace
            aggregate.value = self.value
            aggregate.owner = self.owner

    if TYPE_CHECKING:
        namespace: str
        value: str
        owner: str


class Receipt(Aggregate):
    """The answer given to one idempotency key."""

    TOPIC = "jobaid:Receipt"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Receipt.Created"

    class Issued(Created):
        TOPIC = "jobaid:ReceiptIssued"
        kind: str
        key: str
        request_hash: str
        event_type: str
        target_id: str
        target_version: int

        def apply(self, aggregate: Any) -> None:
            aggregate.kind = self.kind
            aggregate.key = self.key
            aggregate.request_hash = self.request_hash
            aggregate.event_type = self.event_type
            aggregate.target_id = self.target_id
            aggregate.target_version = self.target_version

    if TYPE_CHECKING:
        kind: str
        key: str
        request_hash: str
        event_type: str
        target_id: str
        target_version: int

"""Recording a batch of facts in one unit of work: each is authorised (role and scope),
recognised as a retry by its receipt or recorded by its handler, and answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain import ids
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.keys import Receipt
from domain.recorded import Actor, Recording
from service import access as scope
from service.access import Access
from service.catalogue import FACT_TYPES, FactType
from service.facts import FactContext, named_aggregates
from service.group_commit import Answer, Saved
from service.idempotency import request_hash
from service.parsing import parse
from service.results import FactRecorded
from service.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from service.ledger import Ledger


@dataclass(frozen=True)
class FactItem:
    """One fact to record: the client's idempotency key, the type, the parsed command,
    and the digest of what the client sent (to tell a retry from a reuse of the key)."""

    event_id: str
    type: str
    command: Any
    request_hash: str
    prefix: str = "data."  # where the command's fields stand in the request body


def fact_item(event_id: str, type_: str, data: object, prefix: str = "") -> FactItem:
    """One fact from raw JSON-like input (the survey form, the command line, tests),
    parsed by the same models as HTTP; InvalidInput names the field."""
    fact_type = FACT_TYPES.get(type_)
    if fact_type is None:
        raise InvalidInput(f"{prefix}type", f"unknown event type {type_!r}")
    command = parse(fact_type.command, data, f"{prefix}data.")
    digest = request_hash({"type": type_, "data": data})
    return FactItem(event_id, type_, command, digest, f"{prefix}data.")


def receipts_of(items: Sequence[FactItem]) -> set[UUID]:
    return {ids.receipt_uuid("event", item.event_id) for item in items}


def named_by(items: Sequence[FactItem], pii_key: bytes) -> set[UUID]:
    """The aggregates a batch of facts will read: its receipts and what its fields name."""
    named = receipts_of(items)
    for item in items:
        named |= named_aggregates(item.command, pii_key)
    return named


def record_facts(
    uow: UnitOfWork, ledger: Ledger, items: Sequence[FactItem], by: Actor, access: Access | None
) -> Answer[list[FactRecorded]]:
    answers: list[tuple[Receipt, bool]] = []
    for item in items:
        fact_type = FACT_TYPES[item.type]
        if access is not None:
            authorize(uow, access, fact_type, item)
        receipt = uow.find(ids.receipt_uuid("event", item.event_id), Receipt)
        if receipt is not None:
            if receipt.request_hash != item.request_hash:
                raise Conflict(f"event_id {item.event_id} was already used for another fact")
            # Recorded before, or earlier in this batch or group commit: a retry.
            answers.append((receipt, True))
            continue
        answers.append((record_one(uow, ledger.settings.pii_key, fact_type, item, by), False))
    return lambda saved: [fact_answer(ledger, uow, r, saved, replayed) for r, replayed in answers]


def authorize(uow: UnitOfWork, access: Access, fact_type: FactType, item: FactItem) -> None:
    """The role, then the scope, read from the command's own unit of work."""
    if access.role not in fact_type.roles:
        raise Forbidden(f"{access.token_kind} may not post {fact_type.name}")
    anywhere = fact_type.admin_anywhere and access.role == "admin"
    try:
        places = fact_type.places(uow, item.command)
    except InvalidInput as error:
        raise InvalidInput(item.prefix + error.field, error.reason) from None
    scope.authorize(access, places, fact_type.name, anywhere)


def record_one(
    uow: UnitOfWork, pii_key: bytes, fact_type: FactType, item: FactItem, by: Actor
) -> Receipt:
    ctx = FactContext(uow, pii_key, Recording(by, item.event_id))
    try:
        aggregate = fact_type.record(ctx, item.command)
    except InvalidInput as error:
        raise InvalidInput(item.prefix + error.field, error.reason) from None
    return uow.add(
        Receipt(
            kind="event",
            key=item.event_id,
            request_hash=item.request_hash,
            event_type=item.type,
            target_id=str(aggregate.id),
            target_version=aggregate.version,
        )
    )


def fact_answer(
    ledger: Ledger, uow: UnitOfWork, receipt: Receipt, saved: Saved, replayed: bool
) -> FactRecorded:
    target = (UUID(receipt.target_id), receipt.target_version)
    recording = saved.get(target)
    if recording is not None:
        position, recorded_at = recording.notification.id, timestamp(recording.domain_event)
    elif target in uow.recorded:
        position, recorded_at = uow.recorded[target]
    else:
        position, recorded_at = ledger.position_of(*target), timestamp(ledger.event_at(*target))
    return FactRecorded(
        receipt.key, receipt.event_type, target[0], target[1], position, recorded_at, replayed
    )


def timestamp(event: Any) -> Any:
    """When an event was recorded (its `timestamp`, set as it was created)."""
    return event.timestamp

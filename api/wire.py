"""Values as they travel: amounts as decimal strings (never floats), dates and instants
as ISO 8601, ids as strings; and a recorded event as its history line."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from domain.values import money_str

# Never shown: a keyed hash of the ID number is for look-ups inside the ledger only.
PRIVATE_FIELDS = {"id_number_hash", "originator_id", "originator_version", "timestamp"}


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def event_type(event: DomainEventProtocol[UUID]) -> str:
    """The contract's name for an event (its stable topic), e.g. `WorkerPlaced`."""
    topic = getattr(type(event), "TOPIC", "") or type(event).__qualname__
    return str(topic).rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def history_line(
    event: DomainEventProtocol[UUID], token: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One recorded fact: its data, who recorded it (subject) and with which token —
    `token` is that token and who issued it, when known."""
    fields = {k: v for k, v in vars(event).items() if k not in PRIVATE_FIELDS}
    token_id = fields.pop("token_id", None)
    return {
        "type": event_type(event),
        "version": event.originator_version,
        "recorded_at": vars(event)["timestamp"].isoformat(),
        "recorded_by": fields.pop("recorded_by", None),
        "token": dict(token)
        if token is not None
        else None
        if token_id is None
        else {"token_id": token_id},
        "event_id": fields.pop("event_id", None),
        "data": plain(fields),
    }

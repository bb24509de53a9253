"""Every aggregate the ledger stores, in one place: the store's topics resolve from here.

An event's stored topic (`jobaid:WorkerPlaced`) is registered when its class is defined,
so a process could only read the events whose modules it happened to import: `jobaid
verify` never imported the reconciliation module and called an intact ledger tampered
(TopicError). The application registers this whole list before it reads anything, and a
test proves that every aggregate class in `domain/` is on it and that every entry point,
in a fresh process, reads every event type."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, CanMutateAggregate

from domain.accounts import FundAccount
from domain.approvals import RequestedPayment
from domain.claims import Claims
from domain.keys import Key, Receipt
from domain.organisation import Organisation
from domain.payments import Payment
from domain.reconciliation import Reconciliation
from domain.reference import ReferenceData
from domain.runs import PaymentRun
from domain.tokens import Token
from domain.worker import Worker

AGGREGATES: tuple[type[Aggregate], ...] = (
    Worker,
    Organisation,
    ReferenceData,
    FundAccount,
    Payment,
    RequestedPayment,
    PaymentRun,
    Claims,
    Key,
    Receipt,
    Token,
    Reconciliation,
)


def event_classes() -> dict[str, type[Any]]:
    """Each stored topic and its event class, for every aggregate on the list (the
    library's own per-aggregate `Event` bases, never stored, have no topic of ours)."""
    return {
        str(getattr(value, "TOPIC")): value  # noqa: B009 - set on every stored event
        for aggregate in AGGREGATES
        for value in vars(aggregate).values()
        if isinstance(value, type)
        and issubclass(value, CanMutateAggregate)
        and getattr(value, "TOPIC", None)
        # Each aggregate's `Event` (the base of its events) and the `Created` the library
        # derives from it carry the base's topic: neither is ever stored.
        and getattr(value, "TOPIC") != getattr(getattr(aggregate, "Event"), "TOPIC", None)  # noqa: B009
    }


def stored_topics() -> dict[str, type[Any]]:
    """Every topic the store may hold — events, and aggregates for their snapshots."""
    return {**event_classes(), **{str(getattr(a, "TOPIC")): a for a in AGGREGATES}}  # noqa: B009

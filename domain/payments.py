"""A subsidy payment: what the policy decided (amount, account, rule, the fact that earned
it), and its reversal. A wrong payment is never edited: it is reversed by a new event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import Conflict
from domain.recorded import add_token_id


class Payment(Aggregate):
    """One payment, identified by the client's `payment_id`."""

    TOPIC = "jobaid:Payment"

    class Created(Aggregate.Created):
        TOPIC = "jobaid:Payment.Created"

    class SubsidyPaid(Created):
        TOPIC = "jobaid:SubsidyPaid"
        payment_id: str
        rule: str
        amount: Decimal
        source: str
        division: str
        funding_rule: str
        payee_id: str
        worker_id: str | None
        placement_id: str | None
        enrollment_id: str | None
        loan_id: str | None
        paid_on: date
        earned_on: date
        basis: str
        covers: list[str]
        claims: dict[str, list[str]]
        request_hash: str
        recorded_by: str
        token_id: str | None
        adjustment_reason: str | None

        class_version = 2  # token_id
        upcast_v1_v2 = staticmethod(add_token_id)

        def apply(self, aggregate: Any) -> None:
            aggregate.__dict__.update(
                {k: v for k, v in self.__dict__.items() if not k.startswith("originator")}
            )
            aggregate.reversal = None

    class Reversed(Aggregate.Event):
        TOPIC = "jobaid:PaymentReversed"
        reversal_id: str
        reason: str
        reversed_on: date
        request_hash: str
        recorded_by: str
        token_id: str | None
        adjustment_reason: str | None

        class_version = 2  # token_id
        upcast_v1_v2 = staticmethod(add_token_id)

        def apply(self, aggregate: Any) -> None:
            aggregate.reversal = {
                "reversal_id": self.reversal_id,
                "reason": self.reason,
                "reversed_on": self.reversed_on,
                "request_hash": self.request_hash,
                "version": self.originator_version,
            }

    if TYPE_CHECKING:
        payment_id: str
        rule: str
        amount: Decimal
        source: str
        division: str
        funding_rule: str
        payee_id: str
        worker_id: str | None
        paid_on: date
        earned_on: date
        basis: str
        covers: list[str]
        claims: dict[str, list[str]]
        request_hash: str
        reversal: dict[str, Any] | None

    def reverse(self, reversal_id: str, reversed_on: date, **fields: Any) -> None:
        if self.reversal is not None:
            raise Conflict(
                f"payment {self.payment_id} was already reversed by {self.reversal['reversal_id']}"
            )
        if reversed_on < self.paid_on:
            raise Conflict(f"reversed_on {reversed_on} is before the payment ({self.paid_on})")
        self.trigger_event(
            self.Reversed, reversal_id=reversal_id, reversed_on=reversed_on, **fields
        )

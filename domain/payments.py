"""A subsidy payment: what the policy decided (amount, account, rule, the fact that earned
it), and its reversal. A wrong payment is never edited: it is reversed by a new event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.commands import ReversePayment
from domain.errors import Conflict
from domain.policy.common import Decision, PaymentRequest
from domain.recorded import Actor, FactEvent


class Payment(Aggregate):
    """One payment, identified by the client's `payment_id`."""

    TOPIC = "jobaid:Payment"

    class Event(FactEvent):
        TOPIC = "jobaid:Payment.Event"

    @event("SubsidyPaid", topic="jobaid:SubsidyPaid")
    def __init__(
        self,
        payment_id: str,
        rule: str,
        amount: Decimal,
        source: str,
        division: str,
        funding_rule: str,
        payee_id: str,
        worker_id: str | None,
        placement_id: str | None,
        enrollment_id: str | None,
        loan_id: str | None,
        paid_on: date,
        earned_on: date,
        basis: str,
        covers: list[str],
        claims: dict[str, list[str]],
        request_hash: str,
        recorded_by: str,
        token_id: str | None,
        adjustment_reason: str | None,
    ) -> None:
        self.payment_id, self.rule, self.amount = payment_id, rule, amount
        self.source, self.division, self.funding_rule = source, division, funding_rule
        self.payee_id, self.worker_id = payee_id, worker_id
        self.placement_id, self.enrollment_id, self.loan_id = placement_id, enrollment_id, loan_id
        self.paid_on, self.earned_on, self.basis = paid_on, earned_on, basis
        self.covers, self.claims, self.request_hash = covers, claims, request_hash
        self.recorded_by, self.token_id = recorded_by, token_id
        self.adjustment_reason = adjustment_reason
        self.reversal: dict[str, Any] | None = None

    @staticmethod
    def create_id(payment_id: str) -> UUID:
        return ids.payment_uuid(payment_id)

    @classmethod
    def pay(
        cls,
        request: PaymentRequest,
        decision: Decision,
        worker_id: str | None,
        request_hash: str,
        by: Actor,
    ) -> Payment:
        """The payment the policy decided; it holds the entitlements (claims) it used up,
        so that its reversal can release them."""
        used = decision.subject is not None and decision.claims
        claims = {decision.subject: list(decision.claims)} if used and decision.subject else {}
        return cls(
            payment_id=request.payment_id, rule=request.rule, amount=decision.amount,
            source=decision.source, division=decision.division,
            funding_rule=decision.funding_rule, payee_id=request.payee_id, worker_id=worker_id,
            placement_id=request.placement_id, enrollment_id=request.enrollment_id,
            loan_id=request.loan_id, paid_on=request.paid_on, earned_on=decision.earned_on,
            basis=decision.basis, covers=list(decision.covers),
            claims=claims, request_hash=request_hash,
            adjustment_reason=request.adjustment_reason, **by.meta,
        )  # fmt: skip

    def reverse(self, cmd: ReversePayment, request_hash: str, by: Actor) -> None:
        if self.reversal is not None:
            raise Conflict(
                f"payment {self.payment_id} was already reversed by {self.reversal['reversal_id']}"
            )
        if cmd.reversed_on < self.paid_on:
            raise Conflict(f"reversed_on {cmd.reversed_on} is before the payment ({self.paid_on})")
        self._reversed(reversal_id=cmd.reversal_id, reason=cmd.reason,
                       reversed_on=cmd.reversed_on, request_hash=request_hash,
                       adjustment_reason=cmd.adjustment_reason, **by.meta)  # fmt: skip

    @event("Reversed", topic="jobaid:PaymentReversed")
    def _reversed(
        self,
        reversal_id: str,
        reason: str,
        reversed_on: date,
        request_hash: str,
        recorded_by: str,
        token_id: str | None,
        adjustment_reason: str | None,
    ) -> None:
        self.reversal = {
            "reversal_id": reversal_id,
            "reason": reason,
            "reversed_on": reversed_on,
            "request_hash": request_hash,
        }

"""What the Ledger answers a command: typed results. The HTTP layer shapes them into the
contract's bodies (api/schemas.py); nothing here knows the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from domain.approvals import RequestedPayment
from domain.payments import Payment


@dataclass(frozen=True)
class FactRecorded:
    """One fact recorded (or, `replayed`, recorded before under the same event_id)."""

    event_id: str
    type: str
    aggregate_id: UUID
    version: int
    position: int
    recorded_at: datetime
    replayed: bool = False


@dataclass(frozen=True)
class PaymentRecorded:
    """A payment as the policy decided it, and where it stands in the log."""

    payment_id: str
    rule: str
    amount: Decimal
    source: str
    division: str
    payee_id: str
    worker_id: str | None
    paid_on: date
    position: int
    funding_rule: str
    earned_on: date
    basis: str
    covers: tuple[str, ...]
    reversed: bool
    replayed: bool = False

    @classmethod
    def of(cls, payment: Payment, position: int, replayed: bool = False) -> PaymentRecorded:
        return cls(
            payment.payment_id, payment.rule, payment.amount, payment.source, payment.division,
            payment.payee_id, payment.worker_id, payment.paid_on, position, payment.funding_rule,
            payment.earned_on, payment.basis, tuple(payment.covers),
            payment.reversal is not None, replayed,
        )  # fmt: skip


@dataclass(frozen=True)
class ReversalRecorded:
    """A payment's reversal: its money back in the account it was paid from."""

    reversal_id: str
    payment_id: str
    amount: Decimal
    source: str
    division: str
    reversed_on: date
    reason: str
    position: int
    replayed: bool = False

    @classmethod
    def of(cls, payment: Payment, position: int, replayed: bool = False) -> ReversalRecorded:
        reversal = payment.reversal
        if reversal is None:
            raise ValueError(f"payment {payment.payment_id} is not reversed")
        return cls(
            reversal["reversal_id"], payment.payment_id, payment.amount, payment.source,
            payment.division, reversal["reversed_on"], reversal["reason"], position, replayed,
        )  # fmt: skip


@dataclass(frozen=True)
class RequestRecorded:
    """A payment request as the policy decided it, its status and its approvals so far."""

    request_id: str
    status: str
    rule: str
    amount: Decimal
    source: str
    division: str
    payee_id: str
    worker_id: str | None
    paid_on: date
    requested_by: str
    approvals_needed: int
    approved_by: tuple[str, ...]
    reason: str | None
    position: int
    replayed: bool = False

    @classmethod
    def of(
        cls, requested: RequestedPayment, position: int, replayed: bool = False
    ) -> RequestRecorded:
        decision = requested.decision or {}
        return cls(
            requested.request_id, requested.status, requested.rule, requested.amount,
            requested.source, requested.division, requested.payee_id, requested.worker_id,
            requested.paid_on, requested.recorded_by, requested.approvals_needed,
            tuple(a["recorded_by"] for a in requested.approvals), decision.get("reason"),
            position, replayed,
        )  # fmt: skip


@dataclass(frozen=True)
class ApprovalRecorded:
    """An approval: the payment it recorded, or (the first of two) the request still pending."""

    request: RequestRecorded
    payment: PaymentRecorded | None

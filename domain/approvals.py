"""Maker-checker (经办 → 审核): a payment requested by one person and approved by another
before the money leaves its account (CONTRACT "Approving payments").

A request is decided by the policy exactly as a payment is, and holds the entitlements it
would use up (R18–R20) from the moment it is made: a pending request counts as claimed.
Its approval records the payment (`payment_id` = `request_id`), which is when R21 and R23
are checked, on the approval's `paid_on`. A rejection, or the maker's withdrawal once the
division's deadline has passed, frees the entitlements. Four eyes: an approver is never
the requester — neither the same subject nor the same token — and two approvers of one
request are two different people with two different tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain import ids
from domain.errors import Conflict, Forbidden
from domain.fields import Day, Id, MaybeId, MaybeMoney, MaybeText, choice, text
from domain.payments import Payment
from domain.policy.common import SUBSIDY_RULES, Decision, PaymentRequest
from domain.recorded import Actor, FactEvent

PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
STATUSES = (PENDING, APPROVED, REJECTED, WITHDRAWN)


@dataclass(frozen=True)
class RequestPayment:
    """A payment asked for (经办): the body of a payment with `request_id` instead of
    `payment_id`; the request's id becomes the payment's."""

    request_id: Id
    rule: Annotated[str, choice(SUBSIDY_RULES)]
    payee_id: Id
    paid_on: Day
    worker_id: MaybeId = None
    placement_id: MaybeId = None
    enrollment_id: MaybeId = None
    loan_id: MaybeId = None
    amount: MaybeMoney = None  # R17; R15/R16 must equal theirs
    adjustment_reason: MaybeText = None  # R23, read at approval

    def as_payment(self) -> PaymentRequest:
        """The payment the policy decides for this request — by the same decision code."""
        return PaymentRequest(
            payment_id=self.request_id, rule=self.rule, payee_id=self.payee_id,
            paid_on=self.paid_on, worker_id=self.worker_id, placement_id=self.placement_id,
            enrollment_id=self.enrollment_id, loan_id=self.loan_id, amount=self.amount,
            adjustment_reason=self.adjustment_reason,
        )  # fmt: skip


@dataclass(frozen=True)
class ApprovePayment:
    """An approval (审核): the money leaves on `paid_on`, checked against R21 and R23."""

    approval_id: Id
    paid_on: Day
    adjustment_reason: MaybeText = None  # R23: finance approves inside a closed period


@dataclass(frozen=True)
class RejectPayment:
    """A rejection (退回): the request's reserved entitlements are freed."""

    reason: Annotated[str, text(500)]


class RequestedPayment(Aggregate):
    """One payment request, identified by the client's `request_id`."""

    TOPIC = "jobaid:RequestedPayment"

    class Event(FactEvent):
        TOPIC = "jobaid:RequestedPayment.Event"

    @event("PaymentRequested", topic="jobaid:PaymentRequested")
    def __init__(
        self,
        request_id: str,
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
        subject: str | None,
        claims: dict[str, str],
        approvals_needed: int,
        deadline_days: int,
        request_hash: str,
        adjustment_reason: str | None,
        recorded_by: str,
        token_id: str | None,
    ) -> None:
        self.request_id, self.rule, self.amount = request_id, rule, amount
        self.source, self.division, self.funding_rule = source, division, funding_rule
        self.payee_id, self.worker_id = payee_id, worker_id
        self.placement_id, self.enrollment_id, self.loan_id = placement_id, enrollment_id, loan_id
        self.paid_on, self.earned_on, self.basis, self.covers = paid_on, earned_on, basis, covers
        self.subject, self.claims = subject, claims
        self.approvals_needed, self.deadline_days = approvals_needed, deadline_days
        self.request_hash, self.adjustment_reason = request_hash, adjustment_reason
        self.recorded_by, self.token_id = recorded_by, token_id
        self.status = PENDING
        self.approvals: list[dict[str, Any]] = []
        self.decision: dict[str, Any] | None = None  # the rejection or withdrawal

    @staticmethod
    def create_id(request_id: str) -> UUID:
        return ids.request_uuid(request_id)

    @classmethod
    def request(
        cls,
        command: RequestPayment,
        decision: Decision,
        worker_id: str | None,
        approvals_needed: int,
        deadline_days: int,
        request_hash: str,
        by: Actor,
    ) -> RequestedPayment:
        """The request as the policy decided it; it holds the entitlements it would use."""
        return cls(
            request_id=command.request_id, rule=command.rule, amount=decision.amount,
            source=decision.source, division=decision.division,
            funding_rule=decision.funding_rule, payee_id=command.payee_id, worker_id=worker_id,
            placement_id=command.placement_id, enrollment_id=command.enrollment_id,
            loan_id=command.loan_id, paid_on=command.paid_on, earned_on=decision.earned_on,
            basis=decision.basis, covers=list(decision.covers),
            subject=decision.subject if decision.claims else None, claims=dict(decision.claims),
            approvals_needed=approvals_needed, deadline_days=deadline_days,
            request_hash=request_hash, adjustment_reason=command.adjustment_reason, **by.meta,
        )  # fmt: skip

    @property
    def requested_by(self) -> Actor:
        return Actor(self.recorded_by, self.token_id)

    # Approval.

    def approve(self, command: ApprovePayment, needed: int, request_hash: str, by: Actor) -> None:
        """One approval; the request is approved when it has `needed` of them (the most
        of what its policy asked when it was made and what is in force on `paid_on`)."""
        self.check_pending()
        self.check_four_eyes(by)
        if command.paid_on < self.paid_on or command.paid_on.year != self.paid_on.year:
            # The decision read the facts on the request's paid_on, and R18 reserved that
            # calendar year: the money may leave later that year, never earlier.
            raise Conflict(
                f"paid_on {command.paid_on} must lie from {self.paid_on} to the end of "
                f"{self.paid_on.year}, when the request was decided; make a new request"
            )
        given = len(self.approvals) + 1
        self._approved(
            approval_id=command.approval_id, paid_on=command.paid_on, request_hash=request_hash,
            approvals_needed=max(needed, self.approvals_needed),
            status=APPROVED if given >= max(needed, self.approvals_needed) else PENDING,
            adjustment_reason=command.adjustment_reason, **by.meta,
        )  # fmt: skip

    @event("Approved", topic="jobaid:PaymentRequestApproved")
    def _approved(
        self,
        approval_id: str,
        paid_on: date,
        request_hash: str,
        approvals_needed: int,
        status: str,
        adjustment_reason: str | None,
        recorded_by: str,
        token_id: str | None,
    ) -> None:
        self.approvals.append(
            {"approval_id": approval_id, "paid_on": paid_on, "request_hash": request_hash,
             "recorded_by": recorded_by, "token_id": token_id,
             "adjustment_reason": adjustment_reason}
        )  # fmt: skip
        self.approvals_needed, self.status = approvals_needed, status

    def check_four_eyes(self, by: Actor) -> None:
        """四眼原则: nobody approves a request they made, or approves it twice — compared
        by subject and by token (a subject is only a label; the command line, which acts
        without a token, is compared by its subject)."""
        for earlier, what in ((self.requested_by, "made"), *((Actor(a["recorded_by"], a["token_id"]), "approved") for a in self.approvals)):  # fmt: skip
            same_token = by.token_id is not None and by.token_id == earlier.token_id
            if by.subject == earlier.subject or same_token:
                raise Forbidden(
                    f"four eyes: an approver must be another person, with another token, "
                    f"than whoever {what} request {self.request_id}"
                )

    def payment(self, by: Actor) -> Payment:
        """The payment the last approval records: the decision made at the request,
        paid on the last approval's `paid_on`, holding the request's entitlements."""
        if self.status != APPROVED:
            raise Conflict(f"request {self.request_id} is not approved")
        last = self.approvals[-1]
        request = PaymentRequest(
            payment_id=self.request_id, rule=self.rule, payee_id=self.payee_id,
            paid_on=last["paid_on"], worker_id=self.worker_id, placement_id=self.placement_id,
            enrollment_id=self.enrollment_id, loan_id=self.loan_id,
            adjustment_reason=last["adjustment_reason"] or self.adjustment_reason,
        )  # fmt: skip
        decision = Decision(
            rule=self.rule, amount=self.amount, source=self.source, division=self.division,
            earned_on=self.earned_on, basis=self.basis, subject=self.subject,
            claims=dict(self.claims), funding_rule=self.funding_rule, covers=tuple(self.covers),
        )  # fmt: skip
        return Payment.pay(request, decision, self.worker_id, self.request_hash, by)

    # Rejection and withdrawal: the reserved entitlements are freed.

    def reject(self, command: RejectPayment, by: Actor) -> bool:
        """退回 by a checker (never the maker: the maker withdraws). False when this
        rejection was already recorded (a retry)."""
        if self.status == REJECTED and self.decision and self.decision["reason"] == command.reason:
            return False
        self.check_pending()
        if by.subject == self.recorded_by or (by.token_id is not None and by.token_id == self.token_id):  # fmt: skip
            raise Forbidden("four eyes: the maker of a request withdraws it, and cannot reject it")
        self._rejected(reason=command.reason, **by.meta)
        return True

    @event("Rejected", topic="jobaid:PaymentRequestRejected")
    def _rejected(self, reason: str, recorded_by: str, token_id: str | None) -> None:
        self.status = REJECTED
        self.decision = {"reason": reason, "recorded_by": recorded_by, "token_id": token_id}

    def withdraw(self, by: Actor, now: datetime) -> bool:
        """撤回 by its maker, once the division's deadline has passed undecided. False
        when it was already withdrawn (a retry)."""
        if by.subject != self.recorded_by:
            raise Forbidden(f"only the maker of request {self.request_id} may withdraw it")
        if self.status == WITHDRAWN:
            return False
        self.check_pending()
        due = self.requested_at + timedelta(days=self.deadline_days)
        if now < due:
            raise Conflict(
                f"request {self.request_id} may be withdrawn from {due.isoformat()}, "
                f"{self.deadline_days} days after it was made, if still undecided"
            )
        self._withdrawn(**by.meta)
        return True

    @event("Withdrawn", topic="jobaid:PaymentRequestWithdrawn")
    def _withdrawn(self, recorded_by: str, token_id: str | None) -> None:
        self.status = WITHDRAWN
        self.decision = {"reason": None, "recorded_by": recorded_by, "token_id": token_id}

    @property
    def requested_at(self) -> datetime:
        created: datetime = self.created_on
        return created

    def check_pending(self) -> None:
        if self.status != PENDING:
            raise Conflict(f"request {self.request_id} is {self.status}, no longer pending")

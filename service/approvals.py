"""Maker-checker inside one unit of work each (CONTRACT "Approving payments"): a request
decided by the same code as a payment, holding its entitlements at once; an approval
that records the payment and debits its account (R21, R23); a rejection or withdrawal
that frees the entitlements."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain import ids
from domain.approvals import (
    ApprovePayment,
    RejectPayment,
    RequestedPayment,
    RequestPayment,
)
from domain.errors import Conflict, Forbidden, NotFound
from domain.payments import Payment
from domain.policy import check_request
from domain.recorded import Actor
from domain.reference import DEFAULT_DEADLINE_DAYS
from service.access import Access
from service.payments import (
    account_of,
    approval_policy,
    claims_of,
    decide_payment,
    payment_prefetch,
)
from service.unit_of_work import UnitOfWork

REQUESTERS = ("clerk", "finance")  # CONTRACT: clerk or finance of the paying account's scope
APPROVERS = ("finance",)


def make_request(
    uow: UnitOfWork, command: RequestPayment, digest: str, by: Actor, access: Access | None
) -> RequestedPayment:
    """The request the policy decides, holding its entitlements (R18–R20) at once."""
    if access is not None:
        access.require_role(*REQUESTERS)
        if command.adjustment_reason is not None and access.role != "finance":
            # R23: an adjustment inside a closed period is finance's to post.
            raise Forbidden("an adjustment_reason (R23) comes from a finance token")
    request = command.as_payment()
    check_request(request)
    if uow.find(ids.payment_uuid(command.request_id), Payment) is not None:
        raise Conflict(f"request_id {command.request_id} is already a payment's id")
    decision, worker_id = decide_payment(uow, request, access, "a payment request on an account")
    policy = approval_policy(uow, decision.division, command.paid_on)
    needed = policy.approvers_for(decision.amount) if policy is not None else 1
    deadline = policy.deadline_days if policy is not None else DEFAULT_DEADLINE_DAYS
    requested = uow.add(
        RequestedPayment.request(command, decision, worker_id, needed, deadline, digest, by)
    )
    if decision.subject is not None and decision.claims:
        # 申请即占用: a pending request counts as claimed, under the id its payment will have.
        claims_of(uow, decision.subject).claim(command.request_id, decision.claims)
    return requested


def approve_request(
    uow: UnitOfWork,
    requested: RequestedPayment,
    command: ApprovePayment,
    digest: str,
    by: Actor,
    access: Access | None,
) -> Payment | None:
    """One approval; the last one needed records the payment and debits its account."""
    if access is not None:
        access.require_role(*APPROVERS)
        access.require_scope(requested.division, "an approval on an account")
    policy = approval_policy(uow, requested.division, command.paid_on)
    needed = policy.approvers_for(requested.amount) if policy is not None else 1
    requested.approve(command, needed, digest, by)
    if requested.status != "approved":
        return None
    if uow.find(ids.payment_uuid(requested.request_id), Payment) is not None:
        raise Conflict(f"payment {requested.request_id} was already recorded")
    payment = uow.add(requested.payment(by))
    account_of(uow, payment.source, payment.division).debit(payment, by)
    return payment


def reject_request(
    uow: UnitOfWork,
    requested: RequestedPayment,
    command: RejectPayment,
    by: Actor,
    access: Access | None,
) -> bool:
    """A checker's rejection frees the entitlements; False for a repeated rejection."""
    if access is not None:
        access.require_role(*APPROVERS)
        access.require_scope(requested.division, "a rejection on an account")
    if not requested.reject(command, by):
        return False
    release(uow, requested)
    return True


def withdraw_request(
    uow: UnitOfWork, requested: RequestedPayment, by: Actor, now: datetime, access: Access | None
) -> bool:
    """The maker's withdrawal after the deadline frees the entitlements; False for a repeat."""
    if access is not None:
        access.require_role(*REQUESTERS)
        access.require_scope(requested.division, "a withdrawal on an account")
    if not requested.withdraw(by, now):
        return False
    release(uow, requested)
    return True


def release(uow: UnitOfWork, requested: RequestedPayment) -> None:
    if requested.subject is not None and requested.claims:
        claims_of(uow, requested.subject).release(requested.request_id, list(requested.claims))


def request_of(uow: UnitOfWork, request_id: str, access: Access | None) -> RequestedPayment:
    """A request named in a path: 404 when unknown, 403 when outside the caller's scope."""
    found = uow.find(ids.request_uuid(request_id), RequestedPayment)
    if found is None:
        raise NotFound(f"unknown payment request {request_id}")
    if access is not None:
        access.require_read(found.division)
    return found


def request_prefetch(command: RequestPayment) -> set[UUID]:
    """What a request looks up, in one query: what its payment would, and itself."""
    return payment_prefetch(command.as_payment()) | {ids.request_uuid(command.request_id)}


def decision_prefetch(request_id: str) -> set[UUID]:
    """What an approval, rejection or withdrawal looks up before it knows the account."""
    return {ids.request_uuid(request_id), ids.payment_uuid(request_id), ids.REFERENCE_ID}


def approval_prefetch(request_id: str, approval_id: str) -> set[UUID]:
    """What an approval looks up: what any decision does, and its own receipt."""
    return decision_prefetch(request_id) | {ids.receipt_uuid("approval", approval_id)}

"""The Ledger's maker-checker commands (a mixin of `service.ledger.Ledger`, kept apart so
that each module stays one idea): request, approve, reject, withdraw — each one unit of
work, retried on a lost race like every command, idempotent like payments."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from domain import ids
from domain.approvals import ApprovePayment, RejectPayment, RequestedPayment, RequestPayment
from domain.errors import Conflict
from domain.keys import Receipt
from domain.payments import Payment
from domain.recorded import Actor
from service.access import Access
from service.approvals import (
    approval_prefetch,
    approve_request,
    decision_prefetch,
    make_request,
    reject_request,
    request_of,
    request_prefetch,
    withdraw_request,
)
from service.group_commit import Answer, Decide, Saved
from service.results import ApprovalRecorded, PaymentRecorded, RequestRecorded
from service.unit_of_work import UnitOfWork

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Approving:
    """Maker-checker commands over the Ledger's `_command` (see service/ledger.py)."""

    # What time it is, for a withdrawal's deadline; tests move it.
    clock: Callable[[], datetime] = staticmethod(utc_now)

    def _command(
        self,
        decide: Decide[T],
        size: int = 1,
        keys: Collection[UUID] = (),
        prefetch: Collection[UUID] = (),
    ) -> T:
        raise NotImplementedError

    def _position(self, saved: Saved, event: tuple[UUID, int]) -> int:
        raise NotImplementedError

    def request_payment(
        self, command: RequestPayment, digest: str, by: Actor, access: Access | None = None
    ) -> RequestRecorded:
        """Request a payment (经办): decided as a payment is, its entitlements held at once.
        A retry with the same `request_id` and body answers the first result."""
        return self._command(
            lambda uow: self._request_work(uow, command, digest, by, access),
            keys={ids.request_uuid(command.request_id)},
            prefetch=request_prefetch(command),
        )

    def _request_work(
        self,
        uow: UnitOfWork,
        command: RequestPayment,
        digest: str,
        by: Actor,
        access: Access | None,
    ) -> Answer[RequestRecorded]:
        existing = uow.find(ids.request_uuid(command.request_id), RequestedPayment)
        if existing is None:
            made = make_request(uow, command, digest, by, access)
            return lambda saved: RequestRecorded.of(made, saved[(made.id, 1)].notification.id)
        if access is not None:
            access.require_scope(existing.division, "a payment request on an account")
        if existing.request_hash != digest:
            raise Conflict(f"request_id {command.request_id} was already used for another request")
        return lambda saved: RequestRecorded.of(
            existing, self._position(saved, (existing.id, 1)), replayed=True
        )

    def approve(
        self,
        request_id: str,
        command: ApprovePayment,
        digest: str,
        by: Actor,
        access: Access | None = None,
    ) -> ApprovalRecorded:
        """Approve a request (审核); the last approval needed records its payment."""
        return self._command(
            lambda uow: self._approve_work(uow, request_id, command, digest, by, access),
            keys={ids.receipt_uuid("approval", command.approval_id)},
            prefetch=approval_prefetch(request_id, command.approval_id),
        )

    def _approve_work(
        self,
        uow: UnitOfWork,
        request_id: str,
        command: ApprovePayment,
        digest: str,
        by: Actor,
        access: Access | None,
    ) -> Answer[ApprovalRecorded]:
        requested = request_of(uow, request_id, access)
        receipt = uow.find(ids.receipt_uuid("approval", command.approval_id), Receipt)
        if receipt is not None:
            if receipt.request_hash != digest:
                raise Conflict(f"approval_id {command.approval_id} was already used for another approval")  # fmt: skip
            return self._replayed_approval(uow, requested)
        payment = approve_request(uow, requested, command, digest, by, access)
        uow.add(Receipt(kind="approval", key=command.approval_id, request_hash=digest,
                        event_type="PaymentRequestApproved", target_id=str(requested.id),
                        target_version=requested.version))  # fmt: skip
        version = requested.version

        def answer(saved: Saved) -> ApprovalRecorded:
            request = RequestRecorded.of(requested, saved[(requested.id, version)].notification.id)
            paid = None if payment is None else PaymentRecorded.of(payment, saved[(payment.id, 1)].notification.id)  # fmt: skip
            return ApprovalRecorded(request, paid)

        return answer

    def _replayed_approval(
        self, uow: UnitOfWork, requested: RequestedPayment
    ) -> Answer[ApprovalRecorded]:
        payment = uow.find(ids.payment_uuid(requested.request_id), Payment)

        def answer(saved: Saved) -> ApprovalRecorded:
            position = self._position(saved, (requested.id, requested.version))
            request = RequestRecorded.of(requested, position, replayed=True)
            if payment is None:
                return ApprovalRecorded(request, None)
            paid_at = self._position(saved, (payment.id, 1))
            return ApprovalRecorded(request, PaymentRecorded.of(payment, paid_at, replayed=True))

        return answer

    def reject(
        self,
        request_id: str,
        command: RejectPayment,
        by: Actor,
        access: Access | None = None,
    ) -> RequestRecorded:
        """Reject a request (退回): its entitlements are freed."""
        return self._command(
            lambda uow: self._decided(
                uow, request_id, access, lambda r: reject_request(uow, r, command, by, access)
            ),
            prefetch=decision_prefetch(request_id),
        )

    def withdraw(self, request_id: str, by: Actor, access: Access | None = None) -> RequestRecorded:
        """Withdraw one's own request (撤回) once its deadline has passed undecided."""
        now = self.clock()
        return self._command(
            lambda uow: self._decided(
                uow, request_id, access, lambda r: withdraw_request(uow, r, by, now, access)
            ),
            prefetch=decision_prefetch(request_id),
        )

    def _decided(
        self,
        uow: UnitOfWork,
        request_id: str,
        access: Access | None,
        decide: Callable[[RequestedPayment], bool],
    ) -> Answer[RequestRecorded]:
        """A rejection or withdrawal; a repeat of one already recorded answers it again."""
        requested = request_of(uow, request_id, access)
        fresh = decide(requested)
        version = requested.version
        return lambda saved: RequestRecorded.of(
            requested, self._position(saved, (requested.id, version)), replayed=not fresh
        )

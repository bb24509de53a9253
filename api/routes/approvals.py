"""Maker-checker (CONTRACT "Approving payments"): `POST /v1/payment-requests` by a clerk or
finance, its approval by finance (four eyes), rejection, withdrawal, and the list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import LedgerDep, PrincipalDep, ProjectionsDep, RuntimeDep
from api.json import StrictJSONRoute, sent_json
from api.openapi import problems
from api.pagination import CursorQuery, LimitQuery, page_request
from api.problems import ids_in_body
from api.requests import ApprovalIn, RejectionIn, RequestIn
from api.responses import FastJSON, json_answer
from api.schemas import PaymentOut, RequestOut, approval_out
from domain.approvals import STATUSES
from domain.errors import InvalidInput
from domain.values import parse_division
from service.idempotency import request_hash

router = APIRouter(tags=["payment requests"], route_class=StrictJSONRoute)


@router.post(
    "/payment-requests",
    status_code=201,
    responses={
        201: {"model": RequestOut, "description": "Requested: its entitlements are held"},
        200: {"model": RequestOut, "description": "Already requested: the first answer again"},
        **problems(403, 409, 422),
    },
)
def post_request(
    body: RequestIn,
    request: Request,
    principal: PrincipalDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
) -> Response:
    """Request a payment (经办); the ledger decides it as a payment and holds R18–R20."""
    principal.require_role("clerk", "finance")
    digest = request_hash(dict(sent_json(request)))
    with ids_in_body():
        made = ledger.request_payment(body.command(), digest, principal.actor, principal)
    runtime.wrote(made.position)
    return json_answer(RequestOut.of(made), 200 if made.replayed else 201)


@router.post(
    "/payment-requests/{request_id}/approval",
    status_code=201,
    responses={
        201: {"model": PaymentOut, "description": "Approved: the payment is recorded"},
        202: {"model": RequestOut, "description": "One approval of two: still pending"},
        200: {"model": PaymentOut, "description": "This approval was given before"},
        **problems(403, 404, 409, 422),
    },
)
def approve(
    request_id: str,
    body: ApprovalIn,
    request: Request,
    principal: PrincipalDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
) -> Response:
    """Approve a request (审核): another person and token than its maker; the last
    approval it needs records the payment, checking R21 and R23 on `paid_on`."""
    principal.require_role("finance")
    digest = request_hash({"request_id": request_id, **sent_json(request)})
    approved = ledger.approve(request_id, body.command(), digest, principal.actor, principal)
    runtime.wrote(approved.request.position)
    if approved.payment is None:
        return json_answer(approval_out(approved), 200 if approved.request.replayed else 202)
    runtime.wrote(approved.payment.position)
    return json_answer(approval_out(approved), 200 if approved.payment.replayed else 201)


@router.post(
    "/payment-requests/{request_id}/rejection",
    status_code=201,
    responses={
        201: {"model": RequestOut, "description": "Rejected: its entitlements are freed"},
        200: {"model": RequestOut, "description": "Rejected before for this reason"},
        **problems(403, 404, 409, 422),
    },
)
def reject(
    request_id: str,
    body: RejectionIn,
    principal: PrincipalDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
) -> Response:
    """Reject a request (退回) — finance, not its maker; its entitlements are freed."""
    principal.require_role("finance")
    rejected = ledger.reject(request_id, body.command(), principal.actor, principal)
    runtime.wrote(rejected.position)
    return json_answer(RequestOut.of(rejected), 200 if rejected.replayed else 201)


@router.post(
    "/payment-requests/{request_id}/withdrawal",
    status_code=201,
    responses={
        201: {"model": RequestOut, "description": "Withdrawn: its entitlements are freed"},
        200: {"model": RequestOut, "description": "Withdrawn before"},
        **problems(403, 404, 409),
    },
)
def withdraw(
    request_id: str, principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep
) -> Response:
    """Withdraw one's own request (撤回), once undecided past the division's deadline."""
    principal.require_role("clerk", "finance")
    withdrawn = ledger.withdraw(request_id, principal.actor, principal)
    runtime.wrote(withdrawn.position)
    return json_answer(RequestOut.of(withdrawn), 200 if withdrawn.replayed else 201)


@router.get("/payment-requests", responses={**problems(403, 422)})
def list_requests(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    status: Annotated[str | None, Query(json_schema_extra={"enum": list(STATUSES)})] = None,
    division: Annotated[str | None, Query(description="the paying account's division")] = None,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """Payment requests in recording order, within the caller's scope (the approvals queue:
    `?status=pending`)."""
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join(STATUSES)}")
    code = None if division is None else parse_division("division", division)
    page = page_request(limit, cursor)
    within = None if principal.reads_everything() else principal.covers
    rows = projections.payment_requests(page.after, page.limit + 1, status, code, within)
    return FastJSON(page.page(rows, lambda row: int(row["position"])))

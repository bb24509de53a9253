"""The approvals queue (maker-checker, docs/approvals.md): the payment requests in the
viewer's scope as `GET /v1/payment-requests` lists them (pending by default, or of any
status), a page at a time; and a checker's approval or rejection, by POST forms carrying
the session's CSRF token, through the very `Ledger.approve` / `Ledger.reject` the API
calls with the viewer's principal — so four eyes, scope, R21 and R23 are the service's.

The page offers the buttons only where they can succeed: to finance whose scope covers
the paying account and who neither made nor already approved the request. A forced post
is refused by the service all the same, and the refusal is shown on the queue."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.console.listing import given, listed
from api.console.web import (
    ConsoleRoute,
    ProjectionsDep,
    Viewer,
    ViewerDep,
    render,
    status_of,
)
from api.deps import LedgerDep, RuntimeDep
from api.routes.lists import IDENTIFIER
from api.runtime import Projections
from domain.approvals import PENDING, STATUSES, ApprovePayment, RejectPayment
from domain.errors import InvalidInput, LedgerError
from domain.values import parse_division
from service.idempotency import request_hash
from service.parsing import parse

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
QUEUE = "/console/approvals"
ALL = "all"  # the status filter's choice for every status
DONE = ("approved", "approved_once", "rejected")  # what a decision's redirect may say
MOST_FIELD_CHARS = 600  # a reason is at most 500 characters; more is cut before parsing


def status_filter(status: str | None) -> str | None:
    """Pending when not asked; `all` for every status; else one of the statuses."""
    if status is None:
        return PENDING
    if status == ALL or status == "":
        return None
    if status not in STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join((*STATUSES, ALL))}")
    return status


def may_decide(viewer: Viewer, row: dict[str, Any]) -> bool:
    """Whether the approve and reject buttons can succeed for this viewer: finance of the
    account's scope, and not whoever made or already approved it (a token has one subject,
    so another subject is also another token)."""
    access = viewer.access
    return (
        row["status"] == PENDING
        and access.role == "finance"
        and access.covers(row["account"]["division"])
        and not is_own(viewer, row)
    )


def is_own(viewer: Viewer, row: dict[str, Any]) -> bool:
    subject = viewer.access.subject
    return bool(subject == row["requested_by"] or subject in row["approved_by"])


def queue(
    request: Request,
    viewer: Viewer,
    projections: Projections,
    status: str | None,
    division: str | None,
    cursor: str | None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    wanted = status_filter(status)
    code = None if given(division) is None else parse_division("division", given(division))
    within = None if viewer.access.reads_everything() else viewer.access.covers
    found = listed(request, cursor, lambda after, n: projections.payment_requests(after, n, wanted, code, within), QUEUE)  # fmt: skip
    names = projections.names([r["payee_id"] for r in found.items])
    rows = [
        {**r, "may_decide": may_decide(viewer, r), "own": is_own(viewer, r)} for r in found.items
    ]
    done = request.query_params.get("done")
    done_id = request.query_params.get("request", "")
    return render(request, "approvals.html", {
        "viewer": viewer, "listed": found, "rows": rows, "names": names,
        "status": ALL if wanted is None else wanted, "statuses": (*STATUSES, ALL),
        "division": division or "", "problem": problem,
        "done": done if done in DONE and IDENTIFIER.fullmatch(done_id) else None, "done_id": done_id,
        "approval_id": lambda: "console." + secrets.token_hex(12),
    }, status_code)  # fmt: skip


@router.get(QUEUE)
def approvals_page(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    status: str | None = None,
    division: str | None = None,
    cursor: str | None = None,
) -> Response:
    return queue(request, viewer, projections, status, division, cursor)


@router.get("/console/approvals/{request_id}/{action}")
async def back_to_the_queue(request: Request, request_id: str, action: str) -> Response:
    """A decision's address asked for by GET (the language toggle on a refusal, a reload):
    the queue, in the language asked for."""
    lang = request.query_params.get("lang")
    return RedirectResponse(QUEUE + (f"?lang={lang}" if lang in ("zh", "en") else ""), 303)


def decided(request_id: str, done: str) -> RedirectResponse:
    """Back to the queue, saying what was done (a word chosen here, and the request's id)."""
    query = urlencode({"done": done, "request": request_id})
    return RedirectResponse(f"{QUEUE}?{query}", status_code=303)


async def form_of(request: Request, viewer: Viewer) -> dict[str, str]:
    """The posted form's fields (bounded), once its CSRF token is found the session's."""
    form = await request.form()
    viewer.require_csrf(form.get("csrf"))
    return {k: str(v)[:MOST_FIELD_CHARS] for k, v in form.items() if isinstance(v, str)}


@router.post("/console/approvals/{request_id}/approval")
async def approve(
    request: Request,
    request_id: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
    projections: ProjectionsDep,
) -> Response:
    """As `POST /v1/payment-requests/{id}/approval` with `{"approval_id", "paid_on"}` (and
    `adjustment_reason` when given): the same command, digest and checks."""
    form = await form_of(request, viewer)
    body = {"approval_id": form.get("approval_id", ""), "paid_on": form.get("paid_on", "")}
    if given(form.get("adjustment_reason")):
        body["adjustment_reason"] = form["adjustment_reason"].strip()
    try:
        viewer.access.require_role("finance")
        command = parse(ApprovePayment, body)
        digest = request_hash({"request_id": request_id, **body})
        approved = await run_in_threadpool(
            ledger.approve, request_id, command, digest, viewer.access.actor, viewer.access
        )
    except LedgerError as refused:
        return refusal(request, viewer, projections, refused)
    runtime.wrote(approved.request.position)
    if approved.payment is not None:
        runtime.wrote(approved.payment.position)
    return decided(request_id, "approved" if approved.payment is not None else "approved_once")


@router.post("/console/approvals/{request_id}/rejection")
async def reject(
    request: Request,
    request_id: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
    projections: ProjectionsDep,
) -> Response:
    """As `POST /v1/payment-requests/{id}/rejection` with `{"reason"}`: a reason is required."""
    form = await form_of(request, viewer)
    try:
        viewer.access.require_role("finance")
        command = parse(RejectPayment, {"reason": form.get("reason", "").strip()})
        rejected = await run_in_threadpool(
            ledger.reject, request_id, command, viewer.access.actor, viewer.access
        )
    except LedgerError as refused:
        return refusal(request, viewer, projections, refused)
    runtime.wrote(rejected.position)
    return decided(request_id, "rejected")


def refusal(
    request: Request, viewer: Viewer, projections: Projections, refused: LedgerError
) -> Response:
    """The queue again, the service's refusal on top (its status: 403 four eyes or scope,
    409 a rule or a conflict, 422 a bad field, 404 an unknown request)."""
    return queue(request, viewer, projections, None, None, None, str(refused), status_of(refused))

"""Payments: the list `GET /v1/payments` reads (its filters, parsed by the same code and
narrowed to the viewer's scope), a page at a time by its cursors, each with its payee's
name; and a payment's page — what `GET /v1/payments/{id}` shows, after the same scope
check — with who recorded it and with which token, the request it paid if it was
approved (maker and checkers), and its reversal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.console.listing import given, listed
from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render
from api.deps import LedgerDep
from api.routes.lists import IDENTIFIER, payment_query
from api.wire import history_line
from audit.trail import recorded_with
from domain import ids
from domain.errors import NotFound
from domain.policy.common import SUBSIDY_RULES
from domain.sources import SOURCES
from service.ledger import Ledger

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/console/payments")
def payments_page(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    source: str | None = None,
    division: str | None = None,
    rule: str | None = None,
    payee_id: str | None = None,
    worker_id: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    reversed_: Annotated[str | None, Query(alias="reversed")] = None,
    cursor: str | None = None,
) -> Response:
    query = payment_query(
        viewer.access, given(source), given(division), given(rule), given(payee_id),
        given(worker_id), given(from_), given(to), given(reversed_),
    )  # fmt: skip
    found = listed(request, cursor, lambda after, n: projections.payments(query, after, n))
    names = projections.names([p["payee_id"] for p in found.items])
    filters = {"source": source or "", "division": division or "", "rule": rule or "",
               "payee_id": payee_id or "", "worker_id": worker_id or "", "from": from_ or "",
               "to": to or "", "reversed": reversed_ or ""}  # fmt: skip
    return render(request, "payments.html", {"viewer": viewer, "listed": found, "names": names,
                  "filters": filters, "sources": SOURCES, "rules": SUBSIDY_RULES})  # fmt: skip


def recorded(ledger: Ledger, aggregate_id: Any) -> list[dict[str, Any]]:
    """An aggregate's facts, oldest first, each with who recorded it and with which token."""
    return [
        history_line(e, recorded_with(ledger.store, vars(e).get("token_id")))
        for e in ledger.events_of(aggregate_id)
    ]


@router.get("/console/payments/{payment_id}")
async def payment_page(
    request: Request,
    payment_id: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
) -> Response:
    # An id no payment could hold (not ASCII, a NUL PostgreSQL would refuse) is unknown.
    found = projections.payment(payment_id) if IDENTIFIER.fullmatch(payment_id) else None
    if found is None:
        raise NotFound(f"unknown payment {payment_id[:64]}")
    viewer.access.require_read(found["account"]["division"])

    def read() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return (
            recorded(ledger, ids.payment_uuid(payment_id)),
            recorded(ledger, ids.request_uuid(payment_id)),
        )

    facts, request_facts = await run_in_threadpool(read)
    names = projections.names([found["payee_id"]])
    return render(request, "payment.html", {"viewer": viewer, "payment": found, "facts": facts,
                  "request_facts": request_facts, "payee_name": names.get(found["payee_id"], "")})  # fmt: skip

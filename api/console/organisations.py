"""Organisations: the list `GET /v1/organisations` reads (its filters, parsed by the same
code and narrowed to the viewer's scope), a page at a time by its cursors; and an
organisation's page, what `GET /v1/organisations/{id}` shows — after the same scope
check — with its placements and the payments it received."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.console.listing import given, listed
from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render
from api.deps import LedgerDep
from api.routes.lists import organisation_query
from domain import divisions
from domain.errors import NotFound
from domain.organisation import KINDS
from domain.values import parse_date

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
MOST_ID_CHARS = 128  # longer than any id the ledger accepts
SHOWN = 100  # payments and placements on an organisation's page; the payments page lists all


@router.get("/console/organisations")
def organisations_page(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    division: str | None = None,
    kind: str | None = None,
    name: str | None = None,
    cursor: str | None = None,
) -> Response:
    query = organisation_query(viewer.access, given(division), given(kind), given(name))
    found = listed(request, cursor, lambda after, n: projections.organisations(query, after, n))
    filters = {"division": division or "", "kind": kind or "", "name": name or ""}
    return render(request, "organisations.html", {"viewer": viewer, "listed": found,
                  "filters": filters, "kinds": KINDS})  # fmt: skip


@router.get("/console/organisations/{org_id}")
async def organisation_page(
    request: Request,
    org_id: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    as_of: str | None = None,
) -> Response:
    if len(org_id) > MOST_ID_CHARS:
        raise NotFound("unknown organisation")
    wanted = given(as_of)
    day = parse_date("as_of", wanted) if wanted else None

    def read() -> dict[str, Any] | None:
        division = ledger.get_organisation(org_id).division
        # One outside Hunan lies in no scope: any clerk may register it, so any may read it.
        if divisions.is_hunan(division):
            viewer.access.require_read(division)
        return projections.organisation(org_id, as_of=day, most=SHOWN + 1)

    view = await run_in_threadpool(read)
    if view is None:
        raise NotFound(f"unknown organisation {org_id}")
    payments, placements = view["payments"], view["placements"]
    return render(request, "organisation.html", {"viewer": viewer, "org": view,
                  "payments": payments[:SHOWN], "more_payments": len(payments) > SHOWN,
                  "placements": placements[:SHOWN], "more_placements": len(placements) > SHOWN,
                  "as_of": as_of or ""})  # fmt: skip

"""A worker's page: find by id or by resident ID number (hashed for the look-up, never
shown) or by name (the worker list's own filter), then the worker's state and timeline — every fact, who
recorded it (subject and token), when it was recorded, and each payment with its rule
and account — from the same calls as `GET /v1/workers/{id}` and `…/events`, after the
same scope check."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render
from api.deps import LedgerDep
from api.routes.lists import name_filter
from api.wire import history_line
from audit.trail import recorded_with
from domain import ids
from domain.errors import InvalidInput, NotFound
from domain.values import parse_date
from projections.lists import WorkerQuery
from service.ledger import Ledger
from service.lookup import worker_by_id_number

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
MOST_ID_CHARS = 128  # longer than any business id the ledger accepts
NAMESAKES_SHOWN = 100  # workers of one name on the page; the API's list pages further


@router.get("/console/workers")
def find_worker(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    worker_id: str | None = None,
    name: str | None = None,
) -> Response:
    """By id: straight to the worker. By name: the workers of that whole name within the
    scope (the list `GET /v1/workers?name=` reads, the same filter and scope)."""
    wanted = (worker_id or "").strip()
    if wanted:
        if len(wanted) > MOST_ID_CHARS:
            raise InvalidInput("worker_id", f"is longer than {MOST_ID_CHARS} characters")
        return RedirectResponse(f"/console/workers/{quote(wanted, safe='')}", status_code=303)
    found = None
    if name:
        query = WorkerQuery(within=viewer.access.list_within(None), name=name_filter(name))
        found = projections.workers(query, 0, NAMESAKES_SHOWN)
    return render(request, "workers.html", {"viewer": viewer, "not_found": False,
                  "name": name or "", "found": found})  # fmt: skip


@router.post("/console/workers/by-id-number")
async def find_by_id_number(request: Request, viewer: ViewerDep, ledger: LedgerDep) -> Response:
    """By POST, with the session's CSRF token: an ID number never travels in a URL (logs,
    history, referrers)."""
    form = await request.form()
    viewer.require_csrf(form.get("csrf"))
    number = str(form.get("id_number") or "").strip()[:MOST_ID_CHARS]
    found = await run_in_threadpool(worker_by_id_number, ledger, viewer.access, number)
    if found is None:
        return render(request, "workers.html", {"viewer": viewer, "not_found": True, "name": "",
                      "found": None}, 404)  # fmt: skip
    return RedirectResponse(f"/console/workers/{quote(found, safe='')}", status_code=303)


def timeline(ledger: Ledger, worker_id: str) -> list[dict[str, Any]]:
    """The worker's recorded facts, newest first, each with who recorded it."""
    events = ledger.events_of(ids.worker_uuid(worker_id))
    lines = [history_line(e, recorded_with(ledger.store, vars(e).get("token_id"))) for e in events]
    return lines[::-1]


@router.get("/console/workers/{worker_id}")
async def worker_page(
    request: Request,
    worker_id: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    as_of: str | None = None,
) -> Response:
    if len(worker_id) > MOST_ID_CHARS:
        raise NotFound("unknown worker")
    day = parse_date("as_of", as_of) if as_of else None

    def read() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        viewer.access.require_read(ledger.get_worker(worker_id).home_division)
        return projections.worker(worker_id, as_of=day), timeline(ledger, worker_id)

    view, facts = await run_in_threadpool(read)
    if view is None:
        raise NotFound(f"unknown worker {worker_id}")
    return render(request, "worker.html", {"viewer": viewer, "worker": view, "facts": facts,
                  "as_of": as_of or ""})  # fmt: skip

"""`GET /v1/workers/{worker_id}` (now or as of a date) and its history (whole, or paged);
the list of workers is in lists.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from fastapi import APIRouter, Query

from api.deps import LedgerDep, PrincipalDep, ProjectionsDep
from api.json import StrictJSONRoute
from api.list_schemas import HistoryPage
from api.openapi import problems
from api.pagination import CursorQuery, LimitQuery, page_request
from api.responses import FastJSON
from api.schemas import Open, RecordedEvent
from api.wire import history_line, plain
from audit.trail import recorded_with, worker_events
from domain import ids
from domain.errors import NotFound
from domain.values import parse_date
from service.ledger import Ledger

router = APIRouter(tags=["workers"], route_class=StrictJSONRoute)


class WorkerOut(Open):
    """Status, placements, trainings and payments received."""


@router.get(
    "/workers/{worker_id}", responses={200: {"model": WorkerOut}, **problems(403, 404, 422)}
)
def get_worker(
    worker_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    as_of: Annotated[
        str | None,
        Query(description="business date YYYY-MM-DD", json_schema_extra={"format": "date"}),
    ] = None,
) -> FastJSON:
    """A worker's state: status, placements, trainings and payments received."""
    principal.require_read(ledger.get_worker(worker_id).home_division)
    view = projections.worker(
        worker_id, as_of=parse_date("as_of", as_of) if as_of is not None else None
    )
    if view is None:
        raise NotFound(f"unknown worker {worker_id}")
    return FastJSON(plain(view))


@router.get(
    "/workers/{worker_id}/events",
    responses={
        200: {
            "model": list[RecordedEvent] | HistoryPage,
            "description": "Without `limit` and `cursor`: every fact, as a JSON array (as"
            " before). With either: one page, `{items, next_cursor}`.",
        },
        **problems(403, 404, 422),
    },
)
def worker_history(
    worker_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """Every fact recorded about a worker, oldest first, as recorded; a page at a time
    when `limit` or `cursor` is given (the cursor is the last version shown)."""
    # The home division never changes: the registration alone says it, however long the
    # history a page is taken from.
    principal.require_read(ledger.get_worker(worker_id, version=1).home_division)
    if limit is None and cursor is None:  # the whole history, its payment cycle included
        stored = worker_events(ledger.store, worker_id)
        return FastJSON(lines(ledger, [ledger.mapper.to_domain_event(e) for e, _ in stored]))
    page = page_request(limit, cursor)
    events = ledger.events_of(ids.worker_uuid(worker_id), after=page.after, limit=page.limit + 1)
    items, next_cursor = page.answer(events, lambda e: e.originator_version)
    return FastJSON({"items": lines(ledger, items), "next_cursor": next_cursor})


def lines(ledger: Ledger, events: Sequence[DomainEventProtocol[UUID]]) -> list[dict[str, Any]]:
    return [history_line(e, recorded_with(ledger.store, vars(e).get("token_id"))) for e in events]

"""`GET /v1/workers/{worker_id}` (now or as of a date) and its full history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import LedgerDep, PrincipalDep, ProjectionsDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.schemas import Open, RecordedEvent
from api.wire import history_line, plain
from audit.trail import recorded_with, worker_events
from domain.errors import NotFound
from domain.values import parse_date

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
    responses={200: {"model": list[RecordedEvent]}, **problems(403, 404)},
)
def worker_history(worker_id: str, principal: PrincipalDep, ledger: LedgerDep) -> FastJSON:
    """Every fact recorded about a worker, oldest first, as recorded."""
    principal.require_read(ledger.get_worker(worker_id).home_division)
    events = [ledger.mapper.to_domain_event(stored) for stored, _ in worker_events(ledger.store, worker_id)]  # fmt: skip
    return FastJSON(
        [history_line(e, recorded_with(ledger.store, vars(e).get("token_id"))) for e in events]
    )

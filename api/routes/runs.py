"""Payment runs (批量发放, CONTRACT "Approving payments"): `POST /v1/payment-runs` requests
every payable R10/R13/R14 item of a division on a date; its approval approves them all."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import LedgerDep, PrincipalDep, ProjectionsDep, RuntimeDep
from api.json import StrictJSONRoute, sent_json
from api.openapi import problems
from api.requests import ApprovalIn, RunIn
from api.responses import json_answer
from api.runtime import Projections
from domain import divisions
from domain.errors import NotFound
from domain.runs import RunItem, StartRun
from service.idempotency import request_hash
from service.ledger import Ledger
from service.runs import RunRecorded

router = APIRouter(tags=["payment runs"], route_class=StrictJSONRoute)


@router.post("/payment-runs", status_code=201, responses={**problems(403, 409, 422)})
def post_run(
    body: RunIn,
    request: Request,
    principal: PrincipalDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    runtime: RuntimeDep,
) -> Response:
    """Request every payable item of the division's rules on `paid_on`, one request each."""
    principal.require_role("clerk", "finance")
    command: StartRun = body.command()
    principal.require_scope(command.division, "a payment run of a division")
    digest = request_hash(dict(sent_json(request)))
    items = run_items(ledger, projections, command)
    run = ledger.start_run(command, items, digest, principal.actor, principal)
    runtime.wrote(run.position)
    return json_answer(shown(run), 200 if run.replayed else 201)


@router.get("/payment-runs/{run_id}", responses={**problems(403, 404)})
def get_run(run_id: str, principal: PrincipalDep, ledger: LedgerDep) -> Response:
    """A run: its requests, what the policy refused, and once approved, its report."""
    run = ledger.get_run(run_id)
    principal.require_read(run.division)
    return json_answer(shown(run))


@router.post("/payment-runs/{run_id}/approval", status_code=201, responses={**problems(403, 404, 409, 422)})  # fmt: skip
def approve_run(
    run_id: str, body: ApprovalIn, principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep
) -> Response:
    """Approve each request of the run in one go; the report says what was paid and why not."""
    principal.require_role("finance")
    run = ledger.approve_run(run_id, body.command(), principal.actor, principal)
    runtime.wrote(run.position)
    return json_answer(shown(run), 200 if run.replayed else 201)


def run_items(ledger: Ledger, projections: Projections, command: StartRun) -> list[RunItem]:
    """The run's candidates whose paying county lies in its division: the training's for
    R10, the employer's for R13/R14 (POLICY "Paying county")."""
    employers: dict[str, str | None] = {}

    def employer_division(org_id: str) -> str | None:
        if org_id not in employers:
            try:
                employers[org_id] = ledger.get_organisation(org_id).division
            except NotFound:
                employers[org_id] = None
        return employers[org_id]

    items = []
    for found in projections.run_candidates(command.rules, command.paid_on):
        place = found["division"] or employer_division(found["employer_id"])
        if place is not None and divisions.is_hunan(place) and divisions.contains(command.division, divisions.canonical_place(place)):  # fmt: skip
            items.append(
                RunItem(found["rule"], found["fact_id"], found["payee_id"], found["worker_id"])
            )
    return items


def shown(run: RunRecorded) -> dict[str, Any]:
    report = None
    if run.report is not None:
        report = {**run.report, "paid_on": run.report["paid_on"].isoformat()}
    return {
        "run_id": run.run_id, "division": run.division, "rules": list(run.rules),
        "paid_on": run.paid_on.isoformat(), "status": run.status,
        "requests": list(run.requests), "refused": list(run.refused), "report": report,
        "position": run.position,
    }  # fmt: skip

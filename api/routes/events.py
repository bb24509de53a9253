"""`POST /v1/events`: facts, one or a batch (all or nothing)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import LedgerDep, PrincipalDep, RuntimeDep
from api.json import StrictJSONRoute, sent_json
from api.openapi import problems
from api.problems import Problem, ids_in_body
from api.requests import FactsIn
from api.responses import json_answer
from api.schemas import FactOut
from service.idempotency import request_hash
from service.ledger import MAX_BATCH
from service.recording import FactItem

router = APIRouter(tags=["facts"], route_class=StrictJSONRoute)


@router.post(
    "/events",
    status_code=201,
    responses={
        201: {"model": FactOut | list[FactOut], "description": "Recorded (a batch answers a list)"},
        200: {
            "model": FactOut | list[FactOut],
            "description": "Already recorded: the first answer again",
        },
        **problems(403, 409, 413, 422),
    },
)
def post_events(
    body: FactsIn,
    request: Request,
    principal: PrincipalDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
) -> Response:
    """Record one fact, or a batch of up to 1,000 facts all or nothing."""
    batch = isinstance(body, list)
    facts: list[Any] = body if batch else [body]
    if len(facts) > MAX_BATCH:
        raise Problem(413, f"a batch holds at most {MAX_BATCH} facts, not {len(facts)}")
    sent = sent_json(request)
    raw: list[Any] = sent if batch else [sent]
    items = [item(fact, raw[n], f"[{n}]." if batch else "") for n, fact in enumerate(facts)]
    with ids_in_body():
        recorded = ledger.record(items, principal.actor, access=principal)
    runtime.wrote(max(r.position for r in recorded))
    status = 200 if all(r.replayed for r in recorded) else 201
    answers = [FactOut.of(r) for r in recorded]
    return json_answer(answers if batch else answers[0], status)


def item(fact: Any, sent: Any, prefix: str) -> FactItem:
    """The fact as the service records it; its digest is of what the client sent."""
    command = fact.data.command()
    digest = request_hash({"type": fact.type, "data": sent["data"]})
    return FactItem(fact.event_id, fact.type, command, digest, f"{prefix}data.")

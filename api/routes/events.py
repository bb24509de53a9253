"""`POST /v1/events`: facts, one or a batch (all or nothing)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.authorization import fact_authorizer, may_post
from api.deps import JsonBody, LedgerDep, PrincipalDep, RuntimeDep
from api.openapi import json_body, problems
from api.problems import Problem, ids_in_body
from api.schemas import FactIn, FactOut
from domain.errors import InvalidInput
from service.ledger import MAX_BATCH, parse_fact_item

router = APIRouter(tags=["facts"])
_fact = FactIn.model_json_schema()
_example = _fact["properties"]["data"]["examples"][0]
BODY = json_body(
    {
        "oneOf": [
            _fact,
            # No maxItems: over 1,000 is answered 413 (too large), not 422 (malformed).
            {"type": "array", "items": _fact, "minItems": 1, "description": f"at most {MAX_BATCH} facts"},
        ]
    },
    {
        "one fact": {"value": {"event_id": "ev-1", "type": "WorkerRegistered", "data": _example}},
        "a batch": {
            "value": [
                {"event_id": "ev-2", "type": "OrganisationRegistered",
                 "data": {"org_id": "agency-1", "name": "芙蓉区人力资源服务中心", "division": "430102", "kind": "agency"}},
                {"event_id": "ev-3", "type": "UnemploymentRegistered",
                 "data": {"worker_id": "w-430102-0001", "registered_on": "2017-03-01"}},
            ]
        },
    },
)  # fmt: skip


@router.post(
    "/events",
    status_code=201,
    openapi_extra=BODY,
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
    principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep, body: JsonBody
) -> JSONResponse:
    """Record one fact, or a batch of up to 1,000 facts all or nothing."""
    batch = isinstance(body, list)
    items: list[Any] = body if batch else [body]
    if len(items) > MAX_BATCH:
        raise Problem(413, f"a batch holds at most {MAX_BATCH} facts, not {len(items)}")
    if not items:
        raise InvalidInput("body", "an empty batch records nothing")
    parsed = [parse_fact_item(index, item, len(items) > 1) for index, item in enumerate(items)]
    may_post(principal, parsed)
    with ids_in_body():
        recorded = ledger.record_batch(items, principal.actor, fact_authorizer(principal))
    runtime.wrote(max(r.position for r in recorded))
    status = 200 if all(r.replayed for r in recorded) else 201
    answers = [r.public() for r in recorded]
    return JSONResponse(answers if batch else answers[0], status_code=status)

"""Liveness (no token, no store) and readiness (the store answers)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import LedgerDep, PrincipalDep, RuntimeDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["operations"], route_class=StrictJSONRoute)


@router.get("/health", responses={200: {"model": HealthOut}})
def health() -> FastJSON:
    """Liveness: the process answers (checks nothing else, needs no token)."""
    return FastJSON({"status": "ok"})


@router.get("/ready", responses={200: {"model": ReadyOut}, **problems()})
def ready(principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep) -> FastJSON:
    """Readiness: the store answers (503 while it does not)."""
    position = ledger.recorder.max_notification_id() or 0
    projections = runtime.projections()
    answer: dict[str, object] = {"status": "ready", "position": position}
    if projections is not None:
        answer["projections_position"] = projections.position()
    return FastJSON(answer)

"""Health for load balancers and the cluster: liveness (the process answers: no token,
no store) and readiness (the leader answers and the projections are not stuck far
behind; 503 with the reason otherwise, no token either — a load balancer has none, and
the answer holds nothing but a status, a reason and two positions). `/v1/health` is
liveness, as it always was; `/v1/ready` (with a token) stays as before."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import LedgerDep, PrincipalDep, RuntimeDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.problems import Problem
from api.responses import FastJSON
from api.schemas import HealthOut, HealthReadyOut, LiveOut, ReadyOut

router = APIRouter(tags=["operations"], route_class=StrictJSONRoute)


@router.get("/health", responses={200: {"model": HealthOut}})
def health() -> FastJSON:
    """Liveness, the same as `/v1/health/live`: the process answers (checks nothing
    else, needs no token)."""
    return FastJSON({"status": "ok"})


@router.get("/health/live", responses={200: {"model": LiveOut}})
async def live() -> FastJSON:
    """Liveness: the process answers. No token, no store: restart the process when
    this fails, never because the database is away."""
    return FastJSON({"status": "ok"})


@router.get("/health/ready", responses={200: {"model": HealthReadyOut}, 503: problems()[503]})
def health_ready(runtime: RuntimeDep) -> FastJSON:
    """Readiness, for a load balancer (no token): 200 while the leader answers and the
    projections are not stuck far behind the log; else 503 with the reason and
    Retry-After. It reads what the store gate last probed (every 0.5 s): it never waits
    on the database."""
    ok, answer = runtime.readiness()
    if not ok:
        extra = {k: v for k, v in answer.items() if k in ("position", "projections_position")}
        raise Problem(503, str(answer["reason"]), {"Retry-After": "1"}, **extra)
    return FastJSON(answer)


@router.get("/ready", responses={200: {"model": ReadyOut}, **problems()})
def ready(principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep) -> FastJSON:
    """Readiness: the store answers (503 while it does not)."""
    position = ledger.recorder.max_notification_id() or 0
    projections = runtime.projections()
    answer: dict[str, object] = {"status": "ready", "position": position}
    if projections is not None:
        answer["projections_position"] = projections.position()
    return FastJSON(answer)

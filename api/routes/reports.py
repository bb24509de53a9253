"""`GET /v1/reports/targets`: the plan's placement and two-after-student targets."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, ProjectionsDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.schemas import TargetsOut
from api.wire import plain

router = APIRouter(tags=["reports"], route_class=StrictJSONRoute)


@router.get("/reports/targets", responses={200: {"model": TargetsOut}, **problems(403)})
def targets(principal: PrincipalDep, projections: ProjectionsDep) -> FastJSON:
    """Placements and two-after students achieved against the targets, by division."""
    within = None if principal.reads_everything() else principal.covers
    return FastJSON(plain(projections.targets(within=within)))

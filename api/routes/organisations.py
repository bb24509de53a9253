"""`GET /v1/organisations/{org_id}`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import LedgerDep, PrincipalDep, ProjectionsDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.schemas import Open
from api.wire import plain
from domain import divisions
from domain.errors import NotFound
from domain.values import parse_date

router = APIRouter(tags=["organisations"], route_class=StrictJSONRoute)


class OrganisationOut(Open):
    """Kind, division, base designation, placements and payments received."""


@router.get(
    "/organisations/{org_id}",
    responses={200: {"model": OrganisationOut}, **problems(403, 404, 422)},
)
def get_organisation(
    org_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    as_of: Annotated[
        str | None,
        Query(description="business date YYYY-MM-DD", json_schema_extra={"format": "date"}),
    ] = None,
) -> FastJSON:
    """An organisation's state (employer, agency, institution or government)."""
    division = ledger.get_organisation(org_id).division
    # One outside Hunan lies in no scope; any clerk may register it, so any may read it.
    if divisions.is_hunan(division):
        principal.require_read(division)
    view = projections.organisation(
        org_id, as_of=parse_date("as_of", as_of) if as_of is not None else None
    )
    if view is None:
        raise NotFound(f"unknown organisation {org_id}")
    return FastJSON(plain(view))

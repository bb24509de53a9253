"""Period close (R23, POLICY.md): for each account in the viewer's scope, which periods
finance has closed, when and by whom, the last day closed (every date up to it is closed:
closing a period closes every earlier date of its account) and the balance it closed on.
Read from the closed periods' read model (projections/closes.py) and the balances, both
narrowed to the scope as the lists are (`Access.list_within`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.listing import given
from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render
from api.routes.lists import division_filter
from domain import divisions

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def accounts_with_closes(
    accounts: list[dict[str, Any]], closes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each account, its closes in the order they were made, and the last day closed."""
    by_account: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for close in closes:
        key = (close["account"]["source"], close["account"]["division"])
        by_account.setdefault(key, []).append(close)
    rows = []
    for account in accounts:
        closed = by_account.get((account["source"], account["division"]), [])
        through = max((c["closed_through"] for c in closed), default=None)
        rows.append({**account, "closes": closed, "closed_through": through})
    return sorted(rows, key=lambda r: (r["division"], r["source"]))


@router.get("/console/period-close")
def period_close_page(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    division: str | None = None,
    closed: str | None = None,
) -> Response:
    within = viewer.access.list_within(division_filter(given(division)))

    def inside(code: str) -> bool:
        return within is None or divisions.contains(within, code)

    rows = accounts_with_closes(
        projections.accounts(None, None, inside), projections.period_closes(within)
    )
    if closed == "yes":
        rows = [r for r in rows if r["closes"]]
    return render(request, "closes.html", {"viewer": viewer, "rows": rows,
                  "division": division or "", "closed": closed == "yes"})  # fmt: skip

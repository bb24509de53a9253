"""Audit: whether the recorded history is intact (`verify`, for those who read
everything, as `GET /v1/audit/verify`; run on request, since it walks the whole history),
with the first bad position if any; and a replay of every account in scope as of an
earlier business date and/or as known at an earlier instant, beside today's figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render, when
from api.deps import LedgerDep
from audit.verify import verify

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def replayed(then: list[dict[str, Any]], now: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each account known now, its balance then (blank if not known then) and the change."""
    earlier = {(a["source"], a["division"]): a for a in then}
    rows = []
    for account in now:
        before = earlier.get((account["source"], account["division"]))
        change = None
        if before is not None:
            change = Decimal(account["balance"]) - Decimal(before["balance"])
        rows.append({**account, "then": before, "change": change})
    return rows


@router.get("/console/audit")
async def audit_page(
    request: Request,
    viewer: ViewerDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    as_of: str | None = None,
    known_at: str | None = None,
    run: str | None = None,
) -> Response:
    access = viewer.access
    may_verify = access.reads_everything()
    checked = await run_in_threadpool(verify, ledger.store) if run and may_verify else None
    picked = when(as_of, known_at)
    within = None if access.reads_everything() else access.covers
    rows: list[dict[str, Any]] = []
    if picked.query:
        then = await run_in_threadpool(
            projections.accounts, picked.as_of_date, picked.known_at_instant, within
        )
        now = await run_in_threadpool(projections.accounts, None, None, within)
        rows = replayed(then, now)
    return render(request, "audit.html", {"viewer": viewer, "may_verify": may_verify,
                  "checked": checked, "when": picked, "rows": rows})  # fmt: skip

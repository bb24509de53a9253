"""Audit: whether the recorded history is intact (`verify`, for those who read
everything, as `GET /v1/audit/verify`; run on request, since it walks the whole history),
with the first bad position if any; the chain head sealed so far as a checkpoint file to
keep outside the system (`GET /v1/audit/checkpoint`'s own file); a worker's audit trail
(`jobaid audit trail`: every fact of the worker and of its payment cycle, with its
position, who recorded it and with which token, when it was known, and the hash-chain
link sealed for it), within the viewer's scope; and a replay of every account in scope
as of an earlier business date and/or as known at an earlier instant, beside today's."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.console.web import (
    SECURITY_HEADERS,
    ConsoleRoute,
    ProjectionsDep,
    Viewer,
    ViewerDep,
    render,
    when,
)
from api.console.workers import MOST_ID_CHARS
from api.deps import LedgerDep
from audit.chain import ChainStore
from audit.trail import trail
from audit.verify import latest_seal, verify
from domain.errors import Forbidden, InvalidInput
from service.ledger import Ledger

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


HASH = re.compile(r"[0-9a-f]{64}")


def checkpoint_of(position: str | None, chain_hash: str | None) -> dict[str, Any] | None:
    """A kept checkpoint typed back in (its position and chain hash), to verify against."""
    position, chain_hash = (position or "").strip(), (chain_hash or "").strip().lower()
    if not position and not chain_hash:
        return None
    if not position.isascii() or not position.isdigit() or len(position) > 18:
        raise InvalidInput("position", "should be the checkpoint's position, a whole number")
    if not HASH.fullmatch(chain_hash):
        raise InvalidInput("chain_hash", "should be the checkpoint's chain hash: 64 hex digits")
    return {"position": int(position), "chain_hash": chain_hash}


def worker_trail(ledger: Ledger, viewer: Viewer, worker_id: str) -> list[dict[str, Any]]:
    """The worker's trail after the API's scope check (the registration says the home
    division), each fact beside the chain row sealed for its position (None: not sealed yet)."""
    viewer.access.require_read(ledger.get_worker(worker_id, version=1).home_division)
    rows = trail(ledger.store, worker_id)
    sealed = ChainStore(ledger.store).links_at([row["position"] for row in rows])
    return [{**row, "link": sealed.get(row["position"])} for row in rows]


@router.get("/console/audit")
async def audit_page(
    request: Request,
    viewer: ViewerDep,
    ledger: LedgerDep,
    projections: ProjectionsDep,
    as_of: str | None = None,
    known_at: str | None = None,
    run: str | None = None,
    worker_id: str | None = None,
    position: str | None = None,
    chain_hash: str | None = None,
) -> Response:
    access = viewer.access
    may_verify = access.reads_everything()
    wanted = (worker_id or "").strip()
    if len(wanted) > MOST_ID_CHARS:
        raise InvalidInput("worker_id", f"is longer than {MOST_ID_CHARS} characters")
    kept = checkpoint_of(position, chain_hash)
    checked = None
    if (run or kept) and may_verify:
        checked = await run_in_threadpool(verify, ledger.store, kept)
    picked = when(as_of, known_at)
    within = None if access.reads_everything() else access.covers
    rows: list[dict[str, Any]] = []
    if picked.query:
        then = await run_in_threadpool(
            projections.accounts, picked.as_of_date, picked.known_at_instant, within
        )
        now = await run_in_threadpool(projections.accounts, None, None, within)
        rows = replayed(then, now)
    facts = await run_in_threadpool(worker_trail, ledger, viewer, wanted) if wanted else None
    return render(request, "audit.html", {"viewer": viewer, "may_verify": may_verify,
                  "checked": checked, "when": picked, "rows": rows, "worker_id": wanted,
                  "trail": facts, "kept": kept})  # fmt: skip


@router.get("/console/audit/checkpoint")
async def checkpoint_file(viewer: ViewerDep, ledger: LedgerDep) -> Response:
    """`GET /v1/audit/checkpoint`'s file, to download and keep outside the system."""
    if not viewer.access.reads_everything():
        raise Forbidden("the checkpoint covers the whole history: auditors and admins only")
    seal = await run_in_threadpool(latest_seal, ledger.store, viewer.access.subject)
    name = f"jobaid-checkpoint-{seal['position']}.json"
    return Response(
        json.dumps(seal, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        media_type="application/json",
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )

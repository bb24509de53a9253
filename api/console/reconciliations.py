"""Reconciliations: the reports of the accounts in scope (as `GET /v1/reconciliations`),
the upload of the treasury's file for finance (the API's own `POST /v1/reconciliations`
route, called with the session's principal: the same role and scope checks, the same
reading of the file, the same kept report), and a report — its totals and each line,
every difference marked in words as well as in colour, with its nearest candidate.

A file the API refuses (422 with its bad rows, 413) is shown on the page beside the form,
with the reasons the API gives."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.console.uploads import Refusal, json_of, read_upload, refusal_of
from api.console.web import ConsoleRoute, ProjectionsDep, Viewer, ViewerDep, render
from api.deps import LedgerDep, RuntimeDep
from api.problems import Problem
from api.routes.files import reconcile, reconciliation_report
from api.routes.lists import list_reconciliations
from api.runtime import Projections
from domain.accounts import SOURCES
from domain.errors import InvalidInput
from domain.reconciliation import DIFFERENCES, LEDGER_FIELDS, TREASURY_FIELDS, explain
from service.reconcile import DEFAULT_DATE_TOLERANCE

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
LISTED = 50  # reports on one page of the list; `cursor` pages further, as the API's list
FILE_FORMATS = ("csv", "xlsx")
REPORT_LINES = 200  # report lines on one page; the report's files hold them all
# Every field a report line may have: a report kept before a field was added shows it blank.
BLANK_LINE: dict[str, Any] = dict.fromkeys(
    (*TREASURY_FIELDS, *LEDGER_FIELDS, "key", "shape", "date_slip", "amount_difference",
     "payee_differs", "nearest_taken", "matched_amount")
)  # fmt: skip


def may_reconcile(viewer: Viewer) -> bool:
    """The API's rule (api.routes.files.reconcile): finance, within its scope."""
    return viewer.access.role == "finance"


def listed(
    viewer: Viewer, projections: Projections, division: str | None, cursor: str | None
) -> dict[str, Any]:
    """The page of reports the API's list answers this principal."""
    answer = list_reconciliations(
        viewer.access,
        projections,
        division=division or None,
        limit=str(LISTED),
        cursor=cursor or None,
    )
    found: dict[str, Any] = json_of(answer)
    for item in found["items"]:
        item["differing"] = sum(int(item["totals"].get(status) or 0) for status in DIFFERENCES)
    return found


def list_page(
    request: Request,
    viewer: Viewer,
    projections: Projections,
    refused: Refusal | None = None,
    typed: dict[str, str] | None = None,
    division: str | None = None,
    cursor: str | None = None,
) -> Response:
    found = listed(viewer, projections, division, cursor) if viewer_may_list(viewer) else None
    # The divisions whose accounts the officer may reconcile, offered as the field is typed.
    within = None if viewer.access.reads_everything() else viewer.access.covers
    accounts = projections.accounts(None, None, within) if may_reconcile(viewer) else []
    divisions = sorted({account["division"] for account in accounts})
    asked = {"source": "employment_fund", "division": viewer.access.division, "period": "",
             "date_tolerance": str(DEFAULT_DATE_TOLERANCE), **(typed or {})}  # fmt: skip
    return render(request, "reconciliations.html", {
        "viewer": viewer, "found": found, "may_reconcile": may_reconcile(viewer),
        "sources": SOURCES, "asked": asked, "refused": refused, "division": division or "",
        "divisions": divisions,
    }, status_code=refused.status if refused else 200)  # fmt: skip


def viewer_may_list(viewer: Viewer) -> bool:
    """As `GET /v1/reconciliations`: finance within its scope, auditors and admins all."""
    return viewer.access.reads_everything() or viewer.access.role == "finance"


@router.get("/console/reconciliations")
def reconciliations_page(
    request: Request,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    division: str | None = None,
    cursor: str | None = None,
) -> Response:
    if not viewer_may_list(viewer):
        viewer.access.require_role("finance")  # the API's own refusal, as a 403 page
    return list_page(request, viewer, projections, division=division, cursor=cursor)


@router.post("/console/reconciliations")
async def upload_treasury_file(
    request: Request,
    viewer: ViewerDep,
    ledger: LedgerDep,
    runtime: RuntimeDep,
    projections: ProjectionsDep,
) -> Response:
    """The treasury's file for an account and period, through the API's own route."""
    typed: dict[str, str] = {}
    try:
        upload, fields = await read_upload(request, viewer)
        typed = {k: fields.get(k, "")[:40] for k in ("source", "division", "period", "date_tolerance")}  # fmt: skip
        answer = await run_in_threadpool(
            reconcile, viewer.access, ledger, upload, typed["source"], typed["division"],
            typed["period"], typed["date_tolerance"] or str(DEFAULT_DATE_TOLERANCE), None,
        )  # fmt: skip
    except (InvalidInput, Problem) as error:
        return list_page(request, viewer, projections, refusal_of(error), typed)
    runtime.wrote(ledger.store.head())  # the list shows it at once (read-your-writes)
    report = json_of(answer)
    return RedirectResponse(f"/console/reconciliations/{report['reconciliation_id']}", status_code=303)  # fmt: skip


def report_lines(lines: list[dict[str, Any]], tolerance: int, lang: str) -> list[dict[str, Any]]:
    """Each line with its reason in the page's language (the domain's own explanation)."""
    return [
        {**BLANK_LINE, **line, "differs": line["status"] in DIFFERENCES,
         "why": explain(line, tolerance, lang)}
        for line in lines
    ]  # fmt: skip


@router.get("/console/reconciliations/{reconciliation_id}")
def report_page(
    request: Request,
    reconciliation_id: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
    show: str | None = None,
    page: str | None = None,
) -> Response:
    """The report: its totals, then its lines REPORT_LINES to a page (a treasury file may
    hold tens of thousands), all of them or only those that differ (`show=differences`)."""
    if show not in (None, "", "all", "differences"):
        raise InvalidInput("show", f"should be all or differences, not {show[:20]!r}")
    report = json_of(reconciliation_report(reconciliation_id[:64], viewer.access, ledger))
    lines: list[dict[str, Any]] = report["lines"]
    if show == "differences":
        lines = [line for line in lines if line["status"] in DIFFERENCES]
    pages = max(1, -(-len(lines) // REPORT_LINES))
    number = page_number(page, pages)
    tolerance = int(report.get("date_tolerance") or 0)
    shown = report_lines(lines[(number - 1) * REPORT_LINES : number * REPORT_LINES], tolerance, viewer.lang)  # fmt: skip
    return render(request, "reconciliation.html", {
        "viewer": viewer, "report": report, "totals": report["totals"], "lines": shown,
        "differences": DIFFERENCES, "show": show or "all", "page": number, "pages": pages,
        "count": len(lines),
    })  # fmt: skip


def page_number(page: str | None, pages: int) -> int:
    if page is None or page == "":
        return 1
    if not page.isascii() or not page.isdigit() or not 1 <= int(page[:9]) <= pages:
        raise InvalidInput("page", f"should be a page number from 1 to {pages}, not {page[:20]!r}")
    return int(page)


@router.get("/console/reconciliations/{reconciliation_id}/report.{fmt}")
def report_file(
    reconciliation_id: str,
    fmt: str,
    viewer: ViewerDep,
    ledger: LedgerDep,
) -> Response:
    """The API's own file of the report (`GET /v1/reconciliations/{id}?format=`)."""
    if fmt not in FILE_FORMATS:
        raise InvalidInput("format", f"should be csv or xlsx, not {fmt[:10]!r}")
    return reconciliation_report(reconciliation_id[:64], viewer.access, ledger,
                                 format_=fmt, lang=viewer.lang)  # fmt: skip

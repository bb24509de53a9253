"""File uploads: the county's survey form, and the treasury's disbursement file for
reconciliation. The file travels as the raw request body (`curl --data-binary @file`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from api.deps import LedgerDep, PrincipalDep, RuntimeDep
from api.downloads import (
    FILE_CONTENT,
    AcceptHeader,
    FormatQuery,
    LangQuery,
    csv_download,
    language,
    wanted,
    xlsx_download,
)
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from domain.errors import InvalidInput, NotFound
from domain.reconciliation import Reconciliation
from service.imports import import_surveys
from service.ledger import Ledger
from service.reconcile import DEFAULT_DATE_TOLERANCE, reconcile_file, summary
from service.reconciliation_files import report_header, report_name, report_rows, report_sheets

router = APIRouter(tags=["files"], route_class=StrictJSONRoute)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def file_body(request: Request) -> bytes:
    content = await request.body()
    if not content:
        raise InvalidInput("body", "send the file as the request body")
    return content


FileBody = Annotated[bytes, Depends(file_body)]


@router.post("/imports/surveys", openapi_extra=FILE_BODY, responses=problems(403, 413, 422))
def import_survey_form(
    principal: PrincipalDep, ledger: LedgerDep, runtime: RuntimeDep, content: FileBody
) -> FastJSON:
    """Import the survey form (CSV in UTF-8 or GBK, or XLSX): rows recorded, bad rows reported."""
    principal.require_role("clerk")
    report = import_surveys(
        ledger,
        content,
        principal.actor,
        within=principal.covers,
        access=principal,
    )
    runtime.wrote(int(ledger.recorder.max_notification_id() or 0))
    return FastJSON(report.public())


@router.post("/reconciliations", openapi_extra=FILE_BODY, responses=problems(403, 413, 422))
def reconcile(
    principal: PrincipalDep,
    ledger: LedgerDep,
    content: FileBody,
    source: Annotated[str, Query(description="the account's funding source")],
    division: Annotated[str, Query(description="the account's division code")],
    period: Annotated[str, Query(description="YYYY or YYYY-MM")],
    date_tolerance: Annotated[
        str, Query(description="days a treasury date may differ from the ledger's (0-31)")
    ] = str(DEFAULT_DATE_TOLERANCE),
    x_file_name: Annotated[str | None, Header()] = None,
) -> FastJSON:
    """Match the treasury's disbursement file (date, payee, ID number or credit code,
    amount, purpose or voucher) to the account's payments and reversals."""
    principal.require_role("finance")
    principal.require_scope(division, "a reconciliation of an account")
    name = x_file_name or "upload.csv"
    report, known = reconcile_file(
        ledger, content, name, source, division, period, principal.actor, date_tolerance
    )
    return FastJSON(summary(report), status_code=200 if known else 201)


@router.get(
    "/reconciliations/{reconciliation_id}",
    responses={
        200: {
            "content": FILE_CONTENT,
            "description": "The report; `?format=csv|xlsx` or the Accept header for a file",
        },
        **problems(403, 404, 422),
    },
)
def reconciliation_report(
    reconciliation_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """A kept reconciliation report, as JSON, CSV or XLSX (Chinese headers unless
    `?lang=en`)."""
    report = find_report(ledger, reconciliation_id)
    if not principal.reads_everything():
        principal.require_role("finance")
        principal.require_scope(report.division, "a reconciliation of an account")
    kind, language_ = wanted(format_, accept), language(lang)
    name = report_name(report, language_)
    if kind == "xlsx":
        return xlsx_download(name, *report_sheets(report, language_))
    if kind == "csv":
        return csv_download(name, report_header(language_), report_rows(report, language_))
    return FastJSON(summary(report))


def find_report(ledger: Ledger, reconciliation_id: str) -> Reconciliation:
    try:
        report: object = ledger.repository.get(UUID(reconciliation_id))
    except (ValueError, AggregateNotFoundError):  # not a UUID, or nothing recorded under it
        raise NotFound(f"unknown reconciliation {reconciliation_id}") from None
    if not isinstance(report, Reconciliation):
        raise NotFound(f"unknown reconciliation {reconciliation_id}")
    return report

"""The treasury's disbursement file for reconciliation, uploaded as the raw request body
or as multipart/form-data (api.uploads); the survey form's routes are api.routes.imports."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from api.deps import LedgerDep, PrincipalDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.uploads import FILE_BODY, UploadDep
from domain.errors import NotFound
from domain.reconciliation import Reconciliation
from service.ledger import Ledger
from service.reconcile import reconcile_file, report_csv, report_xlsx, summary

router = APIRouter(tags=["files"], route_class=StrictJSONRoute)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/reconciliations", openapi_extra=FILE_BODY, responses=problems(403, 413, 422))
def reconcile(
    principal: PrincipalDep,
    ledger: LedgerDep,
    upload: UploadDep,
    source: Annotated[str, Query(description="the account's funding source")],
    division: Annotated[str, Query(description="the account's division code")],
    period: Annotated[str, Query(description="YYYY or YYYY-MM")],
    x_file_name: Annotated[str | None, Header()] = None,
) -> FastJSON:
    """Match the treasury's disbursement file (date, payee, amount, reference) to the account."""
    principal.require_role("finance")
    principal.require_scope(division, "a reconciliation of an account")
    report, known = reconcile_file(
        ledger,
        upload.content,
        x_file_name or upload.filename or "upload.csv",
        source,
        division,
        period,
        principal.actor,
    )
    return FastJSON(summary(report), status_code=200 if known else 201)


@router.get(
    "/reconciliations/{reconciliation_id}",
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}, XLSX: {}},
            "description": "The report; `Accept: text/csv` or the XLSX type for a download",
        },
        **problems(403, 404),
    },
)
def reconciliation_report(
    reconciliation_id: str,
    principal: PrincipalDep,
    ledger: LedgerDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """A kept reconciliation report, as JSON, CSV or XLSX."""
    report = find_report(ledger, reconciliation_id)
    if not principal.reads_everything():
        principal.require_role("finance")
        principal.require_scope(report.division, "a reconciliation of an account")
    if accept and XLSX in accept:
        disposition = f'attachment; filename="reconciliation-{reconciliation_id}.xlsx"'
        return Response(
            report_xlsx(report), media_type=XLSX, headers={"Content-Disposition": disposition}
        )
    if accept and "text/csv" in accept:
        return Response(report_csv(report), media_type="text/csv; charset=utf-8")
    return FastJSON(summary(report))


def find_report(ledger: Ledger, reconciliation_id: str) -> Reconciliation:
    try:
        report: object = ledger.repository.get(UUID(reconciliation_id))
    except (ValueError, AggregateNotFoundError):  # not a UUID, or nothing recorded under it
        raise NotFound(f"unknown reconciliation {reconciliation_id}") from None
    if not isinstance(report, Reconciliation):
        raise NotFound(f"unknown reconciliation {reconciliation_id}")
    return report

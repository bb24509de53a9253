"""Survey imports: the jobs in scope (as `GET /v1/imports`), the upload of a survey form
for clerks (the API's own `POST /v1/imports/surveys` route, called with the session's
principal: the same role check, the same job), the blank form (the API's template), and
one job's page — its progress, followed live by htmx polling a small fragment that stops
polling once the job is done or failed, then its row report by the form's own column
headers (the headers the uploaded form used, as the API's report names them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.console.uploads import Refusal, json_of, read_upload, refusal_of
from api.console.web import ConsoleRoute, Viewer, ViewerDep, render
from api.deps import RuntimeDep
from api.problems import Problem
from api.routes.imports import import_job, import_survey_form, list_imports, survey_template
from api.runtime import Runtime
from domain.errors import InvalidInput

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
LISTED = 50  # jobs on one page of the list; `cursor` pages further, as the API's list
ROWS_SHOWN = 500  # refused rows on the page; the report's files hold them all
FILE_FORMATS = ("csv", "xlsx")
FINISHED = ("done", "failed")


def may_import(viewer: Viewer) -> bool:
    """The API's rule (api.routes.imports.import_survey_form): clerks."""
    return viewer.access.role == "clerk"


def list_page(
    request: Request,
    viewer: Viewer,
    runtime: Runtime,
    cursor: str | None = None,
    refused: Refusal | None = None,
) -> Response:
    found = json_of(list_imports(viewer.access, runtime, limit=str(LISTED), cursor=cursor or None))
    return render(request, "imports.html", {
        "viewer": viewer, "found": found, "may_import": may_import(viewer), "refused": refused,
    }, status_code=refused.status if refused else 200)  # fmt: skip


@router.get("/console/imports")
async def imports_page(
    request: Request, viewer: ViewerDep, runtime: RuntimeDep, cursor: str | None = None
) -> Response:
    return await run_in_threadpool(list_page, request, viewer, runtime, cursor)


@router.post("/console/imports")
async def upload_survey_form(request: Request, viewer: ViewerDep, runtime: RuntimeDep) -> Response:
    """The survey form, submitted as a job through the API's own route."""
    try:
        upload, _ = await read_upload(request, viewer)
        answer = await run_in_threadpool(import_survey_form, viewer.access, runtime, upload)
    except (InvalidInput, Problem) as error:
        return await run_in_threadpool(list_page, request, viewer, runtime, None, refusal_of(error))
    job = json_of(answer)
    return RedirectResponse(f"/console/imports/{job['import_id']}", status_code=303)


@router.get("/console/imports/template.xlsx")
def blank_form(viewer: ViewerDep) -> Response:
    """The API's own template (`GET /v1/imports/surveys/template`)."""
    return survey_template(viewer.access)


def by_form_columns(errors: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The refused rows as the form laid them out: the columns (headers as the uploaded
    form wrote them, in the order they first went wrong) and, per row, each column's
    reasons."""
    columns: list[str] = []
    rows: dict[int, dict[str, list[str]]] = {}
    for error in errors:
        column = str(error["column"])
        if column not in columns:
            columns.append(column)
        rows.setdefault(int(error["row"]), {}).setdefault(column, []).append(str(error["reason"]))
    shown = sorted(rows)[:ROWS_SHOWN]
    return columns, [{"row": row, "cells": rows[row]} for row in shown]


def job_context(viewer: Viewer, runtime: Runtime, import_id: str) -> dict[str, Any]:
    job = json_of(import_job(import_id[:64], viewer.access, runtime))
    columns, rows = by_form_columns(job.get("errors", []))
    return {"viewer": viewer, "job": job, "finished": job["status"] in FINISHED,
            "columns": columns, "rows": rows, "rows_shown": ROWS_SHOWN}  # fmt: skip


@router.get("/console/imports/{import_id}")
async def job_page(request: Request, import_id: str, viewer: ViewerDep, runtime: RuntimeDep) -> Response:  # fmt: skip
    context = await run_in_threadpool(job_context, viewer, runtime, import_id)
    return render(request, "import.html", context)


@router.get("/console/imports/{import_id}/progress")
async def job_progress(request: Request, import_id: str, viewer: ViewerDep, runtime: RuntimeDep) -> Response:  # fmt: skip
    """The fragment htmx polls: the progress while the job runs; once it is done or
    failed, the outcome and the row report, without the polling trigger."""
    context = await run_in_threadpool(job_context, viewer, runtime, import_id)
    return render(request, "import_progress.html", context)


@router.get("/console/imports/{import_id}/report.{fmt}")
def job_report(import_id: str, fmt: str, viewer: ViewerDep, runtime: RuntimeDep) -> Response:
    """The API's own report file (`GET /v1/imports/{id}?format=`)."""
    if fmt not in FILE_FORMATS:
        raise InvalidInput("format", f"should be csv or xlsx, not {fmt[:10]!r}")
    return import_job(import_id[:64], viewer.access, runtime, format_=fmt, lang=viewer.lang)

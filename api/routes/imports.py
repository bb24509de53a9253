"""Survey imports over HTTP (CONTRACT "Lists, files and jobs"): the form uploaded becomes a
job (202), followed at `GET /v1/imports/{import_id}` and listed at `GET /v1/imports`; the
blank form is `GET /v1/imports/surveys/template`.

Who sees a job: a caller whose scope covers the division of the token that started it
(a 芙蓉区 clerk's jobs are seen by 芙蓉区, 长沙市 and the province), and auditors and
admins. Another county's job is a 404 here, as if it did not exist: its id says nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import PrincipalDep, RuntimeDep
from api.downloads import (
    FILE_CONTENT,
    XLSX,
    AcceptHeader,
    FormatQuery,
    LangQuery,
    attachment,
    csv_download,
    language,
    wanted,
    xlsx_download,
)
from api.json import StrictJSONRoute
from api.openapi import problems
from api.pagination import CursorQuery, LimitQuery, encode, page_request
from api.responses import FastJSON
from api.uploads import FILE_BODY, UploadDep
from domain.errors import NotFound
from service.access import Access
from service.import_files import ERROR_COLUMNS, error_rows, report_sheets, template_xlsx
from service.import_jobs import ImportJobs, public

router = APIRouter(tags=["imports"], route_class=StrictJSONRoute)
# Jobs read per query while a scoped page fills (most callers see most of what they read).
SCAN = 500


@router.post(
    "/imports/surveys",
    status_code=202,
    openapi_extra=FILE_BODY,
    responses=problems(403, 413, 422),
)
def import_survey_form(principal: PrincipalDep, runtime: RuntimeDep, upload: UploadDep) -> FastJSON:
    """Import the survey form (CSV in UTF-8 or GBK, or XLSX; title rows above the header
    allowed) as a job: 202 with `import_id`; follow it at `GET /v1/imports/{import_id}`."""
    principal.require_role("clerk")
    job = runtime.imports().submit(upload.content, principal)
    return FastJSON(job, status_code=202)


@router.get("/imports", responses=problems(422))
def list_imports(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """The import jobs within the caller's scope, in the order they were submitted."""
    page = page_request(limit, cursor)
    store = runtime.imports().store
    items: list[dict[str, Any]] = []
    after = page.after
    while len(items) <= page.limit:
        batch = store.after(after, SCAN)
        items += [{**public(job), "_position": job.position} for job in batch if _sees(principal, job.division)]  # fmt: skip
        if len(batch) < SCAN:
            break
        after = batch[-1].position
    shown = items[: page.limit]
    next_cursor = encode(shown[-1]["_position"]) if len(items) > page.limit else None
    return FastJSON(
        {"items": [_without_position(item) for item in shown], "next_cursor": next_cursor}
    )


@router.get(
    "/imports/surveys/template",
    responses={
        200: {"content": {XLSX: FILE_CONTENT[XLSX]}, "description": "The form"},
        **problems(),
    },
)
def survey_template(principal: PrincipalDep) -> Response:
    """The survey form as XLSX: the headers the import reads, one example row (skipped on
    import) and a 说明 sheet explaining each column."""
    disposition = attachment("湖南省农村贫困劳动力就业信息表.xlsx")
    return Response(template_xlsx(), media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get(
    "/imports/{import_id}",
    responses={200: {"content": FILE_CONTENT, "description": "The job"}, **problems(404, 422)},
)
def import_job(
    import_id: str,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """The job: its progress, and when done its counts and refused rows — as JSON, or
    the report as XLSX or CSV (`?format=`, `?lang=en` for English headers)."""
    kind, language_ = wanted(format_, accept), language(lang)
    answer = find_job(runtime.imports(), principal, import_id)
    if kind == "json":
        return FastJSON(answer)
    name = f"导入报告-{import_id}" if language_ == "zh" else f"import-report-{import_id}"
    if kind == "csv":
        header = [column.title(language_) for column in ERROR_COLUMNS]
        return csv_download(name, header, error_rows(answer))
    return xlsx_download(name, *report_sheets(answer, language_))


def find_job(imports: ImportJobs, principal: Access, import_id: str) -> dict[str, Any]:
    # An id is a UUID we made: anything longer or stranger is not one, and is not looked up.
    plausible = len(import_id) <= 36 and import_id.isascii() and import_id.isprintable()
    job = imports.store.get(import_id) if plausible else None
    if job is None or not _sees(principal, job.division):
        raise NotFound(f"unknown import {import_id}" if plausible else "unknown import")
    return public(job, imports.store)


def _sees(principal: Access, division: str) -> bool:
    return principal.reads_everything() or principal.covers(division)


def _without_position(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "_position"}

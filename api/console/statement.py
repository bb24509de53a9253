"""An account's statement, paged by the API's own cursor (`after` the line before the
page): opening balance, each line with its running balance, payee and 文号, closing
balance; and the downloads, which are the API's own XLSX and CSV — the console calls the
API's statement route with the session's principal, so each file is the very file
`GET /v1/accounts/{source}/{division}/statement?format=` gives (with the page's account,
dates, as_of and known_at, and headers in the page's language)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render, when
from api.downloads import attachment
from api.routes.accounts import account_statement
from domain.accounts import SOURCES
from domain.errors import InvalidInput, NotFound
from domain.values import parse_date

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
PAGE_LINES = 50  # lines on one page: a screen or two
MOST_DIGITS = 18  # a log position fits in a BIGINT
FILE_FORMATS = ("xlsx", "csv")  # the API's statement files


def cursor_of(after: str | None) -> int | None:
    """The `after` of a page link: the position of the line before the page."""
    if after is None or after == "":
        return None
    if not after.isascii() or not after.isdigit() or len(after) > MOST_DIGITS:
        raise InvalidInput("after", f"should name a line of this statement, not {after[:20]!r}")
    return int(after)


@router.get("/console/accounts/{source}/{division}")
def statement_page(
    request: Request,
    source: str,
    division: str,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    as_of: str | None = None,
    known_at: str | None = None,
    after: str | None = None,
) -> Response:
    """One page of PAGE_LINES lines: the API's cursor page (`after` the line before it),
    payee names and 文号 read with the lines, so a deep page costs what the first does."""
    if source not in SOURCES:
        raise NotFound(f"unknown account source {source[:40]}")
    viewer.access.require_read(division)
    picked = when(as_of, known_at)
    statement = projections.statement_screen(
        source, division, _date("from", from_), _date("to", to), picked.as_of_date,
        picked.known_at_instant, after=cursor_of(after), limit=PAGE_LINES,
    )  # fmt: skip
    if statement is None:
        raise NotFound(f"unknown account {source}/{division[:12]}")
    query = {**picked.query, **{k: v for k, v in (("from", from_), ("to", to)) if v}}
    links = []
    if statement["has_previous"]:
        previous = statement["previous_after"]
        links.append(("previous", query if previous is None else {**query, "after": previous}))
    if statement["next_after"] is not None:
        links.append(("next", {**query, "after": statement["next_after"]}))
    return render(request, "statement.html", {
        "viewer": viewer, "when": picked, "statement": statement, "source": source,
        "division": division, "lines": statement["lines"],
        "page": statement["before"] // PAGE_LINES + 1,
        "pages": max(1, -(-statement["count"] // PAGE_LINES)), "links": links,
        "page_opening": statement["page_opening_balance"], "query": query,
        "from_": from_ or "", "to": to or "", "count": statement["count"],
    })  # fmt: skip


def _date(field: str, value: str | None) -> date | None:
    return parse_date(field, value) if value else None


@router.get("/console/accounts/{source}/{division}/statement.{fmt}")
def statement_file(
    source: str,
    division: str,
    fmt: str,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    as_of: str | None = None,
    known_at: str | None = None,
) -> Response:
    """The API's statement file (api.account_files through the API's own route), XLSX or
    CSV, headers in the page's language, under a file name for the download."""
    if fmt not in FILE_FORMATS:
        raise NotFound(f"no statement file .{fmt[:10]}")
    picked = when(as_of, known_at)
    known = picked.known_at_instant.isoformat() if picked.known_at_instant else None
    response = account_statement(
        source, division, viewer.access, projections, from_=from_ or None, to=to or None,
        as_of=as_of or None, known_at=known, format_=fmt, lang=viewer.lang,
    )  # fmt: skip
    response.headers["Content-Disposition"] = attachment(f"statement-{source}-{division}.{fmt}")
    return response

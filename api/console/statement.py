"""An account's statement, paged: opening balance, each line with its running balance,
payee and 文号, closing balance; and the downloads, which are the API's own XLSX and CSV —
the console calls the API's statement route with the session's principal, so each file
is the very file `GET /v1/accounts/{source}/{division}/statement?format=` gives (with
the page's account, dates, as_of and known_at, and headers in the page's language)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from eventsourcing.application import AggregateNotFoundError
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from adapters.eventstore import events_at
from api.console.web import ConsoleRoute, ProjectionsDep, ViewerDep, render, when
from api.deps import LedgerDep
from api.downloads import attachment
from api.routes.accounts import account_statement
from domain.accounts import SOURCES
from domain.errors import InvalidInput, NotFound
from domain.values import parse_date
from service.ledger import Ledger

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
PAGE_LINES = 50  # lines on one page: a screen or two, and few payee names to look up
MOST_PAGES = 1_000_000  # a page number past any history this ledger keeps
FILE_FORMATS = ("xlsx", "csv")  # the API's statement files


def page_number(page: str | None) -> int:
    if page is None or page == "":
        return 1
    if not page.isascii() or not page.isdigit() or not 1 <= int(page[:8]) <= MOST_PAGES:
        raise InvalidInput("page", f"should be a page number from 1, not {page[:20]!r}")
    return int(page)


def payee_names(ledger: Ledger, lines: list[dict[str, Any]]) -> dict[str, str]:
    """The organisations paid on a page, by id (a payee that is not one keeps its id)."""
    names: dict[str, str] = {}
    for payee in {line["payee_id"] for line in lines if line.get("payee_id")}:
        try:
            names[payee] = ledger.get_organisation(payee).name
        except (NotFound, AggregateNotFoundError, InvalidInput):
            continue
    return names


def document_refs(ledger: Ledger, lines: list[dict[str, Any]]) -> dict[int, str]:
    """The 文号 of each appropriation on a page, by position, read from its recorded event
    in one query (the statement's read model keeps the appropriation's id, not its
    document)."""
    positions = [int(line["position"]) for line in lines if line["kind"] == "appropriation"]
    found: dict[int, str] = {}
    for stored, position in events_at(ledger.recorder, positions):
        ref = getattr(ledger.mapper.to_domain_event(stored), "document_ref", None)
        if ref:
            found[position] = str(ref)
    return found


@router.get("/console/accounts/{source}/{division}")
def statement_page(
    request: Request,
    source: str,
    division: str,
    viewer: ViewerDep,
    projections: ProjectionsDep,
    ledger: LedgerDep,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    as_of: str | None = None,
    known_at: str | None = None,
    page: str | None = None,
) -> Response:
    if source not in SOURCES:
        raise NotFound(f"unknown account source {source[:40]}")
    viewer.access.require_read(division)
    picked = when(as_of, known_at)
    number = page_number(page)
    statement = projections.statement_page(
        source, division, _date("from", from_), _date("to", to), picked.as_of_date,
        picked.known_at_instant, ((number - 1) * PAGE_LINES, PAGE_LINES),
    )  # fmt: skip
    if statement is None:
        raise NotFound(f"unknown account {source}/{division[:12]}")
    shown = statement["lines"]
    pages = max(1, -(-statement["count"] // PAGE_LINES))
    query = {**picked.query, **{k: v for k, v in (("from", from_), ("to", to)) if v}}
    return render(request, "statement.html", {
        "viewer": viewer, "when": picked, "statement": statement, "source": source,
        "division": division, "lines": shown, "page": number, "pages": pages,
        "page_opening": statement["page_opening_balance"], "payees": payee_names(ledger, shown),
        "documents": document_refs(ledger, shown), "query": query,
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

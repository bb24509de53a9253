"""`GET /v1/accounts`, an account's statement and its year-end statement — as JSON, or as
XLSX or CSV files (`?format=` or Accept; `?lang=en` for English headers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.account_files import balances_export, parse_year, statement_export, year_end_export
from api.deps import PrincipalDep, ProjectionsDep
from api.downloads import FILE_CONTENT, AcceptHeader, FormatQuery, LangQuery, language, wanted
from api.json import StrictJSONRoute
from api.openapi import problems
from api.pagination import CursorQuery, LimitQuery, decode, encode, parse_limit
from api.responses import FastJSON
from api.schemas import AccountOut, StatementOut, YearEndOut
from api.wire import plain
from domain.accounts import SOURCES
from domain.errors import NotFound
from domain.values import parse_date, parse_instant

router = APIRouter(tags=["accounts"], route_class=StrictJSONRoute)
AsOf = Annotated[
    str | None,
    Query(
        description="business date YYYY-MM-DD: the accounts as of that day",
        json_schema_extra={"format": "date"},
    ),
]
KnownAt = Annotated[
    str | None,
    Query(
        description="RFC 3339 instant: what the ledger knew then",
        json_schema_extra={"format": "date-time"},
    ),
]
# A statement's JSON answers at most this many lines (issue 12: statements page past
# 1,000 lines); a shorter statement answers whole, as it always did. Files are never paged.
STATEMENT_PAGE = 1_000


def files(model: Any, what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "content": FILE_CONTENT, "description": what}}


@router.get(
    "/accounts",
    responses={
        **files(list[AccountOut], "The balances; a file with `?format=xlsx|csv` or Accept"),
        **problems(403, 422),
    },
)
def list_accounts(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """Every fund account in the token's scope: appropriated, paid, reversed, balance."""
    fmt, in_ = wanted(format_, accept), language(lang)
    within = None if principal.reads_everything() else principal.covers
    found = projections.accounts(
        as_of=parse_date("as_of", as_of) if as_of is not None else None,
        known_at=parse_instant("known_at", known_at) if known_at is not None else None,
        within=within,
    )
    if fmt != "json":
        return balances_export(found, as_of, in_).response(fmt)
    return FastJSON(plain(found))


def readable_account(principal: PrincipalDep, source: str, division: str) -> None:
    if source not in SOURCES:
        raise NotFound(f"unknown account source {source}")
    principal.require_read(division)


@router.get(
    "/accounts/{source}/{division}/statement",
    responses={
        **files(
            StatementOut,
            "The statement (paged past 1,000 lines: `limit`, `cursor`, `next_cursor`);"
            " a file of all its lines with `?format=xlsx|csv` or Accept",
        ),
        **problems(403, 404, 422),
    },
)
def account_statement(
    source: str,
    division: str,
    principal: PrincipalDep,
    projections: ProjectionsDep,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            description="first business date YYYY-MM-DD",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(description="last business date YYYY-MM-DD", json_schema_extra={"format": "date"}),
    ] = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """An account's lines between two business dates, with opening and closing balances."""
    fmt, in_ = wanted(format_, accept), language(lang)
    readable_account(principal, source, division)
    span = (
        source,
        division,
        parse_date("from", from_) if from_ is not None else None,
        parse_date("to", to) if to is not None else None,
        parse_date("as_of", as_of) if as_of is not None else None,
        parse_instant("known_at", known_at) if known_at is not None else None,
    )
    if fmt != "json":
        whole = projections.statement_file(*span)
        if whole is None:
            raise NotFound(f"unknown account {source}/{division}")
        return statement_export(whole[0], whole[1], in_).response(fmt)
    page_size = STATEMENT_PAGE if limit is None else parse_limit(limit, maximum=STATEMENT_PAGE)
    after = None if cursor is None else decode(cursor)
    statement = projections.statement(*span, after=after, limit=page_size)
    if statement is None:
        raise NotFound(f"unknown account {source}/{division}")
    next_after = statement.pop("next_after")
    statement["next_cursor"] = None if next_after is None else encode(next_after)
    return FastJSON(plain(statement))


@router.get(
    "/accounts/{source}/{division}/year-end",
    responses={
        **files(YearEndOut, "The year-end statement; a file with `?format=xlsx|csv` or Accept"),
        **problems(403, 404, 422),
    },
)
def account_year_end(
    source: str,
    division: str,
    principal: PrincipalDep,
    projections: ProjectionsDep,
    year: Annotated[str, Query(description="the calendar year, YYYY")],
    known_at: KnownAt = None,
    format_: FormatQuery = None,
    lang: LangQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    """An account's calendar year (年度收支): balance brought forward, appropriated, paid,
    reversed and carried forward, for the year and each month."""
    fmt, in_ = wanted(format_, accept), language(lang)
    readable_account(principal, source, division)
    instant = parse_instant("known_at", known_at) if known_at is not None else None
    report = projections.year_end(source, division, parse_year(year), instant)
    if report is None:
        raise NotFound(f"unknown account {source}/{division}")
    if fmt != "json":
        return year_end_export(report, in_).response(fmt)
    return FastJSON(report)

"""`GET /v1/accounts` and an account's statement (JSON or CSV)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from adapters.sheets import Cell, csv_bytes
from api.deps import PrincipalDep, ProjectionsDep
from api.json import StrictJSONRoute
from api.openapi import problems
from api.responses import FastJSON
from api.schemas import AccountOut, StatementOut
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
CSV_COLUMNS = ("date", "kind", "rule", "payee_id", "worker_id", "amount", "balance", "position")


@router.get("/accounts", responses={200: {"model": list[AccountOut]}, **problems(403, 422)})
def list_accounts(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    as_of: AsOf = None,
    known_at: KnownAt = None,
) -> FastJSON:
    """Every fund account in the token's scope: appropriated, paid, reversed, balance."""
    within = None if principal.reads_everything() else principal.covers
    found = projections.accounts(
        as_of=parse_date("as_of", as_of) if as_of is not None else None,
        known_at=parse_instant("known_at", known_at) if known_at is not None else None,
        within=within,
    )
    return FastJSON(plain(found))


@router.get(
    "/accounts/{source}/{division}/statement",
    responses={
        200: {
            "model": StatementOut,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The statement; `Accept: text/csv` gives it as CSV",
        },
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
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """An account's lines between two business dates, with opening and closing balances."""
    if source not in SOURCES:
        raise NotFound(f"unknown account source {source}")
    principal.require_read(division)
    statement = projections.statement(
        source,
        division,
        parse_date("from", from_) if from_ is not None else None,
        parse_date("to", to) if to is not None else None,
        as_of=parse_date("as_of", as_of) if as_of is not None else None,
        known_at=parse_instant("known_at", known_at) if known_at is not None else None,
    )
    if statement is None:
        raise NotFound(f"unknown account {source}/{division}")
    body = plain(statement)
    if accept is not None and "text/csv" in accept:
        return Response(as_csv(body), media_type="text/csv; charset=utf-8")
    return FastJSON(body)


def as_csv(statement: dict[str, Any]) -> bytes:
    """The lines, after an opening-balance row and before a closing-balance row."""
    opening = ["", "opening_balance", "", "", "", "", statement.get("opening_balance"), ""]
    closing = ["", "closing_balance", "", "", "", "", statement.get("closing_balance"), ""]
    lines = [[line.get(column) for column in CSV_COLUMNS] for line in statement.get("lines", [])]
    rows = (
        [_cell(column, value) for column, value in zip(CSV_COLUMNS, row, strict=True)]
        for row in [opening, *lines, closing]
    )
    return csv_bytes(CSV_COLUMNS, rows)


def _cell(column: str, value: Any) -> Cell:
    """Amounts and balances as numbers and dates as dates, so that only text is quoted
    against formulas (a payment's negative amount is a number, not `'-…` text)."""
    if value is None or value == "":
        return None
    if column in ("amount", "balance"):
        return Decimal(value)
    if column == "date":
        return date.fromisoformat(value)
    return value if isinstance(value, int) else str(value)

"""The lists: workers, organisations, payments (and one payment), reconciliations.

Each answers `{"items", "next_cursor"}` a page at a time (api/pagination.py), items in
recording order, read from the projections (projections/lists.py) and only within the
caller's scope (`Access.list_within`). Every filter is hostile input: ids and codes
ASCII and bounded as the contract writes them, a 422 problem for anything else."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import PrincipalDep, ProjectionsDep
from api.json import StrictJSONRoute
from api.list_schemas import (
    OrganisationPage,
    PaymentDetail,
    PaymentPage,
    ReconciliationPage,
    WorkerPage,
)
from api.openapi import problems
from api.pagination import CursorQuery, LimitQuery, page_request
from api.responses import FastJSON
from domain import divisions
from domain.errors import InvalidInput, NotFound
from domain.fields import IDENTIFIER as IDENTIFIER_PATTERN
from domain.organisation import KINDS
from domain.policy.common import SUBSIDY_RULES
from domain.sources import SOURCES
from domain.values import parse_choice, parse_date, parse_division, parse_identifier, parse_text
from projections.lists import OrganisationQuery, PaymentQuery, ReconciliationQuery, WorkerQuery
from service.access import Access

router = APIRouter(route_class=StrictJSONRoute)

Filter = Annotated[str | None, Query()]
DivisionFilter = Annotated[
    str | None,
    Query(description="a division code: items in it or below it, within the token's scope"),
]
NameFilter = Annotated[
    str | None, Query(description="the whole name as registered (exact match, not a prefix)")
]
IDENTIFIER = re.compile(IDENTIFIER_PATTERN)
NAME_LENGTH = 200  # the longest name a registration takes (domain/fields.py `text()`)
WORKER_STATUSES = ("employed", "unemployed", "none")  # none: not surveyed yet
PAGE_PROBLEMS = problems(403, 422)


def answer(
    limit: str | None, cursor: str | None, fetch: Callable[[int, int], list[Any]]
) -> FastJSON:
    """One page: `fetch(after, n)` returns up to n items after a position, in order."""
    page = page_request(limit, cursor)
    rows = fetch(page.after, page.limit + 1)
    return FastJSON(page.page(rows, lambda item: int(item["position"])))


def division_filter(value: str | None, hunan: bool = True) -> str | None:
    return None if value is None else parse_division("division", value, hunan=hunan)


def name_filter(value: str | None) -> str | None:
    """A name compared whole: bounded, and no control characters (which no name holds,
    and PostgreSQL refuses a NUL in any text)."""
    if value is None:
        return None
    name = parse_text("name", value, max_len=NAME_LENGTH)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidInput("name", "should not contain control characters")
    return name


def id_filter(field: str, value: str | None) -> str | None:
    return None if value is None else parse_identifier(field, value)


def choice_filter(field: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    return None if value is None else parse_choice(field, value, choices)


@router.get("/workers", tags=["workers"], responses={200: {"model": WorkerPage}, **PAGE_PROBLEMS})
def list_workers(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    division: DivisionFilter = None,
    name: NameFilter = None,
    status: Annotated[
        str | None, Query(description="employed, unemployed, or none (not surveyed yet)")
    ] = None,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """Workers by home division, name or status, in the order they were registered."""
    query = WorkerQuery(
        within=principal.list_within(division_filter(division)),
        name=name_filter(name),
        status=choice_filter("status", status, WORKER_STATUSES),
    )
    return answer(limit, cursor, lambda after, n: projections.workers(query, after, n))


@router.get(
    "/organisations",
    tags=["organisations"],
    responses={200: {"model": OrganisationPage}, **PAGE_PROBLEMS},
)
def list_organisations(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    division: DivisionFilter = None,
    kind: Annotated[str | None, Query(description=", ".join(KINDS))] = None,
    name: NameFilter = None,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """Organisations by division, kind or name, in the order they were registered. One
    outside Hunan lies in no scope: any token finds it by its `division=`."""
    query = organisation_query(principal, division, kind, name)
    return answer(limit, cursor, lambda after, n: projections.organisations(query, after, n))


def organisation_query(
    principal: Access, division: str | None, kind: str | None, name: str | None
) -> OrganisationQuery:
    """The organisation list's filters, parsed and narrowed to the scope (the console's
    organisations page reads the same)."""
    place = division_filter(division, hunan=False)
    return OrganisationQuery(
        within=principal.list_within(place, place is not None and not divisions.is_hunan(place)),
        kind=choice_filter("kind", kind, KINDS),
        name=name_filter(name),
    )


@router.get(
    "/payments", tags=["payments"], responses={200: {"model": PaymentPage}, **PAGE_PROBLEMS}
)
def list_payments(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    source: Annotated[str | None, Query(description=", ".join(SOURCES))] = None,
    division: Annotated[
        str | None, Query(description="the paying account's division, or one above it")
    ] = None,
    rule: Annotated[str | None, Query(description="R7 … R17")] = None,
    payee_id: Filter = None,
    worker_id: Filter = None,
    from_: Annotated[
        str | None, Query(alias="from", description="paid on or after (YYYY-MM-DD)")
    ] = None,
    to: Annotated[str | None, Query(description="paid on or before (YYYY-MM-DD)")] = None,
    reversed_: Annotated[str | None, Query(alias="reversed", description="true or false")] = None,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """Payments from the accounts in scope, in the order they were recorded."""
    query = payment_query(
        principal, source, division, rule, payee_id, worker_id, from_, to, reversed_
    )
    return answer(limit, cursor, lambda after, n: projections.payments(query, after, n))


def payment_query(
    principal: Access,
    source: str | None,
    division: str | None,
    rule: str | None,
    payee_id: str | None,
    worker_id: str | None,
    from_: str | None,
    to: str | None,
    reversed_: str | None,
) -> PaymentQuery:
    """The payment list's filters, parsed and narrowed to the scope (the console's
    payments page reads the same)."""
    query = PaymentQuery(
        within=principal.list_within(division_filter(division)),
        source=choice_filter("source", source, SOURCES),
        rule=choice_filter("rule", rule, SUBSIDY_RULES),
        payee_id=id_filter("payee_id", payee_id),
        worker_id=id_filter("worker_id", worker_id),
        paid_from=None if from_ is None else parse_date("from", from_),
        paid_to=None if to is None else parse_date("to", to),
        reversed=None if reversed_ is None else truth("reversed", reversed_),
    )
    if query.paid_from and query.paid_to and query.paid_from > query.paid_to:
        raise InvalidInput("from", f"is after to ({query.paid_to})")
    return query


def truth(field: str, value: str) -> bool:
    if value not in ("true", "false"):
        raise InvalidInput(field, "should be true or false")
    return value == "true"


@router.get(
    "/payments/{payment_id}",
    tags=["payments"],
    responses={200: {"model": PaymentDetail}, **problems(403, 404)},
)
def get_payment(payment_id: str, principal: PrincipalDep, projections: ProjectionsDep) -> FastJSON:
    """A payment as its 201 answered it, as it stands now, with its reversal (or null)."""
    # An id no payment could hold (not ASCII, a NUL PostgreSQL would refuse) is unknown.
    found = projections.payment(payment_id) if IDENTIFIER.fullmatch(payment_id) else None
    if found is None:
        raise NotFound(f"unknown payment {payment_id}")
    principal.require_read(found["account"]["division"])
    return FastJSON(found)


@router.get(
    "/reconciliations",
    tags=["reconciliations"],
    responses={200: {"model": ReconciliationPage}, **PAGE_PROBLEMS},
)
def list_reconciliations(
    principal: PrincipalDep,
    projections: ProjectionsDep,
    division: DivisionFilter = None,
    limit: LimitQuery = None,
    cursor: CursorQuery = None,
) -> FastJSON:
    """Reconciliation summaries of the accounts in scope, in the order they were made."""
    if not principal.reads_everything():
        principal.require_role("finance")  # as GET /v1/reconciliations/{id}
    query = ReconciliationQuery(within=principal.list_within(division_filter(division)))
    return answer(limit, cursor, lambda after, n: projections.reconciliations(query, after, n))

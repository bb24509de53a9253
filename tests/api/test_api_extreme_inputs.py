"""Inputs at the calendar's edges and in odd headers answer 422 naming the field, never
500 (CONTRACT "Errors"). Each of the first tests is one of nine requests an outside audit
found answering 500; the hypothesis test drives every date a client can send — fact
fields, payment and reversal dates, query parameters — through the calendar's edges."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.ledger import Ledger
from tests import builders as b
from tests.api.test_api_bad_input import ROLE, TEMPLATES
from tests.api_support import ELSEWHERE, HOME, PROVINCE, Api, running_api


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for role in ("clerk", "finance", "auditor", "admin"):
            api.token(role, role, PROVINCE)
        yield api


def refused_naming(answer: Any, field: str) -> None:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == field, answer.json()


def asgi_get(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, Any]:
    """One GET straight into the ASGI app with header bytes exactly as given (a test
    client re-encodes them; uvicorn does not)."""
    import asyncio
    import json

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("t", 80)}  # fmt: skip
    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)


@pytest.mark.parametrize("value", [b"\xb2", b"\xb9", "١".encode(), b"12\xbc"])
def test_a_non_ascii_after_position_header_is_422(api: Api, value: bytes) -> None:
    # U+00B2 SUPERSCRIPT TWO is Latin-1, so it travels in a header as one byte, and the
    # server reads it as '²': str.isdigit() says yes to it and int() says no.
    auth = api.headers("auditor")["Authorization"].encode()
    status, body = asgi_get(
        api.client.app, "/v1/accounts",
        [(b"authorization", auth), (b"x-jobaid-after-position", value)],
    )  # fmt: skip
    assert (status, body["field"]) == (422, "X-Jobaid-After-Position"), body


@pytest.mark.parametrize("known_at", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_a_known_at_with_no_utc_instant_is_422(api: Api, known_at: str) -> None:
    answer = api.client.get(
        "/v1/accounts", params={"known_at": known_at}, headers=api.headers("auditor")
    )
    refused_naming(answer, "known_at")


def test_a_statement_from_year_one_is_422(api: Api) -> None:
    b.appropriate(api.ledger, "100.00")
    answer = api.client.get(
        f"/v1/accounts/employment_fund/{HOME}/statement",
        params={"from": "0001-01-01"},
        headers=api.headers("auditor"),
    )
    refused_naming(answer, "from")


def test_R13_R14_on_a_placement_at_the_last_keepable_date_are_refusals_not_500(api: Api) -> None:
    worker = b.worker(api.ledger, registered_on="2017-01-01")
    employer = b.organisation(api.ledger)
    far = {"worker_id": worker, "employer_id": employer, "work_division": ELSEWHERE}
    answer = api.post("clerk", "/events", {"event_id": "far-1", "type": "WorkerPlaced",
                      "data": {**far, "placement_id": "far", "started_on": "9999-12-01", "contract_months": 600}})  # fmt: skip
    refused_naming(answer, "data.started_on")
    api.post("clerk", "/events", {"event_id": "far-2", "type": "WorkerPlaced",
             "data": {**far, "placement_id": "late", "started_on": "2099-12-01", "contract_months": 600}})  # fmt: skip
    for rule in ("R13", "R14"):
        paid = api.post("finance", "/payments", {"payment_id": f"far-{rule}", "rule": rule,
                        "payee_id": employer, "paid_on": "2099-12-31", "placement_id": "late"})  # fmt: skip
        assert paid.status_code == 409, paid.text


@pytest.mark.parametrize("period", ["9999-12", "0000", "١٩٩٩"])
def test_a_period_closed_outside_the_calendar_is_422(api: Api, period: str) -> None:
    answer = api.post("finance", "/events", {"event_id": f"close-{len(period)}-{period.isascii()}", "type": "PeriodClosed",
                      "data": {"source": "employment_fund", "division": HOME, "period": period, "closed_on": "2018-01-05"}})  # fmt: skip
    refused_naming(answer, "data.period")


def test_a_reconciliation_for_period_0000_is_422(api: Api) -> None:
    b.appropriate(api.ledger, "100.00")
    answer = api.client.post(
        "/v1/reconciliations",
        params={"source": "employment_fund", "division": HOME, "period": "0000"},
        content=b"date,payee,amount\n2018-01-01,o1,1.00\n",
        headers=api.headers("finance", **{"Content-Type": "text/csv"}),
    )
    refused_naming(answer, "period")


# --- every date a client sends, at the calendar's edges -----------------------------------

EDGE_DATES = [
    "0001-01-01", "0001-12-31", "1899-12-31", "1900-01-01", "1900-02-29", "1999-12-31",
    "2000-02-29", "2017-06-30", "2017-07-01", "2020-12-31", "2021-01-01", "2099-12-31",
    "2100-01-01", "2100-02-29", "9999-12-31", "2018-02-30", "2018-00-10", "2018-13-01",
    "20180101", "2018-1-1", "２０１８-０１-０１",
]  # fmt: skip
OFFSETS = ["Z", "+14:00", "-12:00", "+00:00", "-01:00", "+01:00"]
EDGE_INSTANTS = [f"{day}T{time}{offset}" for day in EDGE_DATES[:15] for time in ("00:00:00", "23:59:59") for offset in OFFSETS]  # fmt: skip
EDGE_MONTHS = ["0001-01", "1900-01", "2099-12", "2100-01", "9999-12", "2018-00", "2018-13", "0000"]
DATE_FIELDS = {
    type_: [f for f in template if f.endswith(("_on", "_from")) or f in ("day", "on")]
    for type_, template in TEMPLATES.items()
}
MONTH_FIELDS = {"SocialInsuranceContributed": ["month"], "PeriodClosed": ["period"]}


@pytest.fixture(scope="module")
def edge_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from adapters.settings import Settings

    path = tmp_path_factory.mktemp("edges") / "ledger.db"
    ledger = Ledger(Settings(database_url=f"sqlite:///{path}", pii_key=b"test"))
    b.worker(ledger, worker_id="w1")
    b.organisation(ledger, "agency", org_id="o1")
    b.placement(ledger, "w1", "o1")
    b.enrollment(ledger, "w1")
    b.appropriate(ledger, "1000.00")
    with running_api(ledger) as api:
        for role in ("clerk", "finance", "auditor", "admin"):
            api.token(role, role, PROVINCE)
        yield api
    ledger.close()


def fact_with(type_: str, field: str, value: str) -> dict[str, Any]:
    return {"event_id": f"edge-{type_}-{field}-{value.encode().hex()}", "type": type_,
            "data": {**TEMPLATES[type_], field: value}}  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    case=st.one_of(
        st.tuples(st.just("fact"), st.sampled_from(sorted((t, f) for t, fs in DATE_FIELDS.items() for f in fs)), st.sampled_from(EDGE_DATES)),
        st.tuples(st.just("fact"), st.sampled_from(sorted((t, f) for t, fs in MONTH_FIELDS.items() for f in fs)), st.sampled_from(EDGE_MONTHS)),
        st.tuples(st.just("payment"), st.sampled_from(["R7", "R10", "R12", "R13", "R14", "R15", "R16", "R17"]), st.sampled_from(EDGE_DATES)),
        st.tuples(st.just("query"), st.sampled_from(["as_of", "from", "to"]), st.sampled_from(EDGE_DATES)),
        st.tuples(st.just("query"), st.just("known_at"), st.sampled_from(EDGE_INSTANTS)),
    )
)  # fmt: skip
def test_every_date_input_at_the_calendars_edges_is_never_a_500(edge_api: Api, case: Any) -> None:
    kind, where, value = case
    if kind == "fact":
        type_, field = where
        answer = edge_api.post(ROLE.get(type_, "clerk"), "/events", fact_with(type_, field, value))
    elif kind == "payment":
        body = {"payment_id": f"edge-{where}-{value.encode().hex()[:40]}", "rule": where, "payee_id": "o1",
                "paid_on": value, "placement_id": "p1" if where in ("R7", "R12", "R13", "R14") else None,
                "worker_id": "w1" if where == "R17" else None, "amount": "1.00" if where == "R17" else None}  # fmt: skip
        answer = edge_api.post("finance", "/payments", {k: v for k, v in body.items() if v})
        if answer.status_code == 201:
            answer = edge_api.post("finance", f"/payments/{body['payment_id']}/reversal",
                                   {"reversal_id": f"r-{body['payment_id']}", "reason": "x", "reversed_on": value})  # fmt: skip
    else:
        path = (
            f"/accounts/employment_fund/{HOME}/statement"
            if where in ("from", "to")
            else "/accounts"
        )
        answer = edge_api.client.get(
            f"/v1{path}", params={where: value}, headers=edge_api.headers("auditor")
        )
    assert answer.status_code < 500, (case, answer.text)
    if answer.status_code == 422:
        assert answer.json()["field"], answer.json()

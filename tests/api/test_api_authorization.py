"""Who may do what (CONTRACT): every route × every role × in and out of scope. A county
clerk of 芙蓉区 and one of 吉首市, finance of each, an auditor, a provincial admin and an
admin of 湘西州; and no token at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.settings import Settings
from service.intake import pay_json
from service.ledger import Ledger
from service.tokens import issue_token
from tests import builders as b
from tests.api_support import ELSEWHERE, HOME, JISHOU, PROVINCE, Api, event, running_api, uid

ROLES = {
    "clerk": ("clerk", HOME),
    "clerk_out": ("clerk", JISHOU),
    "finance": ("finance", HOME),
    "finance_out": ("finance", JISHOU),
    "auditor": ("auditor", PROVINCE),
    "admin": ("admin", PROVINCE),
    "admin_out": ("admin", "433100"),  # 湘西州
}
READERS_AT_HOME = {"clerk", "finance", "auditor", "admin", "admin_out"}
EVERYONE = set(ROLES)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    path: Path = tmp_path_factory.mktemp("authz") / "ledger.db"
    ledger = Ledger(Settings(database_url=f"sqlite:///{path}", pii_key=b"test"))
    b.organisation(ledger, org_id="hq")
    b.organisation(ledger, division=ELSEWHERE, org_id="gz")
    b.worker(ledger, worker_id="wh", home=HOME)
    b.worker(ledger, worker_id="wj", home=JISHOU)
    b.appropriate(ledger, "100000.00", "employment_fund", HOME)
    with running_api(ledger) as api:
        for name, (role, division) in ROLES.items():
            api.token(name, role, division)
        yield api
    ledger.close()


def payable_r7(ledger: Ledger) -> dict[str, Any]:
    """A fresh R7 claim of 芙蓉区: an agency's placement, six months on post."""
    agency = b.organisation(ledger, "agency")
    placement = b.placement(ledger, b.worker(ledger), "gz", agency_id=agency)
    return {
        "payment_id": uid("pay"),
        "rule": "R7",
        "payee_id": agency,
        "paid_on": "2018-07-15",
        "placement_id": placement,
    }


def paid_r7(ledger: Ledger) -> str:
    request = payable_r7(ledger)
    pay_json(ledger, request, "setup")
    return str(request["payment_id"])


@dataclass
class Case:
    method: str
    path: Callable[[Ledger], str]
    body: Callable[[Ledger], Any] | None
    allowed: set[str]


def fixed(path: str) -> Callable[[Ledger], str]:
    return lambda _: path


def fact(type_: str, **data: Any) -> Callable[[Ledger], Any]:
    return lambda _: event(type_, **{k: (v() if callable(v) else v) for k, v in data.items()})


CASES = {
    "register a worker at home": Case("POST", fixed("/events"), fact(
        "WorkerRegistered", worker_id=lambda: uid("w"), name="赵六", id_number=b.id_number, birth_date="1990-03-07",
        home_division=HOME, registered_on="2017-01-01"), {"clerk"}),
    "survey a worker at home": Case("POST", fixed("/events"), fact(
        "WorkerSurveyed", worker_id="wh", surveyed_on="2017-09-01", surveyor="王五", status="unemployed",
        willing_to_work=True, service_needs=[]), {"clerk"}),
    "register a Hunan organisation": Case("POST", fixed("/events"), fact(
        "OrganisationRegistered", org_id=lambda: uid("o"), name="厂", division=HOME, kind="enterprise"), {"clerk"}),
    "register an organisation outside Hunan": Case("POST", fixed("/events"), fact(
        "OrganisationRegistered", org_id=lambda: uid("o"), name="厂", division=ELSEWHERE, kind="enterprise"),
        {"clerk", "clerk_out"}),
    "place a Jishou worker with a Furong employer": Case("POST", fixed("/events"), fact(
        "WorkerPlaced", placement_id=lambda: uid("p"), worker_id="wj", employer_id="hq", started_on="2018-01-15",
        work_division=HOME, contract_months=12), {"clerk", "clerk_out"}),
    "place a Furong worker outside Hunan": Case("POST", fixed("/events"), fact(
        "WorkerPlaced", placement_id=lambda: uid("p"), worker_id="wh", employer_id="gz", started_on="2018-01-15",
        work_division=ELSEWHERE, contract_months=12), {"clerk"}),
    "designate a base at home": Case("POST", fixed("/events"), lambda ledger: event(
        "BaseDesignated", org_id=b.organisation(ledger), designated_on="2018-03-01"), {"clerk", "admin", "admin_out"}),
    "appropriate funds at home": Case("POST", fixed("/events"), fact(
        "FundsAppropriated", appropriation_id=lambda: uid("ap"), source="employment_fund", division=HOME,
        amount="10.00", appropriated_on="2018-01-01", document_ref="文"), {"finance"}),
    "set a training standard at home": Case("POST", fixed("/events"), fact(
        "TrainingStandardSet", division=HOME, category="电工", amount="900.00", effective_from="2017-07-01"), {"admin"}),
    "set the working age": Case("POST", fixed("/events"), fact(
        "WorkingAgeSet", min_age=16, max_age=60, effective_from="2017-07-01"), {"admin"}),
    "pay R7 from a home account": Case("POST", fixed("/payments"), payable_r7, {"finance"}),
    "reverse a payment from a home account": Case("POST", lambda ledger: f"/payments/{paid_r7(ledger)}/reversal",
        lambda _: {"reversal_id": uid("rev"), "reason": "错付", "reversed_on": "2018-08-01"}, {"finance"}),
    "list accounts": Case("GET", fixed("/accounts"), None, EVERYONE),
    "read a home account statement": Case("GET", fixed(f"/accounts/employment_fund/{HOME}/statement"), None, READERS_AT_HOME),
    "read a worker at home": Case("GET", fixed("/workers/wh"), None, READERS_AT_HOME),
    "read a worker's history at home": Case("GET", fixed("/workers/wh/events"), None, READERS_AT_HOME),
    "read an organisation at home": Case("GET", fixed("/organisations/hq"), None, READERS_AT_HOME),
    "read an organisation outside Hunan": Case("GET", fixed("/organisations/gz"), None, EVERYONE),
    "list workers": Case("GET", fixed("/workers"), None, EVERYONE),
    "list the home county's workers": Case("GET", fixed(f"/workers?division={HOME}"), None, READERS_AT_HOME),
    "list organisations": Case("GET", fixed("/organisations"), None, EVERYONE),
    "list organisations outside Hunan": Case("GET", fixed(f"/organisations?division={ELSEWHERE}"), None, EVERYONE),
    "list payments": Case("GET", fixed("/payments"), None, EVERYONE),
    "list the home county's payments": Case("GET", fixed(f"/payments?division={HOME}"), None, READERS_AT_HOME),
    "read a payment from a home account": Case("GET", lambda ledger: f"/payments/{paid_r7(ledger)}", None,
        READERS_AT_HOME),
    "list reconciliations": Case("GET", fixed("/reconciliations"), None,
        {"finance", "finance_out", "auditor", "admin", "admin_out"}),
    "read the targets": Case("GET", fixed("/reports/targets"), None, EVERYONE),
    "verify the history": Case("GET", fixed("/audit/verify"), None, {"auditor", "admin", "admin_out"}),
    "take a checkpoint": Case("GET", fixed("/audit/checkpoint"), None, {"auditor", "admin", "admin_out"}),
    "check readiness": Case("GET", fixed("/ready"), None, EVERYONE),
    "issue a clerk token at home": Case("POST", fixed("/tokens"), lambda _: {"role": "clerk", "division": HOME}, {"admin"}),
    "revoke a clerk token at home": Case("DELETE", lambda ledger: "/tokens/" + issue_token(
        ledger, "clerk", HOME, None, "setup").principal.token_id, None, {"admin"}),
}  # fmt: skip


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize("name", CASES)
def test_route_allows_exactly_the_roles_and_scopes_of_the_contract(
    api: Api, name: str, role: str | None
) -> None:
    case = CASES[name]
    body = case.body(api.ledger) if case.body else None
    path = case.path(api.ledger)
    # Reads wait for the facts the cases recorded through the ledger, not this server.
    after = (
        {"X-Jobaid-After-Position": str(b.store_size(api.ledger))} if case.method == "GET" else {}
    )
    answer = api.client.request(
        case.method, "/v1" + path, json=body, headers=api.headers(role, **after)
    )
    if role is None:
        expected = {401}
    elif role in case.allowed:
        expected = {200, 201}
    else:
        expected = {403}
    assert answer.status_code in expected, (name, role, answer.text)
    if answer.status_code >= 400:
        assert answer.headers["content-type"] == "application/problem+json"


def test_health_needs_no_token_and_a_revoked_or_forged_token_is_refused(api: Api) -> None:
    assert api.get(None, "/health").status_code == 200
    issued = issue_token(api.ledger, "auditor", PROVINCE, None, "test")
    api.tokens["doomed"] = issued.token
    assert api.get("doomed", "/accounts").status_code == 200
    assert (
        api.client.delete(
            f"/v1/tokens/{issued.principal.token_id}", headers=api.headers("admin")
        ).status_code
        == 200
    )
    assert api.get("doomed", "/accounts").status_code == 401
    api.tokens["forged"] = issued.token[:-4] + "AAAA"
    assert api.get("forged", "/accounts").status_code == 401


def test_reads_are_filtered_to_the_scope(api: Api) -> None:
    divisions = {a["division"] for a in api.get("clerk_out", "/accounts").json()}
    assert HOME not in divisions
    assert HOME in {a["division"] for a in api.get("auditor", "/accounts").json()}


def test_each_recorded_fact_names_the_token_subject_who_posted_it(api: Api) -> None:
    posted = api.post(
        "clerk",
        "/events",
        event("UnemploymentRegistered", worker_id="wh", registered_on="2017-05-01"),
    )
    assert posted.status_code == 201
    history = api.get("auditor", "/workers/wh/events").json()
    assert (
        history[-1]["type"] == "UnemploymentRegistered"
        and history[-1]["recorded_by"] == "clerk-subject"
    )


def test_a_batch_is_authorised_item_by_item_and_records_nothing_when_one_is_out_of_scope(
    api: Api,
) -> None:
    worker_id = uid("w")
    batch = [
        event("WorkerRegistered", worker_id=worker_id, name="钱七", id_number=b.id_number(), birth_date="1990-03-07",
              home_division=HOME, registered_on="2017-01-01"),
        event("UnemploymentRegistered", worker_id=worker_id, registered_on="2017-05-01"),
        event("UnemploymentRegistered", worker_id="wj", registered_on="2017-05-01"),
    ]  # fmt: skip
    assert api.post("clerk", "/events", batch).status_code == 403
    assert api.get("auditor", f"/workers/{worker_id}").status_code == 404
    assert (
        api.post("clerk", "/events", batch[:2]).status_code == 201
    )  # later items may name earlier ones

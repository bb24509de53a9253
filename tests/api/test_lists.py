"""Lists (CONTRACT "Lists, files and jobs"): workers, organisations, payments and
reconciliations, a page at a time in recording order, only within the caller's scope,
every filter honoured, every bad filter a 422 — on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain import divisions
from service.ledger import Ledger
from service.reconcile import reconcile_file
from tests import builders as b
from tests.api_support import ELSEWHERE, HOME, JISHOU, PROVINCE, Api, event, running_api, uid

pytestmark = pytest.mark.both_stores  # the lists read the read models (projections)

TIANXIN = "430103"  # 天心区, 长沙市: HOME's neighbour in the same prefecture
CHANGSHA = "430100"


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME),
            ("clerk_jishou", "clerk", JISHOU),
            ("clerk_changsha", "clerk", CHANGSHA),
            ("finance", "finance", HOME),
            ("finance_jishou", "finance", JISHOU),
            ("auditor", "auditor", PROVINCE),
        ):
            api.token(name, role, division)
        yield api


def register(api: Api, home: str = HOME, name: str = "张三", worker_id: str | None = None) -> str:
    worker_id = worker_id or uid("w")
    b.post(api.ledger, "WorkerRegistered", worker_id=worker_id, name=name,
           id_number=b.id_number(region=home), birth_date="1990-03-07", home_division=home,
           registered_on="2017-01-01")  # fmt: skip
    return worker_id


def survey(api: Api, worker_id: str, on: str, status: str) -> None:
    employed = {"work_division": ELSEWHERE, "employer_name": "厂", "employer_contact": "138"}
    b.post(api.ledger, "WorkerSurveyed", worker_id=worker_id, surveyed_on=on, surveyor="王五",
           status=status, willing_to_work=True, service_needs=[],
           **(employed if status == "employed" else {}))  # fmt: skip


def paid_r7(api: Api, home: str = HOME, paid_on: str = "2018-07-15") -> dict[str, Any]:
    """An R7 introduction subsidy from the employment fund of `home` (the worker's county)."""
    agency = b.organisation(api.ledger, "agency", division=home)
    employer = b.organisation(api.ledger, division=ELSEWHERE)
    worker = register(api, home)
    placement = b.placement(api.ledger, worker, employer, agency_id=agency)
    paid = b.pay(api.ledger, "R7", agency, paid_on, placement_id=placement)
    return {"payment_id": paid.payment_id, "worker_id": worker, "payee_id": agency}


def fresh(api: Api, who: str, path: str) -> Any:
    """A read once the projections include every fact recorded so far (the builders
    record through the ledger, not through this server)."""
    return api.get(who, path, **{"X-Jobaid-After-Position": str(b.store_size(api.ledger))})


def items(api: Api, who: str, path: str) -> list[dict[str, Any]]:
    answer = fresh(api, who, path)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"items", "next_cursor"}
    found: list[dict[str, Any]] = answer.json()["items"]
    return found


def ids(api: Api, who: str, path: str, key: str) -> list[str]:
    return [item[key] for item in items(api, who, path)]


def walk(api: Api, who: str, path: str, between: Any = None) -> list[dict[str, Any]]:
    """Every page of a list, calling `between()` after each page (writes going on)."""
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        sep = "&" if "?" in path else "?"
        answer = fresh(api, who, path + (f"{sep}cursor={cursor}" if cursor else ""))
        assert answer.status_code == 200, answer.text
        seen += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return seen
        if between is not None:
            between()


# Scope.


def test_a_county_clerk_lists_only_its_own_countys_workers(api: Api) -> None:
    home, jishou = register(api, HOME), register(api, JISHOU)
    neighbour = register(api, TIANXIN)
    assert ids(api, "clerk", "/workers", "worker_id") == [home]
    assert ids(api, "clerk_jishou", "/workers", "worker_id") == [jishou]
    assert ids(api, "clerk_changsha", "/workers", "worker_id") == [home, neighbour]
    assert ids(api, "auditor", "/workers", "worker_id") == [home, jishou, neighbour]


def test_a_division_filter_beside_the_scope_is_a_403_naming_nothing_of_it(api: Api) -> None:
    register(api, JISHOU, name="李四")
    answer = fresh(api, "clerk", f"/workers?division={JISHOU}")
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    for protected in (JISHOU, divisions.name(JISHOU), "李四"):
        assert protected not in answer.text


def test_a_division_filter_around_the_scope_is_narrowed_to_the_scope(api: Api) -> None:
    home, neighbour = register(api, HOME), register(api, TIANXIN)
    assert ids(api, "clerk", f"/workers?division={CHANGSHA}", "worker_id") == [home]
    assert ids(api, "clerk", f"/workers?division={PROVINCE}", "worker_id") == [home]
    assert ids(api, "clerk_changsha", f"/workers?division={TIANXIN}", "worker_id") == [neighbour]


def test_a_retired_county_code_and_its_successor_are_one_place_in_lists(api: Api) -> None:
    """宁乡县 430124 became 宁乡市 430182: a scope of either covers both (Access.covers)."""
    api.token("clerk_ningxiang", "clerk", "430182")
    ningxiang = register(api, "430182")
    assert ids(api, "clerk_ningxiang", "/workers?division=430124", "worker_id") == [ningxiang]
    assert ids(api, "clerk_changsha", "/workers?division=430124", "worker_id") == [ningxiang]


def test_a_worker_item_shows_what_the_single_worker_route_shows_and_no_clear_id_number(
    api: Api,
) -> None:
    number = b.id_number()
    b.post(api.ledger, "WorkerRegistered", worker_id="w-masked", name="王五", id_number=number,
           birth_date="1990-03-07", home_division=HOME, registered_on="2017-01-01")  # fmt: skip
    answer = fresh(api, "clerk", "/workers")
    (item,) = answer.json()["items"]
    single = api.get("clerk", "/workers/w-masked").json()
    assert number not in answer.text and number[-4:] not in item["id_number"]
    assert item["id_number"] == single["id_number"] == number[:14] + "****"
    assert {k: v for k, v in item.items() if k != "position"} == {
        k: single[k] for k in item if k != "position"
    }


# Worker filters.


def test_workers_are_found_by_their_whole_name_only_not_a_prefix(api: Api) -> None:
    zhang = register(api, name="张三")
    register(api, name="张三丰")
    assert ids(api, "clerk", "/workers?name=张三", "worker_id") == [zhang]
    assert ids(api, "clerk", "/workers?name=张", "worker_id") == []
    assert ids(api, "clerk", "/workers?name=%20张三%20", "worker_id") == [zhang]  # trimmed


def test_R3_workers_are_filtered_by_the_status_of_the_survey_in_force(api: Api) -> None:
    employed, unemployed, unsurveyed = register(api), register(api), register(api)
    survey(api, employed, "2018-03-01", "employed")
    survey(api, employed, "2017-09-01", "unemployed")  # recorded later, dated earlier
    survey(api, unemployed, "2017-09-01", "employed")
    survey(api, unemployed, "2017-09-01", "unemployed")  # same day, recorded later: in force
    assert ids(api, "clerk", "/workers?status=employed", "worker_id") == [employed]
    assert ids(api, "clerk", "/workers?status=unemployed", "worker_id") == [unemployed]
    assert ids(api, "clerk", "/workers?status=none", "worker_id") == [unsurveyed]
    statuses = {w["worker_id"]: w["status"] for w in items(api, "clerk", "/workers")}
    assert statuses == {employed: "employed", unemployed: "unemployed", unsurveyed: None}
    assert api.get("clerk", f"/workers/{employed}").json()["status"] == "employed"


# Paging.


def test_pages_neither_repeat_nor_skip_a_worker_while_registrations_go_on(api: Api) -> None:
    first = [register(api) for _ in range(5)]
    added: list[str] = []

    def more() -> None:
        if len(added) < 4:
            added.append(register(api))
            register(api, JISHOU)  # outside the scope: never shown

    seen = walk(api, "clerk", "/workers?limit=2", between=more)
    assert [w["worker_id"] for w in seen] == first + added
    positions = [w["position"] for w in seen]
    assert positions == sorted(positions)


def test_the_default_page_is_100_items_and_500_the_most(api: Api) -> None:
    b.batch(api.ledger, "WorkerRegistered", [
        {"worker_id": uid("w"), "name": "赵", "id_number": b.id_number(serial=n),
         "birth_date": "1990-03-07", "home_division": HOME, "registered_on": "2017-01-01"}
        for n in range(101)
    ])  # fmt: skip
    page = fresh(api, "clerk", "/workers").json()
    assert len(page["items"]) == 100 and page["next_cursor"] is not None
    assert len(api.get("clerk", f"/workers?cursor={page['next_cursor']}").json()["items"]) == 1
    last = api.get("clerk", "/workers?limit=500").json()
    assert len(last["items"]) == 101 and last["next_cursor"] is None


def test_a_cursor_grants_nothing_a_page_is_filtered_by_scope_again(api: Api) -> None:
    for _ in range(3):
        register(api, HOME)
    cursor = fresh(api, "auditor", "/workers?limit=1").json()["next_cursor"]
    register(api, JISHOU)
    assert all(
        w["home_division"] == JISHOU
        for w in items(api, "clerk_jishou", f"/workers?cursor={cursor}")
    )


# Organisations.


def test_organisations_by_division_kind_and_name_within_the_scope(api: Api) -> None:
    agency = b.organisation(api.ledger, "agency", org_id="ag-1")
    factory = b.organisation(api.ledger, "enterprise", org_id="fa-1")
    b.organisation(api.ledger, "enterprise", division=JISHOU, org_id="fa-js")
    guangzhou = b.organisation(api.ledger, "enterprise", division=ELSEWHERE, org_id="fa-gz")
    assert ids(api, "clerk", "/organisations", "org_id") == [agency, factory]
    assert ids(api, "clerk", "/organisations?kind=agency", "org_id") == [agency]
    assert ids(api, "clerk", "/organisations?name=enterprise%20fa-1", "org_id") == [factory]
    assert ids(api, "auditor", "/organisations?kind=enterprise", "org_id") == [
        factory, "fa-js", guangzhou,
    ]  # fmt: skip
    assert api.get("clerk", f"/organisations?division={JISHOU}").status_code == 403


def test_an_organisation_outside_hunan_lies_in_no_scope_and_any_clerk_finds_it(api: Api) -> None:
    guangzhou = b.organisation(api.ledger, division=ELSEWHERE)
    assert ids(api, "clerk_jishou", "/organisations", "org_id") == []
    for who in ("clerk", "clerk_jishou"):
        assert ids(api, who, f"/organisations?division={ELSEWHERE}", "org_id") == [guangzhou]
        assert ids(api, who, "/organisations?division=440000", "org_id") == [guangzhou]


def test_an_organisation_item_shows_its_base_designation(api: Api) -> None:
    base = b.organisation(api.ledger)
    b.post(api.ledger, "BaseDesignated", by="admin", org_id=base, designated_on="2018-03-01")
    (item,) = items(api, "clerk", "/organisations")
    assert (item["org_id"], item["base_designated_on"], item["kind"]) == (
        base, "2018-03-01", "enterprise",
    )  # fmt: skip


# Payments.


@pytest.fixture
def paid(api: Api) -> dict[str, Any]:
    for division in (HOME, JISHOU, TIANXIN):
        b.appropriate(api.ledger, division=division)
    return {
        "home": paid_r7(api, HOME, "2018-07-15"),
        "home_later": paid_r7(api, HOME, "2018-09-01"),
        "jishou": paid_r7(api, JISHOU, "2018-07-15"),
        "tianxin": paid_r7(api, TIANXIN, "2018-08-01"),
    }


def test_payments_are_listed_from_the_accounts_in_scope_only(
    api: Api, paid: dict[str, Any]
) -> None:
    home, later = paid["home"]["payment_id"], paid["home_later"]["payment_id"]
    assert ids(api, "finance", "/payments", "payment_id") == [home, later]
    assert ids(api, "clerk", "/payments", "payment_id") == [home, later]
    assert ids(api, "finance_jishou", "/payments", "payment_id") == [paid["jishou"]["payment_id"]]
    assert ids(api, "clerk_changsha", "/payments", "payment_id") == [
        home, later, paid["tianxin"]["payment_id"],
    ]  # fmt: skip
    assert len(items(api, "auditor", "/payments")) == 4
    assert api.get("finance", f"/payments?division={JISHOU}").status_code == 403


def test_every_payment_filter_is_honoured(api: Api, paid: dict[str, Any]) -> None:
    home, later = paid["home"], paid["home_later"]
    b.reverse(api.ledger, later["payment_id"], "2018-09-10")
    by_filter = {
        f"division={HOME}": [home, later],
        "source=employment_fund": [home, later],
        "source=local_treasury": [],
        "rule=R7": [home, later],
        "rule=R12": [],
        f"payee_id={home['payee_id']}": [home],
        f"worker_id={later['worker_id']}": [later],
        "from=2018-08-01": [later],
        "to=2018-07-15": [home],
        "from=2018-07-16&to=2018-08-31": [],
        "reversed=true": [later],
        "reversed=false": [home],
    }
    for query, expected in by_filter.items():
        found = ids(api, "finance", f"/payments?{query}", "payment_id")
        assert found == [p["payment_id"] for p in expected], query


def test_one_payment_is_its_201_body_and_its_reversal(api: Api) -> None:
    b.appropriate(api.ledger)
    agency = b.organisation(api.ledger, "agency")
    placement = b.placement(api.ledger, register(api), b.organisation(api.ledger, division=ELSEWHERE), agency_id=agency)  # fmt: skip
    body = {"payment_id": "pay-one", "rule": "R7", "payee_id": agency, "paid_on": "2018-07-15",
            "placement_id": placement}  # fmt: skip
    created = api.post("finance", "/payments", body).json()
    shown = api.get("clerk", "/payments/pay-one").json()
    assert {k: shown[k] for k in created} == created and shown["reversal"] is None
    reversal = api.post("finance", "/payments/pay-one/reversal",
                        {"reversal_id": "rev-one", "reason": "错付", "reversed_on": "2018-08-01"}).json()  # fmt: skip
    shown = api.get("auditor", "/payments/pay-one").json()
    assert shown["reversal"] == reversal and shown["reversed"] is True
    for unknown in ("pay-none", "%00", "付款-1", "p" * 65):
        answer = api.get("auditor", f"/payments/{unknown}")
        assert (
            answer.status_code == 404
            and answer.headers["content-type"] == "application/problem+json"
        )
    assert api.get("clerk_jishou", "/payments/pay-one").status_code == 403


# Reconciliations.


def test_reconciliations_are_listed_to_finance_of_the_account_and_to_auditors(api: Api) -> None:
    for division in (HOME, JISHOU):
        b.appropriate(api.ledger, division=division)
    content = "日期,收款人,金额,凭证号\n2018-06-01,x,1.00,\n".encode()
    home, _ = reconcile_file(api.ledger, content, "国库.csv", "employment_fund", HOME, "2018-06", "finance")  # fmt: skip
    jishou, _ = reconcile_file(api.ledger, content, "国库.csv", "employment_fund", JISHOU, "2018-06", "finance")  # fmt: skip
    api.post("finance", "/events", event("UnemploymentRegistered", worker_id=register(api), registered_on="2018-01-01"))  # fmt: skip
    (item,) = items(api, "finance", "/reconciliations")
    assert item["reconciliation_id"] == str(home.id)
    assert item["account"] == {"source": "employment_fund", "division": HOME}
    assert item["period"] == {"from": "2018-06-01", "to": "2018-06-30"}
    assert item["totals"]["unmatched_treasury"] == 1 and "lines" not in item
    assert ids(api, "auditor", "/reconciliations", "reconciliation_id") == [
        str(home.id), str(jishou.id),
    ]  # fmt: skip
    assert api.get("clerk", "/reconciliations").status_code == 403


# Bad input: a 422 problem naming the field, never a 500.

BAD = [
    ("/workers?limit=0", "limit"), ("/workers?limit=501", "limit"), ("/workers?limit=abc", "limit"),
    ("/workers?limit=１０", "limit"), ("/workers?cursor=c1.!!", "cursor"),
    ("/workers?cursor=garbage", "cursor"), ("/workers?cursor=c1.LTE", "cursor"),
    ("/workers?division=４３０１０２", "division"), ("/workers?division=999999", "division"),
    (f"/workers?division={ELSEWHERE}", "division"), ("/workers?status=working", "status"),
    ("/workers?name=%00", "name"), ("/workers?name=" + "张" * 201, "name"), ("/workers?name=%20", "name"),
    ("/organisations?kind=shop", "kind"), ("/organisations?division=43010", "division"),
    ("/payments?rule=R99", "rule"), ("/payments?source=bank", "source"),
    ("/payments?payee_id=工厂", "payee_id"), ("/payments?worker_id=" + "w" * 65, "worker_id"),
    ("/payments?from=2018/7/1", "from"), ("/payments?to=2018-02-30", "to"),
    ("/payments?from=2018-08-01&to=2018-07-01", "from"), ("/payments?reversed=yes", "reversed"),
    ("/reconciliations?division=abc", "division"), ("/workers/w-none/events?limit=0", "limit"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "field"), BAD)
def test_a_bad_filter_cursor_or_limit_is_a_422_naming_it(api: Api, path: str, field: str) -> None:
    if path.startswith("/workers/w-none"):
        register(api, worker_id="w-none")
    answer = api.get("auditor", path)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == field


# Worker histories.


def test_a_long_history_pages_by_version_and_the_default_is_the_whole_array(api: Api) -> None:
    worker = register(api)
    for day in range(1, 8):
        b.post(api.ledger, "UnemploymentRegistered", worker_id=worker, registered_on=f"2018-01-{day:02d}")  # fmt: skip
    whole = fresh(api, "clerk", f"/workers/{worker}/events").json()
    assert isinstance(whole, list) and len(whole) == 8  # as clients had it before
    seen = walk(api, "clerk", f"/workers/{worker}/events?limit=3")
    assert seen == whole
    assert [e["version"] for e in seen] == list(range(1, 9))
    assert api.get("clerk_jishou", f"/workers/{worker}/events?limit=3").status_code == 403


# Documentation.


@pytest.mark.parametrize(
    ("path", "model"),
    [("/v1/workers", "WorkerPage"), ("/v1/organisations", "OrganisationPage"),
     ("/v1/payments", "PaymentPage"), ("/v1/reconciliations", "ReconciliationPage"),
     ("/v1/payments/{payment_id}", "PaymentDetail")],
)  # fmt: skip
def test_each_list_is_documented_with_its_model_and_an_example(
    api: Api, path: str, model: str
) -> None:
    document = api.client.get("/openapi.json").json()
    answer = document["paths"][path]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/" + model)
    schema = document["components"]["schemas"][model]
    assert schema["examples"], model
    if model.endswith("Page"):
        assert schema["examples"][0]["items"] and "next_cursor" in schema["properties"]
        for name in ("limit", "cursor"):
            assert name in {p["name"] for p in document["paths"][path]["get"]["parameters"]}

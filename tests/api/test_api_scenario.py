"""End to end through HTTP: a county's year — register, survey, place, train,
appropriate, pay R7 R8 R10 R12 R13 R14 R15 R16 R17, reverse — checking every amount,
paying account and balance, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from domain.values import months_between
from service.ledger import Ledger
from tests.api_support import ELSEWHERE, HOME, PROVINCE, Api, event, running_api, uid
from tests.builders import id_number


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME), ("finance", "finance", HOME), ("province", "finance", PROVINCE),
            ("admin", "admin", PROVINCE), ("auditor", "auditor", PROVINCE),
        ):  # fmt: skip
            api.token(name, role, division)
        yield api


def paid(
    api: Api, rule: str, payee: str, on: str, status: int = 201, who: str = "finance", **ids: str
) -> dict[str, Any]:
    answer = api.post(
        who,
        "/payments",
        {"payment_id": uid("pay"), "rule": rule, "payee_id": payee, "paid_on": on, **ids},
    )
    assert answer.status_code == status, answer.json()
    return dict(answer.json())


def worker(worker_id: str) -> dict[str, Any]:
    return event("WorkerRegistered", worker_id=worker_id, name="李四", id_number=id_number(), birth_date="1990-03-07",
                 home_division=HOME, registered_on="2017-01-01")  # fmt: skip


def organisation(org_id: str, kind: str, division: str = HOME) -> dict[str, Any]:
    return event(
        "OrganisationRegistered",
        org_id=org_id,
        name=f"{kind} {org_id}",
        division=division,
        kind=kind,
    )


def set_up_the_county(api: Api) -> None:
    api.record("admin",
        event("TransportStandardSet", division=HOME, amount="300.00", effective_from="2017-07-01"),
        event("TrainingStandardSet", division=HOME, category="电工", amount="1000.00", effective_from="2017-07-01"),
    )  # fmt: skip
    api.record("clerk",
        organisation("agency", "agency"), organisation("factory", "enterprise"),
        organisation("gz-factory", "enterprise", ELSEWHERE), organisation("school", "training_institution"),
        organisation("bureau", "government"),
        worker("w1"), worker("w2"), worker("w3"), worker("w4"),
        event("WorkerSurveyed", worker_id="w2", surveyed_on="2017-09-01", surveyor="王五", status="unemployed",
              willing_to_work=True, service_needs=["placement"]),
        event("WorkerPlaced", placement_id="p1", worker_id="w1", employer_id="gz-factory", agency_id="agency",
              started_on="2018-01-15", work_division=ELSEWHERE, contract_months=12),
        event("WorkerPlaced", placement_id="p2", worker_id="w2", employer_id="factory", started_on="2018-01-15",
              work_division=HOME, contract_months=24),
        *[event("SocialInsuranceContributed", employer_id="factory", worker_id="w2", month=m, pension="100.00",
                medical="50.00", unemployment="10.00") for m in months_between("2018-01", "2018-12")],
        event("TrainingEnrolled", enrollment_id="en1", worker_id="w3", kind="pre_employment", category="电工",
              division=HOME, institution_id="school", started_on="2018-03-01", two_after_student=True),
        *[event("TrainingDayAttended", enrollment_id="en1", day=d) for d in ("2018-03-01", "2018-03-02", "2018-03-05")],
        event("TrainingCompleted", enrollment_id="en1", completed_on="2018-03-09"),
        event("GuaranteeLoanGranted", loan_id="loan1", worker_id="w4", lender_id="factory", amount="100000.00",
              granted_on="2018-03-01"),
    )  # fmt: skip
    api.record("admin", event("BaseDesignated", org_id="factory", designated_on="2018-03-01"))
    api.record("finance",
        event("FundsAppropriated", appropriation_id="ap1", source="employment_fund", division=HOME,
              amount="10000.00", appropriated_on="2017-07-01", document_ref="芙财社〔2017〕1号"),
        event("FundsAppropriated", appropriation_id="ap2", source="local_treasury", division=HOME,
              amount="10000.00", appropriated_on="2017-07-01", document_ref="芙财〔2017〕2号"),
    )  # fmt: skip
    api.record("province", event("FundsAppropriated", appropriation_id="ap3", source="employment_fund",
             division=PROVINCE, amount="2000000.00", appropriated_on="2017-07-01", document_ref="湘财社〔2017〕1号"))  # fmt: skip


def account(answer: dict[str, Any]) -> tuple[str, str, str]:
    return (
        answer["rule"],
        answer["amount"],
        f"{answer['account']['source']}/{answer['account']['division']}",
    )


def test_a_county_year_pays_every_rule_from_the_right_account_and_balances(api: Api) -> None:
    set_up_the_county(api)
    r7 = paid(api, "R7", "agency", "2018-07-15", placement_id="p1")
    payments = [
        r7,
        paid(api, "R12", "w1", "2018-02-01", placement_id="p1"),
        paid(api, "R13", "factory", "2019-01-15", placement_id="p2"),
        paid(api, "R14", "factory", "2019-01-15", placement_id="p2"),
        paid(api, "R8", "school", "2018-03-15", enrollment_id="en1"),
        paid(api, "R10", "w3", "2018-03-15", enrollment_id="en1"),
        paid(api, "R17", "factory", "2018-12-20", worker_id="w4", amount="356.40"),
        paid(api, "R15", "bureau", "2018-06-01", who="province"),
        paid(api, "R16", "factory", "2018-06-01", who="province"),
    ]
    assert [account(p) for p in payments] == [
        ("R7", "200.00", f"employment_fund/{HOME}"),
        ("R12", "300.00", f"local_treasury/{HOME}"),
        ("R13", "1000.00", f"employment_fund/{HOME}"),
        ("R14", "1920.00", f"employment_fund/{HOME}"),  # 12 × (100 + 50 + 10)
        ("R8", "1700.00", f"employment_fund/{HOME}"),  # 1.7 × 1000
        ("R10", "60.00", f"employment_fund/{HOME}"),  # 3 days × 20
        ("R17", "356.40", f"local_treasury/{HOME}"),
        ("R15", "1000000.00", f"employment_fund/{PROVINCE}"),
        ("R16", "100000.00", f"employment_fund/{PROVINCE}"),
    ]
    reversal = api.post("finance", f"/payments/{r7['payment_id']}/reversal",
                        {"reversal_id": "rev1", "reason": "placement misreported", "reversed_on": "2018-08-01"})  # fmt: skip
    assert reversal.status_code == 201, reversal.json()
    assert reversal.json()["amount"] == "200.00"

    accounts = {f"{a['source']}/{a['division']}": a for a in api.get("auditor", "/accounts").json()}
    assert {
        k: (a["appropriated"], a["paid"], a["reversed"], a["balance"]) for k, a in accounts.items()
    } == {
        f"employment_fund/{HOME}": ("10000.00", "4880.00", "200.00", "5320.00"),
        f"local_treasury/{HOME}": ("10000.00", "656.40", "0.00", "9343.60"),
        f"employment_fund/{PROVINCE}": ("2000000.00", "1100000.00", "0.00", "900000.00"),
    }
    statement = api.get(
        "clerk", f"/accounts/employment_fund/{HOME}/statement?from=2017-01-01&to=2019-12-31"
    ).json()
    assert statement["opening_balance"] == "0.00" and statement["closing_balance"] == "5320.00"
    assert [(line["kind"], line["amount"]) for line in statement["lines"]][:2] == [
        ("appropriation", "10000.00"),
        ("payment", "-1700.00"),
    ]
    csv = api.get(
        "clerk",
        f"/accounts/employment_fund/{HOME}/statement?from=2017-01-01&to=2019-12-31",
        Accept="text/csv",
    )
    assert csv.headers["content-type"].startswith("text/csv") and "5320.00" in csv.text


def test_retries_answer_the_first_result_and_reuse_is_a_conflict(api: Api) -> None:
    set_up_the_county(api)
    body = {
        "payment_id": "pay-once",
        "rule": "R7",
        "payee_id": "agency",
        "paid_on": "2018-07-15",
        "placement_id": "p1",
    }
    first, again = api.post("finance", "/payments", body), api.post("finance", "/payments", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    clash = api.post("finance", "/payments", {**body, "paid_on": "2018-07-16"})
    assert clash.status_code == 409 and clash.headers["content-type"] == "application/problem+json"
    refused = paid(api, "R7", "agency", "2018-09-01", status=409, placement_id="p1")
    assert refused["rule"] in ("R18", "R20")
    fact = worker("w-retry")
    assert [api.post("clerk", "/events", fact).status_code for _ in range(2)] == [201, 200]
    assert (
        api.post(
            "clerk", "/events", {**fact, "data": {**fact["data"], "name": "另一个"}}
        ).status_code
        == 409
    )


def test_reads_show_the_worker_its_history_and_the_targets(api: Api) -> None:
    set_up_the_county(api)
    r10 = paid(api, "R10", "w3", "2018-03-15", enrollment_id="en1")
    worker_view = api.get("clerk", "/workers/w3")
    assert worker_view.status_code == 200, worker_view.json()
    assert r10["payment_id"] in str(worker_view.json())
    history = api.get("clerk", "/workers/w3/events").json()
    assert [line["type"] for line in history][:2] == ["WorkerRegistered", "TrainingEnrolled"]
    # 谁摸查、谁负责: the facts by the clerk; the payment, shown in the history, by finance.
    paid_lines = [line for line in history if line["type"] == "SubsidyPaid"]
    assert [line["recorded_by"] for line in paid_lines] == ["finance-subject"]
    assert all(line["recorded_by"] == "clerk-subject" for line in history if line not in paid_lines)
    assert "id_number_hash" not in str(history)
    assert api.get("clerk", "/organisations/factory").status_code == 200
    targets = api.get("clerk", "/reports/targets").json()
    assert (
        targets["placements"]["target"] == 350000 and targets["two_after_students"]["achieved"] >= 1
    )
    assert api.get("auditor", "/audit/verify").json()["ok"] is True
    assert api.get("clerk", "/workers/nobody").status_code == 404
    assert (
        api.post(
            "finance",
            "/payments/nothing/reversal",
            {"reversal_id": "r", "reason": "x", "reversed_on": "2018-01-01"},
        ).status_code
        == 404
    )


def test_concurrent_retries_of_one_payment_pay_once(api: Api) -> None:
    set_up_the_county(api)
    body = {
        "payment_id": "pay-race",
        "rule": "R7",
        "payee_id": "agency",
        "paid_on": "2018-07-15",
        "placement_id": "p1",
    }
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: api.post("finance", "/payments", body), range(8)))
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.text for a in answers}) == 1
    balance = {
        a["source"] + a["division"]: a["paid"] for a in api.get("auditor", "/accounts").json()
    }
    assert balance[f"employment_fund{HOME}"] == "200.00"


def test_concurrent_retries_of_one_fact_record_it_once(api: Api) -> None:
    fact = worker("w-race")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: api.post("clerk", "/events", fact), range(8)))
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.text for a in answers}) == 1


def test_reads_wait_for_the_position_a_client_names_and_refuse_one_never_recorded(api: Api) -> None:
    posted = api.post("clerk", "/events", organisation("late", "enterprise")).json()
    answer = api.get(
        "clerk", "/organisations/late", **{"X-Jobaid-After-Position": str(posted["position"])}
    )
    assert answer.status_code == 200 and answer.json()["org_id"] == "late"
    beyond = api.get(
        "clerk", "/accounts", **{"X-Jobaid-After-Position": str(posted["position"] + 10_000)}
    )
    assert beyond.status_code == 422 and beyond.json()["field"] == "X-Jobaid-After-Position"

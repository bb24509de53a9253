"""Payment runs over HTTP, on SQLite and PostgreSQL: a run requests every payable R10
and R14 item of its division (and lists what the policy refused, with the rule), its
approval approves each request in one go, four eyes hold, and R21 stops what the money
does not cover."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from domain.values import months_between
from service.ledger import Ledger
from tests.api_support import HOME, JISHOU, PROVINCE, Api, event, running_api, uid
from tests.builders import id_number


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME), ("finance", "finance", HOME), ("finance2", "finance", HOME),
            ("jishou", "finance", JISHOU), ("admin", "admin", PROVINCE),
        ):  # fmt: skip
            api.token(name, role, division)
        yield api


def county(api: Api, money: str = "10000.00") -> None:
    """w1 and w2 on pre-employment courses in 芙蓉区 (w2's without an attended day), w3 on
    one in 吉首市, w4 at a 芙蓉区 factory with 12 months of contributions."""
    workers = [event("WorkerRegistered", worker_id=w, name="李四", id_number=id_number(),
                     birth_date="1990-03-07", home_division=HOME, registered_on="2017-01-01")
               for w in ("w1", "w2", "w3", "w4")]  # fmt: skip
    courses = [event("TrainingEnrolled", enrollment_id=e, worker_id=w, kind="pre_employment",
                     category="电工", division=d, started_on="2018-03-01")
               for e, w, d in (("en1", "w1", HOME), ("en2", "w2", HOME), ("en3", "w3", JISHOU))]  # fmt: skip
    api.record("clerk", *workers,
        event("OrganisationRegistered", org_id="factory", name="厂", division=HOME, kind="enterprise"),
        *courses,
        *[event("TrainingDayAttended", enrollment_id=e, day=d) for e in ("en1", "en3") for d in ("2018-03-01", "2018-03-02")],
        event("WorkerPlaced", placement_id="p4", worker_id="w4", employer_id="factory",
              started_on="2018-01-15", work_division=HOME, contract_months=24),
        *[event("SocialInsuranceContributed", employer_id="factory", worker_id="w4", month=m,
                pension="100.00", medical="50.00", unemployment="10.00") for m in months_between("2018-01", "2018-12")],
    )  # fmt: skip
    api.record("finance", event("FundsAppropriated", appropriation_id=uid("ap"),
             source="employment_fund", division=HOME, amount=money,
             appropriated_on="2017-07-01", document_ref="芙财社〔2017〕1号"))  # fmt: skip


def run(api: Api, who: str = "clerk", **extra: Any) -> Any:
    body = {"run_id": uid("run"), "division": HOME, "rules": ["R10", "R14"],
            "paid_on": "2019-01-31", **extra}  # fmt: skip
    return api.post(who, "/payment-runs", body)


def test_a_run_requests_each_payable_item_of_its_division_and_lists_the_refused(api: Api) -> None:
    county(api)
    answer = run(api)
    assert answer.status_code == 201, answer.json()
    started = answer.json()
    assert len(started["requests"]) == 2, [
        r["reason"] for r in started["refused"]
    ]  # en1's two days, p4's twelve months
    assert [(r["fact_id"], r["refused_by"]) for r in started["refused"]] == [("en2", "R10")]
    queue = api.get("finance", "/payment-requests?status=pending").json()["items"]
    assert sorted((r["rule"], r["amount"]) for r in queue) == [("R10", "40.00"), ("R14", "1920.00")]
    again = run(api)  # a second run finds them held by the first one's requests
    assert again.json()["requests"] == [] and len(again.json()["refused"]) == 3


def test_a_run_is_approved_in_one_go_by_another_person(api: Api) -> None:
    county(api)
    started = run(api, who="finance").json()
    path = f"/payment-runs/{started['run_id']}/approval"
    body = {"approval_id": uid("apv"), "paid_on": "2019-01-31"}
    assert api.post("finance", path, body).status_code == 403
    answer = api.post("finance2", path, body)
    assert answer.status_code == 201, answer.json()
    report = answer.json()["report"]
    assert sorted(report["paid"]) == sorted(started["requests"]) and report["stopped"] == []
    assert api.post("finance2", path, body).status_code == 200
    accounts = api.get("finance", "/accounts").json()
    assert [a["paid"] for a in accounts if a["division"] == HOME] == ["1960.00"]
    assert api.get("finance", f"/payment-runs/{started['run_id']}").json()["status"] == "approved"


def test_R21_a_run_approval_pays_what_the_money_covers_and_reports_the_rest(api: Api) -> None:
    county(api, money="100.00")
    started = run(api).json()
    answer = api.post("finance", f"/payment-runs/{started['run_id']}/approval",
                      {"approval_id": uid("apv"), "paid_on": "2019-01-31"})  # fmt: skip
    report = answer.json()["report"]
    assert len(report["paid"]) == 1
    assert [s["refused_by"] for s in report["stopped"]] == ["R21"]


def test_a_run_outside_the_callers_scope_is_refused(api: Api) -> None:
    county(api)
    assert run(api, who="jishou").status_code == 403
    assert run(api, rules=["R7"]).status_code == 422

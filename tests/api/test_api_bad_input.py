"""Never a 500 for anything a client sends: every fact type and the payment body with
each field in turn replaced by the wrong kind of value, broken JSON, oversized bodies
and batches — always a 4xx problem, and nothing recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from service.catalogue import FACT_TYPES as FACTS
from service.ledger import Ledger
from tests.api_support import ELSEWHERE, HOME, PROVINCE, Api, running_api

TEMPLATES: dict[str, dict[str, Any]] = {
    "WorkerRegistered": {"worker_id": "wx", "name": "张", "id_number": "430102199003070012", "birth_date": "1990-03-07",
                         "home_division": HOME, "registered_on": "2017-01-01"},
    "OrganisationRegistered": {"org_id": "ox", "name": "厂", "division": HOME, "kind": "enterprise"},
    "BaseDesignated": {"org_id": "o1", "designated_on": "2018-01-01"},
    "WorkerSurveyed": {"worker_id": "w1", "surveyed_on": "2018-01-01", "surveyor": "王", "status": "employed",
                       "willing_to_work": True, "service_needs": [], "work_division": ELSEWHERE,
                       "employer_name": "厂", "employer_contact": "138"},
    "WorkerPlaced": {"placement_id": "px", "worker_id": "w1", "employer_id": "o1", "agency_id": "o1",
                     "started_on": "2018-01-15", "work_division": ELSEWHERE, "contract_months": 12},
    "PlacementEnded": {"placement_id": "p1", "ended_on": "2018-06-01", "reason": "辞职"},
    "UnemploymentRegistered": {"worker_id": "w1", "registered_on": "2018-01-01"},
    "UnemploymentBenefitStarted": {"worker_id": "w1", "on": "2018-01-01"},
    "UnemploymentBenefitEnded": {"worker_id": "w1", "on": "2018-02-01"},
    "TrainingEnrolled": {"enrollment_id": "ex", "worker_id": "w1", "kind": "upgrade", "category": "电工",
                         "division": HOME, "institution_id": "o1", "started_on": "2018-03-01", "two_after_student": False},
    "TrainingDayAttended": {"enrollment_id": "en1", "day": "2018-03-02"},
    "TrainingCompleted": {"enrollment_id": "en1", "completed_on": "2018-03-09"},
    "SocialInsuranceContributed": {"employer_id": "o1", "worker_id": "w1", "month": "2018-02", "pension": "1.00",
                                   "medical": "1.00", "unemployment": "1.00"},
    "GuaranteeLoanGranted": {"loan_id": "lx", "worker_id": "w1", "lender_id": "o1", "amount": "10.00", "granted_on": "2018-01-01"},
    "TrainingStandardSet": {"division": HOME, "category": "电工", "amount": "10.00", "effective_from": "2017-07-01"},
    "TransportStandardSet": {"division": HOME, "amount": "10.00", "effective_from": "2017-07-01"},
    "PoorAreaDesignated": {"division": HOME, "effective_from": "2017-07-01"},
    "WorkingAgeSet": {"min_age": 16, "max_age": 60, "effective_from": "2017-07-01"},
    "ApprovalPolicySet": {"division": HOME, "threshold": "10.00", "approvers": 2, "effective_from": "2017-07-01"},
    "PeriodClosed": {"source": "employment_fund", "division": HOME, "period": "2017", "closed_on": "2018-01-05"},
    "FundsAppropriated": {"appropriation_id": "ax", "source": "employment_fund", "division": HOME, "amount": "1.00",
                          "appropriated_on": "2018-01-01", "document_ref": "文"},
}  # fmt: skip
PAYMENT = {"payment_id": "pay-x", "rule": "R7", "payee_id": "o1", "paid_on": "2018-07-15", "placement_id": "p1",
           "worker_id": "w1", "amount": "1.00", "adjustment_reason": "更正"}  # fmt: skip
WRONG = [
    None,
    0,
    -1,
    1.5,
    10**30,
    True,
    "",
    " ",
    "x" * 5000,
    "2018-13-45",
    "99999999",
    [],
    ["a"],
    {},
    {"a": 1},
    "../..",
    "\u202e",
]
ROLE = {"FundsAppropriated": "finance", "PeriodClosed": "finance", "TrainingStandardSet": "admin",
        "TransportStandardSet": "admin", "PoorAreaDesignated": "admin", "WorkingAgeSet": "admin",
        "ApprovalPolicySet": "admin"}  # fmt: skip


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from adapters.settings import Settings
    from tests import builders as b

    path = tmp_path_factory.mktemp("bad") / "ledger.db"
    ledger = Ledger(Settings(database_url=f"sqlite:///{path}", pii_key=b"test"))
    b.worker(ledger, worker_id="w1")
    b.organisation(ledger, "agency", org_id="o1")
    b.placement(ledger, "w1", "o1")
    b.enrollment(ledger, "w1")
    with running_api(ledger) as api:
        for role in ("clerk", "finance", "admin"):
            api.token(role, role, PROVINCE)
        yield api
    ledger.close()


def variants(template: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for field in template:
        yield {k: v for k, v in template.items() if k != field}
        for wrong in WRONG:
            yield {**template, field: wrong}


def test_every_fact_type_is_covered() -> None:
    assert set(TEMPLATES) == set(FACTS)


@pytest.mark.parametrize("type_", sorted(TEMPLATES))
def test_a_fact_with_any_field_wrong_is_a_4xx_problem_never_a_500(api: Api, type_: str) -> None:
    for number, data in enumerate(variants(TEMPLATES[type_])):
        answer = api.post(
            ROLE.get(type_, "clerk"),
            "/events",
            {"event_id": f"bad-{type_}-{number}", "type": type_, "data": data},
        )
        assert answer.status_code < 500, (data, answer.text)


def test_a_payment_with_any_field_wrong_is_a_4xx_problem_never_a_500(api: Api) -> None:
    for number, body in enumerate(variants(PAYMENT)):
        answer = api.post(
            "finance", "/payments", {**body, "payment_id": body.get("payment_id", f"pay-{number}")}
        )
        assert answer.status_code < 500, (body, answer.text)
        answer = api.post("finance", "/payments/nope/reversal", body)
        assert answer.status_code < 500, (body, answer.text)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{", 422), (b"[1, 2", 422), (b"NaN", 422), (b"\xff\xfe", 422), (b"[" * 100000 + b"]" * 100000, 422),
        (b'"\\ud800"', 422), (b'{"a": "\\u0000"}', 422), (b"1" * 5000, 422), (b"null", 422), (b"[]", 422),
        (b"x" * (3 * 1024 * 1024), 413),
    ],
    ids=["open-brace", "open-list", "nan", "not-utf8", "deep", "surrogate", "nul", "huge-int", "null", "empty-batch", "3MiB"],
)  # fmt: skip
def test_broken_bodies_are_problems(api: Api, body: bytes, status: int) -> None:
    answer = api.client.post(
        "/v1/events",
        content=body,
        headers=api.headers("clerk", **{"Content-Type": "application/json"}),
    )
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_batch_over_1000_is_413_and_records_nothing(api: Api) -> None:
    before = api.ledger.recorder.max_notification_id()
    batch = [
        {
            "event_id": f"big-{i}",
            "type": "UnemploymentRegistered",
            "data": {"worker_id": "w1", "registered_on": "2018-01-01"},
        }
        for i in range(1001)
    ]
    assert api.post("clerk", "/events", batch).status_code == 413
    assert api.ledger.recorder.max_notification_id() == before


def test_a_batch_of_1000_is_recorded_in_one_request(api: Api) -> None:
    batch = [
        {
            "event_id": f"ok-{i}",
            "type": "OrganisationRegistered",
            "data": {"org_id": f"b{i}", "name": "厂", "division": HOME, "kind": "enterprise"},
        }
        for i in range(1000)
    ]
    answer = api.post("clerk", "/events", batch)
    assert answer.status_code == 201 and len(answer.json()) == 1000

"""Maker-checker over HTTP, on SQLite and PostgreSQL: request (clerk or finance), approve
(finance, four eyes), reject, withdraw, the approvals queue, an approval policy's 409, and
the cycle in the worker's history, the statement and the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from service.ledger import Ledger
from tests.api_support import ELSEWHERE, HOME, JISHOU, PROVINCE, Api, event, running_api, uid
from tests.builders import id_number


@pytest.fixture
def api(make_ledger: Callable[[], Ledger]) -> Iterator[Api]:
    with running_api(make_ledger()) as api:
        for name, role, division in (
            ("clerk", "clerk", HOME), ("finance", "finance", HOME), ("finance2", "finance", HOME),
            ("jishou", "finance", JISHOU), ("admin", "admin", PROVINCE),
            ("auditor", "auditor", PROVINCE),
        ):  # fmt: skip
            api.token(name, role, division)
        set_up(api)
        yield api


def set_up(api: Api) -> None:
    """Two workers placed by an agency on 2018-01-15 (R7 due 2018-07-15), money to pay."""
    api.record("clerk",
        event("OrganisationRegistered", org_id="agency", name="agency", division=HOME, kind="agency"),
        event("OrganisationRegistered", org_id="gz", name="gz", division=ELSEWHERE, kind="enterprise"),
        *[event("WorkerRegistered", worker_id=w, name="李四", id_number=id_number(),
                birth_date="1990-03-07", home_division=HOME, registered_on="2017-01-01") for w in ("w1", "w2")],
        *[event("WorkerPlaced", placement_id=p, worker_id=w, employer_id="gz", agency_id="agency",
                started_on="2018-01-15", work_division=ELSEWHERE, contract_months=12)
          for p, w in (("p1", "w1"), ("p2", "w2"))],
    )  # fmt: skip
    api.record("finance", event("FundsAppropriated", appropriation_id="ap1",
             source="employment_fund", division=HOME, amount="10000.00",
             appropriated_on="2017-07-01", document_ref="芙财社〔2017〕1号"))  # fmt: skip


def request_body(placement: str = "p1", **extra: Any) -> dict[str, Any]:
    return {"request_id": uid("req"), "rule": "R7", "payee_id": "agency",
            "paid_on": "2018-07-20", "placement_id": placement, **extra}  # fmt: skip


def made(api: Api, who: str = "clerk", **extra: Any) -> dict[str, Any]:
    answer = api.post(who, "/payment-requests", request_body(**extra))
    assert answer.status_code == 201, answer.json()
    return dict(answer.json())


def approve(api: Api, request_id: str, who: str = "finance", on: str = "2018-07-25") -> Any:
    return api.post(who, f"/payment-requests/{request_id}/approval",
                    {"approval_id": uid("apv"), "paid_on": on})  # fmt: skip


def test_a_request_answers_the_contract_body_and_holds_the_subsidy(api: Api) -> None:
    body = request_body()
    first = api.post("clerk", "/payment-requests", body)
    assert first.status_code == 201, first.json()
    answer = first.json()
    assert {
        k: answer[k]
        for k in (
            "request_id",
            "status",
            "rule",
            "amount",
            "account",
            "payee_id",
            "worker_id",
            "requested_by",
        )
    } == {
        "request_id": body["request_id"],
        "status": "pending",
        "rule": "R7",
        "amount": "200.00",
        "account": {"source": "employment_fund", "division": HOME},
        "payee_id": "agency",
        "worker_id": "w1",
        "requested_by": "clerk-subject",
    }
    assert api.post("clerk", "/payment-requests", body).status_code == 200
    again = api.post("clerk", "/payment-requests", {**body, "request_id": uid("req")})
    assert again.status_code == 409 and again.json()["rule"] in ("R18", "R20")
    direct = api.post("finance", "/payments", {**{k: v for k, v in body.items() if k != "request_id"}, "payment_id": uid("pay")})  # fmt: skip
    assert direct.status_code == 409


def test_an_approval_by_another_finance_token_answers_the_payment(api: Api) -> None:
    request = made(api)
    answer = approve(api, request["request_id"])
    assert answer.status_code == 201, answer.json()
    paid = answer.json()
    assert (paid["payment_id"], paid["amount"], paid["paid_on"]) == (request["request_id"], "200.00", "2018-07-25")  # fmt: skip
    assert api.get("finance", f"/payments/{request['request_id']}").status_code in (200, 404)
    statement = api.get("finance", f"/accounts/employment_fund/{HOME}/statement").json()
    assert [(line["kind"], line["amount"]) for line in statement["lines"]][-1] == (
        "payment",
        "-200.00",
    )


def test_four_eyes_the_maker_cannot_approve_and_a_clerk_cannot_approve(api: Api) -> None:
    request = made(api, who="finance")
    assert approve(api, request["request_id"], who="finance").status_code == 403
    assert approve(api, request["request_id"], who="clerk").status_code == 403
    assert approve(api, request["request_id"], who="jishou").status_code == 403  # out of scope
    assert approve(api, request["request_id"], who="finance2").status_code == 201


def test_two_approvals_of_one_request_record_one_payment(api: Api) -> None:
    request = made(api)
    assert approve(api, request["request_id"]).status_code == 201
    assert approve(api, request["request_id"], who="finance2").status_code == 409
    accounts = api.get("finance", "/accounts").json()
    assert [a["paid"] for a in accounts if a["division"] == HOME] == ["200.00"]


def test_a_rejection_frees_the_subsidy_and_the_queue_shows_each_status(api: Api) -> None:
    rejected = made(api)
    pending = made(api, placement="p2")
    answer = api.post("finance", f"/payment-requests/{rejected['request_id']}/rejection", {"reason": "材料不全"})  # fmt: skip
    assert answer.status_code == 201 and answer.json()["status"] == "rejected"
    made(api)  # p1 may be requested again
    queue = api.get("finance", "/payment-requests?status=pending").json()
    assert next(r["request_id"] for r in queue["items"]) == pending["request_id"]
    assert len(queue["items"]) == 2 and queue["next_cursor"] is None
    page = api.get("auditor", f"/payment-requests?division={HOME}&limit=1").json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    assert api.get("jishou", "/payment-requests").json()["items"] == []
    assert api.get("finance", "/payment-requests?status=paid").status_code == 422


def test_a_withdrawal_comes_only_from_the_maker_after_the_deadline(api: Api) -> None:
    request = made(api)
    path = f"/payment-requests/{request['request_id']}/withdrawal"
    assert api.post("clerk", path, None).status_code == 409
    now = api.ledger.clock()
    api.ledger.clock = lambda: now + timedelta(days=31)  # type: ignore[method-assign]
    assert api.post("finance", path, None).status_code == 403
    answer = api.post("clerk", path, None)
    assert answer.status_code == 201 and answer.json()["status"] == "withdrawn"
    assert api.post("clerk", path, None).status_code == 200


def test_an_approval_policy_makes_a_large_direct_payment_a_409_naming_it(api: Api) -> None:
    api.record("admin", event("ApprovalPolicySet", division=HOME, threshold="100.00",
                                 approvers=2, effective_from="2018-01-01"))  # fmt: skip
    direct = api.post("finance", "/payments", {"payment_id": uid("pay"), "rule": "R7",
                      "payee_id": "agency", "paid_on": "2018-07-20", "placement_id": "p1"})  # fmt: skip
    assert direct.status_code == 409
    assert direct.json()["approval_policy"] == {"division": HOME, "threshold": "100.00", "approvers": 2, "effective_from": "2018-01-01"}  # fmt: skip
    request = made(api)
    assert request["approvals_needed"] == 2
    first = approve(api, request["request_id"])
    assert first.status_code == 202 and first.json()["status"] == "pending"
    assert approve(api, request["request_id"], who="finance2").status_code == 201


def test_the_worker_history_and_audit_trail_show_the_whole_cycle(api: Api) -> None:
    rejected = made(api)
    api.post("finance", f"/payment-requests/{rejected['request_id']}/rejection", {"reason": "重复"})
    approved = made(api)
    assert approve(api, approved["request_id"]).status_code == 201
    history = api.get("finance", "/workers/w1/events").json()
    facts = [line.get("type") or line.get("fact") for line in history]
    assert facts.count("PaymentRequested") == 2
    assert {"PaymentRequestRejected", "PaymentRequestApproved", "SubsidyPaid"} <= set(facts)
    view = api.get("finance", "/workers/w1").json()
    assert [p["payment_id"] for p in view["payments"]] == [approved["request_id"]]

"""A 403 names nothing outside the caller's scope, and a write outside it is refused
before any policy refusal is decided or disclosed (CONTRACT "Personal data and hostile
input"). An audit found a 403 naming the home county it protected, an R24 refusal naming
another county's worker, and finance of 芙蓉区 told "no transport standard for 433101"
about a 吉首市 placement — the policy decided before the scope was checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain import divisions
from service.ledger import Ledger
from tests import builders as b
from tests.api_support import ELSEWHERE, JISHOU, Api, event, running_api

FURONG = "430104"


@pytest.fixture
def api(ledger: Ledger) -> Iterator[Api]:
    with running_api(ledger) as api:
        api.token("clerk", "clerk", FURONG)
        api.token("clerk_jishou", "clerk", JISHOU)
        api.token("finance", "finance", FURONG)
        yield api


def names_nothing_of(answer_text: str, *protected: str) -> None:
    for text in protected:
        assert text not in answer_text, f"{text!r} leaked: {answer_text}"


def test_a_403_on_a_read_names_no_division_outside_the_scope(api: Api) -> None:
    worker = b.worker(api.ledger, home=JISHOU)
    answer = api.get("clerk", f"/workers/{worker}")
    assert answer.status_code == 403
    names_nothing_of(answer.text, JISHOU, divisions.name(JISHOU), "433100")


def test_R24_a_refusal_names_no_other_worker(api: Api) -> None:
    number = b.id_number()
    b.worker(api.ledger, worker_id="w-jishou-7", home=JISHOU, number=number)
    answer = api.post("clerk", "/events", event(
        "WorkerRegistered", worker_id="w-furong-1", name="张三", id_number=number,
        birth_date="1990-03-07", home_division=FURONG, registered_on="2017-01-01"))  # fmt: skip
    assert (answer.status_code, answer.json()["rule"]) == (409, "R24")
    names_nothing_of(answer.text, "w-jishou-7", JISHOU)


def test_R12_a_payment_from_another_countys_account_is_403_before_the_policy_speaks(
    api: Api,
) -> None:
    # No transport standard is set for 吉首市: deciding first would say so (409, R12).
    worker = b.worker(api.ledger, home=JISHOU)
    placement = b.placement(api.ledger, worker, b.organisation(api.ledger), "2018-01-15", ELSEWHERE)
    answer = api.post("finance", "/payments", {"payment_id": "pay-x", "rule": "R12",
                      "payee_id": worker, "paid_on": "2018-02-01", "placement_id": placement})  # fmt: skip
    assert answer.status_code == 403, answer.text
    names_nothing_of(answer.text, JISHOU, "transport", "R12")


def test_a_worker_id_beside_another_workers_placement_is_refused_naming_neither(api: Api) -> None:
    mine = b.worker(api.ledger, home=FURONG)
    theirs = b.worker(api.ledger, worker_id="w-other-9", home=FURONG)
    employer = b.organisation(api.ledger)
    placement = b.placement(api.ledger, theirs, employer, "2018-01-15", ELSEWHERE)
    answer = api.post("finance", "/payments", {"payment_id": "pay-y", "rule": "R12",
                      "payee_id": employer, "worker_id": mine, "paid_on": "2018-02-01",
                      "placement_id": placement})  # fmt: skip
    assert (answer.status_code, answer.json()["field"]) == (422, "worker_id"), answer.text
    names_nothing_of(answer.text, "w-other-9")


def test_a_survey_form_cannot_survey_a_person_registered_in_another_county(api: Api) -> None:
    """The form names the person by ID number; one registered in 吉首市 was surveyed by a
    芙蓉区 clerk's import (the row's own county was checked, not the worker's)."""
    number = b.id_number()
    b.worker(api.ledger, worker_id="w-jishou-8", home=JISHOU, number=number)
    form = ("姓名,身份证号,户籍所在地代码,摸查日期,摸查人,就业状态,就业意愿\n"
            f"张三,{number},{FURONG},2018-03-01,王五,未就业,否\n")  # fmt: skip
    answer = api.client.post(
        "/v1/imports/surveys",
        content=form.encode(),
        headers=api.headers("clerk", **{"Content-Type": "text/csv"}),
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["recorded"], report["rejected"]) == (0, 1), report
    names_nothing_of(answer.text, "w-jishou-8", JISHOU)
    assert not api.ledger.get_worker("w-jishou-8").surveys

"""Bad input: each malformed, invalid or unknown value gets an InvalidInput naming its field,
and nothing at all is recorded (the store's last position does not move)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import InvalidInput
from service.intake import pay_json, record_json
from service.ledger import Ledger
from tests import builders as b
from tests.builders import record_one


def world(ledger: Ledger) -> dict[str, str]:
    """Known ids every template refers to."""
    employer = b.organisation(ledger, division=b.ELSEWHERE)
    agency = b.organisation(ledger, "agency")
    worker = b.worker(ledger)
    return {
        "worker": worker,
        "employer": employer,
        "agency": agency,
        "lender": b.organisation(ledger),
        "placement": b.placement(ledger, worker, employer, "2018-01-15", agency_id=agency),
        "enrollment": b.enrollment(ledger, worker, started_on="2018-03-01"),
    }


def template(type_: str, known: dict[str, str]) -> dict[str, Any]:
    """Valid data for a fact of `type_` (proved valid by the last test of this module)."""
    return {
        "WorkerRegistered": {
            "worker_id": b.next_id("w"),
            "name": "赵六",
            "id_number": b.id_number("1990-03-07"),
            "birth_date": "1990-03-07",
            "home_division": b.HOME,
            "registered_on": "2017-01-01",
        },
        "WorkerPlaced": {
            "placement_id": b.next_id("p"),
            "worker_id": known["worker"],
            "employer_id": known["employer"],
            "started_on": "2018-02-01",
            "work_division": b.ELSEWHERE,
            "contract_months": 12,
        },
        "PlacementEnded": {
            "placement_id": known["placement"],
            "ended_on": "2018-06-30",
            "reason": "辞职",
        },
        "TrainingEnrolled": {
            "enrollment_id": b.next_id("en"),
            "worker_id": known["worker"],
            "kind": "pre_employment",
            "category": "焊工",
            "division": b.HOME,
            "started_on": "2018-05-01",
            "two_after_student": False,
        },
        "TrainingDayAttended": {"enrollment_id": known["enrollment"], "day": "2018-03-02"},
        "SocialInsuranceContributed": {
            "employer_id": known["employer"],
            "worker_id": known["worker"],
            "month": "2018-02",
            "pension": "100.00",
            "medical": "50.00",
            "unemployment": "10.00",
        },
        "GuaranteeLoanGranted": {
            "loan_id": b.next_id("loan"),
            "worker_id": known["worker"],
            "lender_id": known["lender"],
            "amount": "50000.00",
            "granted_on": "2018-03-01",
        },
        "TransportStandardSet": {
            "division": b.HOME,
            "amount": "300.00",
            "effective_from": "2017-07-01",
        },
        "FundsAppropriated": {
            "appropriation_id": b.next_id("ap"),
            "source": "employment_fund",
            "division": b.HOME,
            "amount": "1000.00",
            "appropriated_on": "2017-07-01",
            "document_ref": "湘财社〔2017〕1号",
        },
    }[type_]


def wrong_check_character(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


# (type, the one field made bad, the field the error must name), grouped so that each group
# shares one database per store.
BAD_FACTS: dict[str, list[tuple[str, dict[str, Any], str]]] = {
    "unknown-ids": [
        ("WorkerPlaced", {"worker_id": "nobody"}, "worker_id"),
        ("WorkerPlaced", {"employer_id": "no-such-org"}, "employer_id"),
        ("PlacementEnded", {"placement_id": "no-such-placement"}, "placement_id"),
        ("TrainingDayAttended", {"enrollment_id": "no-such-enrollment"}, "enrollment_id"),
        ("GuaranteeLoanGranted", {"lender_id": "no-such-bank"}, "lender_id"),
    ],
    "id-number-and-dates": [
        (
            "WorkerRegistered",
            {"id_number": wrong_check_character(b.id_number("1990-03-07"))},
            "id_number",
        ),
        ("WorkerRegistered", {"birth_date": "1990-03-08"}, "birth_date"),  # not the ID's
        ("WorkerPlaced", {"started_on": "2019-02-30"}, "started_on"),
        ("PlacementEnded", {"ended_on": "2018-6-30"}, "ended_on"),
    ],
    "amounts-and-sources": [  # exact decimal strings only
        ("FundsAppropriated", {"amount": "-100.00"}, "amount"),
        ("FundsAppropriated", {"amount": "1,000.00"}, "amount"),
        ("FundsAppropriated", {"amount": 1000.5}, "amount"),
        ("SocialInsuranceContributed", {"pension": 100.5}, "pension"),
        ("FundsAppropriated", {"source": "pension_fund"}, "source"),
    ],
    "divisions": [  # in the national list, and in Hunan where the contract says so
        ("WorkerRegistered", {"home_division": "439999"}, "home_division"),
        ("WorkerPlaced", {"work_division": "990000"}, "work_division"),
        ("WorkerRegistered", {"home_division": "110101"}, "home_division"),
        ("FundsAppropriated", {"division": "110101"}, "division"),
        ("TrainingEnrolled", {"division": "110101"}, "division"),
        ("TransportStandardSet", {"division": "110101"}, "division"),
    ],
}


@pytest.mark.parametrize("group", list(BAD_FACTS))
def test_a_bad_fact_is_refused_naming_its_field_and_records_nothing(
    ledger: Ledger, group: str
) -> None:
    known = world(ledger)
    before = b.store_size(ledger)
    for type_, bad, field in BAD_FACTS[group]:
        with pytest.raises(InvalidInput) as refused:
            record_one(ledger, b.next_id("ev"), type_, {**template(type_, known), **bad}, "clerk")
        assert refused.value.field == f"data.{field}", f"{type_} {bad}: {refused.value}"
        assert b.store_size(ledger) == before, f"{type_} {bad} recorded events"


@pytest.mark.both_stores
def test_a_batch_with_one_bad_fact_records_none_of_it_and_names_the_item(ledger: Ledger) -> None:
    known = world(ledger)
    before = b.store_size(ledger)
    items = [
        {
            "event_id": b.next_id("ev"),
            "type": "WorkerPlaced",
            "data": template("WorkerPlaced", known),
        },
        {
            "event_id": b.next_id("ev"),
            "type": "WorkerPlaced",
            "data": {**template("WorkerPlaced", known), "worker_id": "nobody"},
        },
    ]
    with pytest.raises(InvalidInput) as refused:
        record_json(ledger, items, "clerk")
    assert refused.value.field == "[1].data.worker_id"
    assert b.store_size(ledger) == before


BAD_PAYMENTS = [
    ({"rule": "R7", "placement_id": "no-such-placement"}, "placement_id"),
    ({"rule": "R17", "worker_id": "nobody", "amount": "10.00"}, "worker_id"),
    ({"rule": "R15", "payee_id": "no-such-org"}, "payee_id"),
    ({"rule": "R17", "amount": "-1.00"}, "amount"),
    ({"rule": "R17", "amount": 10.5}, "amount"),
    ({"rule": "R17", "amount": "ten"}, "amount"),
    ({"rule": "R7", "paid_on": "2019-02-30"}, "paid_on"),
    ({"rule": "R11"}, "rule"),  # R11 only moves R8–R10 to another fund
]


def test_a_bad_payment_request_is_refused_naming_its_field_and_records_nothing(
    ledger: Ledger,
) -> None:
    known = world(ledger)
    b.appropriate(ledger, "2000000.00", "employment_fund", "430000")
    b.appropriate(ledger, "2000000.00", "employment_fund", b.HOME)
    before = b.store_size(ledger)
    for bad, field in BAD_PAYMENTS:
        request = {
            "payment_id": b.next_id("pay"),
            "payee_id": known["lender"] if bad["rule"] == "R17" else known["agency"],
            "paid_on": "2018-07-15",
            **({"placement_id": known["placement"]} if bad["rule"] == "R7" else {}),
            **({"worker_id": known["worker"]} if bad["rule"] == "R17" else {}),
            **bad,
        }
        with pytest.raises(InvalidInput) as refused:
            pay_json(ledger, request, "finance")
        assert refused.value.field == field, f"{bad}: {refused.value}"
        assert b.store_size(ledger) == before, f"{bad} recorded events"
    # The same requests without the bad value are paid (R7 and R17 here).
    b.post(
        ledger,
        "GuaranteeLoanGranted",
        loan_id="loan-1",
        worker_id=known["worker"],
        lender_id=known["lender"],
        amount="50000.00",
        granted_on="2018-03-01",
    )
    b.appropriate(ledger, "100.00", "local_treasury", b.HOME)
    assert b.pay(ledger, "R7", known["agency"], "2018-07-15", placement_id=known["placement"])
    assert b.pay(
        ledger, "R17", known["lender"], "2018-07-15", worker_id=known["worker"], amount="10.00"
    )


def test_a_reversal_with_an_impossible_date_is_refused_naming_the_field(ledger: Ledger) -> None:
    known = world(ledger)
    b.appropriate(ledger, "1000.00")
    paid = b.pay(ledger, "R7", known["agency"], "2018-07-15", placement_id=known["placement"])
    before = b.store_size(ledger)
    with pytest.raises(InvalidInput) as refused:
        b.reverse(ledger, paid.payment_id, "2019-02-30")
    assert refused.value.field == "reversed_on"
    assert b.store_size(ledger) == before


def test_the_valid_templates_are_recorded(ledger: Ledger) -> None:
    """The bad cases above differ from these in one field only."""
    known = world(ledger)
    types = [type_ for cases in BAD_FACTS.values() for type_, _, _ in cases]
    for type_ in dict.fromkeys(types):
        record_one(ledger, b.next_id("ev"), type_, template(type_, known), "clerk")
    assert ledger.get_worker(known["worker"]).placements[known["placement"]].ended_on is not None

"""`paying_division`: whose account would pay a request, read off the facts before the
policy decides anything — so a caller outside that scope learns nothing of the decision —
and `check_request`: the fact each rule is paid for is named."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from domain.policy import NEEDS, check_request, decide, paying_division
from tests.unit import facts as f


@pytest.mark.parametrize("rule", ["R7", "R12", "R17"])
def test_R7_R12_and_R17_are_paid_by_the_worker_home_county(rule: str) -> None:
    """R7 and R12: the sending county (输出地); R17: 当地财政 of the worker's home."""
    someone = f.worker(home=f.JISHOU)
    employer = f.organisation(division=f.TIANXIN)
    placed = f.placement(someone, employer, agency=f.organisation("agency", f.HOME))
    asked = f.request(
        rule, employer, "2018-08-01", placement_id=placed, worker_id=someone.worker_id
    )
    assert paying_division(asked, f.facts(someone, employer=employer)) == f.JISHOU


def test_R7_R12_and_R17_name_no_division_while_the_worker_is_unknown() -> None:
    asked = f.request("R17", "bank-1", "2018-08-01", worker_id="w-unknown")
    assert paying_division(asked, f.facts()) is None


@pytest.mark.parametrize("rule", ["R8", "R9", "R10"])
def test_R8_to_R10_are_paid_by_the_training_division_not_the_worker_home(rule: str) -> None:
    someone = f.worker(home=f.JISHOU)
    enrolled = f.enrolment(someone, division=f.TIANXIN)
    asked = f.request(rule, someone, "2018-08-01", enrollment_id=enrolled)
    assert paying_division(asked, f.facts(someone)) == f.TIANXIN
    unknown = f.request(rule, someone, "2018-08-01", enrollment_id="en-unknown")
    assert paying_division(unknown, f.facts(someone)) is None


@pytest.mark.parametrize("rule", ["R13", "R14"])
def test_R13_and_R14_are_paid_by_the_employer_registered_division(rule: str) -> None:
    someone = f.worker(home=f.HOME)
    employer = f.organisation(division=f.JISHOU)
    placed = f.placement(someone, employer, work_division=f.ELSEWHERE)  # its work place is not it
    asked = f.request(rule, employer, "2019-08-01", placement_id=placed)
    assert paying_division(asked, f.facts(someone, employer=employer)) == f.JISHOU
    assert paying_division(asked, f.facts(someone)) is None  # the employer is not recorded


@pytest.mark.parametrize("rule", ["R15", "R16"])
def test_R15_and_R16_are_paid_by_the_province_whoever_is_paid(rule: str) -> None:
    payee = f.organisation("government", f.JISHOU)
    assert paying_division(f.request(rule, payee, "2018-08-01"), f.facts()) == f.PROVINCE


def test_R7_paying_division_is_the_division_the_decision_pays_from() -> None:
    """The scope checked before the policy speaks is the account the payment debits."""
    someone = f.worker(home=f.JISHOU)
    agency = f.organisation("agency", f.HOME)
    placed = f.placement(someone, f.organisation(division=f.ELSEWHERE), agency=agency)
    asked = f.request("R7", agency, "2018-07-15", placement_id=placed)
    known = f.facts(someone)
    assert paying_division(asked, known) == decide(asked, known).division == f.JISHOU


@pytest.mark.parametrize(("rule", "needed"), sorted(NEEDS.items()))
def test_R7_to_R17_name_the_fact_they_are_paid_for(rule: str, needed: str) -> None:
    with pytest.raises(InvalidInput) as missing:
        check_request(f.request(rule, "payee-1", "2018-08-01"))
    assert missing.value.field == needed
    check_request(f.request(rule, "payee-1", "2018-08-01", **{needed: "named-1"}))

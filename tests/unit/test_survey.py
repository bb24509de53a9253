"""R3 摸查: what a survey must hold, who did it, and which survey is in force on a day.
二(一)1: 对未就业的摸清就业意愿和就业服务需求，对已就业的摸清就业地点、就业单位名称和联系方式；
谁摸查、谁负责."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from tests.unit import facts as f

EMPLOYED = {
    "work_division": f.ELSEWHERE,
    "employer_name": "某某电子厂",
    "employer_contact": "020-1234567",
}


def test_R3_asks_the_unemployed_whether_they_wish_to_work() -> None:
    someone = f.worker()
    with pytest.raises(InvalidInput) as missing:
        f.survey(someone, "2018-03-01", "unemployed", willing_to_work=None)
    assert missing.value.field == "willing_to_work"
    assert someone.surveys == []


@pytest.mark.parametrize("field", sorted(EMPLOYED))
def test_R3_asks_the_employed_where_they_work_for_whom_and_how_to_reach_them(field: str) -> None:
    someone = f.worker()
    with pytest.raises(InvalidInput) as missing:
        f.survey(someone, "2018-03-01", "employed", **{**EMPLOYED, field: None})
    assert missing.value.field == field
    assert someone.surveys == []


def test_R3_keeps_who_surveyed_and_what_was_found() -> None:
    someone = f.worker()
    f.survey(someone, "2018-03-01", "employed", willing_to_work=None, **EMPLOYED)
    f.survey(someone, "2018-04-01", "unemployed", willing_to_work=True, service_needs=("技能培训",))
    employed, unemployed = someone.surveys
    assert (employed.surveyor, employed.status, employed.willing_to_work) == (
        "李四",
        "employed",
        True,
    )
    assert (employed.work_division, employed.employer_name) == (f.ELSEWHERE, "某某电子厂")
    assert (unemployed.service_needs, unemployed.work_division) == (("技能培训",), None)


def test_R3_a_later_survey_supersedes_an_earlier_one_and_none_is_deleted() -> None:
    someone = f.worker()
    f.survey(someone, "2018-03-01", "unemployed", willing_to_work=False)
    f.survey(someone, "2018-06-01", "employed", willing_to_work=None, **EMPLOYED)
    assert someone.survey_on(f.day("2018-02-28")) is None
    in_force = [someone.survey_on(f.day(on)) for on in ("2018-03-01", "2018-05-31", "2018-06-01")]
    assert [survey.status for survey in in_force if survey] == [
        "unemployed",
        "unemployed",
        "employed",
    ]
    assert len(someone.surveys) == 2


def test_R3_of_two_surveys_dated_the_same_day_the_one_recorded_later_decides() -> None:
    """二(一)1: 对信息不准确的重新摸查和录入 — a re-survey dated the same day supersedes,
    even when a survey dated later was recorded in between."""
    someone = f.worker()
    f.survey(someone, "2018-03-01", "unemployed", willing_to_work=False)
    f.survey(someone, "2018-04-01", "unemployed", willing_to_work=False)
    f.survey(someone, "2018-03-01", "unemployed", willing_to_work=True)
    in_force = someone.survey_on(f.day("2018-03-31"))
    assert in_force is not None and in_force.willing_to_work
    latest = someone.survey_on(f.day("2018-04-01"))
    assert latest is not None and not latest.willing_to_work

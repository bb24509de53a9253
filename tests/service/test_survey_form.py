"""The survey form read as counties fill it (no store): Excel's dates, the clerk's words,
errors named by the column as written, reasons in Chinese with the English beside."""

from __future__ import annotations

import pytest

from domain.id_numbers import id_check_char, parse_id_number
from service.reasons import UNKNOWN, bilingual, chinese
from service.survey_form import EXAMPLE_ID_NUMBER, form_dates, read_form

KEY = b"unit-key"
HEADER = "姓名,身份证号,户籍所在地代码,摸查日期,摸查人,就业状态,就业意愿\n"
PERSON = "43010219800101001" + id_check_char("43010219800101001")


@pytest.mark.parametrize(
    "written", ["2017/9/1", "2017-09-01", "2017.9.1", "2017年9月1日", "2017/09/01"]
)
def test_the_dates_chinese_excel_writes_are_read_as_one_day(written: str) -> None:
    assert form_dates({"surveyed_on": written})["surveyed_on"] == "2017-09-01"


def test_a_row_surveyed_on_2017_9_1_is_valid() -> None:
    form = read_form((HEADER + f"张三,{PERSON},430102,2017/9/1,李四,未就业,是\n").encode(), KEY)
    assert (form.rows, len(form.valid), form.errors) == (1, 1, [])
    assert str(form.valid[0].survey.surveyed_on) == "2017-09-01"


def test_an_error_names_the_column_as_written_and_says_why_in_chinese_then_english() -> None:
    header = HEADER.replace("摸查日期", "摸查日期（年/月/日）")
    form = read_form((header + f"张三,{PERSON},430102,2017/13/1,李四,未就业,是\n").encode(), KEY)
    (error,) = form.errors
    assert (error.row, error.column, error.field) == (2, "摸查日期（年/月/日）", "surveyed_on")
    assert error.reason.startswith("月份不存在（surveyed_on ")


def test_the_templates_example_row_is_skipped_not_recorded() -> None:
    assert parse_id_number("id_number", EXAMPLE_ID_NUMBER) == EXAMPLE_ID_NUMBER  # a valid number
    form = read_form(
        (HEADER + f"张三,{EXAMPLE_ID_NUMBER},430102,2017/9/1,李四,未就业,是\n").encode(), KEY
    )
    assert (form.rows, form.valid, form.errors) == (0, [], [])


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("check digit should be 5, not 3", "校验位应为 5，不是 3"),
        (
            "birth date 19900230 (characters 7–14) is not a real date",
            "第7–14位的出生日期 19900230 不存在",
        ),
        ("repeats row 7 for the same person and date", "与第 7 行重复（同一人、同一摸查日期）"),
        ("should be 已就业 or 未就业, not '待定'", "应填“已就业”或“未就业”"),
        ("439999 is not a known division code", "不是有效的行政区划代码"),
        ("something nobody foresaw", UNKNOWN),
    ],
)
def test_each_reason_has_its_chinese_sentence(english: str, expected: str) -> None:
    assert chinese(english) == expected
    assert bilingual("id_number", english) == f"{expected}（id_number {english}）"


def test_time_spent_recording_between_chunks_is_not_counted_as_reading_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The read bound (adapters.tables.READ_SECONDS) is for reading the file; a 30,000-row
    job records for minutes between its chunks and must not fail for it."""
    import time

    from adapters import tables
    from service.survey_form import open_form

    monkeypatch.setattr(tables, "READ_SECONDS", 0.3)
    people = [f"43010219800101{n:03d}" for n in range(3)]
    rows = "".join(f"张三,{p}{id_check_char(p)},430102,2017/9/1,李四,未就业,是\n" for p in people)
    form = open_form((HEADER + rows).encode(), KEY)
    read = 0
    for chunk in form.chunks(1):
        read += len(chunk.valid)
        time.sleep(0.2)  # recording the chunk
    assert (read, form.rows) == (3, 3)

"""Unit tests of the input parsers and calendar/money helpers (domain.values)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import InvalidInput
from domain.values import (
    add_months,
    age_on,
    birth_date_of_id_number,
    id_check_char,
    mask_id_number,
    money_str,
    month_first_day,
    month_of,
    months_between,
    parse_bool,
    parse_choice,
    parse_date,
    parse_division,
    parse_form_date,
    parse_id_number,
    parse_identifier,
    parse_instant,
    parse_int,
    parse_money,
    parse_month,
    parse_text,
    parse_text_list,
)

# 43010219900307123 + its GB 11643-1999 MOD 11-2 check character, worked by hand:
# Σ digit×weight = 183; 183 mod 11 = 7; "10X98765432"[7] = "4".
VALID_ID = "430102199003071234"


def reason(excinfo: pytest.ExceptionInfo[InvalidInput]) -> str:
    return excinfo.value.reason


# --- identifiers and text ---------------------------------------------------------------


def test_identifier_accepts_the_allowed_characters() -> None:
    assert parse_identifier("id", "worker-1_a.b:c") == "worker-1_a.b:c"


@pytest.mark.parametrize("bad", ["", "a b", "x" * 65, "工人", 12, None])
def test_identifier_refuses_anything_else(bad: Any) -> None:
    with pytest.raises(InvalidInput) as e:
        parse_identifier("id", bad)
    assert e.value.field == "id"


def test_text_is_stripped_and_bounded() -> None:
    assert parse_text("name", "  张三 ") == "张三"
    assert parse_text("note", "  ", required=False) == ""
    with pytest.raises(InvalidInput, match="should not be empty"):
        parse_text("name", "   ")
    with pytest.raises(InvalidInput, match="at most 3 characters, not 4"):
        parse_text("name", "abcd", max_len=3)
    with pytest.raises(InvalidInput, match="not a number"):
        parse_text("name", 5)


def test_text_list_parses_each_item_and_names_the_bad_one() -> None:
    assert parse_text_list("tags", [" a", "b "]) == ("a", "b")
    with pytest.raises(InvalidInput) as e:
        parse_text_list("tags", ["a", 3])
    assert e.value.field == "tags[1]"
    with pytest.raises(InvalidInput, match="list of strings"):
        parse_text_list("tags", "a")


# --- dates, months, instants ------------------------------------------------------------


def test_date_parses_strict_iso_dates() -> None:
    assert parse_date("on", "2016-02-29") == dt.date(2016, 2, 29)


@pytest.mark.parametrize(
    "bad", ["2019-02-30", "2019-13-01", "2019-2-3", "20190203", "2019-02-03T00:00:00", ""]
)
def test_date_refuses_unreal_or_loose_dates(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date("on", bad)


def test_date_refusal_says_why() -> None:
    with pytest.raises(InvalidInput) as e:
        parse_date("on", "2019-02-30")
    assert reason(e) == "'2019-02-30' is not a real date: 2019-02 has 28 days"


@pytest.mark.parametrize("bad", [None, 20190203, dt.date(2019, 2, 3), dt.datetime(2019, 2, 3)])
def test_date_refuses_non_strings(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_date("on", bad)


@pytest.mark.parametrize(
    "written",
    [
        "2017-09-01",
        "2017-9-1",
        "2017/9/1",
        "2017/09/01",
        "2017.9.1",
        "2017年9月1日",
        "20170901",
        "2017/9/1 0:00",
        "2017/9/1 00:00:00",
        " 2017/9/1 ",
    ],
)
def test_form_dates_read_as_chinese_excel_and_clerks_write_them(written: str) -> None:
    assert parse_form_date("surveyed_on", written) == dt.date(2017, 9, 1)


@pytest.mark.parametrize(
    "bad",
    [
        "２０１７/9/1",
        "2017/9-1",
        "2017/9/1 8:30",
        "2017年9月1",
        "201791",
        "2017/2/30",
        "1899/12/31",
        "9/1/2017",
        "",
        20170901,
    ],
)
def test_form_dates_stay_ascii_real_and_unambiguous(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_form_date("surveyed_on", bad)


def test_the_json_api_still_takes_only_iso_dates() -> None:
    with pytest.raises(InvalidInput):
        parse_date("surveyed_on", "2017/9/1")


def test_month_is_strict() -> None:
    assert parse_month("month", "2018-07") == "2018-07"
    for bad in ["2018-13", "2018-00", "2018-7", "2018-07-01", 201807]:
        with pytest.raises(InvalidInput):
            parse_month("month", bad)


def test_instant_needs_a_time_zone_and_comes_back_in_utc() -> None:
    parsed = parse_instant("at", "2018-03-01T09:30:00+08:00")
    assert parsed == dt.datetime(2018, 3, 1, 1, 30, tzinfo=dt.UTC)
    assert parsed.utcoffset() == dt.timedelta(0)
    assert parse_instant("at", "2018-03-01T01:30:00Z") == parsed
    with pytest.raises(InvalidInput, match="no time zone"):
        parse_instant("at", "2018-03-01T09:30:00")
    for bad in ["2018-03-01", "2018-02-30T00:00:00Z", 1519868000, None]:
        with pytest.raises(InvalidInput):
            parse_instant("at", bad)


# --- money ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("200", "200.00"), ("200.5", "200.50"), ("0.01", "0.01"), (1500, "1500.00"), ("0", "0.00")],
)
def test_money_accepts_decimal_strings_and_integers(given: Any, expected: str) -> None:
    amount = parse_money("amount", given)
    assert amount == Decimal(expected)
    assert money_str(amount) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "1.234",
        "-1",
        "NaN",
        "Infinity",
        "1e3",
        " 1",
        "1.",
        ".5",
        "",
        "1,000",
        1.5,
        200.0,
        True,
        None,
        "1" * 13,
    ],
)
def test_money_refuses_everything_else(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_money("amount", bad)


def test_money_refusals_say_why() -> None:
    with pytest.raises(InvalidInput, match="at most 2 decimal places, not 3"):
        parse_money("amount", "1.234")
    with pytest.raises(InvalidInput, match="negative"):
        parse_money("amount", "-1")
    with pytest.raises(InvalidInput, match="not a number"):
        parse_money("amount", 1.5)
    with pytest.raises(InvalidInput, match="more than zero"):
        parse_money("amount", "0.00", allow_zero=False)


def test_money_str_always_shows_two_decimals() -> None:
    assert money_str(Decimal("200")) == "200.00"
    assert money_str(Decimal("1E+3")) == "1000.00"


# --- booleans, integers, choices ------------------------------------------------------


def test_bool_is_a_real_json_boolean() -> None:
    assert parse_bool("flag", True) is True
    for bad in [1, 0, "true", None]:
        with pytest.raises(InvalidInput):
            parse_bool("flag", bad)


def test_int_refuses_booleans_floats_and_out_of_range() -> None:
    assert parse_int("n", 3, minimum=1, maximum=5) == 3
    for bad in [True, 1.0, "3"]:
        with pytest.raises(InvalidInput):
            parse_int("n", bad)
    with pytest.raises(InvalidInput, match="at least 1, not 0"):
        parse_int("n", 0, minimum=1)
    with pytest.raises(InvalidInput, match="at most 5, not 6"):
        parse_int("n", 6, maximum=5)


def test_choice_lists_the_options_when_refusing() -> None:
    assert parse_choice("kind", "a", {"a", "b"}) == "a"
    with pytest.raises(InvalidInput, match="one of a, b, not 'c'"):
        parse_choice("kind", "c", {"a", "b"})


# --- resident ID numbers (GB 11643-1999) ------------------------------------------------


def test_id_number_with_the_right_check_digit_is_accepted() -> None:
    assert id_check_char("43010219900307123") == "4"
    assert parse_id_number("id_number", VALID_ID) == VALID_ID
    assert birth_date_of_id_number(VALID_ID) == dt.date(1990, 3, 7)


def test_id_number_check_x_is_accepted_upper_case_only() -> None:
    # The standard's own example number: one spelling per person (CONTRACT), so the
    # lower-case x is refused rather than silently read as X.
    assert parse_id_number("id_number", "11010519491231002X") == "11010519491231002X"
    with pytest.raises(InvalidInput, match="upper-case X"):
        parse_id_number("id_number", "11010519491231002x")


def test_id_number_with_a_wrong_check_digit_is_refused_with_the_right_one() -> None:
    with pytest.raises(InvalidInput) as e:
        parse_id_number("id_number", VALID_ID[:17] + "3")
    assert reason(e) == "check digit should be 4, not 3"


def test_id_number_with_an_unreal_birth_date_is_refused() -> None:
    first17 = "43010219900230123"  # 1990-02-30
    with pytest.raises(InvalidInput, match="birth date 19900230"):
        parse_id_number("id_number", first17 + id_check_char(first17))


@pytest.mark.parametrize(
    "bad",
    ["43010219900307123", "4301021990030712345", "4301021990030712X4", 430102199003071234, None],
)
def test_id_number_of_wrong_shape_is_refused(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_id_number("id_number", bad)


def test_mask_hides_the_last_four_so_the_birth_date_beside_it_rebuilds_nothing() -> None:
    # CONTRACT: nothing shown beside the mask rebuilds the number; the birth date is
    # characters 7-14, so those may show and the sequence and check character may not.
    assert mask_id_number(VALID_ID) == "43010219900307****"


# --- divisions ------------------------------------------------------------------------


def test_division_must_be_known_and_in_hunan_when_asked() -> None:
    assert parse_division("home", "110101") == "110101"
    assert parse_division("home", "430102", hunan=True, levels={"county"}) == "430102"
    with pytest.raises(InvalidInput, match=r"110101 \(东城区\) is not a division of Hunan"):
        parse_division("home", "110101", hunan=True)
    with pytest.raises(InvalidInput, match="not a known division code"):
        parse_division("home", "999999")
    with pytest.raises(InvalidInput, match="6-digit"):
        parse_division("home", 430102)
    with pytest.raises(InvalidInput, match="is a prefecture, not a county"):
        parse_division("home", "430100", levels={"county"})


# --- calendar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (dt.date(2018, 1, 15), 6, dt.date(2018, 7, 15)),  # POLICY's own example
        (dt.date(2018, 1, 31), 1, dt.date(2018, 2, 28)),
        (dt.date(2016, 1, 31), 1, dt.date(2016, 2, 29)),
        (dt.date(2018, 8, 31), 1, dt.date(2018, 9, 30)),
        (dt.date(2018, 11, 30), 3, dt.date(2019, 2, 28)),
        (dt.date(2018, 3, 31), -1, dt.date(2018, 2, 28)),
        (dt.date(2016, 2, 29), 12, dt.date(2017, 2, 28)),
        (dt.date(2018, 5, 5), 0, dt.date(2018, 5, 5)),
    ],
)
def test_add_months_clamps_to_month_end(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_months(start, n) == expected


def test_age_counts_completed_years() -> None:
    birth = dt.date(1990, 3, 7)
    assert age_on(birth, dt.date(2006, 3, 6)) == 15
    assert age_on(birth, dt.date(2006, 3, 7)) == 16


def test_leap_day_birthday_is_1_march_in_common_years() -> None:
    birth = dt.date(2000, 2, 29)
    assert age_on(birth, dt.date(2016, 2, 28)) == 15
    assert age_on(birth, dt.date(2016, 2, 29)) == 16
    assert age_on(birth, dt.date(2017, 2, 28)) == 16
    assert age_on(birth, dt.date(2018, 2, 28)) == 17
    assert age_on(birth, dt.date(2018, 3, 1)) == 18


def test_months() -> None:
    assert month_of(dt.date(2018, 7, 15)) == "2018-07"
    assert month_first_day("2018-07") == dt.date(2018, 7, 1)
    assert months_between("2018-11", "2019-02") == ["2018-11", "2018-12", "2019-01", "2019-02"]
    assert months_between("2018-07", "2018-07") == ["2018-07"]
    assert months_between("2018-08", "2018-07") == []

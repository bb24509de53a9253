"""The calendar arithmetic the policy reads by: months on post, completed years of age,
calendar months named YYYY-MM (POLICY "How dates, ages and counts are read")."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, n: int) -> dt.date:
    """`day` plus n calendar months, clamped to the month's end (01-31 + 1 -> 02-28/29).

    POLICY "How dates…are read": 6 months after 2018-01-15 is 2018-07-15.
    """
    index = day.year * 12 + (day.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in completed years on `day`; someone born on 29 February has birthdays on 1 March
    in common years."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def month_of(day: dt.date) -> str:
    """The month holding `day`, as YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def month_first_day(month: str) -> dt.date:
    """The first day of a YYYY-MM month."""
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive (empty if `last` is before `first`)."""
    months: list[str] = []
    day = month_first_day(first)
    end = month_first_day(last)
    while day <= end:
        months.append(month_of(day))
        day = add_months(day, 1)
    return months

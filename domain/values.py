"""Parsers for untrusted input, and the small calendar and money helpers the policy reads by.

Every `parse_*` takes the field name and a value straight from JSON (so of any type) and
returns a typed value or raises `InvalidInput(field, reason)` with a reason a person can act on.

Every id, code, amount, date and ID number is ASCII, written one way (CONTRACT "Personal
data and hostile input"): `\\d` and `int()` accept any Unicode digit — full-width `４`,
Arabic-Indic `٤` — so every pattern here spells its digits `[0-9]`, and nothing is silently
normalised. Two spellings of one person or one id would be two keys, and every guard keyed
on them (R24, R18–R20) could be dodged.

Dates are kept between 1900-01-01 and 2099-12-31: the policy's facts lie in 2017–2020, the
oldest birth date a working-age person can carry lies after 1900, and a bound well inside
`datetime`'s range keeps every calendar sum (a placement's 36th month, a period's end, the
day before a statement) from overflowing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Any

from domain import divisions
from domain.errors import InvalidInput

CENT = Decimal("0.01")
MAX_MONEY_INTEGER_DIGITS = 12

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)

_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# How people and Chinese Excel write a date on a form or a treasury file: 2017-09-01,
# 2017/9/1, 2017.9.1, 2017年9月1日, 20170901 — and a datetime cell saved as CSV adds a
# midnight (2017/9/1 0:00). Still ASCII digits only: ２０１７/9/1 is refused.
_FORM_DATE = re.compile(
    r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})日|([0-9]{2})([0-9]{2}))"
    r"(?:[ T]0{1,2}:00(?::00)?)?"
)
_YEAR = re.compile(r"[0-9]{4}")
_INSTANT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_MONEY = re.compile(r"([0-9]+)(?:\.([0-9]+))?")
_DIVISION = re.compile(r"[0-9]{6}")
_POSITION = re.compile(r"[0-9]{1,18}")


def _kind(value: object) -> str:
    """How a JSON value reads to a person: 'a number', 'null', 'a list'…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _require_str(field: str, value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, f"should be {what}, not {_kind(value)}")
    return value


def parse_identifier(field: str, value: object) -> str:
    """1–64 characters of letters, digits and `_ . : -`."""
    text = _require_str(field, value, "an identifier string")
    if not text:
        raise InvalidInput(field, "should not be empty")
    if len(text) > 64:
        raise InvalidInput(field, f"should be at most 64 characters, not {len(text)}")
    if not _IDENTIFIER.fullmatch(text):
        raise InvalidInput(field, "should contain only letters, digits and the characters _ . : -")
    return text


def parse_text(field: str, value: object, max_len: int = 200, required: bool = True) -> str:
    """A string, stripped; empty is refused when `required`, longer than `max_len` always."""
    text = _require_str(field, value, "a string").strip()
    if required and not text:
        raise InvalidInput(field, "should not be empty")
    if len(text) > max_len:
        raise InvalidInput(field, f"should be at most {max_len} characters, not {len(text)}")
    return text


def _make_date(field: str, year: int, month: int, day: int, shown: str) -> dt.date:
    if not 1 <= month <= 12:
        raise InvalidInput(field, f"{shown!r} has no month {month:02d}")
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise InvalidInput(field, f"{shown!r} lies outside the years {_YEARS}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InvalidInput(
            field, f"{shown!r} is not a real date: {year:04d}-{month:02d} has {last} days"
        )
    return dt.date(year, month, day)


_YEARS = f"{FIRST_DAY.year}–{LAST_DAY.year} this ledger keeps"


def parse_date(field: str, value: object) -> dt.date:
    """A calendar date written exactly `YYYY-MM-DD`."""
    text = _require_str(field, value, "a date string YYYY-MM-DD")
    match = _DATE.fullmatch(text)
    if match is None:
        raise InvalidInput(field, f"should be a date written YYYY-MM-DD, not {text!r}")
    year, month, day = (int(g) for g in match.groups())
    return _make_date(field, year, month, day, text)


def parse_form_date(field: str, value: object) -> dt.date:
    """A date as a clerk's form or the treasury's file writes it (see _FORM_DATE); the
    JSON API itself takes only YYYY-MM-DD (parse_date)."""
    text = _require_str(field, value, "a date string")
    match = _FORM_DATE.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(
            field, f"should be a date such as 2017-09-01, 2017/9/1 or 2017年9月1日, not {text!r}"
        )
    year, _, *parts = match.groups()
    month, day = (int(part) for part in parts if part is not None)
    return _make_date(field, int(year), month, day, text)


def parse_month(field: str, value: object) -> str:
    """A calendar month written exactly `YYYY-MM`, returned as written."""
    text = _require_str(field, value, "a month string YYYY-MM")
    match = _MONTH.fullmatch(text)
    if match is None:
        raise InvalidInput(field, f"should be a month written YYYY-MM, not {text!r}")
    year, month = int(match[1]), int(match[2])
    _make_date(field, year, month, 1, text)
    return f"{year:04d}-{month:02d}"


def parse_period(field: str, value: object) -> str:
    """A fiscal year `YYYY` or a month `YYYY-MM` (R23, reconciliation), returned as written."""
    text = _require_str(field, value, "a period YYYY or YYYY-MM")
    if _YEAR.fullmatch(text):
        _make_date(field, int(text), 1, 1, text)
        return text
    if _MONTH.fullmatch(text) is None:
        raise InvalidInput(field, f"should be a year YYYY or a month YYYY-MM, not {text!r}")
    return parse_month(field, text)


def parse_position(field: str, value: object) -> int:
    """A position in the ledger's log: a whole number of at most 18 ASCII digits."""
    text = _require_str(field, value, "a position (a whole number)")
    if _POSITION.fullmatch(text) is None:
        raise InvalidInput(field, "should be a position (a whole number of at most 18 digits)")
    return int(text)


def parse_instant(field: str, value: object) -> dt.datetime:
    """An RFC 3339 timestamp with its offset (e.g. `2018-03-01T09:30:00+08:00`), in UTC."""
    text = _require_str(field, value, "an RFC 3339 timestamp string")
    match = _INSTANT.fullmatch(text)
    if match is None:
        if _INSTANT.fullmatch(text + "Z") is not None:
            raise InvalidInput(field, f"{text!r} has no time zone; add 'Z' or an offset")
        raise InvalidInput(
            field, f"should be an RFC 3339 timestamp like 2018-03-01T09:30:00+08:00, not {text!r}"
        )
    try:
        parsed = dt.datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
        instant = parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # 0001-01-01T00:00:00+01:00 has no UTC instant
        raise InvalidInput(field, f"{text!r} is not a real date and time") from None
    if not FIRST_DAY <= instant.date() <= LAST_DAY:
        raise InvalidInput(field, f"{text!r} lies outside the years {_YEARS}")
    return instant


def parse_money(field: str, value: object, allow_zero: bool = True) -> Decimal:
    """A non-negative amount of yuan as a decimal string (or an integer), at most 2 decimals.

    Floats are refused: money is built from strings, never from binary fractions.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInput(
            field, f'should be an amount written as a string like "200.00", not {_kind(value)}'
        )
    text = str(value)
    if text.startswith("-"):
        raise InvalidInput(field, f"should not be negative, not {text}")
    match = _MONEY.fullmatch(text)
    if match is None:
        raise InvalidInput(field, f'should be an amount like "200.00", not {text!r}')
    integer, fraction = match[1], match[2] or ""
    if len(fraction) > 2:
        raise InvalidInput(field, f"should have at most 2 decimal places, not {len(fraction)}")
    if len(integer.lstrip("0")) > MAX_MONEY_INTEGER_DIGITS:
        raise InvalidInput(
            field, f"should have at most {MAX_MONEY_INTEGER_DIGITS} digits before the point"
        )
    try:
        amount = Decimal(text).quantize(CENT)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
        raise InvalidInput(field, f'should be an amount like "200.00", not {text!r}') from None
    if not allow_zero and amount == 0:
        raise InvalidInput(field, "should be more than zero")
    return amount


def parse_bool(field: str, value: object) -> bool:
    """A JSON `true` or `false` — not 0/1, not "true"."""
    if not isinstance(value, bool):
        raise InvalidInput(field, f"should be true or false, not {_kind(value)}")
    return value


def parse_int(
    field: str, value: object, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A JSON integer (not a boolean, not a float) within the optional bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"should be a whole number, not {_kind(value)}")
    if minimum is not None and value < minimum:
        raise InvalidInput(field, f"should be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise InvalidInput(field, f"should be at most {maximum}, not {value}")
    return value


def parse_choice(field: str, value: object, choices: Collection[str]) -> str:
    """One of `choices`, exactly."""
    options = ", ".join(sorted(choices))
    text = _require_str(field, value, f"one of {options}")
    if text not in choices:
        raise InvalidInput(field, f"should be one of {options}, not {text!r}")
    return text


def parse_text_list(
    field: str, value: object, max_len: int = 200, max_items: int = 100
) -> tuple[str, ...]:
    """A JSON list of non-empty strings, each stripped."""
    if not isinstance(value, list | tuple):
        raise InvalidInput(field, f"should be a list of strings, not {_kind(value)}")
    if len(value) > max_items:
        raise InvalidInput(field, f"should have at most {max_items} items, not {len(value)}")
    items: list[Any] = list(value)
    return tuple(parse_text(f"{field}[{i}]", item, max_len) for i, item in enumerate(items))


def parse_division(
    field: str, value: object, *, hunan: bool = False, levels: Collection[str] | None = None
) -> str:
    """A GB/T 2260 division code in the national list; in Hunan and at `levels` if asked."""
    text = _require_str(field, value, "a 6-digit division code string")
    if not _DIVISION.fullmatch(text):
        raise InvalidInput(field, f"should be a 6-digit division code, not {text!r}")
    if not divisions.is_known(text):
        raise InvalidInput(field, f"{text} is not a known division code")
    if hunan and not divisions.is_hunan(text):
        raise InvalidInput(field, f"{text} ({divisions.name(text)}) is not a division of Hunan")
    if levels is not None and divisions.level(text) not in levels:
        wanted = " or ".join(sorted(levels))
        raise InvalidInput(
            field,
            f"{text} ({divisions.name(text)}) is a {divisions.level(text)}, not a {wanted}",
        )
    return text


def money_str(amount: Decimal) -> str:
    """Always two decimals: Decimal('200') -> '200.00'."""
    return f"{amount.quantize(CENT):f}"


# Kept here so that `domain.values` stays the one place to find a parser; defined beside
# what they need (an import at the end: those modules import this one).
from domain.dates import (  # noqa: E402
    add_months,
    age_on,
    month_first_day,
    month_of,
    months_between,
)
from domain.id_numbers import (  # noqa: E402
    MASK_HIDDEN,
    birth_date_of_id_number,
    id_check_char,
    mask_id_number,
    parse_id_number,
)

__all__ = [
    "MASK_HIDDEN",
    "add_months",
    "age_on",
    "birth_date_of_id_number",
    "id_check_char",
    "mask_id_number",
    "month_first_day",
    "month_of",
    "months_between",
    "parse_id_number",
]

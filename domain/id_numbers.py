"""Resident identity card numbers (居民身份证号码, GB 11643-1999): the check character,
the birth date inside, the parser and the mask. A number is never kept in clear: the
ledger keeps a keyed hash (adapters/settings.py) and the mask."""

from __future__ import annotations

import datetime as dt
import re

from domain.errors import InvalidInput
from domain.values import _make_date, _require_str

_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
# GB 11643-1999 公民身份号码: ISO 7064 MOD 11-2 check character.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def parse_id_number(field: str, value: object) -> str:
    """A resident identity card number (居民身份证号码, GB 11643-1999), exactly as written:
    18 ASCII characters, the check character a digit or an upper-case X."""
    text = _require_str(field, value, "an 18-character ID number string")
    if len(text) != 18:
        raise InvalidInput(field, f"should be 18 characters, not {len(text)}")
    if not _ID_NUMBER.fullmatch(text):
        # One spelling per person (R24): ASCII digits, and the check character X upper-case.
        raise InvalidInput(
            field, "should be 17 ASCII digits 0-9 followed by a digit or an upper-case X"
        )
    expected = id_check_char(text[:17])
    if text[17] != expected:
        raise InvalidInput(field, f"check digit should be {expected}, not {text[17]}")
    birth = text[6:14]
    try:
        _make_date(field, int(birth[:4]), int(birth[4:6]), int(birth[6:]), birth)
    except InvalidInput:
        raise InvalidInput(
            field, f"birth date {birth} (characters 7–14) is not a real date"
        ) from None
    return text


def birth_date_of_id_number(id_number: str) -> dt.date:
    """The birth date embedded in a valid ID number (characters 7–14, YYYYMMDD)."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


MASK_HIDDEN = 4


def mask_id_number(id_number: str) -> str:
    """The last four characters hidden: 43010419880808****.

    CONTRACT: nothing shown or stored beside it — the birth date included — may rebuild
    the number. Characters 7–14 are the birth date, shown beside the mask anyway; the
    hidden three-digit sequence number and the check character it determines leave 1,000
    candidates. (The old mask, 430102********1234, hid only the birth date.)"""
    return id_number[:-MASK_HIDDEN] + "*" * MASK_HIDDEN


# An ID number standing alone in free text (a treasury 用途 such as "张三 430102199003070012
# 就业补贴"): 17 digits and a check character, with no digit or letter either side.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([0-9]{14})[0-9]{3}[0-9Xx](?![0-9A-Za-z])")


def mask_id_numbers_in(text: str) -> str:
    """The text with every ID-number-shaped run masked as mask_id_number masks it: free
    text from an upload (a payee, a purpose, an error's echo of a cell) is kept and
    shown, and an ID number inside it must not be (CONTRACT "Personal data")."""
    return _ID_IN_TEXT.sub(lambda match: match[1] + "*" * MASK_HIDDEN, text)

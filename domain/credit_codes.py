"""统一社会信用代码 (GB 32100-2015): the code the treasury names an organisation by.

18 characters of the 31-character alphabet below (no I, O, S, V or Z): the registering
authority, the organisation's type, its division (GB/T 2260), its organisation code
(GB 11714) and a check character over the first 17 (ISO 7064 MOD 31-3, the standard's
weights). Written one way: ASCII, upper case — like every key (CONTRACT)."""

from __future__ import annotations

import re

from domain.errors import InvalidInput
from domain.values import _require_str

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CODE = re.compile(f"[{ALPHABET}]{{18}}")


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(field: str, value: object) -> str:
    """A unified social credit code, exactly as written: 18 ASCII characters of its
    alphabet, upper case, whose check character is right."""
    text = _require_str(field, value, "an 18-character credit code string")
    if len(text) != 18:
        raise InvalidInput(field, f"should be 18 characters, not {len(text)}")
    if _CODE.fullmatch(text) is None:
        raise InvalidInput(
            field, "should be ASCII digits and upper-case letters other than I, O, S, V and Z"
        )
    expected = credit_check_char(text[:17])
    if text[17] != expected:
        raise InvalidInput(field, f"check character should be {expected}, not {text[17]}")
    return text

"""Every keyed identifier has one spelling (CONTRACT "Personal data and hostile input").

An audit registered `430104198001010014`, the same number with one Arabic-Indic `١`, and the
same in full-width digits as three workers, and R7 was paid three times in one year: `\\d`
and `int()` accept any Unicode digit. The class of the bug is "two spellings, two keys", so
the property tests below state it for every parser a key is made from."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.values import (
    id_check_char,
    parse_date,
    parse_division,
    parse_id_number,
    parse_identifier,
    parse_money,
    parse_month,
    parse_period,
    parse_position,
)
from service.imports import import_surveys
from service.ledger import Ledger
from tests import builders as b

pytestmark = pytest.mark.both_stores  # keys (R24 and every identifier) as each store compares them

NUMBER = "430104198001010014"
ARABIC_INDIC = NUMBER[:5] + "\u0661" + NUMBER[6:]  # one ١ for the 1
FULL_WIDTH = "".join(chr(ord(c) - ord("0") + ord("０")) for c in NUMBER)


def register(ledger: Ledger, worker_id: str, number: str) -> None:
    b.post(
        ledger,
        "WorkerRegistered",
        worker_id=worker_id,
        name="李四",
        id_number=number,
        birth_date="1980-01-01",
        home_division="430104",
        registered_on="2017-01-01",
    )


def test_R24_a_person_cannot_be_registered_again_with_non_ascii_digits(ledger: Ledger) -> None:
    register(ledger, "w-ascii", NUMBER)
    for worker_id, spelling in (("w-arabic", ARABIC_INDIC), ("w-full", FULL_WIDTH)):
        with pytest.raises(InvalidInput) as refused:
            register(ledger, worker_id, spelling)
        assert refused.value.field == "data.id_number"
    with b.refused("R24", ledger):
        register(ledger, "w-again", NUMBER)


def test_R24_the_survey_import_refuses_non_ascii_digits_row_by_row(ledger: Ledger) -> None:
    header = "姓名,身份证号,户籍所在地代码,摸查日期,摸查人,就业状态,就业意愿\n"
    rows = [
        f"李四,{n},430104,2018-03-01,王五,未就业,是\n" for n in (NUMBER, ARABIC_INDIC, FULL_WIDTH)
    ]
    report = import_surveys(ledger, (header + "".join(rows)).encode(), "clerk")
    assert report.recorded == 1
    assert [(e.row, e.field) for e in report.errors] == [(3, "id_number"), (4, "id_number")]


# --- one spelling per key, for every parser a key is made from ------------------------


# What a person means by a character: a digit's value (whatever its script), a letter's
# upper-case ASCII form after compatibility folding (ｘ, x and X all mean X).
def meaning(text: str) -> str:
    out = []
    for char in text:
        digit = unicodedata.digit(char, None)
        out.append(str(digit) if digit is not None else unicodedata.normalize("NFKC", char).upper())
    return "".join(out).strip()


DIGITS = [chr(ord("0") + i) for i in range(10)]
LOOKALIKE_DIGITS = [
    *(chr(0xFF10 + i) for i in range(10)),  # full-width
    *(chr(0x0660 + i) for i in range(10)),  # Arabic-Indic
    *(chr(0x06F0 + i) for i in range(10)),  # Extended Arabic-Indic (Persian)
    *(chr(0x0966 + i) for i in range(10)),  # Devanagari
    "\u00b2",  # superscript two: isdigit() but not int()
    "\U0001d7ce",  # mathematical bold zero
]
OTHER = ["X", "x", "ｘ", "Ｘ", "-", "－", ".", ":", "_", " ", "\u00a0", "\u200b", "a", "A"]
ALPHABET = DIGITS + LOOKALIKE_DIGITS + OTHER


def spellings_of(canonical: str, case_sensitive: bool) -> st.SearchStrategy[str]:
    """Other ways to write `canonical`: some of its characters swapped for look-alikes,
    maybe with spaces around it. In a case-sensitive id, `x` and `X` are two ids, not
    two spellings of one."""
    alternatives = {
        d: [d, *(c for c in LOOKALIKE_DIGITS if unicodedata.digit(c, None) == int(d))]
        for d in DIGITS
    }
    alternatives["-"] = ["-", "－"]
    alternatives["X"] = ["X", "Ｘ"] if case_sensitive else ["X", "x", "ｘ", "Ｘ"]

    @st.composite
    def build(draw: st.DrawFn) -> str:
        chars = [draw(st.sampled_from(alternatives.get(c, [c]))) for c in canonical]
        pad = draw(st.sampled_from(["", " ", "\u00a0", "\u200b"]))
        return pad + "".join(chars) + draw(st.sampled_from(["", " "]))

    return build()


def accepted(parse: Callable[[str, object], object], text: str) -> object | None:
    try:
        return parse("field", text)
    except InvalidInput:
        return None


def valid_id_numbers() -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        day = draw(st.dates(parse_date("d", "1950-01-01"), parse_date("d", "2010-12-31")))
        serial = draw(st.integers(0, 999))
        first17 = f"430104{day:%Y%m%d}{serial:03d}"
        return first17 + id_check_char(first17)

    return build()


KEYED: list[tuple[str, Callable[[str, object], object], st.SearchStrategy[str]]] = [
    ("identifier", parse_identifier, st.from_regex(r"[A-Za-z0-9_.:-]{1,64}", fullmatch=True)),
    ("id_number", parse_id_number, valid_id_numbers()),
    (
        "division",
        parse_division,
        st.sampled_from(["430000", "430100", "430104", "430124", "110101", "440106"]),
    ),
    (
        "date",
        parse_date,
        st.dates(parse_date("d", "1900-01-01"), parse_date("d", "2099-12-31")).map(str),
    ),
    ("month", parse_month, st.from_regex(r"20[0-9]{2}-(0[1-9]|1[0-2])", fullmatch=True)),
    ("period", parse_period, st.from_regex(r"20[0-9]{2}(-(0[1-9]|1[0-2]))?", fullmatch=True)),
    ("position", parse_position, st.from_regex(r"[1-9][0-9]{0,17}", fullmatch=True)),
    ("money", parse_money, st.from_regex(r"[1-9][0-9]{0,11}\.[0-9]{2}", fullmatch=True)),
]


@pytest.mark.parametrize(("name", "parse", "canonical"), KEYED, ids=[k[0] for k in KEYED])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_key_has_one_spelling_and_every_spelling_of_it_gives_that_key(
    name: str,
    parse: Callable[[str, object], object],
    canonical: st.SearchStrategy[str],
    data: st.DataObject,
) -> None:
    """A canonical spelling is accepted; any other spelling of the same thing (look-alike
    digits, a lower-case or full-width X, padding) is refused rather than read as the same
    or another key — so one person or one id can never hold two keys."""
    original = data.draw(canonical)
    key = parse("field", original)
    assert key is not None
    other = data.draw(spellings_of(original, case_sensitive=name == "identifier"))
    found = accepted(parse, other)
    if other == original:
        assert found == key
    else:
        assert found is None, f"{name}: {other!r} accepted as {found!r} beside {original!r}"


@pytest.mark.parametrize(("name", "parse", "canonical"), KEYED, ids=[k[0] for k in KEYED])
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, min_size=1, max_size=20))
def test_no_key_is_made_from_anything_but_ascii(
    name: str, parse: Callable[[str, object], object], canonical: object, text: str
) -> None:
    """Whatever the parser accepts is ASCII, and is its own canonical spelling: parsing
    the result again gives the same key, and only that spelling means it."""
    found = accepted(parse, text)
    if found is None:
        return
    assert text.isascii(), f"{name}: accepted non-ASCII {text!r}"
    assert meaning(text) == text.upper() or name == "identifier"
    assert accepted(parse, str(found) if name != "money" else text) == found

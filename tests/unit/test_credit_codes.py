"""统一社会信用代码 (GB 32100-2015): the treasury names organisations by it, so it is
checked like an ID number — its check character, one spelling — and one organisation
holds one code."""

from __future__ import annotations

import pytest

from domain.commands import RegisterOrganisation
from domain.credit_codes import credit_check_char, parse_credit_code
from domain.errors import Conflict, InvalidInput
from domain.organisation import Organisation
from domain.recorded import Actor, Recording

# Published codes of real companies (their registrations are public records).
REAL = ["914403001922038216", "91330100716105852F", "9144030071526726XG", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL)
def test_a_real_credit_code_is_accepted_as_written(code: str) -> None:
    assert parse_credit_code("credit_code", code) == code
    assert credit_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("914403001922038217", "check character should be 6"),
        ("9144030071526726xg", "upper-case"),
        ("９１４４０３００１９２２０３８２１６", "ASCII"),
        ("91440300192203821", "18 characters"),
        ("9144030019220382I6", "other than I, O, S, V and Z"),
    ],
)
def test_a_wrong_or_second_spelling_of_a_credit_code_is_refused(code: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_credit_code("credit_code", code)


def test_one_organisation_holds_one_credit_code() -> None:
    command = RegisterOrganisation("em-1", "某某公司", "430102", "enterprise", REAL[0])
    recording = Recording(Actor("clerk"), "ev-1")
    assert Organisation.register(command, (False, False), recording).credit_code == REAL[0]
    with pytest.raises(Conflict, match="credit_code"):
        Organisation.register(command, (False, True), recording)

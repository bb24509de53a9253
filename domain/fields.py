"""The kinds of field a command carries, each with the one parser that reads it from
untrusted input and the JSON schema that documents it.

A command's field is declared `Annotated[<type>, Spec(...)]`: the service builds every
edge's validator from these (HTTP, the survey form, the command line), so a field is
parsed one way wherever it comes from, and documented as it is parsed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from domain import values
from domain.credit_codes import parse_credit_code

IDENTIFIER = "^[A-Za-z0-9_.:-]{1,64}$"
AMOUNT = "^[0-9]{1,12}(\\.[0-9]{1,2})?$"
DIVISION = "^[0-9]{6}$"


@dataclass(frozen=True)
class Spec:
    """How one field is read (`parse(field_name, raw_value)`, raising InvalidInput) and
    documented (`schema`). An `optional` field reads absent, null or "" as None."""

    parse: Callable[[str, object], Any]
    schema: Mapping[str, Any] = field(default_factory=dict)
    optional: bool = False


def spec(parse: Callable[..., Any], schema: Mapping[str, Any], **options: Any) -> Spec:
    return Spec(partial(parse, **options) if options else parse, schema)


def choice(options: Collection[str]) -> Spec:
    return Spec(partial(_choice, options=tuple(options)), {"type": "string", "enum": list(options)})


def _choice(name: str, value: object, options: tuple[str, ...]) -> str:
    return values.parse_choice(name, value, options)


def text(max_len: int = 200) -> Spec:
    return spec(values.parse_text, {"type": "string", "minLength": 1, "maxLength": max_len},
                max_len=max_len)  # fmt: skip


def maybe(kind: Spec) -> Spec:
    """The same field, optional."""
    return Spec(kind.parse, kind.schema, optional=True)


ID = Spec(values.parse_identifier, {"type": "string", "pattern": IDENTIFIER})
DAY = Spec(values.parse_date, {"type": "string", "format": "date", "examples": ["2018-03-01"]})
MONTH = Spec(values.parse_month, {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})
PERIOD = Spec(values.parse_period, {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2})?$"})
MONEY = Spec(values.parse_money, {"type": "string", "pattern": AMOUNT, "examples": ["200.00"]})
POSITIVE_MONEY = spec(values.parse_money, MONEY.schema, allow_zero=False)
ID_NUMBER = Spec(
    values.parse_id_number,
    {"type": "string", "pattern": "^[0-9]{17}[0-9X]$", "description": "GB 11643, 18 characters"},
)
DIVISION_CODE = Spec(values.parse_division, {"type": "string", "pattern": DIVISION})
HUNAN_DIVISION = spec(values.parse_division, DIVISION_CODE.schema, hunan=True)
HUNAN_COUNTY = spec(values.parse_division, DIVISION_CODE.schema, hunan=True, levels=("county",))
FLAG = Spec(values.parse_bool, {"type": "boolean"})
CREDIT_CODE = Spec(
    parse_credit_code,
    {
        "type": "string",
        "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$",
        "description": "统一社会信用代码, GB 32100",
    },
)
TEXT_LIST = Spec(values.parse_text_list, {"type": "array", "items": {"type": "string"}})

Id = Annotated[str, ID]
MaybeId = Annotated[str | None, maybe(ID)]
Name = Annotated[str, text()]
MaybeText = Annotated[str | None, maybe(text())]
Day = Annotated[date, DAY]
Month = Annotated[str, MONTH]
Period = Annotated[str, PERIOD]
Money = Annotated[Decimal, MONEY]
PositiveMoney = Annotated[Decimal, POSITIVE_MONEY]
MaybeMoney = Annotated[Decimal | None, maybe(MONEY)]
IdNumber = Annotated[str, ID_NUMBER]
Division = Annotated[str, DIVISION_CODE]
MaybeDivision = Annotated[str | None, maybe(DIVISION_CODE)]
HunanDivision = Annotated[str, HUNAN_DIVISION]
HomeCounty = Annotated[str, HUNAN_COUNTY]
Flag = Annotated[bool, FLAG]
MaybeFlag = Annotated[bool | None, maybe(FLAG)]
MaybeCreditCode = Annotated[str | None, maybe(CREDIT_CODE)]
TextList = Annotated[tuple[str, ...], TEXT_LIST]


def whole_number(minimum: int, maximum: int) -> Spec:
    return spec(values.parse_int, {"type": "integer", "minimum": minimum, "maximum": maximum},
                minimum=minimum, maximum=maximum)  # fmt: skip

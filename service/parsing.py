"""The one parser of every edge: a pydantic model per command, built from the command's
own field kinds (`domain/fields.py`), so HTTP, the survey form and the command line read
a field the same way and `/openapi.json` documents what is read.

`model_of(Command)` validates raw JSON-like data — each field through its domain parser,
unknown fields refused — and its `command()` is the command. Off HTTP, `parse(Command,
data)` does both and reports the first bad field as InvalidInput."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError, create_model
from pydantic import WithJsonSchema as Documented
from pydantic_core import PydanticCustomError

from domain.errors import InvalidInput
from domain.fields import Spec

C = TypeVar("C")


class CommandModel(BaseModel):
    """A command as read from JSON; `command()` gives the command itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    command_type: ClassVar[type[Any]]

    def command(self) -> Any:
        return self.command_type(**{name: getattr(self, name) for name in type(self).model_fields})


def read(spec: Spec) -> Callable[[Any], Any]:
    """The field's domain parser as a pydantic validator: its refusal, with the reason
    a person can act on, lands at the field's place in the body."""

    def validate(value: Any) -> Any:
        if spec.optional and value in (None, ""):
            return None
        try:
            return spec.parse("", value)
        except InvalidInput as refused:
            raise PydanticCustomError("invalid", "{reason}", {"reason": refused.reason}) from None

    return validate


def field_of(spec: Spec, default: Any) -> tuple[Any, Any]:
    schema = dict(spec.schema)
    if spec.optional:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return Annotated[Any, PlainValidator(read(spec)), Documented(schema)], default


def model_of(command: type[Any]) -> type[CommandModel]:
    """The pydantic model reading `command`'s fields from JSON, built once per command."""
    found = MODELS.get(command)
    if found is None:
        found = MODELS[command] = build_model(command)
    return found


MODELS: dict[type[Any], type[CommandModel]] = {}


def build_model(command: type[Any]) -> type[CommandModel]:
    """A model of `command`'s fields, each read by its kind's parser and documented."""
    hints = get_type_hints(command, include_extras=True)
    fields: dict[str, Any] = {}
    for each in dataclasses.fields(command):
        spec = next(m for m in hints[each.name].__metadata__ if isinstance(m, Spec))
        if each.default is not dataclasses.MISSING:
            default: Any = each.default
        else:
            default = None if spec.optional else ...
        fields[each.name] = field_of(spec, default)
    doc = (command.__doc__ or "").strip()
    model: type[CommandModel] = create_model(
        command.__name__, __base__=CommandModel, __doc__=doc, **fields
    )
    model.command_type = command
    return model


def parse(command: type[C], data: object, prefix: str = "") -> C:
    """Raw data (a JSON object) as `command`, or InvalidInput naming the first bad field."""
    if not isinstance(data, Mapping):
        raise InvalidInput(prefix.rstrip(".") or "body", "should be a JSON object")
    try:
        model = model_of(command).model_validate(dict(data))
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(prefix + where if where else prefix.rstrip("."), first["msg"]) from None
    found: C = model.command()
    return found

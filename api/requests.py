"""Request bodies as pydantic models built from the service's commands: the same models
validate a body and document it in `/openapi.json`. `POST /v1/events` takes one fact or a
batch, each a union discriminated on `type`, with every fact type's own fields and an
example the service accepts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    create_model,
)
from pydantic import WithJsonSchema as Documented

from domain.approvals import ApprovePayment, RejectPayment, RequestPayment
from domain.commands import IssueToken, ReversePayment
from domain.fields import ID
from domain.policy import PaymentRequest
from domain.runs import StartRun
from service.catalogue import TYPES, FactType
from service.parsing import CommandModel, model_of, read

EventId = Annotated[str, PlainValidator(read(ID)), Documented(dict(ID.schema))]


def envelope(fact_type: FactType) -> type[BaseModel]:
    """`{"event_id", "type": "<Type>", "data": {…}}` for one fact type."""
    example: dict[str, Any] = {"event_id": f"ev-{fact_type.name}", "type": fact_type.name,
                               "data": dict(fact_type.example)}  # fmt: skip
    fields: dict[str, Any] = {
        "event_id": (EventId, ...),
        "type": (Literal[fact_type.name], ...),
        "data": (model_of(fact_type.command), ...),
    }
    model: type[BaseModel] = create_model(
        f"{fact_type.name}Fact",
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [example]}),
        __doc__=(fact_type.command.__doc__ or fact_type.name).strip(),
        **fields,
    )
    return model


def one_or_many(value: Any) -> str:
    return "batch" if isinstance(value, list) else "fact"


def with_example(model: type[CommandModel], example: dict[str, Any]) -> type[CommandModel]:
    model.model_config["json_schema_extra"] = {"examples": [example]}
    model.model_rebuild(force=True)
    return model


# The models are built at import from the catalogue and the commands; a type checker sees
# what routes use of them.
if TYPE_CHECKING:
    FactsIn = Any
    PaymentIn = CommandModel
    ReversalIn = CommandModel
    TokenIn = CommandModel
    RequestIn = CommandModel
    ApprovalIn = CommandModel
    RejectionIn = CommandModel
    RunIn = CommandModel
else:
    ENVELOPES = tuple(envelope(t) for t in TYPES)
    Fact = Annotated[Union[ENVELOPES], Field(discriminator="type")]  # noqa: UP007
    # No maxItems: over 1,000 is answered 413 (too large), not 422 (malformed).
    Facts = Annotated[list[Fact], Field(min_length=1)]
    # One fact, or a batch (all or nothing): the body's own shape says which, so that an
    # error is reported against what was sent, not against both readings.
    FactsIn = Annotated[
        Union[Annotated[Fact, Tag("fact")], Annotated[Facts, Tag("batch")]],  # noqa: UP007
        Discriminator(one_or_many),
    ]
    PaymentIn = with_example(
        model_of(PaymentRequest),
        {"payment_id": "pay-1", "rule": "R7", "payee_id": "agency-1", "paid_on": "2018-07-15",
         "placement_id": "p-2018-0001"},
    )  # fmt: skip
    ReversalIn = with_example(
        model_of(ReversePayment),
        {"reversal_id": "rev-1", "reason": "paid twice", "reversed_on": "2018-08-01"},
    )
    TokenIn = with_example(
        model_of(IssueToken), {"role": "clerk", "division": "430102", "subject": "clerk.zhang"}
    )
    RequestIn = with_example(
        model_of(RequestPayment),
        {"request_id": "req-1", "rule": "R7", "payee_id": "agency-1", "paid_on": "2018-07-15",
         "placement_id": "p-2018-0001"},
    )  # fmt: skip
    ApprovalIn = with_example(
        model_of(ApprovePayment), {"approval_id": "apv-1", "paid_on": "2018-07-20"}
    )
    RejectionIn = with_example(model_of(RejectPayment), {"reason": "材料不全"})
    RunIn = with_example(
        model_of(StartRun),
        {"run_id": "run-2018-09", "division": "430102", "rules": ["R10", "R14"],
         "paid_on": "2018-09-30"},
    )  # fmt: skip

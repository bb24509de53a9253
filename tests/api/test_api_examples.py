"""Every example the OpenAPI document shows a client is accepted by the service itself.

The `/docs` example for `WorkerRegistered` carried a wrong check digit (6, where GB 11643
gives 2): the first thing a newcomer tried was refused. `/openapi.json` documents every
fact type's fields with an example each; they are posted in the catalogue's order (the
order a county's story is told), then the payment, its reversal and a token, over a ledger
holding only the one employer the examples name but do not register."""

from __future__ import annotations

from typing import Any

from service.catalogue import TYPES
from service.ledger import Ledger
from tests import builders as b
from tests.api_support import PROVINCE, running_api

ROLE = {"clerk": "clerk", "finance": "finance", "admin": "admin"}


def examples_of(document: dict[str, Any], schema_name: str) -> list[Any]:
    schema = document["components"]["schemas"][schema_name]
    found: list[Any] = schema.get("examples", [])
    return found


def body_schema(document: dict[str, Any], path: str) -> str:
    content = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return str(content["schema"]["$ref"]).rsplit("/", 1)[-1]


def test_every_fact_type_is_documented_with_its_fields_and_an_example() -> None:
    from api.app import create_app

    document = create_app(runtime=_no_runtime()).openapi()
    for fact_type in TYPES:
        schema = document["components"]["schemas"][f"{fact_type.name}Fact"]
        data = document["components"]["schemas"][schema["properties"]["data"]["$ref"].rsplit("/", 1)[-1]]  # fmt: skip
        assert data["additionalProperties"] is False
        assert set(fact_type.example) <= set(data["properties"]), fact_type.name
        assert examples_of(document, f"{fact_type.name}Fact"), fact_type.name


def test_every_request_example_in_the_openapi_is_accepted(ledger: Ledger) -> None:
    b.organisation(ledger, org_id="em-1")
    with running_api(ledger) as api:
        for role in ("clerk", "finance", "admin"):
            api.token(role, role, PROVINCE)
        document = api.client.get("/openapi.json").json()
        for fact_type in TYPES:
            for example in examples_of(document, f"{fact_type.name}Fact"):
                role = sorted(fact_type.roles)[0]
                answer = api.post(role, "/events", example)
                assert answer.status_code == 201, (fact_type.name, answer.text)
        requests = [
            ("finance", "/payments", "/v1/payments"),
            ("finance", "/payments/pay-1/reversal", "/v1/payments/{payment_id}/reversal"),
            ("admin", "/tokens", "/v1/tokens"),
        ]
        for role, path, documented in requests:
            for example in examples_of(document, body_schema(document, documented)):
                answer = api.post(role, path, example)
                assert answer.status_code == 201, (path, answer.text)


def _no_runtime() -> Any:
    from api.runtime import Runtime

    return Runtime(lambda: None, lambda _: None, "sqlite:///unused.db")  # type: ignore[arg-type, return-value]

"""What FastAPI cannot infer about this API's OpenAPI document: errors as problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_JSON
from api.schemas import ProblemOut

DESCRIPTIONS = {
    401: "No token, or a bad or revoked one",
    403: "The token's role or scope does not allow it",
    404: "An unknown id in the path",
    409: "A policy refusal (with `rule`), an idempotency clash, or a conflict with recorded state",
    413: "The body or the batch is too large",
    422: "Malformed, invalid or unknown input (with `field`)",
    503: "The store or the projections are not available yet; retry",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {"model": ProblemOut, "description": DESCRIPTIONS[code]}
        for code in (401, 503, *codes)
    }


def build(app: FastAPI) -> dict[str, Any]:
    """The document, with every error response as application/problem+json."""
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for path in document.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[0] in "45" and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name in FASTAPI_ERRORS:
            schemas.pop(name, None)
        schemas.setdefault("ProblemOut", ProblemOut.model_json_schema())
        app.openapi_schema = as_problems(document)
    return app.openapi_schema


# FastAPI's own 422 body, which this API never answers: every reference to it (FastAPI
# adds a 422 to each operation with parameters) points at the problem body instead, so
# that no `$ref` dangles (Redoc refuses to render a document where one does).
FASTAPI_ERRORS = ("HTTPValidationError", "ValidationError")
PROBLEM_REF = "#/components/schemas/ProblemOut"


def as_problems(node: Any) -> Any:
    """The document with each `$ref` to FastAPI's validation error replaced by ProblemOut."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in FASTAPI_ERRORS:
            return {**node, "$ref": PROBLEM_REF}
        return {key: as_problems(value) for key, value in node.items()}
    if isinstance(node, list):
        return [as_problems(item) for item in node]
    return node

"""The domain is pure (STYLE.md 1): it imports the standard library and
`eventsourcing.domain` only. And the unit floor itself reaches no store: it imports no
layer above the domain."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import domain

DOMAIN = Path(domain.__file__).parent
UNIT_FLOOR = Path(__file__).parent
# Above the domain, the unit floor may test only the pure edges: table readers and sheet
# writers (adapters), pagination and downloads (api), the CLI's progress. Nothing that
# reaches a ledger, a store, a read model, the audit chain, settings or a database driver.
STORE_REACHING = (
    "service",
    "projections",
    "audit",
    "adapters.eventstore",
    "adapters.pgstore",
    "adapters.sql",
    "adapters.settings",
    "api.app",
    "api.runtime",
    "api.server",
    "api.deps",
    "api.routes",
    "cli.main",
    "psycopg",
    "psycopg_pool",
    "sqlite3",
    "eventsourcing.application",
    "eventsourcing.persistence",
    "eventsourcing.postgres",
    "eventsourcing.sqlite",
    "tests.builders",
    "tests.conftest",
    "tests.world",
    "tests.api_support",
)


def imported(path: Path) -> Iterator[tuple[str, int]]:
    """Every module `path` imports, anywhere in it (a function body, a TYPE_CHECKING block),
    with its line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the package itself
                yield f"domain.{node.module or ''}", node.lineno
            else:
                yield node.module or "", node.lineno


def allowed_in_the_domain(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top == "domain" or module == "eventsourcing.domain"


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))
    assert len(modules) > 20 and DOMAIN / "policy" / "common.py" in modules
    strays = [
        f"{path.relative_to(DOMAIN.parent)}:{line} imports {module}"
        for path in modules
        for module, line in imported(path)
        if not allowed_in_the_domain(module)
    ]
    assert strays == []


def test_the_domain_import_check_would_catch_a_third_party_or_service_import() -> None:
    assert not allowed_in_the_domain("eventsourcing.application")
    assert not allowed_in_the_domain("eventsourcing.persistence")
    assert not allowed_in_the_domain("fastapi")
    assert not allowed_in_the_domain("service.ledger")
    assert allowed_in_the_domain("decimal") and allowed_in_the_domain("domain.policy.common")


def test_the_unit_floor_imports_nothing_that_opens_a_store() -> None:
    """A static guard beside the run-time one in tests/conftest.py, which refuses a unit
    test that asks for a database."""
    strays = [
        f"{path.name}:{line} imports {module}"
        for path in sorted(UNIT_FLOOR.glob("*.py"))
        for module, line in imported(path)
        if module in STORE_REACHING or module.startswith(tuple(f"{m}." for m in STORE_REACHING))
    ]
    assert strays == []

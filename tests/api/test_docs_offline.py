"""`/docs` and `/redoc` work on an intranet without the internet (issue 12 §5): every
asset the pages reference is served by the service itself, nothing in the pages or their
styles points at another host, and the Content-Security-Policy lets the browser load
nothing from another origin — which also holds for the URLs inside the JavaScript bundles
(documentation links, Redocly's logo), as the browser refuses them. /openapi.json has no
`$ref` that dangles (Redoc refuses to render a document with one)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.settings import Settings
from api.app import create_app
from service.ledger import Ledger

EXTERNAL = re.compile(r"https?://|//[A-Za-z0-9.-]+\.[a-z]{2,}")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
SPEC_URL = re.compile(r"\burl:\s*'([^']+)'")
# Sources a page may name: its own origin, inline styles, data: and blob: URLs, hashes.
LOCAL_SOURCES = re.compile(r"'self'|'none'|'unsafe-inline'|'sha256-[A-Za-z0-9+/=]+'|data:|blob:")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path: Path = tmp_path_factory.mktemp("docs") / "ledger.db"
    ledger = Ledger(Settings(database_url=f"sqlite:///{path}", pii_key=b"test"))
    with TestClient(create_app(ledger)) as client:
        yield client
    ledger.close()


class References(HTMLParser):
    """The URLs a page makes the browser fetch, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for key in ("src", "href", "spec-url", "data", "poster", "action"):
            if named.get(key):
                self.urls.append(str(named[key]))
        self._in_script = tag == "script" and "src" not in named

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)
            self.urls.extend(SPEC_URL.findall(data))


def references(html: str) -> References:
    found = References()
    found.feed(html)
    return found


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_docs_page_and_every_asset_it_loads_come_from_the_service(
    client: TestClient, page: str
) -> None:
    answer = client.get(page)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert not EXTERNAL.search(answer.text), EXTERNAL.search(answer.text)
    urls = references(answer.text).urls
    assert "/openapi.json" in urls and any(u.endswith(".js") for u in urls)
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        if url.endswith(".css"):
            assert_styles_stay_local(client, asset.text)


def assert_styles_stay_local(client: TestClient, css: str) -> None:
    """Every url() in a stylesheet is inline data or an asset the service serves."""
    assert "@import" not in css
    for url in CSS_URL.findall(css):
        if not url.startswith("data:"):
            assert not EXTERNAL.match(url) and client.get(url).status_code == 200, url


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_content_security_policy_names_no_other_origin(client: TestClient, page: str) -> None:
    answer = client.get(page)
    directives = csp(answer.headers["Content-Security-Policy"])
    assert directives["default-src"] == ["'none'"]
    for name, sources in directives.items():
        assert all(LOCAL_SOURCES.fullmatch(s) for s in sources), (name, sources)
    scripts = directives["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = references(answer.text).inline
    assert sorted(scripts[1:]) == sorted(f"'sha256-{digest(s)}'" for s in inline)
    assert directives["connect-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_swagger_ui_asks_no_outside_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_openapi_document_has_no_dangling_reference(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    refs = list(references_in(document))
    assert refs and all(ref.startswith("#/components/") for ref in refs)
    for ref in refs:
        node: Any = document
        for part in ref[2:].split("/"):
            assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
            node = node[part]
    assert "HTTPValidationError" not in str(document)


def references_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from references_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from references_in(item)


def csp(header: str) -> dict[str, list[str]]:
    parts = (directive.split() for directive in header.split(";") if directive.strip())
    return {part[0]: part[1:] for part in parts}


def digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()

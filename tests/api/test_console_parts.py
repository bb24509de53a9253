"""The console's small parts, without a store: amounts and Beijing times as shown, the
pickers, the sign-in redirect guard, the tree of divisions, the nearly-empty mark, the
vendored files against their recorded sha256, and the browser tests' refusal to skip in CI."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.console import overview
from api.console.sessions import Sessions
from api.console.signin import safe_next
from api.console.text import beijing_time, yuan
from api.console.web import when
from domain.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]


def test_amounts_show_as_yuan_with_thousands_separators() -> None:
    assert yuan("1234.56") == "¥1,234.56"
    assert yuan("-200.00") == "-¥200.00"
    assert yuan("0") == "¥0.00"
    assert yuan(None) == ""


def test_instants_show_in_beijing_time() -> None:
    assert beijing_time("2026-11-29T16:05:00+00:00") == "2026-11-30 00:05:00"


def test_a_known_at_picker_value_is_read_as_beijing_time() -> None:
    picked = when("2019-06-15", "2019-06-15T08:00")
    assert picked.known_at_instant == datetime(2019, 6, 15, 0, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        when(None, "yesterday")


def test_sign_in_only_returns_to_a_page_of_the_console() -> None:
    assert safe_next("/console/targets?lang=en") == "/console/targets?lang=en"
    for hostile in ["//evil.example", "https://evil.example", "/console/\\x", "/v1/accounts", None]:
        assert safe_next(hostile) == "/console/overview"


def test_a_session_id_finds_its_session_and_a_closed_one_finds_nothing() -> None:
    sessions = Sessions()
    session_id, session = sessions.open("jat_token")
    assert sessions.find(session_id) is session
    assert sessions.find(session_id + "x") is None and sessions.find("x" * 5000) is None
    sessions.close(session_id)
    assert sessions.find(session_id) is None


def test_the_tree_holds_14_prefectures_and_122_counties_and_adds_balances_up() -> None:
    accounts = [
        {"source": "employment_fund", "division": "430102", "appropriated": "100.00",
         "paid": "95.00", "reversed": "0.00", "balance": "5.00"},
        {"source": "employment_fund", "division": "430100", "appropriated": "50.00",
         "paid": "0.00", "reversed": "0.00", "balance": "50.00"},
    ]  # fmt: skip
    root = overview.tree("430000", accounts)
    assert len(root.children) == 14
    assert sum(len(p.children) for p in root.children) == 122
    assert str(root.total["employment_fund"]) == "55.00"
    assert accounts[0]["low"] is True and accounts[1]["low"] is False


def test_an_account_is_nearly_empty_below_a_tenth_of_its_money_or_at_nothing() -> None:
    def account(appropriated: str, balance: str) -> dict[str, str]:
        return {"appropriated": appropriated, "balance": balance}

    assert overview.nearly_empty(account("100.00", "9.99"))
    assert not overview.nearly_empty(account("100.00", "10.00"))
    assert overview.nearly_empty(account("0.00", "0.00"))


def test_the_vendored_files_are_the_ones_recorded_with_their_sha256() -> None:
    readme = (ROOT / "api/console/static/vendor/README.md").read_text(encoding="utf-8")
    files = {
        "api/console/static/vendor/htmx/htmx.min.js": "htmx.org",
        "api/console/static/vendor/chartjs/chart.umd.min.js": "chart.js",
        "tests/vendor/axe-core/axe.min.js": "axe-core",
    }
    for path in files:
        digest = hashlib.sha256((ROOT / path).read_bytes()).hexdigest()
        assert f"`{digest}`" in readme, path
    for licence in ["htmx/LICENSE", "chartjs/LICENSE.md"]:
        assert (ROOT / "api/console/static/vendor" / licence).stat().st_size > 0
    assert (ROOT / "tests/vendor/axe-core/LICENSE").stat().st_size > 0


def test_the_browser_tests_fail_not_skip_without_chromium_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.api import test_console_browser as browser_tests

    monkeypatch.setattr(browser_tests, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        browser_tests.chromium_or_fail()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        browser_tests.chromium_or_fail()


def test_the_console_templates_never_inline_a_script_or_an_event_handler() -> None:
    for template in (ROOT / "api/console/templates").glob("*.html"):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), template.name
        assert not re.search(r"\son[a-z]+=", html), template.name
        assert "|safe" not in html.replace(" ", ""), template.name

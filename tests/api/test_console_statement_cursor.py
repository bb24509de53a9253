"""The console's statement pages by the API's cursor: the next page starts after the
last line shown, the previous one leads back, each page's balances tie out, and a cursor
naming no line of this statement is refused."""

from __future__ import annotations

import html
import re

from tests.api.test_console_pages import api, sign_in  # noqa: F401 - the fixture
from tests.api_support import Api

PROVINCE = "/console/accounts/employment_fund/430000"


def links(page: str) -> dict[str, str]:
    found = re.findall(r'<a href="([^"]+)" hx-get="[^"]+"[^>]*rel="(prev|next)"', page)
    return {rel: html.unescape(href) for href, rel in found}


def test_pages_follow_the_cursor_forth_and_back(api: Api) -> None:  # noqa: F811
    client = sign_in(api, "auditor")
    first = client.get(PROVINCE).text
    assert "56 笔 · 页 1 / 2" in first and "prev" not in links(first)
    assert '<dd class="money" id="closing">¥100,000.00</dd>' in first
    following = links(first)["next"]
    assert re.fullmatch(rf"{PROVINCE}\?after=[0-9]+", following)
    second = client.get(following).text
    assert "56 笔 · 页 2 / 2" in second and "next" not in links(second)
    assert '本页期初: <span class="money">¥99,994.00</span>' in second
    assert '<dd class="money" id="opening">¥0.00</dd>' in second
    assert links(second)["prev"] == PROVINCE  # back to the first page: no cursor
    assert second.count("<tr>\n") == 6  # 56 lines: 50, then 6


def test_a_cursor_from_another_account_or_no_line_is_refused(api: Api) -> None:  # noqa: F811
    client = sign_in(api, "auditor")
    following = links(client.get(PROVINCE).text)["next"]
    elsewhere = following.replace("430000", "430102")
    for path in (elsewhere, f"{PROVINCE}?after=abc", f"{PROVINCE}?after={'9' * 30}"):
        answer = client.get(path)
        assert answer.status_code == 422, path
        assert answer.headers["content-type"].startswith("text/html")

"""How a token's role and scope refuse, without a store."""

from __future__ import annotations

import pytest

from domain.errors import Forbidden
from service.access import Access


def test_a_refusal_names_the_role_with_its_article() -> None:
    admin = Access(token_id="t", role="admin", division="430000", subject="a")
    with pytest.raises(Forbidden, match=r"^an admin token may not do this"):
        admin.require_role("clerk")
    clerk = Access(token_id="t", role="clerk", division="430102", subject="c")
    with pytest.raises(Forbidden, match=r"^a clerk token may not do this"):
        clerk.require_role("finance")

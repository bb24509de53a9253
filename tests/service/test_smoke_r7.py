from __future__ import annotations

from domain.values import money_str
from service.ledger import Ledger
from tests import builders as b


def test_r7_pays_200_after_six_months(ledger: Ledger) -> None:
    agency = b.organisation(ledger, "agency")
    employer = b.organisation(ledger, "enterprise", division=b.ELSEWHERE)
    w = b.worker(ledger)
    p = b.placement(ledger, w, employer, agency_id=agency)
    b.appropriate(ledger)
    paid = b.pay(ledger, "R7", agency, "2018-07-15", placement_id=p)
    assert money_str(paid.amount) == "200.00"

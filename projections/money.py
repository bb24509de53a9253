"""Money in the read models is integer fen (分): sums in SQL stay exact on both stores,
where a float or a driver's own decimal handling could not be trusted to tie out."""

from __future__ import annotations

from decimal import Decimal


def to_fen(amount: Decimal) -> int:
    """Yuan as an exact Decimal → integer fen; refuses sub-fen amounts rather than round."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(fen)


def yuan(fen: int) -> str:
    """Integer fen → the contract's decimal string ("200.00", "-15.50")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"

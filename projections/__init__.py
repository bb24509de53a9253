"""Read models rebuilt from the events: balances, statements, views and targets."""

from projections.service import Projections

__all__ = ["Projections"]

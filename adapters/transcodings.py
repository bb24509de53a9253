"""How values the library does not know are written into stored events. Every process
that reads the store registers the same ones (EVENTSOURCING-NOTES: transcodings)."""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import Transcoding


class DateAsISO(Transcoding):
    """A business date as `YYYY-MM-DD`: the name `date_iso` is stored with every date."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


TRANSCODINGS = (DateAsISO(),)

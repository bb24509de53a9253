"""An event's fields as the read models write them, straight from its stored JSON.

The library's mapper builds a domain event object through a JSON object hook, which
costs more than everything else a catch-up does with the event. The handlers need only
a few top-level fields, as text and numbers: instants as `stamp` text, dates as ISO
text, amounts as Decimal, ids as text. `plain_fields` reads those from `json.loads` of
the stored state. It steps aside for the mapper — whose fields `mapped_fields` turns
into the same values — whenever the state may not be plain JSON of the current class
version: a cipher or compressor, an event stored at an older class version (its
upcasters must run), a transcoding it does not know."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

from projections.changes import Fields, stamp
from projections.eventlog import Stored

DECODE = json.JSONDecoder().decode
UTC_ISO_LENGTH = len("2020-01-01T00:00:00.000000+00:00")


def instant(text: str) -> str:
    """A stored instant as `stamp` text; most are already exactly that."""
    if len(text) == UTC_ISO_LENGTH and text.endswith("+00:00"):
        return text
    return stamp(datetime.fromisoformat(text))


# The library's own transcodings (and the ledger's date_iso), by their stored names.
PLAIN: dict[str, Callable[[Any], Any]] = {
    "datetime_iso": instant,
    "date_iso": str,
    "decimal_str": Decimal,
    "uuid_hex": lambda hex_: str(UUID(hex_)),
}


def plain(value: Any) -> Any:
    """A decoded attribute as the plain reading gives it."""
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


class Decoder:
    def __init__(self, mapper: Mapper[Any], topics: Iterable[str]) -> None:
        self.mapper = mapper
        readable = (
            self.mapper.cipher is None
            and self.mapper.compressor is None
            and type(self.mapper.transcoder) is JSONTranscoder
        )
        # Each topic's current class version: a state stored at another one needs its
        # upcasters run, and the mapper does that.
        self.plain_versions = (
            {topic: getattr(resolve_topic(topic), "class_version", 1) for topic in topics}
            if readable
            else {}
        )

    def fields(self, event: Stored) -> Fields:
        """The event's top-level fields and its `originator_id`, as text."""
        _, originator_id, _, topic, state = event
        version = self.plain_versions.get(topic)
        found = plain_fields(state, version) if version is not None else None
        if found is None:
            found = self.mapped_fields(event)
        found["originator_id"] = originator_id
        return found

    def mapped_fields(self, event: Stored) -> Fields:
        _, originator_id, version, topic, state = event
        decoded = self.mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))
        return {name: plain(value) for name, value in vars(decoded).items()}


def plain_fields(state: bytes, class_version: int = 1) -> Fields | None:
    """The stored JSON's top-level fields, each registered type as its plain value; None
    when the state was stored at another class version than `class_version` (the
    library writes `class_version` into the state from version 2 on), or one field was
    written by a transcoding this reading does not know."""
    fields: Fields = DECODE(state.decode())
    if fields.pop("class_version", 1) != class_version:
        return None
    for name, value in fields.items():
        # What the library's transcoder wrote for a registered type (its object hook).
        if type(value) is dict and len(value) == 2 and "_type_" in value and "_data_" in value:
            convert = PLAIN.get(value["_type_"])
            if convert is None:
                return None  # a transcoding only the mapper knows
            fields[name] = convert(value["_data_"])
    return fields

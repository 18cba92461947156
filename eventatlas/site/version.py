"""What a citation pins: the atlas's identity and the version of its data.

The data version is a content hash of the validated input (sources, events and where each event
was placed), so it changes exactly when what a reader sees changes, and never with comments,
layout or the build machine. Its date is the latest day an event entered the atlas or was
corrected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date

from ..data.dates import parse_partial_date
from ..data.load import Dataset
from ..data.schema import Event
from ..geocode import ResolvedPlace

DEFAULT_LICENSE = "CC-BY-4.0"


@dataclass(frozen=True)
class SiteInfo:
    """The atlas as a citable whole: its title, address (may be empty) and data licence."""

    title: str = "eventatlas"
    url: str = ""  # absolute, ending in '/', or empty when the site's address is not configured
    description: str = ""
    license: str = DEFAULT_LICENSE

    def absolute(self, path: str) -> str:
        """The address of a site path: absolute when the site's address is known, else relative."""
        return self.url + path if self.url else path


@dataclass(frozen=True)
class DataVersion:
    """A short content hash of the data and the day of its latest addition or correction."""

    hash: str
    date: date


def site_info(
    title: str | None, url: str | None, description: str | None, license: str
) -> SiteInfo:
    """SiteInfo from MkDocs settings; the address gets its trailing slash."""
    base = (url or "").strip()
    if base and not base.endswith("/"):
        base += "/"
    return SiteInfo(title or "eventatlas", base, description or "", license or DEFAULT_LICENSE)


def data_version(dataset: Dataset, places: dict[str, ResolvedPlace]) -> DataVersion:
    """The content hash of the validated data (12 hex digits of SHA-256) and its date."""
    payload = {
        "language": dataset.language,
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in dataset.sources],
        "events": [event_json(e) for e in dataset.events],
        "places": {key: asdict(place) for key, place in sorted(places.items())},
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    days = [entered_atlas(e, dataset) for e in dataset.events]
    days += [date.fromisoformat(c.date) for e in dataset.events for c in e.corrections]
    return DataVersion(digest, max(days) if days else date(1970, 1, 1))


def event_json(event: Event) -> dict:
    """An event as plain JSON values, its date as written; every optional field that is set."""
    record = event.model_dump(mode="json", exclude_none=True, exclude={"date"})
    record["date"] = event.date.text
    return record


def entered_atlas(event: Event, dataset: Dataset) -> date:
    """When the event entered the atlas: its `added` day, else the day its newest source appeared.

    The fallback uses only the data, so every build and every clone dates a change the same way.
    """
    if event.added:
        return parse_partial_date(event.added).start
    days = [dataset.source(s).published for s in event.cited_source_ids]
    published = [parse_partial_date(day).start for day in days if day]
    return max(published) if published else event.date.end

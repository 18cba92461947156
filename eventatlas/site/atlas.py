"""Stage 4b: the data the browser explores, shared by every page.

`assets/eventatlas/atlas.js` sets `window.EventAtlasData` once for the whole site: compact
records for every event (what the timeline, map, filters and list need) plus the figure
inputs. Loaded as a script, it is cached across pages and also works from file://. The long
texts an open detail panel shows (summary, quotes, disputes) live in one small script per
event, `assets/eventatlas/detail/<id>.js`, loaded only when a reader opens that event. A page
then carries only a small view configuration, so an event page stays small with 10,000 events.

Texts are kept as they are; the script puts them into the page with textContent and escapes
them before Plotly sees them.
"""

from __future__ import annotations

import re

from ..data.dates import parse_partial_date
from ..data.load import Dataset
from ..data.schema import Citation, Event, Source
from ..geocode import ResolvedPlace
from .figures import (
    MAP_EDITOR_MARK,
    MAP_MARKS,
    TIMELINE_MARKS,
    focused_map_view,
    focused_timeline_range,
    is_area,
    lane_offsets,
    lanes_of,
    map_view,
    timeline_axes,
    timeline_mark,
    timeline_range,
)

ATLAS_VERSION = 1
STATUSES = ("confirmed", "reported", "claimed")
PRECISION_NOTES = {
    "day": "to the day",
    "month": "to the month; the day is not known",
    "year": "to the year; month and day are not known",
}
PLACE_NOTES = {
    "site": "exact coordinates",
    "city": "city",
    "region": "region: the point marks the area, not an exact spot",
    "country": "country: the point marks the country, not an exact spot",
}
STATUS_NOTES = {
    "confirmed": "confirmed by several sources or the official record",
    "reported": "reported by the media",
    "claimed": "claimed by a party; not independently confirmed",
}


def precision_note(event: Event) -> str:
    return PRECISION_NOTES[event.date.precision] + (
        "; approximate" if event.date.approximate else ""
    )


def place_note(place: ResolvedPlace) -> str:
    return PLACE_NOTES[place.precision]


def published_label(source: Source) -> str:
    return parse_partial_date(source.published).label if source.published else ""


def plain_summary(text: str) -> str:
    """The summary without Markdown marks: '[text](url)' keeps its text, '*' and '`' go."""
    linked = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[*_`]", "", linked).split())


class Names:
    """A sorted vocabulary (actors, tags, places …) and each name's position in it."""

    def __init__(self, names):
        self.names = sorted(set(names), key=lambda n: (n.casefold(), n))
        self.index = {name: i for i, name in enumerate(self.names)}


def build_atlas(dataset: Dataset, places: dict[str, ResolvedPlace]) -> dict:
    """Everything a page's views need, except the long texts of the detail panel."""
    events = list(dataset.events)
    actors, tags = (
        Names(a for e in events for a in e.actors),
        Names(t for e in events for t in e.tags),
    )
    place_table = _place_table(events, places)
    place_index = {key: i for i, key in enumerate(place_table)}
    sources = {s.id: i for i, s in enumerate(dataset.sources)}
    lane_index, offsets = {lane: i for i, lane in enumerate(lanes_of(events))}, lane_offsets(events)
    records = [
        _event_record(
            e,
            lane_index[e.lane],
            offsets[e.id],
            actors,
            tags,
            place_index[_place_key(e, places)],
            sources,
        )
        for e in events
    ]
    return {
        "version": ATLAS_VERSION,
        "events": records,
        "places": [_place_record(places_by_key) for places_by_key in place_table.values()],
        "actors": actors.names,
        "tags": tags.names,
        "statuses": list(STATUSES),
        "sources": [_source_record(s) for s in dataset.sources],
        "timeline": {
            **timeline_axes(lanes_of(events)),
            "range": timeline_range(events),
            "marks": TIMELINE_MARKS,
        },
        "map": {
            **map_view(places[e.id] for e in events if e.id in places),
            "marks": MAP_MARKS,
            "editorMark": MAP_EDITOR_MARK,
        },
        **({"language": dataset.language} if dataset.language else {}),
    }


def _place_key(event: Event, places: dict[str, ResolvedPlace]) -> tuple:
    place = places.get(event.id)
    return (
        (place.name, place.lat, place.lon, place.precision)
        if place
        else (event.place, None, None, "unknown")
    )


def _place_table(
    events: list[Event], places: dict[str, ResolvedPlace]
) -> dict[tuple, ResolvedPlace | None]:
    keys = sorted(
        {_place_key(e, places): places.get(e.id) for e in events}.items(),
        key=lambda item: (item[0][0].casefold(), str(item[0])),
    )
    return dict(keys)


def _place_record(place: ResolvedPlace | None) -> dict:
    if place is None:
        return {"name": "", "area": False, "note": "not placed"}
    return {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "area": is_area(place),
        "note": place_note(place),
    }


def _event_record(
    event: Event,
    lane: int,
    row: float,
    actors: Names,
    tags: Names,
    place: int,
    sources: dict[str, int],
) -> dict:
    record = {
        "id": event.id,
        "title": event.title,
        "date": event.date.label,
        "start": event.date.start.isoformat(),
        "end": event.date.end_exclusive.isoformat(),
        "mark": timeline_mark(event),
        "lane": lane,
        "row": row,
        "place": place,
        "actors": [actors.index[a] for a in event.actors],
        "tags": [tags.index[t] for t in event.tags],
        "status": STATUSES.index(event.status),
        "sources": [sources[s] for s in event.cited_source_ids],
    }
    if event.disputes:
        record["disputed"] = 1
    if event.date_source == "editor":
        record["editorDate"] = 1
    if event.place_source == "editor":
        record["editorPlace"] = 1
    if event.corrections:
        record["corrected"] = 1
    return record


def _source_record(source: Source) -> dict:
    return {
        "id": source.id,
        "publisher": source.publisher,
        "title": source.title,
        "published": published_label(source),
        "lang": source.language,
        **({"publishedByEditor": 1} if source.published_source == "editor" else {}),
    }


def event_detail(event: Event, sources: dict[str, int]) -> dict:
    """The long texts for one event's detail panel."""
    detail = {
        "id": event.id,
        "summary": plain_summary(event.summary),
        "precision": precision_note(event),
        "statusNote": STATUS_NOTES[event.status],
        "citations": [_citation(c, sources) for c in event.citations],
        "disputes": [
            {
                "about": d.about,
                "versions": [
                    {"claim": v.claim, "citations": [_citation(c, sources) for c in v.citations]}
                    for v in d.versions
                ],
            }
            for d in event.disputes
        ],
    }
    if event.date_note:
        detail["dateNote"] = event.date_note
    detail.update(_editorial_detail(event))
    return detail


def _editorial_detail(event: Event) -> dict:
    """The editor's notes on place and status, and the corrections, where the event has them."""
    detail: dict = {}
    if event.place_note:
        detail["placeNote"] = event.place_note
    if event.status_note:
        detail["statusNote"] = STATUS_NOTES[event.status] + ". " + event.status_note
    if event.corrections:
        detail["corrections"] = [
            {"date": parse_partial_date(c.date).label, "change": c.change, "reason": c.reason}
            for c in event.corrections
        ]
    return detail


def _citation(citation: Citation, sources: dict[str, int]) -> dict:
    found = {"source": sources[citation.source], "quote": citation.quote}
    if citation.translation:
        found["translation"] = citation.translation
    return found


def event_indexes(dataset: Dataset, events: list[Event]) -> list[int]:
    """Positions of the given events in the atlas, for a view that shows only them."""
    position = {e.id: i for i, e in enumerate(dataset.events)}
    return [position[e.id] for e in events]


def view_config(
    dataset: Dataset, places: dict[str, ResolvedPlace], events: list[Event], show
) -> dict:
    """What one view on a page shows: which events (all when not said), where the figures start."""
    located = [places[e.id] for e in events if e.id in places]
    config = {"show": list(show), "range": timeline_range(events), "map": map_view(located)}
    if len(events) != len(dataset.events):
        config["events"] = event_indexes(dataset, events)
    return config


def focused_config(
    whole: dict, bounds, position: int, focus: Event, place: ResolvedPlace | None
) -> dict:
    """The view of all events with one in focus: highlighted, and the timeline and map centred on it."""
    config = dict(whole, focus=position, range=focused_timeline_range(bounds, focus))
    if place is not None:
        config["map"] = focused_map_view(whole["map"], place)
    return config

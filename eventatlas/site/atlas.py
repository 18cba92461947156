"""Stage 4b: the data the browser explores, shared by every page.

`assets/eventatlas/atlas.js` sets `window.EventAtlasData` once for the whole site: compact
records for every event (what the timeline, map, filters and list need) plus the figure
inputs. Loaded as a script, it is cached across pages and also works from file://. The long
texts an open detail panel shows (summary, quotes, disputes) live in small scripts of
DETAIL_CHUNK events each, `assets/eventatlas/detail/<n>.js` in atlas order, loaded only when a
reader opens one of their events. A page
then carries only a small view configuration, so an event page stays small with 10,000 events.

Texts are kept as they are; the script puts them into the page with textContent and escapes
them before Plotly sees them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from typing import get_args

import nh3
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field

from ..data.load import Dataset
from ..data.schema import Event, Source
from ..geocode import ResolvedPlace
from .figures import (
    EVENT_URL,
    MAP_EDITOR_MARK,
    MAP_MARKS,
    TIMELINE_MARKS,
    event_url,
    focused_map_view,
    focused_timeline_range,
    is_area,
    lane_rows,
    lanes_of,
    map_resolution,
    map_view,
    timeline_axes,
    timeline_mark,
    timeline_range,
)

ATLAS_VERSION = 5  # of the shipped data's shape; eventatlas.js checks it (DATA_VERSION)
ASSET_DIR = "assets/eventatlas"
DATA_SCRIPT = f"{ASSET_DIR}/atlas.js"
DETAIL_SCRIPT = f"{ASSET_DIR}/detail/{{n}}.js"  # the n-th script of detail texts
DETAIL_CHUNK = 50  # events whose details load together: about 12 KB gzip per script
ATLAS_SCHEMA_PATH = "schema/atlas.schema.json"  # the shape of DATA_SCRIPT's data, for readers
FIGURE_SCRIPTS = [f"{ASSET_DIR}/templates.js", f"{ASSET_DIR}/plotly-geo.min.js"]
CITE_SCRIPT = f"{ASSET_DIR}/eventatlas-cite.js"  # loaded by a view that has a 'Cite this' block
STATUSES = get_args(Event.model_fields["status"].annotation)  # the schema's list, in its order
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


# Wording both the pages and the script use, shipped as data (AtlasData.words, .plurals).
PLURALS = {"event": "events", "place": "places"}
WORDS = {
    "timelineAlt": "Timeline of {events} from {first} to {last}, one row per theme."
    " The table below lists every event.",
    "timelineAltEmpty": "Timeline: no events.",
    "mapAlt": "Map of {events} at {places}: {names}."
    " The table below lists every event with its place.",
}
MAP_ALT_NAMES = 12  # place names a map's alt text spells out before "…"


def plural(count: int, word: str) -> str:
    """'1 event', '2 events': the words of PLURALS."""
    return f"{count} {word if count == 1 else PLURALS[word]}"


def timeline_alt(events: list[Event]) -> str:
    if not events:
        return WORDS["timelineAltEmpty"]
    last = max(events, key=lambda e: e.date.end)
    return WORDS["timelineAlt"].format(
        events=plural(len(events), "event"), first=events[0].date.label, last=last.date.label
    )


def map_alt(events: list[Event], placed: dict[str, ResolvedPlace], names: dict[str, str]) -> str:
    """The map's alt text; names maps a place key to the name the atlas shows for it."""
    shown = sorted({names[place_key(e, placed)] for e in events if e.id in placed})
    listed = ", ".join(shown[:MAP_ALT_NAMES]) + (" …" if len(shown) > MAP_ALT_NAMES else "")
    return WORDS["mapAlt"].format(
        events=plural(len(events), "event"), places=plural(len(shown), "place"), names=listed
    )


def place_names(events: Iterable[Event], placed: dict[str, ResolvedPlace]) -> dict[str, str]:
    """Each place key and the name shown for it: the spelling most of its events use."""
    spellings: dict[str, Counter] = {}
    for event in events:
        spellings.setdefault(place_key(event, placed), Counter())[event.place] += 1
    return {key: _usual_name(names) for key, names in spellings.items()}


def precision_note(event: Event) -> str:
    return PRECISION_NOTES[event.date.precision] + (
        "; approximate" if event.date.approximate else ""
    )


def place_note(place: ResolvedPlace) -> str:
    return PLACE_NOTES[place.precision]


def published_label(source: Source) -> str:
    return source.published_date.label if source.published_date else ""


@lru_cache(maxsize=1)
def summary_markdown() -> MarkdownIt:
    """CommonMark through markdown-it-py, raw HTML switched off (HTML in a summary stays text).

    Its cost grows linearly with the text, even for the inputs that make backtracking link
    patterns take minutes ('[' repeated)."""
    return MarkdownIt("commonmark", {"html": False}).disable(["html_block", "html_inline"])


# A build uses each summary about eight times (page, panel, feeds, calendars, JSON-LD ...):
# rendered once. Bounded, so a long `serve` session does not keep every edit's text.
SUMMARIES_CACHED = 32_768


@lru_cache(maxsize=SUMMARIES_CACHED)
def summary_html(text: str) -> str:
    """The summary rendered by Markdown, not yet sanitised."""
    return summary_markdown().render(text)


@lru_cache(maxsize=SUMMARIES_CACHED)
def plain_summary(text: str) -> str:
    """The summary as plain text: rendered by Markdown, every tag dropped by nh3, then unescaped."""
    html = summary_html(text)
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


@dataclass(frozen=True)
class EventRecord:
    """One event as every listing shows it: the atlas's columns and the list rows are made from
    this one shape (the open-data exports keep the full validated event)."""

    id: str
    url: str  # from the site root
    title: str
    date: str  # as a reader reads it
    start: str  # the earliest day the date allows, YYYY-MM-DD
    end: str  # the latest day, inclusive
    status: str
    place: str  # as the event names it
    place_area: bool
    source_ids: tuple[str, ...]
    disputed: bool
    editor_date: bool
    editor_place: bool
    corrected: bool


def event_record(event: Event, place: ResolvedPlace | None) -> EventRecord:
    return EventRecord(
        id=event.id,
        url=event_url(event.id),
        title=event.title,
        date=event.date.label,
        start=event.date.start.isoformat(),
        end=event.date.end.isoformat(),
        status=event.status,
        place=place.name if place else event.place,
        place_area=is_area(place),
        source_ids=tuple(event.cited_source_ids),
        disputed=bool(event.disputes),
        editor_date=event.date_source == "editor",
        editor_place=event.place_source == "editor",
        corrected=bool(event.corrections),
    )


class Names:
    """A sorted vocabulary (actors, tags, places …) and each name's position in it."""

    def __init__(self, names):
        self.names = sorted(set(names), key=lambda n: (n.casefold(), n))
        self.index = {name: i for i, name in enumerate(self.names)}


# ---- the shipped data's shape: declared once, validated at every build, published as a schema


class _Shipped(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventColumns(_Shipped):
    """Every event, one array per field (compact: no key repeated per event), in date order."""

    id: list[str] = Field(description="The event's id; its page is events/<id>/.")
    title: list[str] = Field(description="The title, as text (never markup).")
    date: list[str] = Field(description="The date as a reader reads it ('July 2025').")
    start: list[str] = Field(description="The earliest day the date allows, YYYY-MM-DD.")
    end: list[str] = Field(description="The latest day the date allows (inclusive), YYYY-MM-DD.")
    mark: list[str] = Field(description="The key in timeline.marks of the mark that draws it.")
    lane: list[int] = Field(description="Position in timeline.lanes of its lane (first tag).")
    row: list[float] = Field(
        description="Its nudge from its lane's middle, in rowHeights, apart from overlapping ones."
    )
    place: list[int] = Field(description="Position of its place in places.")
    actors: list[list[int]] = Field(description="Positions of its actors in actors.")
    tags: list[list[int]] = Field(description="Positions of its tags in tags.")
    status: list[int] = Field(description="Position of its status in statuses.")
    sources: list[list[int]] = Field(description="Positions in publishers of the sources it cites.")
    disputed: list[int] = Field(description="1 where sources disagree on a detail, else 0.")
    editorDate: list[int] = Field(description="1 where the editor, not a source, gave the date.")
    editorPlace: list[int] = Field(description="1 where the editor, not a source, gave the place.")
    corrected: list[int] = Field(description="1 where the event carries corrections, else 0.")


class PlaceRecord(_Shipped):
    """One place: every event placed there, however spelt, points to the same record."""

    key: str = Field(description="Its identity: places.yaml key, gazetteer id or coordinates.")
    name: str = Field(description="The name shown in the Place filter and on the map.")
    lat: float | None = Field(None, description="Latitude; absent when the place is unplaced.")
    lon: float | None = Field(None, description="Longitude; absent when the place is unplaced.")
    area: bool = Field(description="True for a region or country: the point marks an area.")
    note: str = Field(description="What the point stands for, in words.")


class TimelineInputs(_Shipped):
    """What the timeline draws from, besides the events."""

    lanes: list[str] = Field(description="Lane names, top to bottom.")
    laneSizes: list[float] = Field(
        description="Each lane's height in rowHeights: room for its rows of markers, each a "
        "marker apart."
    )
    rowHeight: int = Field(description="Pixels per lane of size 1.")
    padding: int = Field(description="Pixels of the figure besides the lanes.")
    range: list[str] = Field(description="The dates shown first, [first, last].")
    marks: dict[str, dict] = Field(description="How each kind of date is drawn, by mark key.")


class MapInputs(_Shipped):
    """What the map draws from, besides the places."""

    lat: list[float] = Field(description="The latitudes shown first, [south, north].")
    lon: list[float] = Field(description="The longitudes shown first, [west, east].")
    marks: dict[str, dict] = Field(description="How each kind of place is drawn, by mark key.")
    altNames: int = Field(description="Place names the map's alt text spells out before '…'.")
    editorMark: dict = Field(description="Drawn over a place where the editor placed an event.")


class DetailScripts(_Shipped):
    """Where the detail panel's texts are: scripts of a few events each, in atlas order."""

    url: str = Field(description="A script's address from the site root; {n} is its number.")
    events: int = Field(description="Events per script: the i-th event is in script i // events.")


class AtlasData(_Shipped):
    """window.EventAtlasData: what every view of the site draws, filters and lists."""

    version: int = Field(description="The version of this shape; the script refuses another.")
    events: EventColumns
    places: list[PlaceRecord]
    actors: list[str] = Field(description="Every actor, sorted.")
    tags: list[str] = Field(description="Every tag (theme), sorted.")
    statuses: list[str] = Field(description="The statuses, in the schema's order.")
    publishers: list[str] = Field(description="The publisher of each source, in source order.")
    eventUrl: str = Field(description="An event page's address from the site root; {id} is its id.")
    details: DetailScripts
    plurals: dict[str, str] = Field(description="The plural of each counted word.")
    words: dict[str, str] = Field(description="Sentences with {named} blanks, e.g. alt texts.")
    timeline: TimelineInputs
    map: MapInputs


def atlas_json_schema() -> str:
    """The JSON Schema of window.EventAtlasData, published with the site (schema/)."""
    schema = AtlasData.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"eventatlas browser data, version {ATLAS_VERSION}",
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build_atlas(dataset: Dataset, placed: dict[str, ResolvedPlace]) -> dict:
    """Everything a page's views need, except the long texts of the detail panel."""
    events = list(dataset.events)
    actors, tags = (
        Names(a for e in events for a in e.actors),
        Names(t for e in events for t in e.tags),
    )
    keys = {e.id: place_key(e, placed) for e in events}
    place_table = _place_table(events, placed, keys)
    place_index = {key: i for i, key in enumerate(place_table)}
    source_index = {s.id: i for i, s in enumerate(dataset.sources)}
    records = [event_record(e, placed.get(e.id)) for e in events]
    lanes = lanes_of(events)
    lane_index, rows = {lane: i for i, lane in enumerate(lanes)}, lane_rows(events)
    data = AtlasData(
        version=ATLAS_VERSION,
        events=EventColumns(
            id=[r.id for r in records],
            title=[r.title for r in records],
            date=[r.date for r in records],
            start=[r.start for r in records],
            end=[r.end for r in records],
            mark=[timeline_mark(e) for e in events],
            lane=[lane_index[e.lane] for e in events],
            row=[rows.offsets[e.id] for e in events],
            place=[place_index[keys[e.id]] for e in events],
            actors=[[actors.index[a] for a in e.actors] for e in events],
            tags=[[tags.index[t] for t in e.tags] for e in events],
            status=[STATUSES.index(r.status) for r in records],
            sources=[[source_index[s] for s in r.source_ids] for r in records],
            disputed=[int(r.disputed) for r in records],
            editorDate=[int(r.editor_date) for r in records],
            editorPlace=[int(r.editor_place) for r in records],
            corrected=[int(r.corrected) for r in records],
        ),
        places=list(place_table.values()),
        actors=actors.names,
        tags=tags.names,
        statuses=list(STATUSES),
        publishers=[s.publisher for s in dataset.sources],
        eventUrl=EVENT_URL,
        details=DetailScripts(url=DETAIL_SCRIPT, events=DETAIL_CHUNK),
        plurals=PLURALS,
        words=WORDS,
        timeline=TimelineInputs(
            **timeline_axes(lanes, rows.sizes),
            range=timeline_range(events),
            marks=TIMELINE_MARKS,
        ),
        map=MapInputs(
            **map_view(placed[e.id] for e in events if e.id in placed),
            marks=MAP_MARKS,
            altNames=MAP_ALT_NAMES,
            editorMark=MAP_EDITOR_MARK,
        ),
    )
    return data.model_dump(exclude_none=True)


def event_rows(atlas: dict) -> list[dict]:
    """The atlas's event columns as one dict per event, as the script reads them."""
    columns = atlas["events"]
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def place_key(event: Event, placed: dict[str, ResolvedPlace]) -> str:
    """The identity of an event's place: 'Wonsan', 'Wŏnsan' and 'wonsan' are one place."""
    place = placed.get(event.id)
    if place is None:
        return f"unplaced: {event.place}"
    return place.key or place.name


def _place_table(
    events: list[Event], placed: dict[str, ResolvedPlace], keys: dict[str, str]
) -> dict[str, PlaceRecord]:
    first_placed: dict[str, ResolvedPlace] = {}
    for event in events:
        if event.id in placed:
            first_placed.setdefault(keys[event.id], placed[event.id])
    records = {
        key: _place_record(key, name, first_placed.get(key))
        for key, name in place_names(events, placed).items()
    }
    return dict(sorted(records.items(), key=lambda item: (item[1].name.casefold(), item[0])))


def _usual_name(names: Counter) -> str:
    """The spelling most events use; among equals, the first in sorted order."""
    return min(names, key=lambda n: (-names[n], n.casefold(), n))


def _place_record(key: str, name: str, place: ResolvedPlace | None) -> PlaceRecord:
    if place is None:
        return PlaceRecord(key=key, name=name, lat=None, lon=None, area=False, note="not placed")
    return PlaceRecord(
        key=key,
        name=name,
        lat=place.lat,
        lon=place.lon,
        area=is_area(place),
        note=place_note(place),
    )


def view_scripts(config: dict) -> list[str]:
    """The scripts a view loads on demand: the shared data; plotly.js and the map's geography."""
    scripts = [DATA_SCRIPT]
    if "timeline" in config["show"] or "map" in config["show"]:
        scripts += FIGURE_SCRIPTS
    if "map" in config["show"]:
        scripts.append(f"{ASSET_DIR}/world_{config['geo']}m.js")
    return scripts


def event_indexes(dataset: Dataset, events: list[Event]) -> list[int]:
    """Positions of the given events in the atlas, for a view that shows only them."""
    position = {e.id: i for i, e in enumerate(dataset.events)}
    return [position[e.id] for e in events]


def view_config(
    dataset: Dataset, places: dict[str, ResolvedPlace], events: list[Event], show
) -> dict:
    """What one view on a page shows: which events (all when not said), where the figures start."""
    located = [places[e.id] for e in events if e.id in places]
    view = map_view(located)
    config = {
        "show": list(show),
        "range": timeline_range(events),
        "map": view,
        "geo": map_resolution(view),
    }
    if len(events) != len(dataset.events):
        config["events"] = event_indexes(dataset, events)
    return config


def focused_config(
    whole: dict, bounds, position: int, focus: Event, place: ResolvedPlace | None
) -> dict:
    """The view of all events with one in focus: highlighted, and the timeline and map centred on
    it."""
    config = dict(whole, focus=position, range=focused_timeline_range(bounds, focus))
    if place is not None:
        config["map"] = focused_map_view(whole["map"], place)
        config["geo"] = map_resolution(config["map"])
    return config

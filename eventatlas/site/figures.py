"""Stage 3: what the timeline and the map draw, as plain data the browser turns into Plotly figures.

Python decides the geometry and the honest encoding (which mark stands for which precision,
where each event sits, what the view shows first); eventatlas.js only fills traces from it,
so one shared data file can draw any page. Text reaches Plotly only through the script's
escaping: Plotly reads tags such as <a href>, <b> and <br> in text as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..data.schema import Event
from ..geocode import ResolvedPlace

# A lane's rows of markers, in the order they are taken, in steps from its middle: events close
# in time go on different rows, each a marker apart (see `_row_steps` for how close).
SUB_ROWS = (0, 1, -1, 2, -2)
MARKER_ROOM = 14  # pixels from one row to the next: the timeline's 13 px marker and one
LANE_GAP = 12  # pixels between a lane's outer rows and the next lane's
LANE_HEIGHT = 3 * MARKER_ROOM + LANE_GAP  # pixels of a lane of up to three rows; five: taller
DEFAULT_START, DEFAULT_END = date(2000, 1, 1), date(2001, 1, 1)
ZOOMED_IN_DEGREES = 60  # a map view at most this wide (longitude) draws 1:50m coastlines

# How each kind of date is drawn; the legend on the page explains the same marks in words.
TIMELINE_MARKS = {
    "day": {"kind": "point", "name": "a known day", "symbol": "circle", "opacity": 1.0},
    "day-approx": {
        "kind": "point",
        "name": "an approximate day (hollow)",
        "symbol": "circle-open",
        "opacity": 0.75,
    },
    "span": {
        "kind": "bar",
        "name": "sometime in that month or year (thin, light)",
        "width": 0.16,
        "opacity": 0.45,
        "pattern": "",
    },
    "range": {
        "kind": "bar",
        "name": "a range: from start to end",
        "width": 0.22,
        "opacity": 0.95,
        "pattern": "",
    },
    "span-approx": {
        "kind": "bar",
        "name": "an approximate month, year or range (hatched, faded)",
        "width": 0.2,
        "opacity": 0.45,
        "pattern": "/",
    },
}
MAP_MARKS = {
    "point": {"name": "a city or site", "symbol": "circle"},
    "point-disputed": {"name": "a city or site; the sources disagree", "symbol": "circle-x"},
    "area": {
        "name": "a region or country: the mark is the area's centre, not a precise spot",
        "symbol": "square-open",
    },
    "area-disputed": {
        "name": "a region or country; the sources disagree",
        "symbol": "square-x-open",
    },
}

# Drawn over a place's marker when the editor, not a cited source, placed an event there.
MAP_EDITOR_MARK = {
    "name": "the editor supplied the place of an event there; no cited source gives it",
    "symbol": "diamond-open",
    "sizeExtra": 10,
}


EVENT_URL = "events/{id}/"  # an event page's address from the site root; shipped to the browser


# The legends under the figures, in order: (swatch drawn in templates/legend.html, words). The
# words of a mark are the mark's own name, so the legend and the figure cannot drift apart.
TIMELINE_LEGEND = [
    ("dot", TIMELINE_MARKS["day"]["name"]),
    ("hollow-dot", TIMELINE_MARKS["day-approx"]["name"]),
    ("thin-bar", TIMELINE_MARKS["span"]["name"]),
    ("bar", TIMELINE_MARKS["range"]["name"]),
    ("hatched-bar", TIMELINE_MARKS["span-approx"]["name"]),
    ("flag", "the sources disagree on a detail"),
    ("ring", "the selected event"),
]
MAP_LEGEND = [
    ("dot", MAP_MARKS["point"]["name"]),
    ("hollow-square", MAP_MARKS["area"]["name"]),
    ("crossed-dot", "the sources disagree about an event there"),
    ("diamond", MAP_EDITOR_MARK["name"]),
    ("ring", "the selected event's place"),
    ("", "a bigger mark holds more events"),
]


def event_url(event_id: str) -> str:
    """The event page's address relative to the site root."""
    return EVENT_URL.format(id=event_id)


def lanes_of(events: Iterable[Event]) -> list[str]:
    """Lane names in order of first appearance along the timeline."""
    return list(dict.fromkeys(e.lane for e in events))


def timeline_mark(event: Event) -> str:
    """The event's mark: a point for a day, a span for a month or year, a bar for a range."""
    if event.date.is_point:
        return "day-approx" if event.date.approximate else "day"
    if event.date.approximate:
        return "span-approx"
    return "range" if event.date.is_range else "span"


def is_area(place: ResolvedPlace | None) -> bool:
    """True when the coordinates stand for a region or a country rather than a spot."""
    return place is not None and place.precision not in ("site", "city")


@dataclass(frozen=True)
class LaneRows:
    """Each event's nudge from the middle of its lane, and each lane's height, both in units of
    LANE_HEIGHT: its rows a marker apart, and clear of the next lane's."""

    offsets: dict[str, float]
    sizes: dict[str, float]


def lane_rows(events: list[Event]) -> LaneRows:
    """Events that overlap in time in one lane, on rows of their own (see SUB_ROWS)."""
    steps, rows_used = _row_steps(events)
    return LaneRows(
        offsets={key: round(step * MARKER_ROOM / LANE_HEIGHT, 4) for key, step in steps.items()},
        sizes={lane: _lane_size(used) for lane, used in rows_used.items()},
    )


def _lane_size(rows_used: int) -> float:
    widest = max(abs(step) for step in SUB_ROWS[:rows_used])
    return round(max(LANE_HEIGHT, (2 * widest + 1) * MARKER_ROOM + LANE_GAP) / LANE_HEIGHT, 4)


def _row_steps(events: list[Event]) -> tuple[dict[str, int], dict[str, int]]:
    """Each event's row, in steps from its lane's middle: the first row free when it starts. A row
    is taken until its event ends, and for 1/60 of the whole span at least: about a marker's
    width on a desktop's timeline (some 850 px), less on a phone's, where zooming in parts them.
    Also how many rows each lane uses."""
    min_gap = _span_of(events) / 60
    row_ends: dict[str, list[date]] = {}
    steps: dict[str, int] = {}
    for event in events:
        ends = row_ends.setdefault(event.lane, [])
        row = _free_row(ends, event.date.start)
        ends[row] = max(event.date.end_exclusive, event.date.start + min_gap)
        steps[event.id] = SUB_ROWS[row]
    return steps, {lane: len(ends) for lane, ends in row_ends.items()}


def _free_row(row_ends: list[date], start: date) -> int:
    for row, end in enumerate(row_ends):
        if end <= start:
            return row
    if len(row_ends) < len(SUB_ROWS):
        row_ends.append(start)
        return len(row_ends) - 1
    return min(range(len(row_ends)), key=lambda r: row_ends[r])


def _span_of(events: list[Event]) -> timedelta:
    first, last = date_bounds(events)
    return max(last - first, timedelta(days=1))


def date_bounds(events: list[Event]) -> tuple[date, date]:
    """The first day and the day after the last, of all the events."""
    first = min((e.date.start for e in events), default=DEFAULT_START)
    last = max((e.date.end_exclusive for e in events), default=DEFAULT_END)
    return first, last


def timeline_range(events: list[Event]) -> list[str]:
    """The date range that shows every event with a margin."""
    first, last = date_bounds(events)
    pad = max(timedelta(days=30), (last - first) / 25)
    return [(first - pad).isoformat(), (last + pad).isoformat()]


def focused_timeline_range(bounds: tuple[date, date], focus: Event) -> list[str]:
    """Half the whole range (at least four months), centred on the focused event."""
    first, last = bounds
    half = max(timedelta(days=60), (last - first) / 4)
    middle = focus.date.start + (focus.date.end_exclusive - focus.date.start) / 2
    return [(middle - half).isoformat(), (middle + half).isoformat()]


def timeline_axes(lanes: list[str], sizes: dict[str, float]) -> dict:
    """Lane names for the y axis, top to bottom, and their heights; a figure is padding +
    rowHeight for each lane it shows, times that lane's size."""
    return {
        "lanes": lanes,
        "laneSizes": [sizes.get(lane, 1.0) for lane in lanes],
        "rowHeight": LANE_HEIGHT,
        "padding": 90,
    }


def map_view(places: Iterable[ResolvedPlace]) -> dict:
    """The map's latitude and longitude ranges holding every given place."""
    lat, lon = _view_ranges([(p.lat, p.lon) for p in places])
    return {"lat": lat, "lon": lon}


def map_resolution(view: dict) -> int:
    """Natural Earth's scale for a map view: 1:110m when wide, 1:50m (8 times the bytes) zoomed
    in."""
    return 50 if view["lon"][1] - view["lon"][0] <= ZOOMED_IN_DEGREES else 110


def focused_map_view(whole: dict, focus: ResolvedPlace) -> dict:
    """Half the extent of the whole map view, centred on the focused place (narrower near the map's
    edge, to stay centred)."""
    lon_half = min(max((whole["lon"][1] - whole["lon"][0]) / 4, 25), max(180 - abs(focus.lon), 15))
    lat_half = min(
        max((whole["lat"][1] - whole["lat"][0]) / 4, 12, lon_half / 2.2),
        max(85 - abs(focus.lat), 8),
    )
    return {"lat": _clamped(focus.lat, lat_half, 85), "lon": _clamped(focus.lon, lon_half, 180)}


def _view_ranges(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """A view holding every point with a margin, at least 30° wide, shaped about 2:1 like the
    figure."""
    if not points:
        return [-60.0, 85.0], [-180.0, 180.0]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    lat_half = max((max(lats) - min(lats)) * 0.65, 10)
    lon_half = max((max(lons) - min(lons)) * 0.6, 15, lat_half * 2)
    lat_half = max(lat_half, lon_half / 2.2)
    return _clamped((min(lats) + max(lats)) / 2, lat_half, 85), _clamped(
        (min(lons) + max(lons)) / 2, lon_half, 180
    )


def _clamped(centre: float, half: float, limit: float) -> list[float]:
    low, high = centre - half, centre + half
    if low < -limit:
        low, high = -limit, min(limit, high + (-limit - low))
    if high > limit:
        low, high = max(-limit, low - (high - limit)), limit
    return [round(low, 2), round(high, 2)]

"""Stage 3: the timeline and the map as plain Plotly figure data (dicts and lists).

Every string from the data is HTML-escaped before it reaches Plotly: Plotly reads tags such
as <a href>, <b> and <br> in text as markup, while it shows entities (&lt;) as plain text.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from html import escape
from typing import Iterable

from .geocode import ResolvedPlace
from .schema import Event

DAY_MS = 86_400_000
MAX_HOVER_TITLES = 8
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]


def event_url(event_id: str) -> str:
    """The event page's address relative to the site root."""
    return f"events/{event_id}/"


def _text(value: str) -> str:
    return escape(" ".join(value.split()), quote=False)


def _hover_row(event: Event, place: ResolvedPlace | None) -> list:
    disputed = " · sources disagree" if event.disputes else ""
    place_name = place.name if place else event.place
    return [event.id, _text(event.title), _text(event.date.label) + disputed, _text(place_name), event_url(event.id)]


def lanes_of(events: Iterable[Event]) -> list[str]:
    """Lane names in order of first appearance along the timeline."""
    return list(dict.fromkeys(e.lane for e in events))


def build_timeline(events: list[Event], places: dict[str, ResolvedPlace]) -> dict:
    """A date axis with one lane per theme: days as points, months, years and ranges as bars."""
    points = [e for e in events if e.date.is_point]
    spans = [e for e in events if not e.date.is_point]
    traces = [
        _point_trace([e for e in points if not e.date.approximate], places, "Known day", "circle", 1.0),
        _point_trace([e for e in points if e.date.approximate], places, "Approximate day", "circle-open", 0.7),
        _span_trace([e for e in spans if not e.date.approximate], places, "Month, year or range", 0.85, ""),
        _span_trace([e for e in spans if e.date.approximate], places, "Approximate span", 0.35, "/"),
    ]
    lanes = lanes_of(events)
    return {"data": [t for t in traces if t["y"]], "layout": _timeline_layout(events, lanes)}


_HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>"


def _point_trace(events, places, name, symbol, opacity) -> dict:
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": [e.date.start.isoformat() for e in events],
        "y": [_text(e.lane) for e in events],
        "customdata": [_hover_row(e, places.get(e.id)) for e in events],
        "hovertemplate": _HOVER,
        "marker": {"size": 13, "symbol": symbol, "opacity": opacity, "line": {"width": 2}},
    }


def _span_trace(events, places, name, opacity, pattern) -> dict:
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "base": [e.date.start.isoformat() for e in events],
        "x": [(e.date.end_exclusive - e.date.start).days * DAY_MS for e in events],
        "y": [_text(e.lane) for e in events],
        "customdata": [_hover_row(e, places.get(e.id)) for e in events],
        "hovertemplate": _HOVER,
        "width": 0.5,
        "marker": {"opacity": opacity, "pattern": {"shape": pattern}, "line": {"width": 1}},
    }


def _timeline_layout(events: list[Event], lanes: list[str]) -> dict:
    first = min((e.date.start for e in events), default=date(2000, 1, 1))
    last = max((e.date.end_exclusive for e in events), default=date(2001, 1, 1))
    pad = max(timedelta(days=30), (last - first) / 25)
    return {
        "xaxis": {"type": "date", "range": [(first - pad).isoformat(), (last + pad).isoformat()], "title": {"text": ""}},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": [_text(lane) for lane in reversed(lanes)], "automargin": True},
        "barmode": "overlay",
        "height": 160 + 48 * max(1, len(lanes)),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "legend": {"orientation": "h", "y": -0.15},
        "hovermode": "closest",
        "dragmode": "pan",
        "showlegend": True,
    }


def build_map(events: list[Event], places: dict[str, ResolvedPlace]) -> dict:
    """One marker per place, sized by how many events it holds; regions and countries marked apart."""
    groups: dict[tuple, list[Event]] = defaultdict(list)
    for event in events:
        place = places.get(event.id)
        if place:
            groups[(place.name, place.lat, place.lon, place.precision)].append(event)
    keys = sorted(groups, key=lambda k: (k[0], k[1], k[2]))
    precise = [k for k in keys if k[3] in ("site", "city")]
    broad = [k for k in keys if k[3] not in ("site", "city")]
    traces = [_map_trace(precise, groups, "City or site", "circle"), _map_trace(broad, groups, "Region or country (area, not a point)", "square-open")]
    return {"data": [t for t in traces if t["lat"]], "layout": _map_layout([(k[1], k[2]) for k in keys])}


def _map_trace(keys, groups, name, symbol) -> dict:
    return {
        "type": "scattergeo",
        "mode": "markers",
        "name": name,
        "lat": [k[1] for k in keys],
        "lon": [k[2] for k in keys],
        "customdata": [_place_row(k, groups[k]) for k in keys],
        "hovertemplate": "<b>%{customdata[1]}</b> (%{customdata[2]})<br>%{customdata[3]}<extra></extra>",
        "marker": {"size": [10 + 5 * math.sqrt(len(groups[k])) for k in keys], "symbol": symbol, "line": {"width": 2}, "opacity": 0.85},
    }


def _place_row(key: tuple, events: list[Event]) -> list:
    titles = [f"{_text(e.date.label)}: {_text(e.title)}" for e in events[:MAX_HOVER_TITLES]]
    if len(events) > MAX_HOVER_TITLES:
        titles.append(f"… and {len(events) - MAX_HOVER_TITLES} more")
    count = f"{len(events)} event" + ("s" if len(events) != 1 else "")
    return [[e.id for e in events], _text(key[0]), count, "<br>".join(titles), [event_url(e.id) for e in events]]


def _map_layout(points: list[tuple[float, float]]) -> dict:
    lat_range, lon_range = _view_ranges(points)
    return {
        "geo": {
            "projection": {"type": "natural earth"},
            "resolution": 50,
            "fitbounds": False,
            "lataxis": {"range": lat_range},
            "lonaxis": {"range": lon_range},
            "showcountries": True,
            "showland": True,
            "showocean": True,
            "oceancolor": "rgba(120, 160, 200, 0.25)",
            "lakecolor": "rgba(120, 160, 200, 0.25)",
            "showframe": False,
        },
        "height": 460,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "legend": {"orientation": "h", "y": -0.02},
        "showlegend": True,
    }


def _view_ranges(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """A view holding every point with a margin, at least 30° wide, shaped about 2:1 like the figure."""
    if not points:
        return [-60.0, 85.0], [-180.0, 180.0]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    lat_half = max((max(lats) - min(lats)) * 0.65, 10)
    lon_half = max((max(lons) - min(lons)) * 0.6, 15, lat_half * 2)
    lat_half = max(lat_half, lon_half / 2.2)
    return _clamped((min(lats) + max(lats)) / 2, lat_half, 85), _clamped((min(lons) + max(lons)) / 2, lon_half, 180)


def _clamped(centre: float, half: float, limit: float) -> list[float]:
    low, high = centre - half, centre + half
    if low < -limit:
        low, high = -limit, min(limit, high + (-limit - low))
    if high > limit:
        low, high = max(-limit, low - (high - limit)), limit
    return [round(low, 2), round(high, 2)]


def build_figures(events: list[Event], places: dict[str, ResolvedPlace]) -> dict:
    """Both figures for a set of events, ready to be written as JSON."""
    return {"timeline": build_timeline(events, places), "map": build_map(events, places)}

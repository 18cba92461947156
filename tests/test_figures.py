"""What the figures draw: the mark for each kind of date, lanes kept apart, views that centre on an
event."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from eventatlas.data.dates import parse_event_date
from eventatlas.data.schema import Event
from eventatlas.geocode import ResolvedPlace
from eventatlas.site.figures import (
    LANE_HEIGHT,
    MAP_MARKS,
    MARKER_ROOM,
    SUB_ROWS,
    TIMELINE_MARKS,
    date_bounds,
    focused_map_view,
    focused_timeline_range,
    is_area,
    lane_rows,
    map_view,
    timeline_axes,
    timeline_mark,
    timeline_range,
)


def event(event_id: str, when: str, tag: str = "diplomacy") -> Event:
    return Event(
        id=event_id,
        title=event_id,
        date=parse_event_date(when),
        place="Pyongyang",
        tags=[tag],
        summary="s",
        citations=[{"source": "s", "quote": "q"}],
    )


def place(lat: float, lon: float, precision: str = "city") -> ResolvedPlace:
    return ResolvedPlace("P", lat, lon, precision, None, "test")


@pytest.mark.parametrize(
    "when, mark",
    [
        ("2025-07-12", "day"),
        ("2025-07-12~", "day-approx"),
        ("2025-07", "span"),
        ("2024", "span"),
        ("2025-07-11/2025-07-12", "range"),
        ("2024~", "span-approx"),
        ("2024-10/2024-12~", "span-approx"),
    ],
)
def test_each_precision_has_its_own_mark(when, mark):
    assert timeline_mark(event("e", when)) == mark
    assert mark in TIMELINE_MARKS


def test_points_are_points_and_spans_are_bars_with_approximate_ones_visibly_different():
    assert TIMELINE_MARKS["day"]["kind"] == "point" and TIMELINE_MARKS["day-approx"][
        "symbol"
    ].endswith("-open")
    assert {TIMELINE_MARKS[k]["kind"] for k in ("span", "range", "span-approx")} == {"bar"}
    assert (
        TIMELINE_MARKS["span-approx"]["pattern"]
        and TIMELINE_MARKS["span-approx"]["opacity"] < TIMELINE_MARKS["range"]["opacity"]
    )


def test_regions_and_countries_are_areas_with_their_own_marker():
    assert is_area(place(1, 1, "region")) and is_area(place(1, 1, "country"))
    assert not is_area(place(1, 1, "city")) and not is_area(place(1, 1, "site"))
    assert MAP_MARKS["area"]["symbol"] != MAP_MARKS["point"]["symbol"]
    assert all("-x" in MAP_MARKS[k]["symbol"] for k in ("point-disputed", "area-disputed"))


def test_events_on_the_same_day_in_one_lane_are_kept_a_marker_apart():
    events = [
        event("a", "2024-06-19"),
        event("b", "2024-06-19"),
        event("c", "2024-06-19", "treaty"),
        event("d", "2025-06-01"),
    ]
    rows = lane_rows(events)
    assert abs(rows.offsets["a"] - rows.offsets["b"]) * LANE_HEIGHT >= MARKER_ROOM
    assert rows.offsets["c"] == 0 and rows.offsets["d"] == 0
    assert rows.sizes == {"diplomacy": 1.0, "treaty": 1.0}  # three rows fit a lane


def test_the_timeline_ships_each_lanes_size_in_lane_order():
    axes = timeline_axes(["diplomacy", "treaty"], {"treaty": 1.5})
    assert axes["laneSizes"] == [1.0, 1.5] and axes["rowHeight"] == LANE_HEIGHT


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 50])
def test_overlapping_events_keep_their_rows_a_marker_apart_inside_their_lane(count):
    rows = lane_rows([event(f"e{n}", "2024-06") for n in range(count)])
    used = sorted(set(rows.offsets.values()))
    assert len(used) == min(count, len(SUB_ROWS))
    assert all((b - a) * LANE_HEIGHT >= MARKER_ROOM - 0.01 for a, b in pairwise(used))
    half_lane = rows.sizes["diplomacy"] * LANE_HEIGHT / 2
    assert max(abs(v) for v in used) * LANE_HEIGHT + MARKER_ROOM / 2 <= half_lane - 5
    assert rows.sizes["diplomacy"] == (1.0 if count <= 3 else round(82 / 54, 4))


def test_focused_timeline_is_centred_on_the_event():
    events = [event("a", "2022-02-24"), event("b", "2024-06-19"), event("c", "2025-09-03")]
    start, end = (
        date.fromisoformat(d) for d in focused_timeline_range(date_bounds(events), events[1])
    )
    assert start + (end - start) / 2 == date(2024, 6, 19)
    whole = [date.fromisoformat(d) for d in timeline_range(events)]
    assert end - start < whole[1] - whole[0]


def test_focused_map_is_centred_on_the_place():
    places = [place(39.0, 125.7), place(55.7, 37.6), place(38.9, -77.0), place(39.2, 127.4)]
    whole = map_view(places)
    view = focused_map_view(whole, places[3])
    assert sum(view["lat"]) / 2 == pytest.approx(39.2, abs=0.1)
    assert sum(view["lon"]) / 2 == pytest.approx(127.4, abs=0.1)
    assert view["lon"][1] - view["lon"][0] < whole["lon"][1] - whole["lon"][0]

"""Readers explore, in headless Chromium: linked timeline and map, a detail panel, filters and the
whole view state in the address, honest marks for dates, places and disputes, narratives."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from conftest import copy_project, run_mkdocs, serve_directory, synthetic_events

from eventatlas.site.atlas import event_rows
from eventatlas.site.figures import SUB_ROWS
from tools.synthetic import show_every_event

pytestmark = pytest.mark.browser

LAVROV_KIM = "lavrov-meets-kim-jong-un"


@pytest.fixture(scope="module")
def atlas(built_site) -> dict:
    text = (built_site / "assets/eventatlas/atlas.js").read_text(encoding="utf-8")
    return json.loads(text.split(" = ", 1)[1].rstrip(";\n"))


@pytest.fixture(scope="module")
def events(atlas) -> list[dict]:
    return event_rows(atlas)


def open_view(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".ea-timeline[data-drawn]")
    page.wait_for_selector(".ea-map[data-drawn]")


def traces(page, kind: str) -> list[dict]:
    """The drawn traces of a figure: meta (which mark), ids or place names, a few marker facts."""
    return page.evaluate(
        """kind => document.querySelector('.ea-' + kind).data.map(t => ({
            meta: t.meta, count: (t.lat || t.x || []).length,
            items: [...new Set((t.customdata || []).filter(row => row).map(row => row[0]))],
            symbol: t.marker && t.marker.symbol,
            opacity: t.marker && t.marker.opacity !== undefined ? t.marker.opacity : t.opacity,
            pattern: (t.fillpattern || (t.marker && t.marker.pattern) || {}).shape,
            fill: t.fill, type: t.type,
            lat: t.lat || [], x: t.x || []}))""",
        kind,
    )


def drawn_ids(page, events) -> list[str]:
    return sorted(events[i]["id"] for t in traces(page, "timeline") for i in t["items"])


def drawn_places(page, atlas) -> list[str]:
    return sorted(atlas["places"][p]["name"] for t in traces(page, "map") for p in t["items"])


def listed_ids(page) -> list[str]:
    return sorted(
        page.eval_on_selector_all(
            "table.ea-list tbody tr[data-event]", "rows => rows.map(r => r.dataset.event)"
        )
    )


def selected(page, kind: str) -> dict:
    return next(t for t in traces(page, kind) if t["meta"] in ("selected",))


def query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def click_timeline_event(page, events, event_id: str) -> None:
    """A real mouse click on the event's point, found through the trace that draws it."""
    index = next(i for i, e in enumerate(events) if e["id"] == event_id)
    scatter = traces(page, "timeline")
    trace_number = next(n for n, t in enumerate(scatter) if index in t["items"])
    point = scatter[trace_number]["items"].index(index)
    marker = (
        page.locator(".ea-timeline .scatterlayer .trace")
        .nth(trace_number)
        .locator(".point")
        .nth(point)
    )
    marker.click(force=True)  # at its centre: no other marker covers any of it


def test_every_timeline_point_clicked_at_its_centre_opens_its_own_event(
    site_url, warm_page, events
):
    """Events a day apart in one lane sit on rows a marker apart: no point hides another."""
    page = warm_page.page
    open_view(page, site_url)
    points = [
        (trace_number, point, index)
        for trace_number, trace in enumerate(traces(page, "timeline"))
        if trace["meta"] in ("day", "day-approx")
        for point, index in enumerate(trace["items"])
    ]
    assert LAVROV_KIM in {events[index]["id"] for _, _, index in points}  # a day from the next
    panel = page.locator(".ea-detail h3")
    for trace_number, point, index in points:
        marker = (
            page.locator(".ea-timeline .scatterlayer .trace")
            .nth(trace_number)
            .locator(".point")
            .nth(point)
        )
        page.wait_for_function("() => !document.querySelector('.ea-timeline').eaDrawing")
        marker.hover(force=True)  # the panel opened by the last click drew the timeline anew
        page.wait_for_timeout(100)  # plotly.js finds the hovered point at most every 50 ms
        marker.click(force=True)
        page.wait_for_function(
            "title => document.querySelector('.ea-detail h3')?.textContent === title",
            arg=events[index]["title"],
        )
        assert panel.inner_text() == events[index]["title"]
    assert warm_page.errors == []


def click_map_place(page, atlas, name: str) -> None:
    place = next(i for i, p in enumerate(atlas["places"]) if p["name"] == name)
    geo = [t for t in traces(page, "map")]
    trace_number = next(n for n, t in enumerate(geo) if place in t["items"])
    point = geo[trace_number]["items"].index(place)
    page.locator(".ea-map .scattergeo.trace").nth(trace_number).locator("path.point").nth(
        point
    ).click(force=True)


# ---- linked views ----


def test_selecting_a_timeline_event_opens_its_details_and_rings_it_on_the_map(
    site_url, warm_page, atlas, events
):
    page = warm_page.page
    open_view(page, site_url)
    click_timeline_event(page, events, LAVROV_KIM)
    panel = page.locator(".ea-detail")
    panel.locator(".ea-citations").first.wait_for()
    assert panel.locator("h3").inner_text() == "Lavrov meets Kim Jong Un"
    text = panel.inner_text()
    for expected in [
        "12 July 2025",
        "(to the day)",
        "Wonsan",
        "Sergey Lavrov",
        "confirmed",
        "Metrotvnews.com",
        "13 July 2025",
        "Pertemuan dengan Kim Jong Un merupakan bagian",
        "Where the sources disagree",
        "In Pyongyang (Metrotvnews.com)",
        "place supplied by the editor",
        "No cited article places this meeting in Wonsan",
        "Editor's translation: The meeting with Kim Jong Un is part of Lavrov's visit",
        "Corrected on 30 November 2026:",
    ]:
        assert expected in text, expected
    assert panel.locator(".ea-dispute").first.locator(":scope > ul > li").count() == 3
    translation = panel.locator(".ea-citations .ea-translation").first
    assert translation.get_attribute("lang") == "en"
    assert translation.locator("xpath=preceding-sibling::blockquote").get_attribute("lang") == "id"
    assert panel.locator(".ea-detail-link a").get_attribute("href") == f"events/{LAVROV_KIM}/"
    wonsan = next(p for p in atlas["places"] if p["name"] == "Wonsan")
    assert selected(page, "map")["lat"] == [wonsan["lat"]]
    assert selected(page, "timeline")["x"] == ["2025-07-12"]
    assert (
        page.locator(f'table.ea-list tr[data-event="{LAVROV_KIM}"]').get_attribute("aria-current")
        == "true"
    )
    assert query(page)["event"] == LAVROV_KIM
    assert warm_page.errors == []


def test_selecting_a_map_marker_shared_by_several_events_lists_them(
    site_url, warm_page, atlas, events
):
    page = warm_page.page
    open_view(page, site_url)
    click_map_place(page, atlas, "Pyongyang")
    panel = page.locator(".ea-detail")
    panel.locator(".ea-place-events").first.wait_for()
    at_pyongyang = [e for e in events if atlas["places"][e["place"]]["name"] == "Pyongyang"]
    group = panel.locator(".ea-place-group", has=page.locator("h4", has_text="Pyongyang"))
    assert group.locator("li").count() == len(at_pyongyang) == 5
    # Wonsan's and North Korea's markers overlap Pyongyang's at this scale: the panel lists their
    # events too, so none is out of reach
    assert (
        panel.locator(".ea-place-group").count() == 3
        and panel.locator(".ea-place-events li").count() == 10
    )
    assert query(page)["at"] in ("Pyongyang", "Wonsan", "North Korea")
    assert len(selected(page, "timeline")["x"]) == 10  # every event there is ringed on the timeline
    group.locator("button").first.click()
    panel.locator(".ea-citations").first.wait_for()
    assert panel.locator("h3").inner_text() == at_pyongyang[0]["title"]
    click_map_place(
        page, atlas, "Beijing"
    )  # a place with one event, far from others, opens that event at once
    page.wait_for_function(
        "() => document.querySelector('.ea-detail h3').textContent.includes('Beijing')"
    )
    assert warm_page.errors == []


def test_an_event_page_shows_the_views_focused_on_its_event(site_url, warm_page, atlas):
    page = warm_page.page
    open_view(page, site_url + f"events/{LAVROV_KIM}/")
    assert selected(page, "timeline")["x"] == ["2025-07-12"]
    start, end = (
        date.fromisoformat(d[:10])
        for d in page.evaluate(
            "() => document.querySelector('.ea-timeline')._fullLayout.xaxis.range"
        )
    )
    assert abs((start + (end - start) / 2 - date(2025, 7, 12)).days) <= 1
    lon = page.evaluate("() => document.querySelector('.ea-map')._fullLayout.geo.lonaxis.range")
    assert abs((lon[0] + lon[1]) / 2 - 127.44) < 1
    assert len(selected(page, "map")["lat"]) == 1
    assert page.locator(".ea-detail").is_hidden()  # the page itself holds the details
    assert "event" not in query(page)
    assert (
        page.locator(f'table.ea-list tr[data-event="{LAVROV_KIM}"]').get_attribute("aria-current")
        == "true"
    )
    assert warm_page.errors == []


# ---- filters and the address ----


def expected_ids(events, atlas, actor=None, tag=None, start=None, status=None) -> list[str]:
    chosen = []
    for e in events:
        if actor and atlas["actors"].index(actor) not in e["actors"]:
            continue
        if tag and atlas["tags"].index(tag) not in e["tags"]:
            continue
        if start and e["end"] <= start:
            continue
        if status and atlas["statuses"][e["status"]] != status:
            continue
        chosen.append(e["id"])
    return sorted(chosen)


def choose(page, name: str, label: str) -> None:
    page.locator(f".ea-filters select[name={name}]").select_option(label=label)


def test_filters_combine_and_update_timeline_map_list_and_counts_together(
    site_url, warm_page, atlas, events
):
    page = warm_page.page
    open_view(page, site_url)
    kim = next(
        o
        for o in page.locator(".ea-filters select[name=actor] option").all_inner_texts()
        if o.startswith("Kim Jong Un")
    )
    choose(page, "actor", kim)
    diplomacy = next(
        o
        for o in page.locator(".ea-filters select[name=tag] option").all_inner_texts()
        if o.startswith("diplomacy")
    )
    choose(page, "tag", diplomacy)
    want = expected_ids(events, atlas, actor="Kim Jong Un", tag="diplomacy")
    assert len(want) == 6
    assert drawn_ids(page, events) == listed_ids(page) == want
    places = {atlas["places"][e["place"]]["name"] for e in events if e["id"] in want}
    assert drawn_places(page, atlas) == sorted(places)
    assert (
        page.locator(".ea-count").inner_text()
        == f"Showing {len(want)} of 18 events at {len(places)} places."
    )
    page.locator(".ea-filters input[name=from]").fill("2025-01-01")
    page.locator(".ea-filters input[name=from]").dispatch_event("change")
    want = expected_ids(events, atlas, actor="Kim Jong Un", tag="diplomacy", start="2025-01-01")
    assert drawn_ids(page, events) == listed_ids(page) == want and len(want) == 4
    choose(
        page,
        "status",
        next(
            o
            for o in page.locator(".ea-filters select[name=status] option").all_inner_texts()
            if o.startswith("claimed")
        ),
    )
    assert drawn_ids(page, events) == listed_ids(page) == []
    assert "No event matches these filters" in page.locator(".ea-count").inner_text()
    assert "No event matches these filters" in page.locator("table.ea-list tbody").inner_text()
    assert page.evaluate(
        "() => document.querySelector('.ea-timeline')._fullLayout.annotations[0].text"
    ).startswith("No event matches")
    page.get_by_role("button", name="Clear filters").click()
    assert len(listed_ids(page)) == 18
    assert warm_page.errors == []


def test_status_is_shown_and_filterable(site_url, warm_page, events, atlas):
    page = warm_page.page
    open_view(page, site_url + "?status=claimed")
    assert (
        listed_ids(page)
        == expected_ids(events, atlas, status="claimed")
        == ["north-korea-pledges-workers-for-kursk", "trump-patriot-deal-with-nato"]
    )
    assert page.locator("table.ea-list .ea-status-claimed").all_inner_texts() == ["claimed"] * 2


def test_the_view_state_lives_in_the_address_and_back_and_forward_work(
    site_url, warm_page, browser, events
):
    page = warm_page.page
    open_view(page, site_url)
    choose(
        page,
        "tag",
        next(
            o
            for o in page.locator(".ea-filters select[name=tag] option").all_inner_texts()
            if o.startswith("military")
        ),
    )
    with_filter = page.url
    page.locator("table.ea-list .ea-show").first.click()
    with_event = page.url
    page.get_by_role("button", name="Zoom in").click()
    shared = page.url
    state = query(page)
    assert (
        state["tag"] == "military" and state["event"] == events[0]["id"] and ".." in state["zoom"]
    )

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    copy = other.new_page()
    open_view(copy, shared)
    copy.locator(".ea-detail .ea-citations").first.wait_for()
    assert (
        copy.locator(".ea-filters select[name=tag]").input_value()
        == page.locator(".ea-filters select[name=tag]").input_value()
    )
    assert listed_ids(copy) == listed_ids(page)
    assert copy.locator(".ea-detail h3").inner_text() == page.locator(".ea-detail h3").inner_text()
    zoom = state["zoom"].split("..")
    assert [
        d[:10]
        for d in copy.evaluate(
            "() => document.querySelector('.ea-timeline')._fullLayout.xaxis.range"
        )
    ] == zoom
    other.close()

    page.go_back()
    page.wait_for_function("url => location.href === url", arg=with_event)
    assert "zoom" not in query(page)
    page.go_back()
    page.wait_for_function("url => location.href === url", arg=with_filter)
    assert page.locator(".ea-detail").is_hidden()
    page.go_forward()
    page.wait_for_function("() => !document.querySelector('.ea-detail').hidden")
    assert page.locator(".ea-filters select[name=tag]").input_value() != ""
    assert warm_page.errors == []


def test_a_malformed_parameter_is_ignored_and_the_rest_is_kept(site_url, warm_page, events, atlas):
    page = warm_page.page
    open_view(
        page,
        site_url
        + "?actor=Nobody&tag=diplomacy&from=2024-13-45&to=2025-06&event=no-such-event"
        + "&zoom=2025-01-01..2024-01-01&disputed=yes",
    )
    assert query(page) == {"tag": "diplomacy", "to": "2025-06-30"}
    want = [
        e["id"]
        for e in events
        if atlas["tags"].index("diplomacy") in e["tags"] and e["start"] <= "2025-06-30"
    ]
    assert listed_ids(page) == sorted(want) and len(want) == 2
    assert page.locator(".ea-filters select[name=actor]").input_value() == ""
    assert page.locator(".ea-detail").is_hidden()
    assert warm_page.errors == []


def test_dragging_a_date_range_zooms_and_is_kept_in_the_address(site_url, warm_page):
    page = warm_page.page
    open_view(page, site_url)
    box = page.locator(".ea-timeline .nsewdrag").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.9, y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).has('zoom')")
    start, end = query(page)["zoom"].split("..")
    assert "2024" <= start < end
    page.get_by_role("button", name="Reset view").click()
    assert "zoom" not in query(page)


# ---- honest dates, places, disputes ----


def test_each_precision_is_drawn_as_it_is_and_explained(site_url, warm_page, atlas, events):
    page = warm_page.page
    open_view(page, site_url)
    drawn = {t["meta"]: t for t in traces(page, "timeline")}
    marks = {e["id"]: e["mark"] for e in events}
    assert (
        marks[LAVROV_KIM] == "day" and marks["north-korea-acknowledges-troop-deployment"] == "span"
    )
    assert (
        marks["lavrov-meets-choe-son-hui"] == "range"
        and marks["north-korean-troops-deployed-to-russia"] == "span-approx"
    )
    assert marks["wonsan-resort-opens"] == "span-approx"
    for key in ("day", "day-approx"):
        assert drawn[key]["type"] == "scatter"
    for key in ("span", "range", "span-approx"):  # bars: filled areas (no bar trace in the bundle)
        assert drawn[key]["type"] == "scatter" and drawn[key]["fill"] == "toself"
    assert (
        drawn["span-approx"]["pattern"] == "/"
        and drawn["span-approx"]["opacity"] < drawn["range"]["opacity"]
    )
    assert drawn["day-approx"]["symbol"] == "circle-open"
    for event_id, mark in marks.items():
        index = next(i for i, e in enumerate(events) if e["id"] == event_id)
        assert index in drawn[mark]["items"]
    legend = page.locator(".ea-pane-timeline .ea-legend").inner_text()
    for words in [
        "a known day",
        "approximate day (hollow)",
        "month or year",
        "range",
        "hatched",
        "disagree",
    ]:
        assert words in legend


def test_a_region_or_country_is_drawn_as_an_area_not_a_city(site_url, warm_page, atlas):
    page = warm_page.page
    open_view(page, site_url)
    by_mark = {t["meta"]: t for t in traces(page, "map")}
    areas = sorted(
        atlas["places"][p]["name"]
        for key in ("area", "area-disputed")
        for p in by_mark[key]["items"]
    )
    assert areas == ["Kursk Oblast", "North Korea", "Ukraine"]
    assert by_mark["area"]["symbol"] == "square-open" and by_mark["point"]["symbol"] == "circle"
    assert "region or country" in page.locator(".ea-pane-map .ea-legend").inner_text()
    assert (
        page.locator('table.ea-list tr[data-event="north-korea-pledges-workers-for-kursk"] td')
        .nth(2)
        .inner_text()
        == "Kursk Oblast (area)"
    )
    page.locator('tr[data-event="north-korea-pledges-workers-for-kursk"] .ea-show').click()
    assert (
        "region: the point marks the area, not an exact spot"
        in page.locator(".ea-detail").inner_text()
    )


def test_disputed_events_are_marked_on_timeline_map_and_list(site_url, warm_page, atlas, events):
    page = warm_page.page
    open_view(page, site_url)
    disputed = [e["id"] for e in events if e.get("disputed")]
    assert sorted(disputed) == [
        LAVROV_KIM,
        "north-korea-supplies-weapons-to-russia",
        "north-korean-troops-deployed-to-russia",
    ]
    flags = next(t for t in traces(page, "timeline") if t["meta"] == "sources disagree")
    assert flags["count"] == 3
    by_mark = {t["meta"]: t for t in traces(page, "map")}
    marked = sorted(
        atlas["places"][p]["name"]
        for key in ("point-disputed", "area-disputed")
        for p in by_mark[key]["items"]
    )
    assert marked == ["Kursk Oblast", "North Korea", "Wonsan"]
    badges = page.eval_on_selector_all(
        "table.ea-list tr:has(.ea-disputed)", "rows => rows.map(r => r.dataset.event)"
    )
    assert sorted(badges) == sorted(disputed)
    page.locator('tr[data-event="north-korean-troops-deployed-to-russia"] .ea-show').click()
    versions = page.locator(".ea-detail .ea-dispute").first.locator(":scope > ul > li")
    versions.first.wait_for()
    assert versions.count() == 3
    assert (
        "Nomor Satu Kaltim" in versions.nth(2).inner_text()
        and "About 11,000" in versions.nth(0).inner_text()
    )


def test_places_supplied_by_the_editor_are_drawn_apart_and_named(site_url, warm_page, atlas):
    page = warm_page.page
    open_view(page, site_url)
    (mark,) = [t for t in traces(page, "map") if t["meta"] == "editor-place"]
    editors = {"Moscow", "North Korea", "Pyongyang", "Ukraine", "Washington", "Wonsan"}
    by_lat = {p["lat"]: p["name"] for p in atlas["places"] if "lat" in p}
    assert sorted(by_lat[lat] for lat in mark["lat"]) == sorted(editors)
    assert mark["symbol"] == "diamond-open" and mark["items"] == []  # a drawing, not a target
    legend = page.locator(".ea-pane-map .ea-legend").inner_text()
    assert "the editor supplied the place" in legend
    washington = page.locator('table.ea-list tr[data-event="trump-patriot-deal-with-nato"] td')
    assert "editor's place" in washington.nth(2).inner_text()
    corrected = page.eval_on_selector_all(
        "table.ea-list tr:has(.ea-corrected)", "rows => rows.map(r => r.dataset.event)"
    )
    assert LAVROV_KIM in corrected and "lavrov-welcomes-kims-support" not in corrected
    assert warm_page.errors == []


# ---- narratives ----


@pytest.mark.parametrize(
    "path, count", [("narratives/kursk/", 5), ("narratives/diplomacy-2024-2025/", 8)]
)
def test_a_narrative_page_shows_only_its_events_among_its_prose(
    site_url, warm_page, events, path, count
):
    page = warm_page.page
    open_view(page, site_url + path)
    assert len(drawn_ids(page, events)) == len(listed_ids(page)) == count
    assert page.locator(".ea-count").inner_text().startswith(f"Showing {count} of {count} events")
    assert (
        page.locator("article h2:not(.ea-figure-title)").count() >= 2
    )  # the prose around the view
    if "kursk" in path:
        assert "north-korea-pledges-workers-for-kursk" in listed_ids(page)
    assert warm_page.errors == [] and warm_page.outside_requests() == []


def test_clear_filters_drops_every_filter_and_keeps_the_selected_event(site_url, warm_page, events):
    page = warm_page.page
    chosen = events[0]["id"]
    open_view(page, site_url + f"?tag=diplomacy&disputed=1&from=2025-01&event={chosen}")
    assert len(listed_ids(page)) < len(events)
    page.click("button[data-action='clear']")
    page.wait_for_function(
        f"() => document.querySelectorAll('table.ea-list tbody tr').length === {len(events)}"
    )
    query = parse_qs(urlparse(page.url).query)
    assert query == {"event": [chosen]}


def test_a_bar_exactly_over_another_is_drawn_once_and_every_event_is_listed(tmp_path, warm_page):
    """Crowded bars: same theme, same month. Each sub-row is drawn once; the list has them all."""
    data = synthetic_events(len(SUB_ROWS) + 3)
    for event in data["events"]:
        event.update(date="2024-06", tags=["military"])
    events_file = tmp_path / "events.yaml"
    events_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    project = copy_project(tmp_path / "project", events=events_file)
    show_every_event(project / "docs")  # the stories select events by the default data's ids
    assert run_mkdocs(project).returncode == 0
    server = serve_directory(project / "site")
    try:
        page = warm_page.page
        open_view(page, f"http://127.0.0.1:{server.server_address[1]}/")
        bars = {t["meta"]: t for t in traces(page, "timeline")}["span"]
        assert len(bars["items"]) == len(SUB_ROWS)  # one outline per sub-row
        assert page.locator("table.ea-list tbody tr[data-event]").count() == len(data["events"])
    finally:
        server.shutdown()
    assert warm_page.errors == []

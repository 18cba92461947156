"""The built home page in headless Chromium: figures drawn, nothing fetched from elsewhere."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser


def _figure_counts(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    events = json.loads((built_site / "data" / "events.json").read_text(encoding="utf-8"))["events"]
    return html, len(events), len({(e["lat"], e["lon"]) for e in events})


def test_home_draws_timeline_and_map_from_its_own_origin(built_site, site_url, watched_page):
    html, event_count, place_count = _figure_counts(built_site)
    page = watched_page.page
    page.goto(site_url)
    page.wait_for_selector(".ea-timeline[data-drawn]")
    page.wait_for_selector(".ea-map[data-drawn]")
    drawn_events = page.evaluate(
        "() => new Set(document.querySelector('.ea-timeline')._fullData.flatMap("
        "t => (t.customdata || []).filter(row => row).map(row => row[0]))).size"
    )
    # decorations (the editor's diamonds, the ring) draw no place of their own
    drawn_places = page.evaluate(
        "() => document.querySelector('.ea-map')._fullData.reduce((n, t) => n + (t.lat && "
        "t.hoverinfo !== 'skip' ? t.lat.length : 0), 0)"
    )
    assert drawn_events == event_count
    assert drawn_places == place_count
    assert page.locator(".ea-map .geo path.coastlines, .ea-map .geo .countries path").count() > 0
    assert watched_page.outside_requests() == []
    assert watched_page.errors == []


def test_clicking_a_timeline_point_opens_the_event_page(site_url, watched_page):
    # Since the "readers explore" issue a click selects the event and opens its details on the
    # same page; the panel's link then opens the event's own page.
    page = watched_page.page
    page.goto(site_url)
    page.wait_for_selector(".ea-timeline[data-drawn]")
    first_point = page.locator(".ea-timeline .scatterlayer .point").first
    first_point.click(force=True)
    page.locator(".ea-detail .ea-detail-link a").click()
    page.wait_for_url("**/events/**")
    assert page.locator("h1").inner_text().strip()
    assert watched_page.errors == []


def test_without_javascript_every_event_is_listed(browser, site_url, built_site):
    _, event_count, _ = _figure_counts(built_site)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    rows = page.locator("table.ea-list tbody tr")
    assert rows.count() == event_count
    href = rows.first.locator("a").get_attribute("href")
    assert href.startswith("events/")
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_timeline_is_drawn_once_its_labels_fit_the_margins_given(site_url, watched_page, width):
    # automargin stays on for a label that needs more room, but then plotly.js draws the whole
    # figure a second time: the margins given up front (measured lane names) hold every label.
    page = watched_page.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url)
    page.wait_for_selector(".ea-timeline[data-drawn]")
    given, used = page.evaluate(
        "() => { const gd = document.querySelector('.ea-timeline');"
        " return [gd.layout.margin, gd._fullLayout._size]; }"
    )
    assert {side: used[side] for side in "lrtb"} == {side: given[side] for side in "lrtb"}
    assert watched_page.errors == []


PLOTLY_STYLES = "() => document.querySelectorAll('style[id^=\"plotly.js\"]').length"
RULES = "sheet => Array.from(sheet.cssRules, rule => rule.cssText)"


def test_plotly_inserts_no_style_and_the_site_sheet_ends_with_the_rules_it_would(
    site_url, watched_page
):
    page = watched_page.page
    page.goto(site_url)
    page.wait_for_selector(".ea-timeline[data-drawn]")
    page.wait_for_selector(".ea-map[data-drawn]")
    assert page.evaluate(PLOTLY_STYLES) == 0
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('.ea-timeline .main-svg')).position"
        )
        == "absolute"
    )  # one of plotly.js's own rules, from the site's sheet
    site_sheet = page.evaluate(
        f"() => ({RULES})(Array.from(document.styleSheets)"
        ".find(s => (s.href || '').endsWith('/eventatlas.css')))"
    )
    page.goto(site_url + "about/")  # no figure: plotly.js as it is, inserting its rules
    page.add_script_tag(url=site_url + "assets/eventatlas/plotly-geo.min.js")
    inserted = page.evaluate(
        f"() => ({RULES})(document.getElementById('plotly.js-style-global').sheet)"
    )
    assert len(inserted) > 60
    assert site_sheet[-len(inserted) :] == inserted  # the same rules, in the same order, last
    assert watched_page.errors == []

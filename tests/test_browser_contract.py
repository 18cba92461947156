"""The contract between Python and the browser: the detail panel says, for every event, exactly
what the event page says (both come from the same templates), and a page refuses data of
another version loudly but gracefully."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

PARTS = """([selector, outsideView]) => {
    const root = document.querySelector(selector);
    const inside = el => !outsideView || !el.closest('.ea-view');
    const all = selector => Array.from(root.querySelectorAll(selector)).filter(inside);
    const text = el => el.innerText.replace(/\\s+/g, ' ').trim();
    return {
        facts: all('.ea-event .ea-facts').map(text),
        summary: all('.ea-event .ea-summary').map(text),
        citations: all('.ea-citations > li').map(text),
        disputes: all('.ea-disputes').map(text),
        links: all('.ea-event a[href], .ea-citations a[href], .ea-disputes a[href]')
            .map(a => a.href),
    };
}"""


@pytest.fixture(scope="module")
def event_ids(built_site) -> list[str]:
    events = json.loads((built_site / "data/events.json").read_text(encoding="utf-8"))["events"]
    return [e["id"] for e in events]


def test_the_panel_says_what_the_event_page_says_for_every_event(
    browser, site_url, warm_page, event_ids
):
    page = warm_page.page
    page.goto(site_url)
    page.wait_for_selector(".ea-view[data-ready]")
    plain = browser.new_context(java_script_enabled=False).new_page()
    for event_id in event_ids:
        page.evaluate(
            "id => { history.pushState(null, '', '?event=' + id);"
            " dispatchEvent(new PopStateEvent('popstate')); }",
            event_id,
        )
        page.wait_for_function(
            "id => document.querySelector('.ea-detail').getAttribute('data-showing') === id"
            " && document.querySelector('.ea-detail .ea-citations')",
            arg=event_id,
        )
        panel = page.evaluate(PARTS, [".ea-detail", False])
        plain.goto(f"{site_url}events/{event_id}/")
        own = plain.evaluate(PARTS, ["article", True])
        assert panel == own, event_id
        assert panel["facts"] and panel["citations"], event_id
    plain.context.close()
    assert warm_page.errors == []


@pytest.mark.parametrize("path", ["", "narratives/kursk/", "events/lavrov-meets-kim-jong-un/"])
def test_the_figures_alt_texts_are_the_pages_own(browser, site_url, warm_page, path):
    page = warm_page.page
    page.goto(site_url + path)
    page.wait_for_selector(".ea-map[data-drawn]")
    labels = (
        "() => [...document.querySelectorAll('.ea-figure')].map(f => f.getAttribute('aria-label'))"
    )
    drawn = page.evaluate(labels)
    plain = browser.new_context(java_script_enabled=False)
    static = plain.new_page()
    static.goto(site_url + path)
    assert drawn == static.evaluate(labels) and len(drawn) == 2
    plain.close()


def test_data_of_another_version_is_refused_with_a_notice(site_url, watched_page):
    page = watched_page.page
    page.route(
        "**/assets/eventatlas/atlas.js",
        lambda route: route.fulfill(
            content_type="text/javascript", body="window.EventAtlasData = {version: 999};"
        ),
    )
    page.goto(site_url)
    notice = page.locator(".ea-notice[role=alert]").first
    notice.wait_for()
    assert "version 999" in notice.inner_text()
    assert page.locator("table.ea-list tbody tr").count() > 0  # the list without script stays
    assert any("version 999" in error for error in watched_page.errors)


def test_a_page_without_a_figure_loads_no_plotly_no_geography_and_no_data(site_url, watched_page):
    page = watched_page.page
    page.goto(site_url + "about/", wait_until="networkidle")
    loaded = [url for url in watched_page.requests if "/assets/eventatlas/" in url]
    assert loaded and not [u for u in loaded if "plotly" in u or "world_" in u or "/atlas.js" in u]
    watched_page.requests.clear()
    page.goto(site_url, wait_until="networkidle")
    page.wait_for_selector(".ea-map[data-drawn]")
    plotly = [u for u in watched_page.requests if "plotly" in u]
    assert [u.rsplit("/", 1)[-1] for u in plotly] == ["plotly-geo.min.js"]
    assert not [u for u in watched_page.requests if "world_50m" in u]  # the wide home map: 1:110m


@pytest.mark.parametrize(
    ("script", "said"),
    [("plotly-geo.min.js", "plotly.js did not load"), ("world_110m.js", "geography did not load")],
)
def test_a_figure_script_that_does_not_load_leaves_the_list_and_says_so(
    site_url, watched_page, script, said
):
    # The page's own <script> tags load them (mkdocs_pages.scripts_before_theme): a failed one
    # is found by what it should have defined; a map drawn without its geography would fetch it.
    page = watched_page.page
    page.route(f"**/assets/eventatlas/{script}", lambda route: route.fulfill(status=404))
    page.goto(site_url)
    notice = page.locator(".ea-notice[role=alert]").first
    notice.wait_for()
    assert said in notice.inner_text()
    assert page.locator("table.ea-list tbody tr").count() > 0
    assert page.locator(".ea-map[data-drawn]").count() == 0
    assert watched_page.outside_requests() == []


def test_each_script_of_a_page_loads_once(site_url, watched_page):
    page = watched_page.page
    page.goto(site_url, wait_until="networkidle")
    page.wait_for_selector(".ea-map[data-drawn]")
    scripts = [u.rsplit("/", 1)[-1] for u in watched_page.requests if u.endswith(".js")]
    assert "eventatlas-cite.js" in scripts and "atlas.js" in scripts
    assert len(scripts) == len(set(scripts))

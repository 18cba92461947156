"""Accessible on any device: no JavaScript, keyboard only, axe-core, 375 px and 1280 px,
dark palette, instant navigation and file://.

Screenshots go to EVENTATLAS_SCREENSHOTS (default tests/screenshots/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("EVENTATLAS_SCREENSHOTS", Path(__file__).parent / "screenshots"))
EVENT = "events/lavrov-meets-kim-jong-un/"
NARRATIVE = "narratives/kursk/"
AXE_PAGES = {"home": "", "event": EVENT, "sources": "sources/", "narrative": NARRATIVE}


def drawn(page) -> None:
    page.wait_for_selector(".ea-timeline[data-drawn]")
    page.wait_for_selector(".ea-map[data-drawn]")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_without_javascript_an_event_page_lists_every_event_with_working_links(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + EVENT)
    rows = page.locator("table.ea-list tbody tr")
    assert rows.count() == 18
    first = rows.first
    assert (
        first.locator("time").inner_text()
        and first.locator("td").nth(2).inner_text()
        and first.locator("td").nth(3).inner_text()
    )
    assert page.locator(".ea-figure-fallback").count() == 2
    assert page.locator(".ea-toolbar").is_hidden() and page.locator(".ea-legend").first.is_hidden()
    first.locator("a").click()
    page.wait_for_url("**/events/russia-invades-ukraine/")
    assert page.locator("h1").inner_text() == "Russia invades Ukraine"
    context.close()


def test_every_event_can_be_reached_and_opened_with_the_keyboard(warm_page, site_url):
    page = warm_page.page
    page.goto(site_url)
    drawn(page)
    for _ in range(120):  # Tab through header, filters and zoom buttons to the list
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('table.ea-list .ea-show')"):
            break
    else:
        pytest.fail("Tab never reached the list")
    button = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('ea-detail')")
    assert page.locator(".ea-detail h3").inner_text() == button.removeprefix("Details: ")
    page.keyboard.press("Escape")
    assert page.locator(".ea-detail").is_hidden()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == button
    page.keyboard.press("Shift+Tab")  # back to the event's link
    assert page.evaluate("() => document.activeElement.tagName") == "A"
    page.keyboard.press("Enter")
    page.wait_for_url("**/events/**")
    assert page.locator(".ea-event").count() == 1
    rows = page.locator("table.ea-list tbody tr").count()
    assert (
        page.locator("table.ea-list .ea-show").count() == rows == 18
    )  # every event has its keyboard control
    for figure in page.locator(".ea-figure").all():
        assert (
            figure.get_attribute("role") == "img" and len(figure.get_attribute("aria-label")) > 30
        )


@pytest.mark.parametrize("name", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_violation(warm_page, site_url, name):
    from axe_playwright_python.sync_playwright import Axe

    page = warm_page.page
    page.goto(site_url + AXE_PAGES[name])
    if name != "sources":
        drawn(page)
        page.locator("table.ea-list .ea-show").nth(2).click()  # with the detail panel open
        page.locator(".ea-detail .ea-citations").first.wait_for()
    # axe judges contrast on what is painted: let transitions (the theme's header title fades in
    # on scroll) settle first, or a half-faded frame on a busy machine reads as low contrast
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page)
    violations = results.response["violations"]
    by_impact = {}
    for violation in violations:
        nodes = [(n["target"], n["failureSummary"][-160:]) for n in violation["nodes"][:3]]
        by_impact.setdefault(violation["impact"], []).append((violation["id"], nodes))
    print(f"axe {name}: {len(violations)} violations {by_impact}")
    assert not by_impact.get("serious") and not by_impact.get("critical"), by_impact


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_layout_fits_the_screen_in_both_palettes(warm_page, site_url, width, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = warm_page.page
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + "about/")
    page.evaluate(
        "() => localStorage.clear()"
    )  # mkdocs-material keeps the last palette; follow the system's
    for name, path in [("home", ""), ("event", EVENT), ("narrative", NARRATIVE)]:
        page.goto(site_url + path)
        drawn(page)
        assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == (
            "slate" if scheme == "dark" else "default"
        )
        page.locator("table.ea-list .ea-show").first.click()
        page.locator(".ea-detail .ea-citations").first.wait_for()
        assert no_horizontal_scroll(page), f"{name} at {width}px scrolls sideways"
        for part in [".ea-toolbar", ".ea-timeline", ".ea-map", ".ea-detail"]:
            box = page.locator(part).first.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (name, part)
        timeline, chart, panel = (
            page.locator(p).first.bounding_box() for p in (".ea-timeline", ".ea-map", ".ea-detail")
        )
        assert panel["y"] > timeline["y"] + timeline["height"] - 1  # below the full-width timeline
        if width == 1280 and name == "home":
            assert (
                panel["x"] > chart["x"] + chart["width"] - 1 and chart["width"] > 500
            )  # map and details side by side
        else:  # a narrower column: stacked, each at full width
            assert (
                panel["y"] > chart["y"] + chart["height"] - 1
                and panel["width"] > 0.9 * chart["width"]
            )
        page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    assert warm_page.errors == []


def test_the_palette_toggle_switches_the_figures_to_the_dark_template(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    page.goto(site_url)
    drawn(page)
    colours = (
        "() => ['.ea-timeline', '.ea-map']"
        ".map(s => document.querySelector(s)._fullLayout.font.color)"
    )
    light = page.evaluate(colours)
    marker = "() => document.querySelector('.ea-timeline').data[0].marker.color"
    light_marker = page.evaluate(marker)
    page.locator("label[for=__palette_1]").click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function(
        f"() => document.querySelector('.ea-timeline').data[0].marker.color !== '{light_marker}'"
    )
    dark = page.evaluate(colours)
    assert dark != light and all(d != b for d, b in zip(dark, light, strict=True))
    assert (
        page.evaluate("() => document.querySelector('.ea-map')._fullLayout.geo.landcolor")
        != "#eef0f3"
    )
    page.screenshot(path=str(SHOTS / "home-1280-toggled-dark.png"))
    page.locator("label[for=__palette_0]").click()
    page.wait_for_function(
        f"() => document.querySelector('.ea-timeline').data[0].marker.color === '{light_marker}'"
    )
    context.close()


@pytest.fixture(scope="module")
def instant_site_url(tmp_path_factory):
    """The default site built with a site_url naming where it is served: mkdocs-material's instant
    navigation only takes over links found in sitemap.xml, resolved to that host and port."""
    import functools
    import http.server
    import threading

    from conftest import _QuietHandler, copy_project, run_mkdocs

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0),
        functools.partial(_QuietHandler, directory=str(tmp_path_factory.getbasetemp())),
    )
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    project = copy_project(tmp_path_factory.mktemp("instant"))
    (project / "docs" / "every-event.md").write_text(
        "# Every event\n\n```eventatlas\nshow: [list]\n```\n", encoding="utf-8"
    )  # a view without a figure
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write(f"\nsite_url: {url}\n")
    config_file = project / "mkdocs.yml"  # and a search index in several bundles
    config_text = config_file.read_text(encoding="utf-8")
    bundles = "  - eventatlas:\n      search_bundle_events: 6\n"
    config_file.write_text(config_text.replace("  - eventatlas:\n", bundles), encoding="utf-8")
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stderr
    server.RequestHandlerClass = functools.partial(_QuietHandler, directory=str(project / "site"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url
    server.shutdown()


def test_instant_navigation_keeps_the_figures_working(warm_page, instant_site_url):
    page = warm_page.page
    site_url = instant_site_url
    page.goto(site_url)
    drawn(page)
    page.evaluate("() => { window.__samePage = true; }")
    page.locator("article a[href$='narratives/kursk/']").click()
    page.wait_for_url("**/narratives/kursk/")
    page.wait_for_function(
        "() => document.querySelector('.ea-view[data-ready]') && "
        "document.querySelectorAll('table.ea-list tbody tr').length === 5"
    )
    drawn(page)
    assert page.evaluate(
        "() => window.__samePage === true"
    )  # no full reload: mkdocs-material's instant navigation
    assert (
        page.evaluate(
            "() => new Set(document.querySelector('.ea-timeline').data.flatMap("
            "t => (t.customdata || []).filter(row => row).map(row => row[0]))).size"
        )
        == 5
    )
    assert (
        page.locator(".ea-map .svg-container").count() == 1
    )  # drawn once, not twice on top of itself
    page.locator("table.ea-list .ea-show").first.click()
    page.locator(".ea-detail .ea-citations").first.wait_for()
    page.go_back()
    page.go_back()
    page.wait_for_function(
        "() => location.pathname === '/' && document.querySelectorAll('table.ea-list tbody "
        "tr').length === 18"
    )
    drawn(page)
    assert page.evaluate("() => window.__samePage === true")
    assert warm_page.errors == [] and warm_page.outside_requests() == []


PLOTLY_MARK = '<template id="plotly.js-style-global" class="no-inline-styles"></template>'


@pytest.mark.parametrize("mark_in_head", [True, False], ids=["mark-in-head", "mark-added"])
def test_figures_reached_by_instant_navigation_are_styled_by_the_sheet_alone(
    warm_page, instant_site_url, mark_in_head
):
    page = warm_page.page

    def without_mark(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(PLOTLY_MARK, ""))

    if not mark_in_head:  # then eventatlas.js adds it before plotly.js loads
        page.route(instant_site_url, without_mark)
    try:
        page.goto(instant_site_url + "about/")
        page.evaluate("() => { window.__samePage = true; }")
        page.locator("a.md-header__button.md-logo").click()
        drawn(page)
    finally:
        page.unroute_all()
    assert page.evaluate("() => window.__samePage === true")
    assert page.evaluate(
        "() => [document.querySelectorAll('style[id^=\"plotly.js\"]').length,"
        " document.getElementById('plotly.js-style-global').matches('template.no-inline-styles')]"
    ) == [0, True]  # plotly.js loaded here, and inserted no style
    assert (
        page.evaluate(
            "() => getComputedStyle(document.querySelector('.ea-map .main-svg')).position"
        )
        == "absolute"
    )
    assert warm_page.errors == [] and warm_page.outside_requests() == []


def test_a_view_without_a_figure_loads_no_plotly_and_says_nothing_is_missing(
    warm_page, instant_site_url
):
    page = warm_page.page
    page.goto(instant_site_url + "every-event/")
    page.wait_for_selector(".ea-view[data-ready]")
    assert page.locator("table.ea-list tbody tr").count() == 18
    assert page.locator(".ea-notice").count() == 0
    assert not [u for u in warm_page.requests if "plotly" in u or "world_" in u]
    assert warm_page.errors == []


def test_instant_navigation_to_the_search_page_finds_each_result_once(
    warm_page, instant_site_url, repo
):
    import yaml

    events = yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["events"]
    last = max(events, key=lambda event: event["id"])  # in the last bundle of the index
    page = warm_page.page
    page.goto(instant_site_url)
    page.evaluate("() => { window.__samePage = true; }")
    for _ in range(2):  # the second visit finds Pagefind loaded, its bundles merged
        page.locator("nav a[href$='find/']").first.click()
        page.wait_for_url("**/find/")
        page.locator("#ea-search input").fill(last["title"])
        link = page.locator(f'.pagefind-ui__result-link[href$="events/{last["id"]}/"]')
        link.first.wait_for(timeout=15_000)
        assert link.count() == 1
        page.locator("nav.md-nav--primary").get_by_role("link", name="Timeline and map").click()
        page.wait_for_selector(".ea-timeline[data-drawn]")
    assert page.evaluate("() => window.__samePage === true")  # instant navigation throughout
    assert warm_page.errors == []


def test_instant_navigation_to_an_event_page_keeps_its_structured_data(warm_page, instant_site_url):
    page = warm_page.page
    page.goto(instant_site_url + "sources/")
    page.evaluate("() => { window.__samePage = true; }")
    page.locator("article a[href*='events/']").first.click()
    page.wait_for_url("**/events/**")
    page.wait_for_selector(".ea-timeline[data-drawn]")
    assert page.evaluate("() => window.__samePage === true")
    types = page.eval_on_selector_all(
        "script", "all => all.filter(s => s.text.includes('schema.org')).map(s => s.type)"
    )
    assert types == ["application/ld+json"]  # not run as JavaScript, not gone
    assert warm_page.errors == []


def test_the_site_works_from_file_urls(browser, built_site):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((built_site / "index.html").as_uri())
    drawn(page)
    page.locator("table.ea-list .ea-show").nth(1).click()
    page.locator(".ea-detail .ea-citations").first.wait_for()  # details load from file:// too
    assert page.locator(".ea-map .geo .countries path").count() > 0
    assert errors == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_a_confirmed_row_selected_on_an_event_page(warm_page, site_url, scheme):
    """The status badge inside the selected row keeps 4.5:1 on the selection tint, both palettes."""
    from axe_playwright_python.sync_playwright import Axe

    page = warm_page.page
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + "about/")
    page.evaluate("() => localStorage.clear()")  # follow the system's palette
    page.goto(site_url + EVENT)
    drawn(page)
    row = page.locator("table.ea-list tr", has=page.locator(f"a[href$='{EVENT}']")).first
    if "ea-selected" not in (row.get_attribute("class") or ""):
        row.locator(".ea-show").click()
    page.locator("table.ea-list tr.ea-selected .ea-status-confirmed").first.wait_for()
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    violations = Axe().run(page).response["violations"]
    page.emulate_media(color_scheme="light")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"][:3]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious

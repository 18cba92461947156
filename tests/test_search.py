"""Search: Pagefind indexes the event pages in chunks; mkdocs-material's index keeps to the
hand-written pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow


def _events(repo: Path) -> list[dict]:
    return yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["events"]


def test_material_search_holds_no_generated_page(built_site):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "about/" in pages
    assert not any(page.startswith(("events/", "sources/", "find/")) for page in pages)


def test_pagefind_index_and_ui_are_served_from_the_site(built_site, repo):
    entry = json.loads((built_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] >= len(_events(repo))
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css"):
        assert (built_site / "pagefind" / name).is_file()
    search_page = (built_site / "find/index.html").read_text(encoding="utf-8")
    assert 'src="../pagefind/pagefind-ui.js"' in search_page
    assert "eventatlas-html-slot" not in search_page


@pytest.mark.browser
@pytest.mark.parametrize(
    "query, expected",
    [
        ("Lavrov meets Kim Jong Un", "events/lavrov-meets-kim-jong-un/"),  # a title
        ("Choe Son Hui", "events/"),  # an actor
        ("Wonsan", "events/"),  # a place
    ],
)
def test_the_search_page_finds_titles_actors_and_places(watched_page, site_url, query, expected):
    page = watched_page.page
    page.goto(f"{site_url}find/?q={query.replace(' ', '+')}")
    link = page.locator(f'.pagefind-ui__result-link[href*="{expected}"]').first
    link.wait_for(timeout=15_000)
    assert watched_page.outside_requests() == []
    assert watched_page.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_passes_axe_in_both_palettes(browser, site_url, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site_url}find/?q=Lavrov")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    violations = Axe().run(page, context=".md-content").response["violations"]  # not the theme's
    context.close()
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    details = [
        (v["id"], [(n["target"], n["failureSummary"][-200:]) for n in v["nodes"][:3]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], details

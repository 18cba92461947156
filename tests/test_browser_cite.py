"""'Cite this' in the browser: a view's citation carries its full address, filters included."""

from __future__ import annotations

import json

import bibtexparser
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _open_citation(page, name: str):
    block = page.locator(".ea-citethis").first
    summary = block.locator("summary")
    if summary.count():
        summary.click()
    page.get_by_role("button", name=name).first.wait_for()
    return block


def test_a_views_citation_carries_its_filters(site_url, warm_page):
    page = warm_page.page
    page.goto(site_url + "?status=claimed")
    page.wait_for_selector(".ea-view .ea-timeline .main-svg")
    block = _open_citation(page, "Copy citation")
    address = page.evaluate("window.location.href")
    assert "status=claimed" in address
    assert address in block.locator(".ea-citethis-text").inner_text()
    items = json.loads(block.locator(".ea-citethis-csl").inner_text())
    assert items[0]["URL"] == address and items[0]["version"]
    with page.expect_download() as download:
        block.get_by_role("button", name="Download BibTeX").click()
    text = open(download.value.path(), encoding="utf-8").read()
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and library.entries[0]["url"] == address
    assert warm_page.outside_requests() == [] and warm_page.errors == []


def test_an_event_pages_citation_names_the_page(site_url, warm_page):
    page = warm_page.page
    page.goto(site_url + "events/lavrov-meets-kim-jong-un/")
    block = _open_citation(page, "Copy citation")
    text = block.locator(".ea-citethis-text").inner_text()
    assert f"{site_url}events/lavrov-meets-kim-jong-un/" in text
    assert "“Lavrov meets Kim Jong Un.”" in text and "Data version" in text
    with page.expect_download() as download:
        block.get_by_role("button", name="Download CSL-JSON").click()
    items = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert items[0]["title"] == "Lavrov meets Kim Jong Un"
    assert warm_page.errors == []

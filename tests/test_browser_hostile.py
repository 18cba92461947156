"""Hostile and broken addresses: any address degrades to the default view, never a dead page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ADDRESSES = [
    "/?actor=x",
    "//?actor=x",
    "///?actor=Kim%20Jong%20Un",
    "//events/lavrov-meets-kim-jong-un/?tag=x",
    "/?actor=%E0%A4%A&tag=%%",
    "/?from=99999-99&to=not-a-date",
    "/?ids=%3Cscript%3Ealert(1)%3C/script%3E#%",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_any_address_draws_the_figures_without_a_script_error(warm_page, site_url, address):
    page = warm_page.page
    page.goto(site_url.rstrip("/") + address)
    page.wait_for_selector(".ea-timeline[data-drawn]", timeout=20_000)
    page.wait_for_selector(".ea-map[data-drawn]", timeout=20_000)
    assert warm_page.errors == [], warm_page.errors
    assert page.evaluate("() => location.host") == site_url.split("/")[2]

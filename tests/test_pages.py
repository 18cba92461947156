"""Generated pages and the shared data: small event pages at any scale, safe embedding, same bytes every time."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import synthetic_events

from eventatlas.pipeline import prepare
from eventatlas.site.atlas import build_atlas, plain_summary
from eventatlas.site.pages import fill_html_slots
from eventatlas.site.site_files import ASSET_DIR, SCRIPTS, site_files

REPO = Path(__file__).resolve().parent.parent


def prepared_from(tmp_path: Path, data: dict):
    (tmp_path / "events.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return prepare(tmp_path / "events.yaml", REPO / "places.yaml", write_cache=False)


@pytest.fixture(scope="module")
def default():
    return prepare(REPO / "events.yaml", REPO / "places.yaml", write_cache=False)


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    return prepared_from(tmp_path_factory.mktemp("thousand"), synthetic_events(1000))


def config_of(page: str) -> dict:
    attribute = re.search(r'data-config="([^"]*)"', page).group(1)
    return json.loads(html.unescape(attribute))


def test_the_shared_data_holds_every_event_once(default):
    atlas = build_atlas(default.dataset, default.places)
    assert [e["id"] for e in atlas["events"]] == [e.id for e in default.dataset.events]
    lavrov = next(e for e in atlas["events"] if e["id"] == "lavrov-meets-kim-jong-un")
    assert lavrov["disputed"] == 1 and atlas["places"][lavrov["place"]]["name"] == "Wonsan"
    kursk = next(p for p in atlas["places"] if p["name"] == "Kursk Oblast")
    assert kursk["area"] is True and "region" in kursk["note"]
    assert atlas["statuses"] == ["confirmed", "reported", "claimed"]


def test_event_pages_carry_a_small_config_not_the_figures(default):
    files = site_files(default.dataset, default.places)
    page = files["events/lavrov-meets-kim-jong-un.md"].page.markdown()
    config = config_of(page)
    assert set(config) == {"show", "range", "map", "focus"}
    assert default.dataset.events[config["focus"]].id == "lavrov-meets-kim-jong-un"
    assert "Sergey Lavrov" not in page.split("data-config")[1].split(">")[0]


def test_an_event_page_does_not_grow_with_the_number_of_events(default, thousand):
    small = site_files(default.dataset, default.places)
    large = site_files(thousand.dataset, thousand.places)
    small_page = len(small["events/lavrov-meets-kim-jong-un.md"].page.markdown().encode())
    large_page = max(
        len(large[f"events/event-{n:05d}.md"].page.markdown().encode()) for n in (0, 500, 999)
    )
    assert large_page < 30_000 and large_page < 3 * small_page
    atlas = len(large[f"{ASSET_DIR}/atlas.js"].content.encode())
    assert atlas < 400 * 1000  # compact records: well under half a kilobyte an event
    print(
        f"event page: {small_page} B (15 events), {large_page} B (1,000 events); atlas.js for 1,000 events: {atlas} B"
    )


def test_event_pages_list_their_neighbours_without_javascript(thousand):
    page = site_files(thousand.dataset, thousand.places)["events/event-00500.md"].page.markdown()
    rows = re.findall(r'<tr data-event="([^"]+)"', page)
    assert 1 < len(rows) <= 21
    assert "the home page lists them all" in page


def test_embedded_config_and_data_hold_no_raw_markup_characters(tmp_path):
    data = synthetic_events(3)
    data["events"][0]["title"] = "</script><script>alert(1)</script> & more"
    data["events"][0]["tags"] = ["<b>tag</b>"]
    prepared = prepared_from(tmp_path, data)
    files = site_files(prepared.dataset, prepared.places)
    atlas = files[f"{ASSET_DIR}/atlas.js"].content
    assert "<" not in atlas and ">" not in atlas and "&" not in atlas
    detail = files[f"{ASSET_DIR}/detail/event-00000.js"].content
    assert "<" not in detail and "&" not in detail
    restored = json.loads(atlas.split(" = ", 1)[1].rstrip(";\n"))
    assert next(e for e in restored["events"] if e["id"] == "event-00000")["title"].startswith(
        "</script>"
    )  # kept as text; the script escapes it for Plotly


def test_the_same_input_gives_the_same_bytes(default):
    first = site_files(default.dataset, default.places)
    second = site_files(default.dataset, default.places)
    assert {k: v.content for k, v in first.items()} == {k: v.content for k, v in second.items()}
    assert {k: v.page.markdown() for k, v in first.items() if v.page} == {
        k: v.page.markdown() for k, v in second.items() if v.page
    }


def test_generated_pages_keep_their_html_out_of_markdown(thousand):
    files = site_files(thousand.dataset, thousand.places)
    for path in ("events/event-00500.md", "sources.md"):
        skeleton = files[path].content
        assert "<" not in skeleton.split("---", 2)[2]  # only headings and slot paragraphs
        assert "search:\n  exclude: true" in skeleton  # Pagefind indexes it, not material
        assert len(skeleton.encode()) < 1000
        assert "<table" in files[path].page.markdown() or "<section" in files[path].page.markdown()


def test_slots_are_filled_once_and_never_from_the_data():
    parts = ["<b>eventatlas-html-slot-1</b><p>eventatlas-html-slot-1</p>", "<i>second</i>"]
    rendered = "<p>eventatlas-html-slot-0</p>\n<h2>x</h2>\n<p>eventatlas-html-slot-1</p>"
    assert fill_html_slots(rendered, parts) == (
        "<b>eventatlas-html-slot-1</b><p>eventatlas-html-slot-1</p>\n<h2>x</h2>\n<i>second</i>"
    )


def test_every_script_is_served_and_loaded_in_order(default):
    files = site_files(default.dataset, default.places)
    assert all(path in files for path in SCRIPTS)
    assert SCRIPTS.index(f"{ASSET_DIR}/atlas.js") < SCRIPTS.index(f"{ASSET_DIR}/eventatlas.js")
    assert SCRIPTS[-1] == f"{ASSET_DIR}/eventatlas.js"


def test_summaries_lose_markdown_marks_but_keep_link_text():
    assert (
        plain_summary("See *this* [article](https://example.org) and `code`.")
        == "See this article and code."
    )


def test_own_scripts_never_assign_markup():
    for path in (REPO / "eventatlas" / "assets").glob("eventatlas*.js"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(
            r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(", source
        ), path.name

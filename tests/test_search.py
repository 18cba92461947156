"""Search: Pagefind indexes the event pages in chunks; mkdocs-material's index keeps to the
hand-written pages."""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import yaml
from conftest import copy_project, run_mkdocs, serve_directory

from eventatlas.errors import SearchIndexError
from eventatlas.search import (
    RAM_TEMP,
    SearchedPage,
    StagedSearchIndex,
    event_bundles,
    index_files,
    index_site,
    staging_parent,
)

pytestmark = pytest.mark.slow


def _events(repo: Path) -> list[dict]:
    return yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["events"]


def test_the_default_site_has_one_search_over_every_page(built_site, repo):
    assert not (built_site / "search/search_index.json").exists()  # no material search
    hand_written = list((repo / "docs").rglob("*.md"))
    entry = json.loads((built_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] >= len(_events(repo)) + len(hand_written)


def test_material_search_if_turned_on_holds_no_generated_page(tmp_path):
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config.replace("plugins:\n", "plugins:\n  - search\n"))
    assert run_mkdocs(project).returncode == 0
    index = json.loads((project / "site/search/search_index.json").read_text(encoding="utf-8"))
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


def test_the_index_of_staged_pages_is_the_index_of_the_finished_site(built_site):
    """Pagefind reads staged copies of the articles while the theme is rendered: what it writes
    must be, byte for byte, what it writes when it reads the finished pages."""
    finished = Path(tempfile.mkdtemp(dir=staging_parent()))  # where the build stages them
    try:
        pages = built_site.rglob("index.html")
        for path in sorted(p.relative_to(built_site).as_posix() for p in pages):
            if not path.startswith("pagefind/"):  # in path order, as the build stages them
                (finished / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(built_site / path, finished / path)
        index_site(finished)
        assert _tree(finished / "pagefind") == _tree(built_site / "pagefind")
    finally:
        shutil.rmtree(finished)


def test_a_build_leaves_no_staged_pages_behind(tmp_path):
    (tmp_path / "tmp").mkdir()
    project = copy_project(tmp_path / "project")
    assert run_mkdocs(project, env={"TMPDIR": str(tmp_path / "tmp")}).returncode == 0
    assert list((tmp_path / "tmp").iterdir()) == []


def test_pages_are_staged_in_memory_unless_tmpdir_names_a_place(monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    in_memory = RAM_TEMP.is_dir() and os.access(RAM_TEMP, os.W_OK)
    assert staging_parent() == (str(RAM_TEMP) if in_memory else None)
    monkeypatch.setenv("TMPDIR", "/somewhere/else")
    assert staging_parent() is None


def test_the_staged_pages_of_a_killed_build_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed = tmp_path / "eventatlas-search.999999999.abcd"  # no such process
    (killed / "events" / "x").mkdir(parents=True)
    index = StagedSearchIndex()
    index.start([], {}, tmp_path / "site")
    index.close()
    assert not killed.exists()
    assert list(tmp_path.glob("eventatlas-search.*")) == []


EVENTS_PER_BUNDLE = 6  # the default site's events in several bundles


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    """The default site with its search index split into bundles of six event pages."""
    project = copy_project(tmp_path_factory.mktemp("bundled"))
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    setting = f"      search_bundle_events: {EVENTS_PER_BUNDLE}\n"
    (project / "mkdocs.yml").write_text(
        config.replace("  - eventatlas:\n", "  - eventatlas:\n" + setting)
    )
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def _bundles(site: Path) -> list[Path]:
    merged = (site / "pagefind").glob("part-*")
    return [site / "pagefind", *sorted(merged, key=lambda p: int(p.name.removeprefix("part-")))]


def test_a_large_index_is_split_into_bundles_the_search_page_merges(bundled_site, built_site, repo):
    bundles = _bundles(bundled_site)
    events = len(_events(repo))
    assert len(bundles) == -(-events // EVENTS_PER_BUNDLE)
    counts = [_page_count(bundle) for bundle in bundles]
    assert sum(counts) == _page_count(built_site / "pagefind")  # every page, once
    assert all(count <= EVENTS_PER_BUNDLE for count in counts[1:])  # only event pages
    for merged in bundles[1:]:  # only the index: the engine and the scripts are pagefind/'s
        assert sorted(p.suffix for p in merged.iterdir() if p.is_file()) == [".json", ".pf_meta"]
    search_page = (bundled_site / "find/index.html").read_text(encoding="utf-8")
    listed = json.loads(html.unescape(search_page.split('data-bundles="')[1].split('"')[0]))
    assert listed == [f"../pagefind/{b.name}/" for b in bundles[1:]]
    assert all((bundled_site / name).is_file() for name in index_files(bundled_site, len(bundles)))


def test_event_pages_are_split_into_bundles_of_equal_size():
    pages = [f"events/e{n:03}/index.html" for n in range(10)]
    assert list(event_bundles(pages, 5).values()) == [0] * 5 + [1] * 5
    assert sorted(event_bundles(pages, 4).values()) == [0] * 4 + [1] * 3 + [2] * 3
    assert set(event_bundles(pages, 100).values()) == {0}
    assert event_bundles([], 5) == {}


def test_a_rebuild_moves_pages_between_bundles_and_drops_the_bundles_it_no_longer_has(tmp_path):
    def page(path: str, bundle: int) -> SearchedPage:
        return SearchedPage(path, path, f"<p>{path.split('/')[0]} words</p>", bundle)

    site, index = tmp_path / "site", StagedSearchIndex()
    first = {"index.html": 0, "a/index.html": 1, "b/index.html": 2}
    try:
        index.start([page(p, b) for p, b in first.items()], first, site)
        index.finish()
        assert [_page_count(bundle) for bundle in _bundles(site)] == [1, 1, 1]
        second = {"index.html": 0, "a/index.html": 0, "b/index.html": 1}  # no page changed
        index.start([], second, site)
        index.finish()
    finally:
        index.close()
    assert [_page_count(bundle) for bundle in _bundles(site)] == [2, 1]


@pytest.mark.browser
def test_the_search_page_finds_pages_in_every_bundle(browser, bundled_site, repo):
    events = sorted(_events(repo), key=lambda event: event["id"])
    first, last = events[0], events[-1]  # in the first and the last bundle
    server = serve_directory(bundled_site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for event in (first, last):
            page.goto(f"{base}find/?q={quote_plus(event['title'])}")
            link = page.locator(f'.pagefind-ui__result-link[href$="events/{event["id"]}/"]')
            link.first.wait_for(timeout=15_000)
            assert link.count() == 1  # found once, though every bundle was searched
        page.close()
    finally:
        server.shutdown()
    assert errors == []


@pytest.mark.browser
def test_the_search_page_loads_every_bundle_before_the_first_query(watched_page, bundled_site):
    server = serve_directory(bundled_site)
    try:
        page = watched_page.page
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/find/")
        page.wait_for_load_state("networkidle")
        metadata = [url for url in watched_page.requests if url.endswith(".pf_meta")]
        loaded = {url.split("/pagefind/")[1].split("pagefind.")[0] for url in metadata}
        assert loaded == {"", *(f"{b.name}/" for b in _bundles(bundled_site)[1:])}
        assert page.evaluate("document.activeElement === document.body")  # focus stays put
    finally:
        server.shutdown()
    assert watched_page.errors == []


def test_a_failing_bundle_fails_the_index(tmp_path):
    site, index = tmp_path / "site", StagedSearchIndex()
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "part-1").write_text("in the way", encoding="utf-8")  # not a folder
    pages = {"index.html": 0, "a/index.html": 1}
    try:
        index.start([SearchedPage(p, p, "<p>words</p>", b) for p, b in pages.items()], pages, site)
        with pytest.raises(SearchIndexError, match="Pagefind failed"):
            index.finish()
    finally:
        index.close()


def _many_pages(count: int):
    for n in range(count):
        yield SearchedPage(f"p{n:05}/index.html", f"Page {n}", "<p>words</p>", 0)


def test_a_page_that_cannot_be_staged_fails_the_index_without_a_hang(tmp_path):
    site, index = tmp_path / "site", StagedSearchIndex()
    pages = {"index.html": 0}
    try:
        index.start([SearchedPage("index.html", "Home", "<p>words</p>", 0)], pages, site)
        index.finish()
        # A file where the next page's folder goes: that page, and every page after it, fails
        # to stage, and the queue of 1,000 pages (more than it holds) is still read to its end.
        assert index._staging is not None
        blocked = index._staging / "0" / "p00000"
        blocked.write_text("in the way", encoding="utf-8")
        index.start(_many_pages(1_000), pages, site)
        with pytest.raises(SearchIndexError, match="cannot stage the pages for search"):
            index.finish()
    finally:
        index.close()


def test_a_page_that_cannot_be_made_indexes_nothing(tmp_path):
    def pages():
        yield from _many_pages(300)
        raise RuntimeError("the worker failed")

    site, index = tmp_path / "site", StagedSearchIndex()
    try:
        with pytest.raises(RuntimeError):
            index.start(pages(), {"index.html": 0}, site)
        index.finish()  # no index of the pages made before it, and no error of its own
    finally:
        index.close()
    assert not (site / "pagefind").exists()


def _page_count(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return entry["languages"]["en"]["page_count"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    "value, said", [("0", "0"), ("-3", "-3"), ("many", "'many'"), ("true", "True")]
)
def test_a_bundle_size_that_is_not_a_whole_number_of_one_or_more_is_one_clear_error(
    tmp_path, value, said
):
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    setting = f"      search_bundle_events: {value}\n"
    (project / "mkdocs.yml").write_text(
        config.replace("  - eventatlas:\n", "  - eventatlas:\n" + setting)
    )
    result = run_mkdocs(project)
    assert result.returncode != 0
    assert "search_bundle_events" in result.stderr + result.stdout
    assert f"expected a whole number of 1 or more, not {said}" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()  # nothing written

"""Search: Pagefind indexes the event pages in chunks; mkdocs-material's index keeps to the
hand-written pages."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import copy_project, run_mkdocs

from eventatlas.search import RAM_TEMP, StagedSearchIndex, index_site, staging_parent

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
    index.start([], [], tmp_path / "site")
    index.close()
    assert not killed.exists()
    assert list(tmp_path.glob("eventatlas-search.*")) == []


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }

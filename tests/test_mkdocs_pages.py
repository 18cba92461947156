"""Generated pages go through MkDocs by shortcuts that change no byte of the site."""

from __future__ import annotations

import filecmp

from conftest import copy_project
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.commands import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

import eventatlas.plugin
from eventatlas.mkdocs_pages import Rendered, SkeletonPage
from eventatlas.site.pages import GeneratedPage, front_matter, html_slot


def _build_in_process(project) -> None:
    config = load_config(config_file=str(project / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build.build(config)
    finally:
        config.plugins.on_shutdown()


def _differing(left, right) -> list[str]:
    compared = filecmp.dircmp(left, right)
    found = [*compared.left_only, *compared.right_only, *compared.diff_files, *compared.funny_files]
    for name, sub in compared.subdirs.items():
        found += [f"{name}/{path}" for path in _differing(sub.left, sub.right)]
    return found


def test_the_site_is_the_same_without_the_shortcuts(built_site, tmp_path, monkeypatch):
    """Every body through MkDocs' Markdown and the navigation rendered for every page: the same
    bytes as the build with the shortcuts (the session's site)."""
    monkeypatch.setattr(SkeletonPage, "render", Page.render)
    monkeypatch.setattr(eventatlas.plugin, "render_navigation_once", lambda env, nav: None)
    project = copy_project(tmp_path / "project")
    _build_in_process(project)
    filecmp.clear_cache()
    assert _differing(built_site, project / "site") == []


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)


@given(title=_TEXT.filter(str.strip), description=_TEXT)
def test_front_matter_given_as_data_is_what_mkdocs_would_read(title, description):
    meta = front_matter(title, description, searched=False)
    page = GeneratedPage(meta, "# Heading" + html_slot(0), lambda: ("",))
    assert get_data(page.skeleton) == (page.body.lstrip("\n"), meta)


def test_only_a_body_that_links_within_itself_is_shared():
    within = '<h2 id="a">A<a class="headerlink" href="#a">&para;</a></h2>'
    assert Rendered(within, [], None, set(), {}).shareable  # type: ignore[arg-type]
    for outside in ('<a href="../x/">x</a>', "<img src='y.png'>", "<a href=z>z</a>"):
        assert not Rendered(within + outside, [], None, set(), {}).shareable  # type: ignore[arg-type]

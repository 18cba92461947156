"""Generated pages go through MkDocs by shortcuts that change no byte of the site."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

from conftest import copy_project
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.commands import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

import eventatlas.plugin
from eventatlas.mkdocs_pages import (
    PLOTLY_STYLES_MARK,
    Rendered,
    SkeletonPage,
    nav_titles,
    no_inline_plotly_styles,
    scripts_before_theme,
    structured_data_in_head,
)
from eventatlas.site.pages import GeneratedPage, front_matter, html_slot
from eventatlas.writefile import remove_abandoned


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
    monkeypatch.setattr(eventatlas.plugin, "render_navigation_once", lambda env: None)
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


def test_a_generated_page_in_the_nav_keeps_the_navs_title(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - Sources: sources.md\n" in text
    config.write_text(text.replace("  - Sources: sources.md\n", "  - Bibliography: sources.md\n"))
    _build_in_process(project)
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    link = home.split('<a href="sources/" class="md-nav__link">', 1)[1].split("</a>", 1)[0]
    assert "Bibliography" in link and "Sources" not in link


def test_nav_titles_are_read_from_every_level_of_the_nav():
    nav = ["index.md", {"Stories": [{"Kursk": "narratives/kursk.md"}]}, {"Sources": "sources.md"}]
    assert nav_titles(nav) == {"narratives/kursk.md": "Kursk", "sources.md": "Sources"}


def test_another_users_leftovers_are_left_alone(tmp_path, monkeypatch):
    leftover = tmp_path / "eventatlas-background.999999999.x.pickle"  # no such process
    leftover.write_bytes(b"")

    def refused(self, missing_ok=False):
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "unlink", refused)
    remove_abandoned(tmp_path, "eventatlas-background.")  # no error
    assert leftover.exists()


THEME = '<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
OURS = '<script src="../assets/eventatlas/eventatlas.min.js"></script>'


def test_the_figures_scripts_run_before_the_theme_on_pages_with_figures(built_site):
    def scripts(page: str) -> list[str]:
        html = (built_site / page).read_text(encoding="utf-8")
        return re.findall(r'<script src="[^"]*/([^/"]+)"></script>', html)

    assert scripts("index.html") == [
        "atlas.js",
        "templates.js",
        "plotly-geo.min.js",
        "world_110m.js",
        "eventatlas.min.js",
        "bundle.a5f9d56c.min.js",
    ]
    assert scripts("about/index.html") == ["bundle.a5f9d56c.min.js", "eventatlas.min.js"]


def _preload(href: str, kind: str) -> str:
    return f'<link rel="preload" as="script" href="{href}" data-ea-script="{kind}">'


def test_the_views_scripts_go_before_the_theme_each_once_in_order():
    views = (
        _preload("../a/atlas.js", "data")
        + _preload("../a/plotly.js", "figures")
        + _preload("../a/world_110m.js", "figures")
        + _preload("../a/cite.js", "cite")
        + _preload("../a/atlas.js", "data")
        + _preload("../a/plotly.js", "figures")
        + _preload("../a/world_50m.js", "figures")
    )
    page = f"<body>{views}<p>x</p>\n{THEME}\n{OURS}\n<script>other()</script></body>"
    moved = scripts_before_theme(page, "assets/eventatlas/eventatlas.min.js")
    tags = "".join(
        f'<script src="../a/{name}"></script>\n'
        for name in ("atlas.js", "plotly.js", "world_110m.js", "world_50m.js")
    )
    assert moved == f"<body>{views}<p>x</p>\n{tags}{OURS}\n{THEME}\n<script>other()</script></body>"
    assert scripts_before_theme(moved, "assets/eventatlas/eventatlas.min.js") == moved


def test_moving_the_script_keeps_everything_else():
    page = f"<body><p>x</p>\n{THEME}\n{OURS}\n<script>other()</script></body>"
    moved = scripts_before_theme(page, "assets/eventatlas/eventatlas.min.js")
    assert moved == f"<body><p>x</p>\n{OURS}\n{THEME}\n<script>other()</script></body>"
    assert scripts_before_theme(moved, "assets/eventatlas/eventatlas.min.js") == moved
    without_theme = f"<body>{OURS}</body>"
    assert (
        scripts_before_theme(without_theme, "assets/eventatlas/eventatlas.min.js") == without_theme
    )


def test_plotly_is_told_before_it_loads_to_insert_no_style(built_site):
    page = "<html><head><title>x</title></head><body><style>p{}</style></body></html>"
    marked = no_inline_plotly_styles(page)
    assert marked == page.replace("</head>", PLOTLY_STYLES_MARK + "\n</head>")
    assert no_inline_plotly_styles(marked) == marked
    assert no_inline_plotly_styles("<p>no head</p>") == "<p>no head</p>"
    home = (built_site / "index.html").read_text(encoding="utf-8")
    head, body = home.split("</head>", 1)
    assert (
        head.count(PLOTLY_STYLES_MARK) == 1 and '<script src="assets/eventatlas/plotly-geo' in body
    )
    assert PLOTLY_STYLES_MARK not in (built_site / "about/index.html").read_text(encoding="utf-8")


def test_structured_data_goes_in_the_head(built_site):
    page = (built_site / "events/lavrov-meets-kim-jong-un/index.html").read_text(encoding="utf-8")
    head, body = page.split("</head>", 1)
    assert head.count('type="application/ld+json"') == 1 and "ld+json" not in body
    plain = "<html><head><title>x</title></head><body><p>no data</p></body></html>"
    assert structured_data_in_head(plain) == plain
    data = '<script type="application/ld+json">{"a": 1}</script>'
    moved = structured_data_in_head(f"<head></head><body><p>a</p>{data}\n</body>")
    assert moved == f"<head>{data}\n</head><body><p>a</p></body>"

"""Generated pages through MkDocs at little cost: what MkDocs would do for each of thousands of
pages, done once for all the pages it would give the same result.

- `SkeletonPage`: a generated page whose front matter is given as data (no YAML to parse) and
  whose Markdown body MkDocs renders once per distinct body: the bodies of all event pages are
  one of two texts, their blocks of HTML go in after (see `pages`). mkdocs-material's blog
  plugin makes its posts the same way, as pages whose source the plugin reads itself.
- `render_navigation_once`: the theme's navigation, rendered once per folder for the generated
  pages that are not in it (for them it is the same HTML: no item is theirs, and its links are
  relative to the folder), instead of once per page.
- `scripts_before_theme`: on a page with figures, the views' data, plotly.js, the geography and
  the site's script run before the theme's own, so the figures are drawn before the theme starts.
- `no_inline_plotly_styles`: on such a page plotly.js inserts none of its style rules (they are in
  the site's style sheet).
- `structured_data_in_head`: a page's JSON-LD goes in its head, where mkdocs-material's instant
  navigation leaves it as it is.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from .site.pages import GeneratedPage

NAVIGATION_TEMPLATE = "partials/nav.html"  # mkdocs-material's primary navigation
MATERIAL_TEMPLATES = "material"  # the package its templates come from


@dataclass(frozen=True)
class Rendered:
    """What MkDocs' Markdown made of a page's Markdown."""

    content: str
    toc: TableOfContents
    title: str | None
    anchors: set[str] | None
    links: dict | None

    @classmethod
    def of(cls, page: Page) -> Rendered:
        assert page.content is not None, "Page.render sets it"
        return cls(
            page.content,
            page.toc,
            page._title_from_render,
            page.present_anchor_ids,
            page.links_to_anchors,
        )

    @property
    def shareable(self) -> bool:
        """True when no other page would render it differently: it links only within itself."""
        return _LINK_OUT_OF_PAGE.search(self.content) is None

    def give_to(self, page: Page) -> None:
        page.content, page.toc, page._title_from_render = self.content, self.toc, self.title
        # Shared, not copied: MkDocs sets them when it renders a page and only reads them after
        # (100 MB at 100,000 pages).
        page.present_anchor_ids, page.links_to_anchors = self.anchors, self.links


_LINK_OUT_OF_PAGE = re.compile(r"""\b(?:href|src)=(?!["']?#)""")


class SkeletonPage(Page):
    """A generated page as MkDocs sees it. Its front matter is given as data, not parsed from YAML,
    and MkDocs' Markdown renders its body once per distinct body, not once per page: the bodies
    of all event pages are one of two texts (the blocks of HTML go in after). mkdocs-material's
    blog plugin makes its posts the same way, as pages whose source the plugin reads itself."""

    def __init__(
        self,
        file: File,
        config,
        generated: GeneratedPage,
        rendered: dict[str, Rendered],
        nav_title: str | None = None,  # MkDocs keeps this page for the nav, and the nav's title
    ) -> None:
        super().__init__(nav_title, file, config)
        self.edit_url = None  # no source file to edit
        self._generated, self._rendered = generated, rendered

    def read_source(self, config) -> None:
        # as MkDocs reads front matter: the body without its leading blank lines
        self.markdown = self._generated.body.lstrip("\n")
        self.meta = dict(self._generated.meta)

    def render(self, config, files) -> None:
        assert self.markdown is not None, "read_source comes first"
        done = self._rendered.get(self.markdown)
        if done is not None:
            done.give_to(self)
            return
        super().render(config, files)
        done = Rendered.of(self)
        if done.shareable:
            self._rendered[self.markdown] = done


def nav_titles(nav: object) -> dict[str, str]:
    """The titles mkdocs.yml's `nav` gives pages, by their path in docs/ terms."""
    titles: dict[str, str] = {}

    def walk(item: object, title: str | None) -> None:
        if isinstance(item, str) and title is not None:
            titles.setdefault(item, title)
        elif isinstance(item, list):
            for entry in item:
                walk(entry, None)
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, key)

    walk(nav, None)
    return titles


def render_navigation_once(env: jinja2.Environment) -> None:
    """Make mkdocs-material's navigation template render once per folder for the skeleton pages
    not in the navigation; every other page, and any other theme's or override's template,
    renders as before."""
    try:
        template = env.get_template(NAVIGATION_TEMPLATE)
    except jinja2.TemplateNotFound:
        return
    if MATERIAL_TEMPLATES not in Path(template.filename or "").parts:
        return  # a custom_dir's own navigation may read more of the page: leave it alone
    template.root_render_func = _rendered_once(template.root_render_func)


def _rendered_once(render: Callable) -> Callable:
    rendered: dict[str, str] = {}
    in_nav: dict[int, set[str]] = {}  # by the navigation given to the theme (plugins may change it)

    def root_render_func(context) -> Iterator[str]:
        page, nav = context.get("page"), context.get("nav")
        if not isinstance(page, SkeletonPage) or nav is None:
            yield from render(context)
            return
        if id(nav) not in in_nav:
            in_nav.clear()
            in_nav[id(nav)] = {item.file.src_uri for item in nav.pages}
        if page.file.src_uri in in_nav[id(nav)]:
            yield from render(context)
            return
        folder = posixpath.dirname(page.url.rstrip("/"))  # its links are relative to it
        if folder not in rendered:
            rendered[folder] = "".join(render(context))
        yield rendered[folder]

    return root_render_func


_THEME_SCRIPT = re.compile(
    r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>'
)
_SCRIPT_START = '<script src="'


def scripts_before_theme(html: str, script: str) -> str:
    """Put, before mkdocs-material's own `<script>`, the scripts the page's views preload (their
    data, then plotly.js and the geography: `data-ea-script` links of view.html, in order, each
    once), then the `<script>` of `script` (a path ending as an extra_javascript entry does).

    The figures are the page's content and the theme's start-up is not: run in this order, by the
    parser, the site's script draws both figures (plotly.js draws them within the microtasks of
    that script) before the theme starts (about 80 ms of a desktop's CPU, four times that on a
    phone), and before DOMContentLoaded, which the theme waits for. Everything above them in the
    page is read and shown first. (Searched from the end, where the scripts are: this runs for
    every event page.)"""
    ours_end = html.rfind(f'{script}"></script>')
    ours_start = html.rfind(_SCRIPT_START, 0, ours_end) if ours_end >= 0 else -1
    theme_at = html.rfind("assets/javascripts/bundle.", 0, max(ours_start, 0))
    theme = (
        _THEME_SCRIPT.match(html, html.rfind(_SCRIPT_START, 0, theme_at)) if theme_at >= 0 else None
    )
    if ours_start < 0 or theme is None:
        return html
    ours_end += len(script) + len('"></script>')
    tags = [f'<script src="{url}"></script>' for url in _preloaded_scripts(html, theme.start())]
    tags.append(html[ours_start:ours_end])
    ours_end += html.startswith("\n", ours_end)
    before = html[: theme.start()] + "\n".join(tags) + "\n" + html[theme.start() : ours_start]
    return before + html[ours_end:]


_PRELOADED_SCRIPT = re.compile(
    r'<link rel="preload" as="script" href="([^"]+)" data-ea-script="(?:data|figures)">'
)


def _preloaded_scripts(html: str, end: int) -> list[str]:
    """The addresses of the data and figure scripts the views before `end` preload, each once."""
    return list(dict.fromkeys(m[1] for m in _PRELOADED_SCRIPT.finditer(html, 0, end)))


# plotly.js inserts no style when an element of this id and class is in the page (its strict-CSP
# mode); a <template> is inert, belongs in a head, and is no inline style a CSP would refuse
PLOTLY_STYLES_MARK = '<template id="plotly.js-style-global" class="no-inline-styles"></template>'


def no_inline_plotly_styles(html: str) -> str:
    """Tell plotly.js, before it loads, to insert no style rules into the page: they are in the
    site's style sheet (`site_files.style_sheet`). mkdocs-material's instant navigation brings
    this head element along to the next page; eventatlas.js adds it if it is missing."""
    head_end = html.find("</head>")
    if head_end < 0 or html.find(PLOTLY_STYLES_MARK, 0, head_end) >= 0:
        return html
    return html[:head_end] + PLOTLY_STYLES_MARK + "\n" + html[head_end:]


_STRUCTURED_DATA = '<script type="application/ld+json">'


def structured_data_in_head(html: str) -> str:
    """Move the page's JSON-LD scripts from its body to the end of its head.

    mkdocs-material's instant navigation makes each script in the content anew, keeping only
    the text of one without `src`: JSON-LD there would lose its type and run as JavaScript (a
    syntax error on every event page reached that way). Head elements it moves as they are."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    moved, kept, position = [], [], head_end
    while (start := html.find(_STRUCTURED_DATA, position)) >= 0:
        end = html.find("</script>", start)
        if end < 0:
            break
        end += len("</script>")
        kept.append(html[position:start])
        moved.append(html[start:end] + "\n")
        position = end + html.startswith("\n", end)
    return html[:head_end] + "".join(moved) + "".join(kept) + html[position:]

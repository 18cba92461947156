"""Stage 4: the site's generated pages: a small Markdown skeleton and the escaped HTML it stands
for.

Every value from the data goes through Jinja2 with autoescaping; summaries are Markdown
rendered by markdown-it-py (CommonMark, linear time) with raw HTML switched off, then
sanitised by nh3. Page titles and descriptions
are escaped too, because the theme prints front matter without escaping it.

The HTML never goes through MkDocs' Markdown: a generated page's Markdown holds only its front
matter, its headings (for the table of contents) and one slot paragraph per block of HTML, and
`fill_html_slots` puts the HTML in after Markdown has run. Parsing large raw-HTML blocks was most
of a build's time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache, cached_property, lru_cache
from html import escape

import jinja2
import nh3
import yaml
from markupsafe import Markup

from ..data.dates import parse_partial_date
from ..data.load import Dataset
from ..data.schema import Citation, Correction, Event
from ..geocode import ResolvedPlace
from ..search import bundle_folder
from .atlas import (
    CITE_SCRIPT,
    STATUS_NOTES,
    SUMMARIES_CACHED,
    EventRecord,
    event_record,
    focused_config,
    map_alt,
    place_names,
    place_note,
    plain_summary,
    plural,
    precision_note,
    published_label,
    summary_html,
    timeline_alt,
    view_config,
    view_scripts,
)
from .citations import event_citation, event_jsonld
from .figures import MAP_LEGEND, TIMELINE_LEGEND, date_bounds, event_url
from .version import DataVersion, SiteInfo, data_version

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eventatlas.site", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    undefined=jinja2.StrictUndefined,
    auto_reload=False,  # the package's templates do not change during a build
)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # LibYAML's: ten times faster per page
SUMMARY_TAGS = {"p", "em", "strong", "a", "code", "ul", "ol", "li", "br", "blockquote"}
SHOWABLE = ("timeline", "map", "list")
NEIGHBOURS = 10  # events listed on each side of an event page's own event, without JavaScript
LIST_PAGE = 250  # rows a list holds in a page's HTML; a longer list is paged over list/<n>/


def render(template: str, **values) -> str:
    """Render a template and drop blank lines, which would end Markdown's raw-HTML block."""
    html = _ENV.get_template(template).render(**values)
    return "\n".join(line for line in html.splitlines() if line.strip())


def json_for_html(value) -> str:
    """JSON that is safe inside <script type="application/json">: no '<', '>' or '&' characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=SUMMARIES_CACHED)
def render_summary(text: str) -> Markup:
    """Markdown without raw HTML, sanitised: only simple formatting and http(s) links survive."""
    html = summary_html(text)
    clean = nh3.clean(
        html,
        tags=SUMMARY_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


SLOT = "eventatlas-html-slot-{}"
_FILLED_SLOT = re.compile(r"<p>eventatlas-html-slot-(\d+)</p>")


def html_slot(index: int) -> str:
    """A Markdown paragraph that stands for the index-th block of a page's pre-rendered HTML."""
    return "\n\n" + SLOT.format(index) + "\n\n"


def fill_html_slots(html: str, parts: Sequence[str]) -> str:
    """Put each block of HTML where Markdown rendered its slot paragraph, in one pass (HTML put
    in is never searched again)."""
    return _FILLED_SLOT.sub(lambda match: parts[int(match.group(1))], html)


@dataclass(frozen=True)
class GeneratedPage:
    """A generated page: its Markdown skeleton (front matter and body), a function rendering its
    blocks of HTML when the page is written, and one giving a digest of everything the page is
    made from (for `serve --dirty`)."""

    meta: dict  # its front matter, as MkDocs would read it
    body: str  # the Markdown after the front matter: headings and slot paragraphs
    render_parts: Callable[[], tuple[str, ...]]
    inputs: Callable[[], str] = lambda: ""
    searched: Callable[[], tuple[str, ...]] | None = None  # the parts search reads, if fewer

    @property
    def skeleton(self) -> str:
        text = yaml.dump(
            self.meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=True, width=10_000
        )
        return "---\n" + text + "---\n\n" + self.body

    def searched_parts(self) -> tuple[str, ...]:
        return self.searched() if self.searched is not None else self.render_parts()

    def markdown(self) -> str:
        """The page as one Markdown text with its HTML in place (what a reader of docs/ would
        expect)."""
        parts = self.render_parts()
        slot = (
            r"\n\neventatlas-html-slot-(\d+)\n\n"  # blank lines around: never inside front matter
        )
        return re.sub(slot, lambda m: f"\n\n{parts[int(m.group(1))]}\n\n", self.skeleton)


def front_matter(title: str, description: str = "", searched: bool = True) -> dict:
    """A generated page's metadata, as the theme reads it from front matter."""
    meta: dict = {"title": escape(title)}
    if description:
        meta["description"] = escape(" ".join(description.split())[:300])
    if not searched:  # Pagefind indexes it; mkdocs-material's index would grow with every event
        meta["search"] = {"exclude": True}
    return meta


def relative_root(page_path: str) -> str:
    """The way from a page's folder (with directory URLs) back to the site root."""
    depth = page_path.count("/") + (0 if page_path.endswith(("index.md", "README.md")) else 1)
    return "../" * depth


def _citation_items(citations: Iterable[Citation], dataset: Dataset) -> list[dict]:
    return [
        {
            "source": dataset.source(c.source),
            "quote": c.quote,
            "published_label": published_label(dataset.source(c.source)),
            "translation": c.translation,
        }
        for c in citations
    ]


def render_citations(citations: Iterable[Citation], dataset: Dataset, root: str) -> Markup:
    return Markup(
        render(
            "citations.html",
            citations=_citation_items(citations, dataset),
            root=root,
            site_language=dataset.language,
        )
    )


@dataclass(frozen=True)
class Overview:
    """The view of all events that every event page starts from, worked out once per build, not once
    per page."""

    config: dict
    bounds: tuple
    positions: dict[str, int]
    timeline_alt: str
    map_alt: str
    rows: ListRows
    inputs: PageInputs | None = None
    site: SiteInfo = SiteInfo()
    version: DataVersion | None = None


class PageInputs:
    """Digests of what generated pages are made from, worked out on first use: a page whose
    digest is unchanged since the last build of `mkdocs serve --dirty` is not built again.

    The data version in an event page's 'Cite this' is left out: every edit changes it, so a
    preview that rebuilt every page for it would never be fast. A full build prints it right."""

    def __init__(self, dataset: Dataset, places: dict[str, ResolvedPlace], shown=()) -> None:
        self.dataset, self.places, self.shown = dataset, places, shown

    @cached_property
    def events(self) -> dict[str, str]:
        return {
            e.id: _digest(
                e.model_dump_json(exclude={"date"}), e.date.text, repr(self.places.get(e.id))
            )
            for e in self.dataset.events
        }

    @cached_property
    def shared(self) -> str:
        """The sources and the overview every event page starts from."""
        shown = json.dumps(self.shown, sort_keys=True, default=str)
        sources = [s.model_dump_json() for s in self.dataset.sources]
        return _digest(shown, str(len(self.dataset.events)), *sources)

    def of_event_page(self, event: Event, listed: list[Event], position: int) -> str:
        return _digest(self.shared, str(position), *(self.events[e.id] for e in listed))

    def of_everything(self) -> str:
        return _digest(self.shared, *self.events.values())


def _digest(*texts: str) -> str:
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()


def overview(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo | None = None,
    version: DataVersion | None = None,
) -> Overview:
    events = list(dataset.events)
    config = view_config(dataset, places, events, SHOWABLE)
    positions = {e.id: i for i, e in enumerate(events)}
    shown = (
        config,
        date_bounds(events),
        timeline_alt(events),
        map_alt(events, places, place_names(dataset.events, places)),
    )
    return Overview(
        *shown[:2],
        positions,
        *shown[2:],
        ListRows(places, dataset),
        PageInputs(dataset, places, shown),
        site or SiteInfo(),
        version or data_version(dataset, places),
    )


def render_event_page(
    event: Event,
    place: ResolvedPlace | None,
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    whole: Overview,
) -> GeneratedPage:
    """The page events/<id>.md: facts, summary, the views focused on it, citations, disputes."""
    made_of = _EventPageInputs(event, place, dataset, places, whole)
    return GeneratedPage(
        front_matter(event.title, plain_summary(event.summary), searched=False),
        event_page_body(bool(event.disputes)),
        made_of.parts,
        made_of.digest,
        made_of.searched,
    )


@dataclass(frozen=True, slots=True)
class _EventPageInputs:
    """What an event page's blocks of HTML are made from: one small object rather than three
    closures, for an atlas has a page per event."""

    event: Event
    place: ResolvedPlace | None
    dataset: Dataset
    places: dict[str, ResolvedPlace]
    whole: Overview

    def searched(self) -> tuple[str, ...]:
        return searched_event_parts(self.event, self.place, self.dataset)

    def completed(self, parts: tuple[str, ...]) -> tuple[str, ...]:
        event, whole = self.event, self.whole
        return completed_event_parts(parts, event, self.place, self.dataset, self.places, whole)

    def parts(self) -> tuple[str, ...]:
        return self.completed(self.searched())

    def digest(self) -> str:
        position = self.whole.positions[self.event.id]
        assert self.whole.inputs is not None
        nearest = neighbours(self.dataset, position)
        return self.whole.inputs.of_event_page(self.event, nearest, position)


@cache
def event_page_body(disputed: bool) -> str:
    """One of two texts: with or without the disputes' heading."""
    disputes = ["Where the sources disagree"] if disputed else []
    headings = ["In context", "Sources", *disputes, "Cite this"]
    return html_slot(0) + "".join(f"## {h}" + html_slot(n + 1) for n, h in enumerate(headings))


def searched_event_parts(
    event: Event, place: ResolvedPlace | None, dataset: Dataset
) -> tuple[str, ...]:
    """The page's blocks of HTML that search reads: the slots of the view and of "Cite this"
    (which search ignores) left empty."""
    root = "../../"
    parts = [
        render_event_facts(event, place),
        "",
        str(render_citations(event.citations, dataset, root)),
    ]
    if event.disputes:
        parts.append(render_disputes(event, dataset, root))
    return (*parts, "")


def completed_event_parts(
    searched: tuple[str, ...],
    event: Event,
    place: ResolvedPlace | None,
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    whole: Overview,
) -> tuple[str, ...]:
    """Every block of the page: the searched ones with the view and "Cite this" put in."""
    view = _event_view(event, place, dataset, places, whole, "../../")
    cite = render_event_cite(event, place, dataset, whole)
    return (searched[0], view, *searched[2:-1], cite)


def _event_view(event, place, dataset: Dataset, places, whole: Overview, root: str) -> str:
    position = whole.positions[event.id]
    config = focused_config(whole.config, whole.bounds, position, event, place)
    listed = neighbours(dataset, position)
    partial = len(listed) < len(dataset.events)
    caption = (
        f"The {plural(len(listed), 'event')} nearest in date, of {len(dataset.events)}"
        if partial
        else f"{plural(len(listed), 'event')}, in date order"
    )
    return _view_html(
        f"ea-event-{event.id}",
        config,
        whole.rows.html(listed, root) if "list" in config["show"] else [],
        root,
        (whole.timeline_alt, whole.map_alt),
        caption,
        all_link=_all_events_link(dataset, position) if partial else None,
        cited=True,
    )


def _all_events_link(dataset: Dataset, position: int) -> dict:
    if len(dataset.events) > LIST_PAGE:
        page = list_page_at(dataset, position // LIST_PAGE)
        return {"url": page.url, "text": f"the list page of events {page.span} holds this one"}
    return {"url": "", "text": "the home page lists them all"}


@dataclass(frozen=True)
class ListPage:
    """One page of the list of every event, for an atlas too long to list on one page."""

    number: int
    events: tuple[Event, ...]
    span: str  # "251–500"

    @property
    def url(self) -> str:
        return f"list/{self.number}/"

    @property
    def label(self) -> str:
        first, last = self.events[0].date.label, self.events[-1].date.label
        return f"Events {self.span}: {first} to {last}"


def list_pages(dataset: Dataset) -> list[ListPage]:
    """Every event in date order, LIST_PAGE to a page; none when one page lists them all."""
    events = dataset.events
    if len(events) <= LIST_PAGE:
        return []
    return [list_page_at(dataset, n) for n in range(-(-len(events) // LIST_PAGE))]


def list_page_at(dataset: Dataset, index: int) -> ListPage:
    """The index-th list page (from 0), made alone: an event page needs only the one holding it."""
    start = index * LIST_PAGE
    events = dataset.events[start : start + LIST_PAGE]
    return ListPage(index + 1, tuple(events), f"{start + 1}–{start + len(events)}")


def list_page_path(page: ListPage) -> str:
    return f"list/{page.number}.md"


def render_list_page(
    page: ListPage, pages: list[ListPage], rows: ListRows, dataset: Dataset
) -> GeneratedPage:
    """A page of the list of every event: what a reader without JavaScript pages through."""
    title = f"Events {page.span} of {len(dataset.events)}"
    return GeneratedPage(
        front_matter(title, searched=False),
        f"# {escape(title)}" + html_slot(0),
        lambda: (
            render(
                "list_page.html",
                root="../../",
                rows=rows.html(page.events, "../../"),
                caption=f"{title}, in date order",
                pager=pages,
                current=page.number,
            ),
        ),
    )


def render_event_cite(
    event: Event, place: ResolvedPlace | None, dataset: Dataset, whole: Overview
) -> str:
    """'Cite this' (text, CSL-JSON, BibTeX) and the schema.org JSON-LD that harvesters read."""
    assert whole.version is not None
    jsonld = event_jsonld(
        event, place, dataset, whole.site, whole.version, plain_summary(event.summary)
    )
    cite = render_cite("event", event_citation(event, whole.site, whole.version), whole.version)
    return cite + "\n" + f'<script type="application/ld+json">{json_for_html(jsonld)}</script>'


def render_cite(kind: str, citation: dict, version: DataVersion) -> str:
    """The cite block; the cite script puts the page's full address (a view's state too) in it."""
    return render(
        "cite.html",
        kind=kind,
        citation=citation,
        csl=json.dumps(citation["csl"], ensure_ascii=False, indent=2, sort_keys=True),
        version=version,
    )


def neighbours(dataset: Dataset, position: int) -> list[Event]:
    """The event at `position` and those nearest to it in date order (all of them when there are
    few): what an event page lists without JavaScript."""
    start = max(0, min(position - NEIGHBOURS, len(dataset.events) - (2 * NEIGHBOURS + 1)))
    return list(dataset.events[start : start + 2 * NEIGHBOURS + 1])


def render_event_detail(event: Event, place: ResolvedPlace | None, dataset: Dataset) -> str:
    """What the detail panel shows for an event: the event page's own facts, citations and
    disputes, rendered by the same templates. Links are relative to the site root; the panel
    rebases them on the page that shows it."""
    return render(
        "detail.html",
        facts_html=Markup(render_event_facts(event, place)),
        citations_html=render_citations(event.citations, dataset, ""),
        disputes_html=Markup(render_disputes(event, dataset, "")) if event.disputes else "",
    )


def render_event_facts(event: Event, place: ResolvedPlace | None) -> str:
    return render(
        "event.html",
        event=event,
        date_iso=event.date.start.isoformat(),
        precision_note=precision_note(event),
        place=place,
        place_note=_place_note(place) if place else "",
        status_note=STATUS_NOTES[event.status],
        summary_html=render_summary(event.summary),
        corrections=[_correction(c) for c in event.corrections],
    )


def _correction(correction: Correction) -> dict:
    day = parse_partial_date(correction.date)
    return {
        "iso": day.start.isoformat(),
        "label": day.label,
        "change": correction.change,
        "reason": correction.reason,
    }


def _place_note(place: ResolvedPlace) -> str:
    return f"{place_note(place)}; {place.lat:.4f}, {place.lon:.4f}"


def render_disputes(event: Event, dataset: Dataset, root: str) -> str:
    disputes = [
        {
            "about": d.about,
            "versions": [
                {"claim": v.claim, "citations_html": render_citations(v.citations, dataset, root)}
                for v in d.versions
            ],
        }
        for d in event.disputes
    ]
    return render("disputes.html", disputes=disputes)


class ListRows:
    """The rows of lists without JavaScript: each event's record with its sources' publishers,
    rendered once per build and link root. An event page lists its 21 nearest events, so rows
    rendered per page were each rendered 21 times."""

    def __init__(self, places: dict[str, ResolvedPlace], dataset: Dataset) -> None:
        self.places, self.dataset = places, dataset
        self._rendered: dict[tuple[str, str], Markup] = {}

    def html(self, events: Iterable[Event], root: str) -> list[Markup]:
        return [self._row(event, root) for event in events]

    def _row(self, event: Event, root: str) -> Markup:
        key = (event.id, root)
        if key not in self._rendered:
            record = event_record(event, self.places.get(event.id))
            row = _list_row(record, self.dataset)
            self._rendered[key] = Markup(render("list_row.html", row=row, root=root))
        return self._rendered[key]


def _list_row(record: EventRecord, dataset: Dataset) -> dict:
    publishers = ", ".join(dataset.source(s).publisher for s in record.source_ids)
    return {**asdict(record), "publishers": publishers}


def render_view(
    view_id: str,
    events: list[Event],
    places: dict[str, ResolvedPlace],
    dataset: Dataset,
    root: str,
    show: Iterable[str] = SHOWABLE,
    cite: tuple[dict, DataVersion] | None = None,
) -> str:
    """A view of some events, for a fenced eventatlas block, listed for readers without
    JavaScript: all of them, or the first LIST_PAGE and the list pages that hold every event."""
    config = view_config(dataset, places, events, tuple(show))
    paged = len(events) > LIST_PAGE
    caption = (
        f"Events 1–{LIST_PAGE} of {len(events)}, in date order"
        if paged
        else f"{plural(len(events), 'event')}, in date order"
    )
    cite_html = "\n" + render_cite("view", *cite) if cite else ""
    listed = events[:LIST_PAGE] if "list" in config["show"] else []
    html = _view_html(
        view_id,
        config,
        ListRows(places, dataset).html(listed, root),
        root,
        (timeline_alt(events), map_alt(events, places, place_names(dataset.events, places))),
        caption,
        pager=list_pages(dataset) if paged else [],
        cited=cite is not None,
    )
    return html + cite_html


def _view_html(
    view_id: str,
    config: dict,
    rows: list[Markup],
    root: str,
    alts: tuple[str, str],
    caption: str,
    all_link: dict | None = None,
    pager: list[ListPage] | None = None,
    cited: bool = False,
) -> str:
    """Timeline, map, filters and detail panel (drawn by the script from the shared data) and the
    list that needs no script."""
    return render(
        "view.html",
        view_id=view_id,
        root=root,
        config_json=json_for_html(config),
        scripts=view_scripts(config),
        cite_script=CITE_SCRIPT if cited else "",
        show=config["show"],
        rows=rows,
        caption=caption,
        timeline_alt=alts[0],
        map_alt=alts[1],
        timeline_legend=legends()[0],
        map_legend=legends()[1],
        all_link=all_link,
        pager=pager or [],
        current=None,
    )


@lru_cache(maxsize=1)
def legends() -> tuple[Markup, Markup]:
    """The timeline's and the map's legends: the same in every view, rendered once."""
    return (
        Markup(render("legend.html", legend=TIMELINE_LEGEND, legend_label=TIMELINE_LEGEND_LABEL)),
        Markup(render("legend.html", legend=MAP_LEGEND, legend_label=MAP_LEGEND_LABEL)),
    )


TIMELINE_LEGEND_LABEL = "How the timeline draws dates"
MAP_LEGEND_LABEL = "How the map draws places"


def render_sources_page(dataset: Dataset) -> GeneratedPage:
    intro = (
        f"{len(dataset.sources)} sources. Every event on this site cites at least one of them, "
        "with the sentence that supports it."
    )
    body = "# Sources\n\n" + intro + html_slot(0)
    inputs = PageInputs(dataset, {})
    return GeneratedPage(
        front_matter("Sources", searched=False),
        body,
        lambda: (_sources_html(dataset),),
        inputs.of_everything,
    )


def _sources_html(dataset: Dataset) -> str:
    root = "../"
    citing: dict[str, list[Event]] = {s.id: [] for s in dataset.sources}
    for event in dataset.events:
        for source_id in event.cited_source_ids:
            citing[source_id].append(event)
    items = [
        {
            "source": source,
            "published_label": published_label(source),
            "events": [
                {"url": event_url(e.id), "title": e.title, "date": e.date.label}
                for e in citing[source.id]
            ],
        }
        for source in sorted(dataset.sources, key=lambda s: (s.publisher.lower(), s.id))
    ]
    return render("sources.html", sources=items, root=root, site_language=dataset.language)


SEARCH_PAGE = "find.md"
_SEARCH_HTML = """<noscript><p>Searching needs JavaScript. The <a href="../">home page</a> lists
every event, and the <a href="../sources/">sources page</a> every source with the events that
cite it.</p></noscript>
<link rel="stylesheet" href="../pagefind/pagefind-ui.css">
<style>
#ea-search .pagefind-ui {
  --pagefind-ui-primary: var(--md-typeset-a-color);
  --pagefind-ui-text: var(--md-typeset-color);
  --pagefind-ui-background: var(--md-default-bg-color);
  --pagefind-ui-border: var(--md-default-fg-color--lighter);
  --pagefind-ui-tag: var(--md-default-fg-color--lightest);
  --pagefind-ui-font: inherit;
}
</style>
<script src="../pagefind/pagefind-ui.js"></script>
<script>
(function (start) {
  // After mkdocs-material's instant navigation this runs before Pagefind's UI script has loaded.
  if (window.PagefindUI) {
    start();
  } else {
    document.querySelector('script[src$="pagefind-ui.js"]').addEventListener("load", start);
  }
})(function () {
  var element = document.getElementById("ea-search");
  // Pagefind stays loaded across mkdocs-material's instant navigation: a bundle merged on an
  // earlier visit is not merged again, or its results would show twice.
  var merged = (window.EventAtlasMergedBundles = window.EventAtlasMergedBundles || {});
  var bundles = JSON.parse(element.getAttribute("data-bundles") || "[]")
    .map(function (path) {
      return new URL(path, document.baseURI).pathname;  // read by Pagefind's worker
    })
    .filter(function (path) {
      var fresh = !merged[path];
      merged[path] = true;
      return fresh;
    });
  var ui = new PagefindUI({
    element: "#ea-search",
    showSubResults: true,
    showImages: false,
    mergeIndex: bundles.map(function (path) {
      return {bundlePath: path};
    })
  });
  var input = element.querySelector("input");
  if (input) {
    input.setAttribute("aria-label", "Search events and pages");
    // Pagefind's UI loads its engine and index when the field gets focus: load them while the
    // reader reads the page, so the first search does not wait for them.
    input.dispatchEvent(new FocusEvent("focus"));
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
</script>"""


def render_search_page(bundles: int = 1) -> GeneratedPage:
    """The search page: Pagefind's UI over every page, served from the site, loading its index in
    small chunks from each of its bundles."""
    intro = "Search every event by title, actor, place or summary, and every page of this site."
    body = "# Search\n\n" + intro + html_slot(0)
    merged = [f"../{bundle_folder(bundle)}/" for bundle in range(1, bundles)]
    # in an attribute: mkdocs-material's instant navigation runs a page's inline scripts again
    # but keeps none of their attributes (a JSON script would lose its id)
    listed = escape(json.dumps(merged), quote=True)
    html = f'<div id="ea-search" class="ea-search" data-bundles="{listed}"></div>\n' + _SEARCH_HTML
    meta = front_matter("Search", searched=False)
    return GeneratedPage(meta, body, lambda: (html,), inputs=lambda: html)  # the bundles it lists

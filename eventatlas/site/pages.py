"""Stage 4: the site's generated pages, as Markdown files holding escaped HTML.

Every value from the data goes through Jinja2 with autoescaping; summaries are Markdown
rendered with raw HTML switched off, then sanitised by nh3. Page titles and descriptions
are escaped too, because the theme prints front matter without escaping it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from html import escape

import jinja2
import nh3
import yaml
from markupsafe import Markup

from ..data.load import Dataset
from ..data.schema import Citation, Event
from ..geocode import ResolvedPlace
from .atlas import (
    STATUS_NOTES,
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
    summary_markdown,
    timeline_alt,
    view_config,
    view_scripts,
)
from .figures import MAP_LEGEND, TIMELINE_LEGEND, date_bounds, event_url

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eventatlas.site", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    undefined=jinja2.StrictUndefined,
)
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


def render_summary(text: str) -> Markup:
    """Markdown without raw HTML, sanitised: only simple formatting and http(s) links survive."""
    html = summary_markdown().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=SUMMARY_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def front_matter(title: str, description: str = "") -> str:
    meta = {"title": escape(title)}
    if description:
        meta["description"] = escape(" ".join(description.split())[:300])
    return (
        "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10_000) + "---\n\n"
    )


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
        }
        for c in citations
    ]


def render_citations(citations: Iterable[Citation], dataset: Dataset, root: str) -> Markup:
    return Markup(
        render("citations.html", citations=_citation_items(citations, dataset), root=root)
    )


@dataclass(frozen=True)
class Overview:
    """The view of all events that every event page starts from, worked out once per build, not once per page."""

    config: dict
    bounds: tuple
    positions: dict[str, int]
    timeline_alt: str
    map_alt: str


def overview(dataset: Dataset, places: dict[str, ResolvedPlace]) -> Overview:
    events = list(dataset.events)
    config = view_config(dataset, places, events, SHOWABLE)
    positions = {e.id: i for i, e in enumerate(events)}
    return Overview(
        config,
        date_bounds(events),
        positions,
        timeline_alt(events),
        map_alt(events, places, place_names(dataset.events, places)),
    )


def render_event_page(
    event: Event,
    place: ResolvedPlace | None,
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    whole: Overview,
) -> str:
    """The Markdown file for events/<id>.md: facts, summary, the views focused on it, citations, disputes."""
    root = "../../"
    position = whole.positions[event.id]
    config = focused_config(whole.config, whole.bounds, position, event, place)
    listed = neighbours(dataset, position)
    partial = len(listed) < len(dataset.events)
    caption = (
        f"The {plural(len(listed), 'event')} nearest in date, of {len(dataset.events)}"
        if partial
        else f"{plural(len(listed), 'event')}, in date order"
    )
    view = _view_html(
        f"ea-event-{event.id}",
        config,
        listed,
        places,
        dataset,
        root,
        (whole.timeline_alt, whole.map_alt),
        caption,
        all_link=_all_events_link(dataset, position) if partial else None,
    )
    parts = [
        front_matter(event.title, plain_summary(event.summary)),
        render_event_facts(event, place),
        "",
        "## In context",
        "",
        view,
    ]
    parts += ["", "## Sources", "", str(render_citations(event.citations, dataset, root))]
    if event.disputes:
        parts += ["", "## Where the sources disagree", "", render_disputes(event, dataset, root)]
    return "\n".join(parts) + "\n"


def _all_events_link(dataset: Dataset, position: int) -> dict:
    if len(dataset.events) > LIST_PAGE:
        page = list_pages(dataset)[position // LIST_PAGE]
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
    return [
        ListPage(
            n // LIST_PAGE + 1,
            tuple(events[n : n + LIST_PAGE]),
            f"{n + 1}–{min(n + LIST_PAGE, len(events))}",
        )
        for n in range(0, len(events), LIST_PAGE)
    ]


def list_page_path(page: ListPage) -> str:
    return f"list/{page.number}.md"


def render_list_page(
    page: ListPage, pages: list[ListPage], places: dict[str, ResolvedPlace], dataset: Dataset
) -> str:
    """A page of the list of every event: what a reader without JavaScript pages through."""
    title = f"Events {page.span} of {len(dataset.events)}"
    body = render(
        "list_page.html",
        root="../../",
        rows=list_rows(page.events, places, dataset),
        caption=f"{title}, in date order",
        pager=pages,
        current=page.number,
    )
    return front_matter(title) + f"# {escape(title)}\n\n" + body + "\n"


def neighbours(dataset: Dataset, position: int) -> list[Event]:
    """The event at `position` and those nearest to it in date order (all of them when there are few): what an event page lists without JavaScript."""
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
    )


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


def list_rows(
    events: Iterable[Event], places: dict[str, ResolvedPlace], dataset: Dataset
) -> list[dict]:
    """The rows of a list without JavaScript: each event's record, with its sources' publishers."""
    return [_list_row(event_record(event, places.get(event.id)), dataset) for event in events]


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
    return _view_html(
        view_id,
        config,
        events[:LIST_PAGE],
        places,
        dataset,
        root,
        (timeline_alt(events), map_alt(events, places, place_names(dataset.events, places))),
        caption,
        pager=list_pages(dataset) if paged else [],
    )


def _view_html(
    view_id: str,
    config: dict,
    listed: list[Event],
    places,
    dataset: Dataset,
    root: str,
    alts: tuple[str, str],
    caption: str,
    all_link: dict | None = None,
    pager: list[ListPage] | None = None,
) -> str:
    """Timeline, map, filters and detail panel (drawn by the script from the shared data) and the list that needs no script."""
    return render(
        "view.html",
        view_id=view_id,
        root=root,
        config_json=json_for_html(config),
        scripts=view_scripts(config),
        show=config["show"],
        rows=list_rows(listed, places, dataset) if "list" in config["show"] else [],
        caption=caption,
        timeline_alt=alts[0],
        map_alt=alts[1],
        timeline_legend=TIMELINE_LEGEND,
        map_legend=MAP_LEGEND,
        all_link=all_link,
        pager=pager or [],
        current=None,
    )


def render_sources_page(dataset: Dataset) -> str:
    root = "../"
    items = []
    for source in sorted(dataset.sources, key=lambda s: (s.publisher.lower(), s.id)):
        citing = [e for e in dataset.events if source.id in e.cited_source_ids]
        items.append(
            {
                "source": source,
                "published_label": published_label(source),
                "events": [
                    {"url": event_url(e.id), "title": e.title, "date": e.date.label} for e in citing
                ],
            }
        )
    intro = f"{len(dataset.sources)} sources. Every event on this site cites at least one of them, with the sentence that supports it."
    return (
        front_matter("Sources")
        + "# Sources\n\n"
        + intro
        + "\n\n"
        + render("sources.html", sources=items, root=root)
        + "\n"
    )

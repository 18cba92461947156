"""Stage 4: the site's generated pages, as Markdown files holding escaped HTML.

Every value from the data goes through Jinja2 with autoescaping; summaries are Markdown
rendered with raw HTML switched off, then sanitised by nh3. Page titles and descriptions
are escaped too, because the theme prints front matter without escaping it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import jinja2
import markdown
import nh3
import yaml
from markupsafe import Markup

from ..data.load import Dataset
from ..data.schema import Citation, Event
from ..geocode import ResolvedPlace
from .atlas import (
    STATUS_NOTES,
    focused_config,
    place_note,
    plain_summary,
    precision_note,
    published_label,
    view_config,
)
from .citations import event_citation, event_jsonld
from .figures import date_bounds, event_url, is_area
from .version import DataVersion, SiteInfo, data_version

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


def render(template: str, **values) -> str:
    """Render a template and drop blank lines, which would end Markdown's raw-HTML block."""
    html = _ENV.get_template(template).render(**values)
    return "\n".join(line for line in html.splitlines() if line.strip())


def json_for_html(value) -> str:
    """JSON that is safe inside <script type="application/json">: no '<', '>' or '&' characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_summary(text: str) -> Markup:
    """Markdown without raw HTML, sanitised: only simple formatting and http(s) links survive."""
    html = _markdown().reset().convert(text)
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
    site: SiteInfo = SiteInfo()
    version: DataVersion | None = None


def overview(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo | None = None,
    version: DataVersion | None = None,
) -> Overview:
    events = list(dataset.events)
    config = view_config(dataset, places, events, SHOWABLE)
    positions = {e.id: i for i, e in enumerate(events)}
    return Overview(
        config,
        date_bounds(events),
        positions,
        _timeline_alt(events),
        _map_alt(events, places),
        site or SiteInfo(),
        version or data_version(dataset, places),
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
        f"The {_plural(len(listed), 'event')} nearest in date, of {len(dataset.events)}"
        if partial
        else f"{_plural(len(listed), 'event')}, in date order"
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
        partial,
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
    parts += ["", "## Cite this", "", render_event_cite(event, place, dataset, whole)]
    return "\n".join(parts) + "\n"


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
    """The event at `position` and those nearest to it in date order (all of them when there are few): what an event page lists without JavaScript."""
    start = max(0, min(position - NEIGHBOURS, len(dataset.events) - (2 * NEIGHBOURS + 1)))
    return list(dataset.events[start : start + 2 * NEIGHBOURS + 1])


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
    return [_list_row(event, places.get(event.id), dataset) for event in events]


def _list_row(event: Event, place: ResolvedPlace | None, dataset: Dataset) -> dict:
    return {
        "id": event.id,
        "url": event_url(event.id),
        "title": event.title,
        "date": event.date.label,
        "datetime": event.date.start.isoformat(),
        "editor_date": event.date_source == "editor",
        "disputed": bool(event.disputes),
        "status": event.status,
        "place": place.name if place else event.place,
        "place_area": is_area(place),
        "sources": ", ".join(dataset.source(s).publisher for s in event.cited_source_ids),
    }


def render_view(
    view_id: str,
    events: list[Event],
    places: dict[str, ResolvedPlace],
    dataset: Dataset,
    root: str,
    show: Iterable[str] = SHOWABLE,
    cite: tuple[dict, DataVersion] | None = None,
) -> str:
    """A view of some events, for a fenced eventatlas block: all of them are listed for readers without JavaScript."""
    config = view_config(dataset, places, events, tuple(show))
    caption = f"{_plural(len(events), 'event')}, in date order"
    cite_html = "\n" + render_cite("view", *cite) if cite else ""
    html = _view_html(
        view_id,
        config,
        events,
        places,
        dataset,
        root,
        (_timeline_alt(events), _map_alt(events, places)),
        caption,
        partial=False,
    )
    return html + cite_html


def _view_html(
    view_id: str,
    config: dict,
    listed: list[Event],
    places,
    dataset: Dataset,
    root: str,
    alts: tuple[str, str],
    caption: str,
    partial: bool,
) -> str:
    """Timeline, map, filters and detail panel (drawn by the script from the shared data) and the list that needs no script."""
    return render(
        "view.html",
        view_id=view_id,
        root=root,
        config_json=json_for_html(config),
        show=config["show"],
        rows=list_rows(listed, places, dataset) if "list" in config["show"] else [],
        caption=caption,
        timeline_alt=alts[0],
        map_alt=alts[1],
        partial=partial,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _timeline_alt(events: list[Event]) -> str:
    if not events:
        return "Timeline: no events."
    span = f"from {events[0].date.label} to {max(events, key=lambda e: e.date.end).date.label}"
    return f"Timeline of {_plural(len(events), 'event')} {span}, one row per theme. The table below lists every event."


def _map_alt(events: list[Event], places: dict[str, ResolvedPlace]) -> str:
    names = sorted({places[e.id].name for e in events if e.id in places})
    return f"Map of {_plural(len(events), 'event')} at {_plural(len(names), 'place')}: {', '.join(names[:12])}{' …' if len(names) > 12 else ''}. The table below lists every event with its place."


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

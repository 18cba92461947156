"""Stage 4: the site's generated pages, as Markdown files holding escaped HTML.

Every value from the data goes through Jinja2 with autoescaping; summaries are Markdown
rendered with raw HTML switched off, then sanitised by nh3. Page titles and descriptions
are escaped too, because the theme prints front matter without escaping it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Iterable, Optional

import jinja2
import markdown
import nh3
import yaml
from markupsafe import Markup

from .figures import build_map, build_timeline, event_url
from .geocode import ResolvedPlace
from .load import Dataset
from .schema import Citation, Event, Source

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eventatlas", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    undefined=jinja2.StrictUndefined,
)
SUMMARY_TAGS = {"p", "em", "strong", "a", "code", "ul", "ol", "li", "br", "blockquote"}
PRECISION_NOTES = {"day": "to the day", "month": "to the month; the day is not known", "year": "to the year; month and day are not known"}
PLACE_NOTES = {"site": "exact coordinates", "city": "city", "region": "region: the point marks the area, not an exact spot", "country": "country: the point marks the country, not an exact spot"}
STATUS_NOTES = {"confirmed": "confirmed by several sources or the official record", "reported": "reported by the media", "claimed": "claimed by a party; not independently confirmed"}


@dataclass(frozen=True)
class PageSet:
    """What one build adds to the site: generated pages and data files by path."""

    files: dict[str, str]


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
    clean = nh3.clean(html, tags=SUMMARY_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow")
    return Markup(clean)


def front_matter(title: str, description: str = "") -> str:
    meta = {"title": escape(title)}
    if description:
        meta["description"] = escape(" ".join(description.split())[:300])
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10_000) + "---\n\n"


def relative_root(page_path: str) -> str:
    """The way from a page's folder (with directory URLs) back to the site root."""
    depth = page_path.count("/") + (0 if page_path.endswith(("index.md", "README.md")) else 1)
    return "../" * depth


def _published_label(source: Source) -> str:
    from .dates import parse_partial_date

    return parse_partial_date(source.published).label if source.published else ""


def _citation_items(citations: Iterable[Citation], dataset: Dataset) -> list[dict]:
    return [{"source": dataset.source(c.source), "quote": c.quote, "published_label": _published_label(dataset.source(c.source))} for c in citations]


def render_citations(citations: Iterable[Citation], dataset: Dataset, root: str) -> Markup:
    return Markup(render("citations.html", citations=_citation_items(citations, dataset), root=root))


def render_event_page(event: Event, place: Optional[ResolvedPlace], dataset: Dataset, view_html: str) -> str:
    """The Markdown file for events/<id>.md: facts, summary, figures, citations, disputes."""
    root = "../../"
    parts = [front_matter(event.title, _plain_summary(event.summary)), render_event_facts(event, place), "", view_html, "", "## Sources", "", str(render_citations(event.citations, dataset, root))]
    if event.disputes:
        parts += ["", "## Where the sources disagree", "", render_disputes(event, dataset, root)]
    return "\n".join(parts) + "\n"


def render_event_facts(event: Event, place: Optional[ResolvedPlace]) -> str:
    return render(
        "event.html",
        event=event,
        date_iso=event.date.start.isoformat(),
        precision_note=PRECISION_NOTES[event.date.precision] + ("; approximate" if event.date.approximate else ""),
        place=place,
        place_note=_place_note(place) if place else "",
        status_note=STATUS_NOTES[event.status],
        summary_html=render_summary(event.summary),
    )


def _place_note(place: ResolvedPlace) -> str:
    return f"{PLACE_NOTES[place.precision]}; {place.lat:.4f}, {place.lon:.4f}"


def render_disputes(event: Event, dataset: Dataset, root: str) -> str:
    disputes = [
        {"about": d.about, "versions": [{"claim": v.claim, "citations_html": render_citations(v.citations, dataset, root)} for v in d.versions]}
        for d in event.disputes
    ]
    return render("disputes.html", disputes=disputes)


def _plain_summary(text: str) -> str:
    return re.sub(r"[*_`\[\]]|\]\([^)]*\)", "", text)


def list_rows(events: Iterable[Event], places: dict[str, ResolvedPlace], dataset: Dataset) -> list[dict]:
    rows = []
    for event in events:
        place = places.get(event.id)
        rows.append({
            "id": event.id,
            "url": event_url(event.id),
            "title": event.title,
            "date": event.date.label,
            "datetime": event.date.start.isoformat(),
            "editor_date": event.date_source == "editor",
            "disputed": bool(event.disputes),
            "place": place.name if place else event.place,
            "sources": ", ".join(dataset.source(s).publisher for s in event.cited_source_ids),
        })
    return rows


def render_view(view_id: str, events: list[Event], places: dict[str, ResolvedPlace], dataset: Dataset, root: str, show: Iterable[str] = ("timeline", "map", "list")) -> str:
    """Timeline, map and the no-JavaScript list of events for one set of events."""
    show = set(show)
    return render(
        "view.html",
        view_id=view_id,
        root=root,
        show_timeline="timeline" in show,
        show_map="map" in show,
        show_list="list" in show,
        timeline_json=Markup(json_for_html(build_timeline(events, places))) if "timeline" in show else "",
        map_json=Markup(json_for_html(build_map(events, places))) if "map" in show else "",
        rows=list_rows(events, places, dataset),
    )


def render_sources_page(dataset: Dataset) -> str:
    root = "../"
    items = []
    for source in sorted(dataset.sources, key=lambda s: (s.publisher.lower(), s.id)):
        citing = [e for e in dataset.events if source.id in e.cited_source_ids]
        items.append({"source": source, "published_label": _published_label(source), "events": [{"url": event_url(e.id), "title": e.title, "date": e.date.label} for e in citing]})
    intro = f"{len(dataset.sources)} sources. Every event on this site cites at least one of them, with the sentence that supports it."
    return front_matter("Sources") + "# Sources\n\n" + intro + "\n\n" + render("sources.html", sources=items, root=root) + "\n"

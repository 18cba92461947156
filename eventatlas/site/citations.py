"""Citations in the formats other tools read: plain text, CSL-JSON, BibTeX and schema.org JSON-LD.

Sources become CSL items and BibTeX entries (for Zotero, pandoc and LaTeX); an event page or a
view of the atlas becomes a citation pinned to the data version; an event becomes a schema.org
Event for harvesters. Every text is data, so BibTeX special characters are escaped here.
"""

from __future__ import annotations

import re
from datetime import date

from ..data.dates import parse_partial_date
from ..data.load import Dataset
from ..data.schema import Event, Source
from ..geocode import ResolvedPlace
from .figures import event_url
from .version import DataVersion, SiteInfo

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def date_parts(text: str) -> list[int]:
    """'2025-07' → [2025, 7]: CSL's date-parts keep the precision."""
    return [int(part) for part in text.split("-")]


def source_csl(source: Source) -> dict:
    """A source as a CSL-JSON item (a newspaper article)."""
    item: dict = {
        "id": source.id,
        "type": "article-newspaper",
        "title": source.title,
        "container-title": source.publisher,
        "publisher": source.publisher,
        "language": source.language,
    }
    if source.author:
        item["author"] = [{"literal": source.author}]
    if source.published:
        item["issued"] = {"date-parts": [date_parts(source.published)]}
    if source.url:
        item["URL"] = source.url
    if _source_notes(source):
        item["note"] = _source_notes(source)
    return item


def _source_notes(source: Source) -> str:
    """The source's note with the editor's marks a bibliography should keep: the title's
    translation and a publication date the editor inferred."""
    notes = [source.note] if source.note else []
    if source.title_translation:
        notes.append(f"Title in translation (the editor's): {source.title_translation}")
    if source.published_source == "editor":
        inferred = f": {source.published_note}" if source.published_note else ""
        notes.append(f"Publication date inferred by the editor{inferred}")
    return " ".join(note if note.endswith(".") else note + "." for note in notes)


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX value: LaTeX's special characters escaped, whitespace folded."""
    folded = " ".join(text.split())
    return re.sub(r"[\\{}&%$#_~^]", lambda m: _BIBTEX_SPECIAL[m.group()], folded)


def bibtex_entry(kind: str, key: str, fields: dict[str, str | None]) -> str:
    """One BibTeX entry without its empty fields; a title keeps its case, an author is one name."""
    lines = [f"@{kind}{{{key},"]
    for name, value in fields.items():
        if value:
            escaped = bibtex_escape(value) if name != "url" else _url_for_bibtex(value)
            wrapped = f"{{{escaped}}}" if name in ("title", "author") else escaped
            lines.append(f"  {name} = {{{wrapped}}},")
    return "\n".join(lines) + "\n}\n"


def _url_for_bibtex(url: str) -> str:
    # An address stays verbatim for LaTeX's url command, but cannot end or escape the value.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def source_bibtex(source: Source) -> str:
    published = parse_partial_date(source.published) if source.published else None
    parts = date_parts(source.published) if source.published else []
    return bibtex_entry(
        "article",
        source.id,
        {
            "title": source.title,
            "journal": source.publisher,
            "author": source.author,
            "year": str(published.start.year) if published else None,
            "month": str(parts[1]) if len(parts) > 1 else None,
            "day": str(parts[2]) if len(parts) > 2 else None,
            "language": source.language,
            "titleaddon": f"[{source.title_translation}]" if source.title_translation else None,
            "url": source.url,
            "note": _source_notes(source),
        },
    )


def _iso(day: date) -> str:
    return day.isoformat()


def citation_text(site: SiteInfo, title: str | None, url: str, version: DataVersion) -> str:
    """'Atlas. "Event." URL. Data version abc123 of 2025-09-03.'"""
    what = f"{site.title}. “{title}.”" if title else f"{site.title}."
    where = f" {url}." if url else ""
    return f"{what}{where} Data version {version.hash} of {_iso(version.date)}."


def page_csl(site: SiteInfo, title: str | None, url: str, version: DataVersion, key: str) -> dict:
    """A page of the atlas (an event, or the atlas itself) as a CSL-JSON dataset item."""
    item = {
        "id": key,
        "type": "dataset",
        "title": title or site.title,
        "URL": url,
        "version": version.hash,
        "issued": {"date-parts": [[version.date.year, version.date.month, version.date.day]]},
        "note": f"Data version {version.hash}",
    }
    if title:
        item["container-title"] = site.title
    return item


def page_bibtex(site: SiteInfo, title: str | None, url: str, version: DataVersion, key: str) -> str:
    return bibtex_entry(
        "misc",
        key,
        {
            "title": title or site.title,
            "howpublished": site.title if title else None,
            "year": str(version.date.year),
            "month": str(version.date.month),
            "day": str(version.date.day),
            "version": version.hash,
            "url": url,
            "note": f"Data version {version.hash}",
        },
    )


def event_citation(event: Event, site: SiteInfo, version: DataVersion) -> dict:
    """'Cite this' for an event page: plain text, CSL-JSON and BibTeX."""
    url = site.absolute(event_url(event.id))
    key = f"eventatlas-{event.id}"
    return {
        "text": citation_text(site, event.title, url, version),
        "csl": [page_csl(site, event.title, url, version, key)],
        "bibtex": page_bibtex(site, event.title, url, version, key),
        "key": key,
    }


def atlas_citation(site: SiteInfo, version: DataVersion, url: str | None = None) -> dict:
    """'Cite this' for the atlas or a view of it; a view's script swaps in its full address."""
    address = url if url is not None else (site.url or "")
    key = "eventatlas-data"
    return {
        "text": citation_text(site, None, address, version),
        "csl": [page_csl(site, None, address, version, key)],
        "bibtex": page_bibtex(site, None, address, version, key),
        "key": key,
    }


def event_jsonld(
    event: Event,
    place: ResolvedPlace | None,
    dataset: Dataset,
    site: SiteInfo,
    version: DataVersion,
    description: str,
) -> dict:
    """A schema.org Event: name, dates as precise as known, place with coordinates, citations."""
    parts = event.date.text.replace("~", "").split("/")
    item: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "inLanguage": dataset.language or "en",
        "identifier": event.id,
        "name": event.title,
        "description": description,
        "startDate": parts[0],
        "endDate": parts[-1],
        "url": site.absolute(event_url(event.id)),
        "keywords": list(event.tags),
        "version": version.hash,
        "isPartOf": {"@type": "Dataset", "name": site.title, "version": version.hash},
        "location": _jsonld_place(event, place),
        "citation": [
            _jsonld_source(dataset.source(s), dataset.language or "en")
            for s in event.cited_source_ids
        ],
    }
    if site.url:
        item["@id"] = site.absolute(event_url(event.id))
    if event.actors:
        item["about"] = [{"@type": "Thing", "name": actor} for actor in event.actors]
    return item


def _jsonld_place(event: Event, place: ResolvedPlace | None) -> dict:
    located: dict = {"@type": "Place", "name": place.name if place else event.place}
    if place:
        located["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place.lat,
            "longitude": place.lon,
        }
        if place.country:
            located["address"] = {"@type": "PostalAddress", "addressCountry": place.country}
    return located


def _jsonld_source(source: Source, language: str) -> dict:
    """A cited article; its title in the editor's translation is a `workTranslation`."""
    item: dict = {
        "@type": "NewsArticle",
        "identifier": source.id,
        "headline": source.title,
        "publisher": {"@type": "Organization", "name": source.publisher},
        "inLanguage": source.language,
    }
    if source.author:
        item["author"] = {"@type": "Person", "name": source.author}
    if source.published:
        item["datePublished"] = source.published
    if source.url:
        item["url"] = source.url
    if source.title_translation:
        item["workTranslation"] = {
            "@type": "NewsArticle",
            "headline": source.title_translation,
            "inLanguage": language,
            "description": "The atlas editor's translation of the headline.",
        }
    if source.published_source == "editor" and source.published_note:  # datePublished inferred
        item["comment"] = {"@type": "Comment", "text": source.published_note}
    return item

"""Open data: the atlas in the formats other tools read, every file pinned to the data version.

Each export is proven in the tests by a reader someone else wrote (GDAL, citeproc-py,
bibtexparser, frictionless, feedparser, icalendar, TimelineJS itself). Dates travel as the
EDTF text the editor wrote (`2025-07~`, `2025-07-11/2025-07-12`) beside their earliest and
latest ISO days. The editor's marks travel in every export, named: the translations beside the
quotes and source titles, an editor's place or publication date with its note, the status and
its note, disputes and corrections (the feeds take each correction as an entry of its own day).
Any other optional field an event sets is exported too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timezone
from html import escape

from ..data.load import Dataset
from ..data.schema import Event, slugify
from ..geocode import ResolvedPlace
from .atlas import plain_summary, precision_note
from .citations import atlas_citation, source_bibtex, source_csl
from .figures import event_url
from .pages import GeneratedPage, front_matter, html_slot, render, render_summary
from .version import DataVersion, SiteInfo, entered_atlas, event_json

DATA_DIR = "data"
LICENSES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
JSONFG_CONFORMANCE = [
    "http://www.opengis.net/spec/json-fg-1/0.2/conf/core",
]
FORMULA_PREFIXES = ("=", "+", "-", "@")
CSV_COLUMNS = [
    "id",
    "date",
    "date_edtf",
    "date_start",
    "date_end",
    "date_precision",
    "date_approximate",
    "date_source",
    "title",
    "place",
    "place_source",
    "place_note",
    "lat",
    "lon",
    "place_precision",
    "actors",
    "tags",
    "status",
    "status_note",
    "summary",
    "sources",
    "quotes",
    "translations",
    "disputed",
    "disputes",
    "corrections",
    "last_corrected",
    "added",
    "url",
    "data_version",
]
CSV_SEPARATOR = " | "  # between the entries of a column holding sentences (quotes, corrections)
_CSV_TYPES = {
    "date_start": "date",
    "date_end": "date",
    "added": "date",
    "last_corrected": "date",
    "disputed": "boolean",
    "lat": "number",
    "lon": "number",
    "date_approximate": "boolean",
}
# What each exported column means, for datapackage.json and the Data page; schema fields add theirs.
COMPUTED_FIELDS = {
    "date_edtf": "The date as EDTF (ISO 8601-2): '~' approximate, '/' a range.",
    "date_start": "The earliest day the date allows (ISO 8601).",
    "date_end": "The latest day the date allows (ISO 8601), inclusive.",
    "date_precision": "How precise the date is: day, month or year.",
    "date_approximate": "True when the date is approximate ('~').",
    "place_precision": "What the point stands for: site, city, region or country.",
    "sources": "The ids of the sources the event cites, separated by '; '.",
    "added": "The day the event entered the atlas ('added', else its newest source's date).",
    "disputed": "True when the sources disagree on a detail of the event.",
    "last_corrected": "The day of the event's latest correction, if it was ever corrected.",
}
# The CSV's text for what the JSON and GeoJSON hold as lists of entries.
CSV_TEXT_FIELDS = {
    "quotes": "Each citation's quote in the source's language, in citation order, ' | ' between.",
    "translations": (
        "The editor's translation of each quote, in the same order as quotes (empty where the "
        "quote is in the site's language), ' | ' between."
    ),
    "disputes": (
        "Each detail the sources disagree on: 'about: version / version', ' | ' between; "
        "events.json has every version with its citations."
    ),
    "corrections": "Each correction as 'YYYY-MM-DD: what changed Why: why', ' | ' between.",
    "url": "The event's page, relative to the site's address.",
    "data_version": "The content hash of the data this file was built from.",
}


def export_texts(
    dataset: Dataset, places: dict[str, ResolvedPlace], site: SiteInfo, version: DataVersion
) -> dict[str, str]:
    """Every open-data file by its path in the site, with a datapackage.json describing them."""
    exports = export_pieces(dataset, places, site, version)
    return dict(sorted((path, "".join(pieces)) for path, pieces in exports))


def export_pieces(
    dataset: Dataset, places: dict[str, ResolvedPlace], site: SiteInfo, version: DataVersion
) -> Iterator[tuple[str, list[str]]]:
    """`export_texts` one at a time, each text in pieces to be written one after another (the
    datapackage.json describing them comes last): a writer then
    holds one export at once, and never the whole of it in one string (at 100,000 events the
    largest are 100 MB; joined, a text outside ASCII takes two or four bytes a character)."""
    records = [event_record(e, places.get(e.id), dataset, version) for e in dataset.events]
    columns = csv_columns(records)
    makers: dict[str, Callable[[], str | list[str]]] = {
        "events.json": lambda: _events_json(records, dataset, site, version),
        "events.csv": lambda: to_csv(
            [{**r, **csv_texts(r), "data_version": version.hash} for r in records], columns
        ),
        "events.geojson": lambda: _json_pieces(time_geojson(records, version)),
        "events.fg.json": lambda: _json_pieces(json_fg(records, version)),
        "timeline.json": lambda: _json_pieces(timelinejs(dataset, places, site, version)),
        "sources.csl.json": lambda: _json(
            [
                {**source_csl(s), "custom": {"eventatlas_data_version": version.hash}}
                for s in dataset.sources
            ]
        ),
        "sources.bib": lambda: _bibtex_file(dataset, version),
        "citation.csl.json": lambda: _json(atlas_citation(site, version)["csl"]),
        "citation.bib": lambda: atlas_citation(site, version)["bibtex"],
        "changes.atom": lambda: atom_pieces(dataset, site, version),
        "changes.json": lambda: _json_pieces(json_feed(dataset, site, version)),
        "events.ics": lambda: icalendar_pieces(dataset, places, site, version, False),
        "anniversaries.ics": lambda: icalendar_pieces(dataset, places, site, version, True),
        "README.txt": lambda: data_readme(site, version, columns),
    }
    described: dict[str, tuple[int, str]] = {}  # name → its size in bytes and SHA-256
    for name, make in sorted(makers.items()):
        made = make()
        pieces = [made] if isinstance(made, str) else made
        digest, size = hashlib.sha256(), 0
        for chunk in utf8_chunks(pieces):
            digest.update(chunk)
            size += len(chunk)
        described[name] = (size, digest.hexdigest())
        yield f"{DATA_DIR}/{name}", pieces
        del made, pieces  # before the next export is made
    package = datapackage(described, site, version, columns)
    yield f"{DATA_DIR}/datapackage.json", [_json(package)]


def utf8_chunks(pieces: list[str], size: int = 1 << 20) -> Iterator[bytes]:
    """The pieces of a text in UTF-8, a slice at a time: encoding a 100 MB export at once
    doubled it."""
    for piece in pieces:
        for start in range(0, len(piece), size):
            yield piece[start : start + size].encode("utf-8")


def _events_json(
    records: list[dict], dataset: Dataset, site: SiteInfo, version: DataVersion
) -> list[str]:
    language = {"language": dataset.language} if dataset.language else {}
    sources = [s.model_dump(exclude_none=True) for s in dataset.sources]
    return _json_pieces(
        {
            "data_version": version.hash,
            "title": site.title,
            "events": _Items(records),
            "sources": sources,
            **language,
        }
    )


def event_record(
    event: Event, place: ResolvedPlace | None, dataset: Dataset, version: DataVersion
) -> dict:
    """An event as flat-as-possible JSON: every field it sets, its date bounds and its place."""
    record = event_json(event)
    record.update(
        date_edtf=event.date.text,
        date_start=event.date.start.isoformat(),
        date_end=event.date.end.isoformat(),
        date_precision=event.date.precision,
        date_approximate=event.date.approximate,
        date_source=event.date_source,
        place_source=event.place_source,
        status=event.status,
        disputed=bool(event.disputes),
        sources=event.cited_source_ids,
        added=entered_atlas(event, dataset).isoformat(),
        url=event_url(event.id),
    )
    if event.corrections:
        record["last_corrected"] = max(c.date for c in event.corrections)
    if place:
        record.update(
            lat=place.lat,
            lon=place.lon,
            place_precision=place.precision,
            place_country=place.country,
        )
    return dict(sorted(record.items()))


class _Items:
    """An export's one long list, made item by item as `_json` writes it: at 100,000 events the
    whole structure took several times the memory of its text."""

    def __init__(self, items: Iterable) -> None:
        self.items = items


_ITEMS_PLACE = "\x00items\x00"  # in no text: the schema refuses control characters


def _json(value) -> str:
    """Compact JSON: the standard library encodes it in C, eight times faster than indented."""
    return "".join(_json_pieces(value))


def _json_pieces(value) -> list[str]:
    """`_json` in pieces: a dict's `_Items` value is written item by item, with the same bytes
    as a list."""
    items = (
        [key for key, item in value.items() if isinstance(item, _Items)]
        if isinstance(value, dict)
        else []
    )
    if not items:
        return [_dumps(value), "\n"]
    before, after = _dumps({**value, items[0]: _ITEMS_PLACE}).split(_dumps(_ITEMS_PLACE), 1)
    pieces = [before, "["]
    for item in value[items[0]].items:
        pieces += (_dumps(item), ",")
    if pieces[-1] == ",":
        pieces.pop()
    return [*pieces, "]", after, "\n"]


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# CSV ---------------------------------------------------------------------------------------------


def csv_columns(records: list[dict]) -> list[str]:
    """The fixed columns, then any other one-value field an event sets (new fields travel)."""
    extra = {
        key
        for record in records
        for key, value in record.items()
        if isinstance(value, (str, int, float, bool)) and key not in CSV_COLUMNS
    }
    return CSV_COLUMNS + sorted(extra - {"place_country"}) + ["place_country"]


def csv_texts(record: dict) -> dict:
    """What a CSV cell holds for the lists of entries: quotes, translations, disputes and
    corrections as text (events.json keeps them as entries)."""
    citations = record.get("citations", [])
    disputes = [
        f"{d['about']}: " + " / ".join(v["claim"] for v in d["versions"])
        for d in record.get("disputes", [])
    ]
    corrections = [
        f"{c['date']}: {c['change']} Why: {c['reason']}" for c in record.get("corrections", [])
    ]
    return {
        "quotes": CSV_SEPARATOR.join(c["quote"] for c in citations),
        "translations": CSV_SEPARATOR.join(c.get("translation", "") for c in citations)
        if any(c.get("translation") for c in citations)
        else "",
        "disputes": CSV_SEPARATOR.join(disputes),
        "corrections": CSV_SEPARATOR.join(corrections),
    }


def to_csv(records: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {
            key: "; ".join(value) if isinstance(value, list) else value
            for key, value in record.items()
            if key in columns
        }
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return out.getvalue()


def csv_safe(value):
    # Spreadsheets run a cell starting with = + - @ as a formula; a leading apostrophe stops that.
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


# Maps ---------------------------------------------------------------------------------------------


def time_geojson(records: list[dict], version: DataVersion) -> dict:
    """GeoJSON with `start`/`end` days on each feature, for QGIS's Temporal Controller and co."""
    features = (
        {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {
                **{k: v for k, v in r.items() if k not in ("lat", "lon")},
                "start": r["date_start"],
                "end": r["date_end"],
            },
        }
        for r in records
        if "lat" in r
    )
    return {
        "type": "FeatureCollection",
        "data_version": version.hash,
        "features": _Items(features),
    }


def json_fg(records: list[dict], version: DataVersion) -> dict:
    """OGC JSON-FG: the same features with a `time` member (a date or an interval)."""
    return {
        "type": "FeatureCollection",
        "conformsTo": JSONFG_CONFORMANCE,
        "featureType": "Event",
        "data_version": version.hash,
        "features": _Items(_json_fg_feature(r) for r in records if "lat" in r),
    }


def _json_fg_feature(r: dict) -> dict:
    day = r["date_precision"] == "day" and r["date_start"] == r["date_end"]
    when = {"date": r["date_start"]} if day else {"interval": [r["date_start"], r["date_end"]]}
    return {
        "type": "Feature",
        "id": r["id"],
        "featureType": "Event",
        "time": when,
        "place": None,
        "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
        "properties": {k: v for k, v in r.items() if k not in ("lat", "lon")},
    }


# TimelineJS ---------------------------------------------------------------------------------------


def timelinejs(
    dataset: Dataset, places: dict[str, ResolvedPlace], site: SiteInfo, version: DataVersion
) -> dict:
    """TimelineJS3's JSON: one slide per event, grouped by lane, with its sources in the text."""
    intro = escape(site.description) + f"<p>Data version {version.hash}.</p>"
    return {
        "title": {"text": {"headline": escape(site.title), "text": intro}},
        "events": _Items(_timeline_slide(e, places.get(e.id), dataset) for e in dataset.events),
    }


def _timeline_slide(event: Event, place: ResolvedPlace | None, dataset: Dataset) -> dict:
    credit = "; ".join(_source_label(dataset, s) for s in event.cited_source_ids)
    slide = {
        "unique_id": event.id,
        "group": event.lane,
        "display_date": event.date.label,
        "start_date": _timeline_date(event.date.start, event.date.precision),
        "text": {
            "headline": escape(event.title),
            "text": "".join(f"<p>{escape(line)}</p>" for line in _editors_lines(event, place))
            + str(render_summary(event.summary))
            + "".join(f"<p>{escape(line)}</p>" for line in _record_lines(event))
            + f"<p>Sources: {escape(credit)}</p>",
        },
    }
    first = event.citations[0]
    media = {  # TimelineJS shows a blockquote "media" as text, crediting its source
        "url": f"<blockquote>{escape(first.quote)}</blockquote>",
        "credit": escape(_source_label(dataset, first.source)),
    }
    if first.translation:
        media["caption"] = escape(f"Editor's translation: {first.translation}")
    slide["media"] = media
    if event.date.is_range or event.date.precision != "day":
        slide["end_date"] = _timeline_date(event.date.end, event.date.precision)
    # Not read by TimelineJS; kept so that `import` brings the event back whole.
    slide["edtf"] = event.date.text
    location: dict = {"name": event.place}
    if place:
        location.update(lat=place.lat, lon=place.lon)
    slide["location"] = location
    return slide


def _editors_lines(event: Event, place: ResolvedPlace | None) -> list[str]:
    """Where and how established, with the editor's notes: what a reader needs before the text."""
    where = place.name if place else event.place
    lines = [f"{where}; {event.status}."]
    if event.place_source == "editor":
        lines.append(
            f"Place supplied by the editor: {event.place_note or 'no cited source gives it'}"
        )
    elif event.place_note:
        lines.append(f"Place: {event.place_note}")
    if event.date_source == "editor":
        lines.append(
            f"Date supplied by the editor: {event.date_note or 'no cited source gives it'}"
        )
    if event.status_note:
        lines.append(f"Status ({event.status}): {event.status_note}")
    return lines


def _record_lines(event: Event) -> list[str]:
    """The disagreements and the corrections, one line each."""
    lines = [
        f"Disputed ({d.about}): " + " / ".join(v.claim for v in d.versions) for d in event.disputes
    ]
    lines += [f"Corrected on {c.date}: {c.change} Why: {c.reason}" for c in event.corrections]
    return lines


def _timeline_date(day: date, precision: str) -> dict:
    parts = {"year": day.year}
    if precision in ("month", "day"):
        parts["month"] = day.month
    if precision == "day":
        parts["day"] = day.day
    return parts


def _source_label(dataset: Dataset, source_id: str) -> str:
    source = dataset.source(source_id)
    translated = f" [{source.title_translation}]" if source.title_translation else ""
    inferred = " (date inferred by the editor)" if source.published_source == "editor" else ""
    published = f", {source.published}{inferred}" if source.published else ""
    return f"{source.publisher}, “{source.title}”{translated}{published}"


# Bibliography -------------------------------------------------------------------------------


def _bibtex_file(dataset: Dataset, version: DataVersion) -> str:
    header = f"% Sources of the atlas, data version {version.hash}.\n\n"
    return header + "\n".join(source_bibtex(s) for s in dataset.sources)


# Feeds --------------------------------------------------------------------------------------


def changes(dataset: Dataset) -> Iterator[dict]:
    """What entered the atlas, newest first: each event, and each correction an event records.
    Ordered by their dates and keys alone, then made one at a time (at 100,000 events, all at
    once took 100 MB)."""
    order = []
    for event in dataset.events:
        order.append((entered_atlas(event, dataset), f"{event.id}/added", event, -1))
        order += [
            (date.fromisoformat(correction.date), f"{event.id}/correction-{n + 1}", event, n)
            for n, correction in enumerate(event.corrections)
        ]
    order.sort(key=lambda change: change[:2], reverse=True)
    for day, key, event, correction in order:
        yield {"key": key, "event": event, "date": day, **_change_text(event, correction)}


def _change_text(event: Event, correction: int) -> dict[str, str]:
    """The title and text of an event's entry (correction -1) or of one of its corrections."""
    if correction < 0:
        return {
            "title": f"Added: {event.title}",
            "text": f"{_when(event)} {plain_summary(event.summary)}",
        }
    made = event.corrections[correction]
    return {"title": f"Corrected: {event.title}", "text": f"{made.change} Why: {made.reason}"}


def _when(event: Event) -> str:
    editors = " (supplied by the editor)" if event.place_source == "editor" else ""
    return f"When: {event.date.label} (EDTF {event.date.text}); where: {event.place}{editors}."


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _item_id(site: SiteInfo, key: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"eventatlas:{site.title}:{key}"))


def atom_pieces(dataset: Dataset, site: SiteInfo, version: DataVersion) -> list[str]:
    """An Atom 1.0 feed of changes, dated by when they entered the atlas (never by event date),
    in pieces."""
    ns = "http://www.w3.org/2005/Atom"
    feed = ET.Element("feed", {"xmlns": ns, "xml:lang": dataset.language or "en"})
    _sub(feed, "title", f"{site.title}: changes")
    _sub(feed, "id", _item_id(site, "feed"))
    _sub(feed, "updated", _stamp(version.date))
    _sub(feed, "subtitle", f"Events added and corrected; data version {version.hash}")
    ET.SubElement(_sub(feed, "author", None), "name").text = site.title
    if site.url:
        ET.SubElement(feed, "link", {"rel": "alternate", "href": site.url})
        ET.SubElement(feed, "link", {"rel": "self", "href": site.absolute("data/changes.atom")})
    # Each entry is written out as it is made, as ET.indent and ET.tostring would write it in
    # the whole tree: a tree of 100,000 entries took 400 MB.
    ET.indent(feed)
    head, end = ET.tostring(feed, encoding="unicode").rsplit("\n</feed>", 1)
    pieces = ['<?xml version="1.0" encoding="utf-8"?>\n', head]
    for item in changes(dataset):
        pieces += ("\n  ", _atom_entry(item, site))
    return [*pieces, "\n</feed>", end, "\n"]


def _atom_entry(item: dict, site: SiteInfo) -> str:
    entry = ET.Element("entry")
    _sub(entry, "title", item["title"])
    _sub(entry, "id", _item_id(site, item["key"]))
    _sub(entry, "updated", _stamp(item["date"]))
    _sub(entry, "published", _stamp(item["date"]))
    ET.SubElement(entry, "link", {"href": site.absolute(event_url(item["event"].id))})
    for tag in item["event"].tags:
        ET.SubElement(entry, "category", {"term": tag})
    _sub(entry, "summary", item["text"])
    ET.indent(entry, level=1)
    return ET.tostring(entry, encoding="unicode")


def _sub(parent: ET.Element, tag: str, text: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def json_feed(dataset: Dataset, site: SiteInfo, version: DataVersion) -> dict:
    """The same changes as JSON Feed 1.1."""
    feed: dict = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{site.title}: changes",
        "description": f"Events added and corrected; data version {version.hash}",
        "language": dataset.language or "en",
        "authors": [{"name": site.title}],
        "items": _Items(_feed_item(item, site) for item in changes(dataset)),
        "_eventatlas": {"data_version": version.hash},
    }
    if site.url:
        feed["home_page_url"] = site.url
        feed["feed_url"] = site.absolute("data/changes.json")
    return feed


def _feed_item(item: dict, site: SiteInfo) -> dict:
    event = item["event"]
    entry = {
        "id": _item_id(site, item["key"]),
        "title": item["title"],
        "content_text": item["text"],
        "date_published": _stamp(item["date"]),
        "tags": list(event.tags),
        "_eventatlas": {"event": event.id, "date_edtf": event.date.text},
    }
    if site.url:
        entry["url"] = site.absolute(event_url(event.id))
    return entry


# Calendars ----------------------------------------------------------------------------------------

_ICAL_STATUS = {"confirmed": "CONFIRMED", "reported": "TENTATIVE", "claimed": "TENTATIVE"}


def icalendar_pieces(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo,
    version: DataVersion,
    anniversaries: bool,
) -> list[str]:
    """One all-day VEVENT per event, in pieces; the anniversary calendar repeats day-precise
    events yearly."""
    import icalendar  # here: only the exports' worker makes calendars, not every build process

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//eventatlas//" + site.title + "//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = site.title + (" (anniversaries)" if anniversaries else "")
    calendar.add("x-wr-calname", name)
    calendar.add("x-eventatlas-data-version", version.hash)
    stamp = datetime(version.date.year, version.date.month, version.date.day, tzinfo=timezone.utc)
    # Each entry is written out as it is made, as Calendar.to_ical would write its components:
    # a Calendar holding 100,000 of them took 800 MB.
    head, end = calendar.to_ical().decode("utf-8").rsplit("END:VCALENDAR", 1)
    entries = [
        _vevent(event, places.get(event.id), dataset, site, stamp, anniversaries)
        .to_ical()
        .decode("utf-8")
        for event in dataset.events
        if not anniversaries or event.date.precision == "day"  # a month has no day to return to
    ]
    return [head, *entries, "END:VCALENDAR", end]


def _vevent(event, place, dataset, site: SiteInfo, stamp: datetime, anniversary: bool):
    import icalendar

    vevent = icalendar.Event()
    suffix = "-anniversary" if anniversary else ""
    vevent.add("uid", f"{event.id}{suffix}@eventatlas")
    vevent.add("dtstamp", stamp)
    vevent.add("summary", ("Anniversary: " if anniversary else "") + event.title)
    vevent.add("dtstart", event.date.start)
    vevent.add("dtend", event.date.end_exclusive)
    vevent.add("url", site.absolute(event_url(event.id)))
    if anniversary:  # a reminder: the page holds the rest, and the calendar stays light
        vevent.add("rrule", {"freq": "yearly"})
        return vevent
    vevent.add("description", _calendar_text(event, place, dataset))
    vevent.add("location", place.name if place else event.place)
    if place:
        vevent.add("geo", (place.lat, place.lon))
    vevent.add("categories", list(event.tags))
    vevent.add("status", _ICAL_STATUS[event.status])
    vevent.add("x-eventatlas-edtf", event.date.text)
    return vevent


def _calendar_text(event: Event, place: ResolvedPlace | None, dataset: Dataset) -> str:
    """The whole record as plain lines: notes, summary, disputes, corrections and each quote
    with the editor's translation."""
    quotes = [
        f"{_source_label(dataset, c.source)}: “{c.quote}”"
        + (f" (editor's translation: “{c.translation}”)" if c.translation else "")
        for c in event.citations
    ]
    return "\n".join(
        [
            f"{event.date.label} ({precision_note(event)}; EDTF {event.date.text}).",
            *_editors_lines(event, place),
            plain_summary(event.summary),
            *_record_lines(event),
            "Sources:",
            *quotes,
        ]
    )


# The data package ---------------------------------------------------------------------------------

_FORMATS = {
    "events.json": ("json", "application/json", "The events and sources, every field."),
    "events.csv": ("csv", "text/csv", "One row per event; lists joined with '; '."),
    "events.geojson": ("geojson", "application/geo+json", "Events as points with start/end days."),
    "events.fg.json": ("json", "application/geo+json", "OGC JSON-FG: points with time intervals."),
    "timeline.json": ("json", "application/json", "TimelineJS3 timeline of every event."),
    "sources.csl.json": ("json", "application/vnd.citationstyles.csl+json", "Sources as CSL-JSON."),
    "sources.bib": ("bib", "application/x-bibtex", "Sources as BibTeX."),
    "citation.csl.json": (
        "json",
        "application/vnd.citationstyles.csl+json",
        "How to cite this data (CSL-JSON).",
    ),
    "citation.bib": ("bib", "application/x-bibtex", "How to cite this data (BibTeX)."),
    "changes.atom": ("atom", "application/atom+xml", "Atom feed of events added and corrected."),
    "changes.json": ("json", "application/feed+json", "JSON Feed 1.1 of the same changes."),
    "events.ics": ("ics", "text/calendar", "iCalendar: one all-day entry per event."),
    "anniversaries.ics": ("ics", "text/calendar", "iCalendar: yearly anniversaries."),
    "README.txt": ("txt", "text/plain", "What these files are, their licence, how to cite."),
}
DATA_FILES = _FORMATS  # the Data page lists them in this order


def how_to_cite(site: SiteInfo, version: DataVersion) -> str:
    return atlas_citation(site, version)["text"]


def datapackage(
    files: dict[str, tuple[int, str]], site: SiteInfo, version: DataVersion, columns: list[str]
) -> dict:
    """A Frictionless Data Package: every file with its size and hash, the CSV with its fields."""
    title, path = LICENSES.get(site.license, (site.license, ""))
    licence = {"name": site.license, "title": title, **({"path": path} if path else {})}
    package = {
        "name": _package_name(site.title),
        "title": site.title,
        "description": (site.description + " " if site.description else "")
        + "Cite as: "
        + how_to_cite(site, version),
        "version": version.hash,
        "created": _stamp(version.date),
        "licenses": [licence],
        "keywords": ["events", "timeline", "eventatlas"],
        "resources": [_resource(name, *files[name], columns) for name in _FORMATS],
    }
    if site.url:
        package["homepage"] = site.url
    return package


def _resource(name: str, size: int, sha256: str, columns: list[str]) -> dict:
    fmt, mediatype, description = _FORMATS[name]
    resource = {
        "name": _package_name(name),
        "path": name,
        "format": fmt,
        "mediatype": mediatype,
        "encoding": "utf-8",
        "description": description,
        "bytes": size,
        "hash": "sha256:" + sha256,
    }
    if name == "events.csv":
        resource["schema"] = {
            "fields": [field_descriptor(c) for c in columns],
            "primaryKey": ["id"],
        }
    return resource


def field_descriptor(column: str) -> dict:
    return {
        "name": column,
        "type": _CSV_TYPES.get(column, "string"),
        "description": field_description(column),
    }


def field_description(column: str) -> str:
    if column in COMPUTED_FIELDS:
        return COMPUTED_FIELDS[column]
    if column in CSV_TEXT_FIELDS:
        return CSV_TEXT_FIELDS[column]
    if column in ("lat", "lon"):
        return f"{'Latitude' if column == 'lat' else 'Longitude'} of the event's place, in degrees."
    if column == "place_country":
        return "ISO 3166 country code of the place, where known."
    field = Event.model_fields.get(column)
    return field.description or "" if field else ""


def _package_name(text: str) -> str:
    return slugify(text)


def data_readme(site: SiteInfo, version: DataVersion, columns: list[str]) -> str:
    """The data folder's README: what each file is, the CSV's fields, the licence, how to cite."""
    title, path = LICENSES.get(site.license, (site.license, ""))
    lines = [
        f"{site.title}: open data",
        "",
        f"Data version {version.hash} of {version.date.isoformat()}.",
        f"Licence: {title} ({site.license}){' ' + path if path else ''}.",
        f"How to cite: {how_to_cite(site, version)}",
        "",
        "Files:",
        *[f"  {name}: {meta[2]}" for name, meta in _FORMATS.items()],
        "  datapackage.json: Frictionless Data Package describing these files.",
        "",
        "Fields of events.csv:",
        *[f"  {column}: {field_description(column)}" for column in columns],
        "",
        "Dates: 'date' and 'date_edtf' are EDTF (ISO 8601-2): '2025-07' is a month, '2024~' an",
        "approximate year, '2025-07-11/2025-07-12' a range; 'date_start' and 'date_end' are the",
        "earliest and latest days it allows. A CSV cell that would start with = + - or @ starts",
        "with an apostrophe, so spreadsheets do not run it as a formula.",
    ]
    return "\n".join(lines) + "\n"


# The Data page ------------------------------------------------------------------------------------

DATA_PAGE = "data/index.md"  # at /data/ beside the files, with or without directory URLs
_AUDIENCES = {
    "events.json": "scripts, notebooks",
    "events.csv": "spreadsheets, R, pandas",
    "events.geojson": "QGIS Temporal Controller, Leaflet, kepler.gl, GDAL",
    "events.fg.json": "GDAL and OGC API tools",
    "timeline.json": "TimelineJS embeds",
    "sources.csl.json": "Zotero, pandoc and Quarto",
    "sources.bib": "LaTeX, BibTeX tools",
    "citation.csl.json": "Zotero, pandoc and Quarto",
    "citation.bib": "LaTeX, BibTeX tools",
    "changes.atom": "feed readers",
    "changes.json": "feed readers",
    "events.ics": "calendars",
    "anniversaries.ics": "calendars",
    "README.txt": "anyone who downloads the folder",
}


def render_data_page(
    site: SiteInfo, version: DataVersion, dataset: Dataset, places: dict[str, ResolvedPlace]
) -> GeneratedPage:
    """The Data page: every export with its format, the fields, the licence, how to cite."""
    return GeneratedPage(
        front_matter("Data", searched=False),
        "# Data" + html_slot(0),
        lambda: (_data_page_html(site, version, dataset, places),),
        lambda: f"{version.hash} {version.date}",  # the version changes with any data change
    )


def _data_page_html(
    site: SiteInfo, version: DataVersion, dataset: Dataset, places: dict[str, ResolvedPlace]
) -> str:
    records = [event_record(e, places.get(e.id), dataset, version) for e in dataset.events]
    listed = [*_FORMATS, "datapackage.json"]
    files = [
        {
            "name": name,
            "href": f"{name}",
            "mediatype": _FORMATS[name][1] if name in _FORMATS else "application/json",
            "description": _FORMATS[name][2] if name in _FORMATS else "Frictionless Data Package.",
            "audience": _AUDIENCES.get(name, "data portals, frictionless"),
        }
        for name in listed
    ]
    title, path = LICENSES.get(site.license, (site.license, ""))
    return render(
        "data.html",
        version=version,
        files=files,
        fields=[field_descriptor(c) for c in csv_columns(records)],
        licence=site.license,
        licence_title=title,
        licence_url=path,
        how_to_cite=how_to_cite(site, version),
        csl_href="citation.csl.json",
        bib_href="citation.bib",
    )

"""Every open-data export, read back by a reader someone else wrote.

GDAL (through pyogrio) reads the GeoJSON and JSON-FG with their times; citeproc-py renders the
CSL-JSON; bibtexparser parses the BibTeX; frictionless validates the data package; feedparser
reads the Atom feed and jsonschema checks the JSON Feed; icalendar reads the calendars; extruct
finds the JSON-LD in a built page and pyld expands it; edtf parses every exported date.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html import escape
from pathlib import Path

import bibtexparser
import edtf
import extruct
import feedparser
import icalendar
import jsonschema
import pytest
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyogrio.raw import read as ogr_read

from eventatlas.pipeline import prepare
from eventatlas.site.citations import bibtex_entry
from eventatlas.site.exports import (
    CSV_COLUMNS,
    _Items,
    _json,
    atom_pieces,
    changes,
    export_texts,
    icalendar_pieces,
    to_csv,
)
from eventatlas.site.version import data_version, site_info

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def events(repo) -> list[dict]:
    return yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["events"]


@pytest.fixture(scope="module")
def data(built_site) -> Path:
    return built_site / "data"


@pytest.fixture(scope="module")
def version(data) -> str:
    return json.loads((data / "events.json").read_text(encoding="utf-8"))["data_version"]


def _ogr_columns(path: Path) -> tuple[dict, dict]:
    meta, _fids, _geometry, fields = ogr_read(path)
    names = list(meta["fields"])
    return dict(zip(names, meta["dtypes"], strict=True)), dict(zip(names, fields, strict=True))


def test_gdal_reads_the_geojson_with_start_and_end_days(data, events):
    types, columns = _ogr_columns(data / "events.geojson")
    assert types["start"] == types["end"] == "datetime64[D]"
    assert len(columns["id"]) == len(events)
    by_id = dict(
        zip(
            columns["id"],
            zip(columns["start"], columns["end"], columns["date"], strict=True),
            strict=False,
        )
    )
    monthly = next(e for e in events if e["date"] == "2025-07-11/2025-07-12")
    start, end, exact = by_id[monthly["id"]]
    assert (str(start), str(end), exact) == ("2025-07-11", "2025-07-12", "2025-07-11/2025-07-12")
    for name in ("date_precision", "status", "place_precision", "sources"):
        assert name in columns


def test_gdal_reads_the_json_fg_time_members(data, events):
    types, columns = _ogr_columns(data / "events.fg.json")
    assert types["time"] == types["time_start"] == types["time_end"] == "datetime64[D]"
    rows = dict(
        zip(
            columns["id"],
            zip(columns["time"], columns["time_start"], columns["time_end"], strict=True),
            strict=False,
        )
    )
    assert len(rows) == len(events)
    for event in events:
        instant, start, end = (str(v) for v in rows[event["id"]])
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", event["date"]):  # one known day: a JSON-FG date
            assert instant == event["date"] and start == "NaT"
        else:  # anything wider: an interval
            assert instant == "NaT" and start <= end


def test_every_exported_date_is_edtf(data, events):
    exported = json.loads((data / "events.json").read_text(encoding="utf-8"))["events"]
    rows = list(csv.DictReader(io.StringIO((data / "events.csv").read_text(encoding="utf-8"))))
    assert {r["date_edtf"] for r in rows} == {e["date_edtf"] for e in exported}
    for record in exported:
        parsed = edtf.parse_edtf(record["date_edtf"])
        assert str(edtf.struct_time_to_date(parsed.lower_strict())) == record["date_start"]
        assert str(edtf.struct_time_to_date(parsed.upper_strict())) == record["date_end"]
    assert {"2024~", "2025-07~", "2025-07-11/2025-07-12"} <= {r["date_edtf"] for r in exported}


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_citeproc_renders_a_bibliography_of_every_source(data, repo):
    sources = yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["sources"]
    items = json.loads((data / "sources.csl.json").read_text(encoding="utf-8"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(entry) for entry in bibliography.bibliography())
    for source in sources:
        assert source["title"] in rendered
        assert source["publisher"] in rendered


def test_bibtexparser_reads_every_source_and_the_dataset_citation(data, repo, version):
    sources = yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["sources"]
    library = bibtexparser.parse_string((data / "sources.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert {e.key for e in library.entries} == {s["id"] for s in sources}
    entry = library.entries_dict[sources[0]["id"]]
    assert entry["title"] == "{" + sources[0]["title"] + "}"
    cited = bibtexparser.parse_string((data / "citation.bib").read_text(encoding="utf-8"))
    assert not cited.failed_blocks and cited.entries[0]["version"] == version


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_bibtex_escaping_keeps_any_title_one_field(title):
    url = "https://example.org/" + title
    text = bibtex_entry("misc", "key", {"title": title, "note": title, "url": url})
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    assert set(library.entries[0].fields_dict) == {"title", "note", "url"}


def test_frictionless_validates_the_data_package(data):
    command = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(command), "validate", "datapackage.json", "--json"],
        cwd=data,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report, indent=1)[:3000]
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in package["resources"]}
    on_disk = {p.name for p in data.iterdir()} - {"datapackage.json", "index.html"}
    assert listed == on_disk
    assert package["licenses"][0]["name"] and "Cite as:" in package["description"]


def _corrections(events: list[dict]) -> list[tuple[dict, dict]]:
    return [(e, c) for e in events for c in e.get("corrections", [])]


def test_feedparser_reads_the_atom_feed_of_changes(data, events):
    feed = feedparser.parse((data / "changes.atom").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    corrections = _corrections(events)
    assert corrections, "the default atlas records corrections (issue 9)"
    assert len(feed.entries) == len(events) + len(corrections)
    dates = [entry.updated_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)  # newest first, by when they entered the atlas
    added = [e for e in feed.entries if e.title.startswith("Added: ")]
    corrected = [e for e in feed.entries if e.title.startswith("Corrected: ")]
    assert len(added) == len(events) and len(corrected) == len(corrections)
    for event, correction in corrections:  # each correction an entry dated by its own day
        assert any(
            entry.title == f"Corrected: {event['title']}"
            and entry.updated.startswith(correction["date"])
            and correction["reason"] in entry.summary
            for entry in corrected
        ), (event["id"], correction["date"])


def test_json_feed_meets_the_json_feed_1_1_schema(data, events):
    schema = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
    feed = json.loads((data / "changes.json").read_text(encoding="utf-8"))
    jsonschema.validate(feed, schema)
    count = len(events) + len(_corrections(events))
    assert len(feed["items"]) == count and len({item["id"] for item in feed["items"]}) == count
    assert feed["language"] == "en"
    changed = [i for i in feed["items"] if i["title"].startswith("Corrected: ")]
    assert {i["date_published"][:10] for i in changed} == {
        c["date"] for _, c in _corrections(events)
    }


def test_icalendar_reads_one_all_day_entry_per_event(data, events):
    calendar = icalendar.Calendar.from_ical((data / "events.ics").read_bytes())
    entries = calendar.walk("VEVENT")
    assert len(entries) == len(events)
    for entry in entries:
        start, end = entry.decoded("dtstart"), entry.decoded("dtend")
        assert not hasattr(start, "hour") and end > start  # dates, not times
        assert str(entry["url"]).endswith("/")
    anniversaries = icalendar.Calendar.from_ical((data / "anniversaries.ics").read_bytes())
    yearly = anniversaries.walk("VEVENT")
    assert yearly and all(e["rrule"]["FREQ"] == ["YEARLY"] for e in yearly)
    assert len(yearly) == sum(1 for e in events if len(e["date"].split("/")[0]) == 10)


def _offline_loader(url, options=None):
    context = json.loads((DATA / "schemaorg-context.jsonld").read_text(encoding="utf-8"))
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the JSON-LD asked for {url}; only schema.org's context is known")
    return {"contextUrl": None, "documentUrl": url, "document": context}


def test_event_pages_carry_schema_org_json_ld(built_site, events):
    event = next(e for e in events if e["id"] == "lavrov-meets-kim-jong-un")
    html = (built_site / "events" / event["id"] / "index.html").read_text(encoding="utf-8")
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    item = next(i for i in found if i.get("@type") == "Event")
    assert item["name"] == event["title"] and item["startDate"] == event["date"]
    assert item["location"]["geo"]["latitude"]
    assert len(item["citation"]) >= len({c["source"] for c in event["citations"]})
    expanded = jsonld.expand(item, {"documentLoader": _offline_loader})
    assert expanded[0]["@type"] == ["http://schema.org/Event"]
    location = expanded[0]["http://schema.org/location"][0]
    assert "http://schema.org/geo" in location
    assert "http://schema.org/citation" in expanded[0]


def test_event_page_offers_cite_this(built_site, version):
    html = (built_site / "events/lavrov-meets-kim-jong-un/index.html").read_text(encoding="utf-8")
    assert "Cite this" in html and "@misc{eventatlas-lavrov-meets-kim-jong-un" in html
    assert f"Data version {version}" in html
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'data-cite-kind="view"' in home
    assert f"Data version {version}" in (built_site / "about/index.html").read_text("utf-8")


def test_data_page_lists_every_export_with_fields_licence_and_citation(data):
    html = (data / "index.html").read_text(encoding="utf-8")
    for path in data.iterdir():
        if path.name != "index.html":
            assert f">{path.name}</code>" in html, path.name
    for column in CSV_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert "How to cite" in html and "Licence" in html


def test_every_export_names_its_data_version(data, version):
    for path in data.iterdir():
        if path.name not in ("index.html",):
            assert version in path.read_text(encoding="utf-8"), path.name


def test_timelinejs_json_has_one_slide_per_event(data, events):
    timeline = json.loads((data / "timeline.json").read_text(encoding="utf-8"))
    slides = {s["unique_id"]: s for s in timeline["events"]}
    assert set(slides) == {e["id"] for e in events}
    month = next(e for e in events if e["date"] == "2025-04")
    assert slides[month["id"]]["start_date"] == {"year": 2025, "month": 4}
    assert slides[month["id"]]["group"] == month["tags"][0]


def test_formula_looking_csv_cells_are_guarded():
    record = {"id": "x", "title": "=HYPERLINK(1)", "summary": "+1", "place": "-1", "actors": "@a"}
    rows = list(csv.reader(io.StringIO(to_csv([record], CSV_COLUMNS))))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert [cells[k] for k in ("title", "summary", "place", "actors")] == [
        "'=HYPERLINK(1)",
        "'+1",
        "'-1",
        "'@a",
    ]
    assert cells["id"] == "x"


def test_exports_are_byte_identical_across_builds(repo, monkeypatch):
    prepared = prepare(repo / "events.yaml", repo / "places.yaml", write_cache=False)
    site = site_info("Atlas", "https://example.org/atlas", "", "CC-BY-4.0")
    version = data_version(prepared.dataset, prepared.places)
    first = export_texts(prepared.dataset, prepared.places, site, version)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    again = prepare(repo / "events.yaml", repo / "places.yaml", write_cache=False)
    assert export_texts(again.dataset, again.places, site, version) == first
    assert first["data/events.ics"].count("URL:https://example.org/atlas/events/") > 0


def test_the_data_version_dates_the_latest_correction_too(data, events):
    feed = feedparser.parse((data / "changes.atom").read_bytes())
    latest = max(c["date"] for _, c in _corrections(events))
    assert feed.feed.updated >= latest and feed.entries[0].updated.startswith(
        feed.feed.updated[:10]
    )


def _event_with(events: list[dict], test) -> dict:
    return next(e for e in events if test(e))


def test_the_csv_carries_the_editors_marks_disputes_and_corrections(data, events):
    rows = {
        r["id"]: r
        for r in csv.DictReader(io.StringIO((data / "events.csv").read_text(encoding="utf-8")))
    }
    placed = _event_with(events, lambda e: e.get("place_source") == "editor")
    assert rows[placed["id"]]["place_source"] == "editor"
    assert rows[placed["id"]]["place_note"] == placed["place_note"]
    noted = _event_with(events, lambda e: e.get("status_note"))
    assert rows[noted["id"]]["status_note"] == noted["status_note"]
    disputed = _event_with(events, lambda e: e.get("disputes"))
    row = rows[disputed["id"]]
    assert row["disputed"] == "True" and disputed["disputes"][0]["about"] in row["disputes"]
    corrected = _event_with(events, lambda e: e.get("corrections"))
    row = rows[corrected["id"]]
    last = max(c["date"] for c in corrected["corrections"])
    assert row["last_corrected"] == last
    assert all(c["change"] in row["corrections"] for c in corrected["corrections"])
    translated = _event_with(events, lambda e: e["citations"][0].get("translation"))
    row = rows[translated["id"]]
    quotes, translations = row["quotes"].split(" | "), row["translations"].split(" | ")
    assert len(quotes) == len(translations) == len(translated["citations"])
    assert translations[0] == translated["citations"][0]["translation"]


def test_gdal_reads_the_editors_marks_in_the_geojson(data, events):
    _types, columns = _ogr_columns(data / "events.geojson")
    placed = {e["id"] for e in events if e.get("place_source") == "editor"}
    by_id = dict(zip(columns["id"], columns["place_source"], strict=True))
    assert {i for i, source in by_id.items() if source == "editor"} == placed
    notes = dict(zip(columns["id"], columns["status_note"], strict=True))
    noted = _event_with(events, lambda e: e.get("status_note"))
    assert notes[noted["id"]] == noted["status_note"]
    corrected = _event_with(events, lambda e: e.get("corrections"))
    corrections = dict(zip(columns["id"], columns["corrections"], strict=True))
    assert json.loads(corrections[corrected["id"]])[0]["reason"]  # GDAL keeps the list as JSON


def test_timeline_slides_and_calendars_carry_translations_notes_and_corrections(data, events):
    timeline = json.loads((data / "timeline.json").read_text(encoding="utf-8"))
    slides = {s["unique_id"]: s for s in timeline["events"]}
    translated = _event_with(events, lambda e: e["citations"][0].get("translation"))
    caption = slides[translated["id"]]["media"]["caption"]
    assert caption == escape("Editor's translation: " + translated["citations"][0]["translation"])
    corrected = _event_with(events, lambda e: e.get("corrections"))
    assert (
        "Corrected on " + corrected["corrections"][0]["date"]
        in (slides[corrected["id"]]["text"]["text"])
    )
    calendar = icalendar.Calendar.from_ical((data / "events.ics").read_bytes())
    entries = {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    text = str(entries[corrected["id"]]["description"])
    assert "Corrected on " + corrected["corrections"][0]["date"] in text
    placed = _event_with(events, lambda e: e.get("place_source") == "editor")
    assert "Place supplied by the editor: " in str(entries[placed["id"]]["description"])
    quote = translated["citations"][0]
    assert f"editor's translation: “{quote['translation']}”" in str(
        entries[translated["id"]]["description"]
    )


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_bibliographies_carry_the_title_translations(data, repo):
    sources = yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["sources"]
    translated = next(s for s in sources if s.get("title_translation"))
    items = json.loads((data / "sources.csl.json").read_text(encoding="utf-8"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), citeproc_formatter.plain)
    bibliography.register(Citation([CitationItem(translated["id"])]))
    item = next(i for i in items if i["id"] == translated["id"])
    assert translated["title_translation"] in item["note"]
    library = bibtexparser.parse_string((data / "sources.bib").read_text(encoding="utf-8"))
    entry = library.entries_dict[translated["id"]]
    assert entry["titleaddon"] == "[" + translated["title_translation"] + "]"
    inferred = next(s for s in sources if s.get("published_source") == "editor")
    assert "inferred by the editor" in library.entries_dict[inferred["id"]]["note"]


def test_json_ld_citations_carry_the_title_translation(built_site, repo):
    data = yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))
    translations = {
        s["id"]: s["title_translation"] for s in data["sources"] if s.get("title_translation")
    }
    event = next(e for e in data["events"] if e["citations"][0]["source"] in translations)
    html = (built_site / "events" / event["id"] / "index.html").read_text(encoding="utf-8")
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    item = next(i for i in found if i.get("@type") == "Event")
    cited = next(c for c in item["citation"] if c["identifier"] == event["citations"][0]["source"])
    assert cited["workTranslation"]["headline"] == translations[cited["identifier"]]
    assert cited["workTranslation"]["inLanguage"] == "en"
    expanded = jsonld.expand(item, {"documentLoader": _offline_loader})
    citation = expanded[0]["http://schema.org/citation"]
    assert any("http://schema.org/workTranslation" in c for c in citation)


def test_events_json_names_the_sites_language(data):
    assert json.loads((data / "events.json").read_text(encoding="utf-8"))["language"] == "en"


@pytest.mark.parametrize("items", [[], [{"b": 2, "a": [1, "é"]}], [{"n": n} for n in range(3)]])
def test_a_long_list_made_item_by_item_writes_the_bytes_of_a_list(items):
    whole = {"z": "last", "items": items, "a": "first"}
    assert _json({**whole, "items": _Items(iter(items))}) == _json(whole)


def test_calendars_and_the_feed_written_in_pieces_are_what_one_tree_writes(repo):
    import xml.etree.ElementTree as ET

    import icalendar

    prepared = prepare(repo / "events.yaml", repo / "places.yaml", write_cache=False)
    dataset, places = prepared.dataset, prepared.places
    site = site_info("Atlas", "https://example.org/atlas", "", "CC-BY-4.0")
    version = data_version(dataset, places)
    pieces = "".join(icalendar_pieces(dataset, places, site, version, False))
    whole = icalendar.Calendar.from_ical(pieces)  # read back, then written whole
    assert whole.to_ical().decode("utf-8") == pieces
    assert len(whole.walk("VEVENT")) == len(dataset.events)
    feed = "".join(atom_pieces(dataset, site, version))
    ET.register_namespace("", "http://www.w3.org/2005/Atom")
    tree = ET.fromstring(feed.split("\n", 1)[1])  # read back, then laid out and written whole
    for element in tree.iter():
        element.tail = None
        element.text = None if len(element) else element.text
    ET.indent(tree)
    whole_feed = ET.tostring(tree, encoding="unicode")
    assert feed == f'<?xml version="1.0" encoding="utf-8"?>\n{whole_feed}\n'
    assert feed.count("<entry>") == len(list(changes(dataset))) > 0

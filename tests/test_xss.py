"""Nothing from the data runs in a reader's browser: hostile text in every field, built and
rendered."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
import yaml
from conftest import copy_project, run_mkdocs, serve_directory

from tools.synthetic import show_every_event

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=window.__pwned=1>',
    "</script><script>window.__pwned=1</script>",
    "&lt;img src=x onerror=window.__pwned=1&gt;",
    '<a href="javascript:window.__pwned=1">link</a>',
    "<b>bold</b><br><i>markup</i>",
    "%{customdata[0]} {{ 7*7 }} ${window.__pwned=1}",
    "' onmouseover='window.__pwned=1' x='",
    "[click](javascript:window.__pwned=1)",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "java&#x09;script:window.__pwned=1",
]
SOURCE_FIELDS = [
    "title",
    "title_translation",
    "publisher",
    "author",
    "note",
    "archived_as",
    "via",
    "published_note",
]
EVENT_FIELDS = [
    "title",
    "place",
    "actors",
    "tags",
    "summary",
    "date_note",
    "place_note",
    "status_note",
    "quote",
    "translation",
    "about",
    "claim",
    "change",  # of corrections
    "reason",
]


def hostile_data() -> dict:
    sources, events = [], []
    for n, payload in enumerate(PAYLOADS):
        text = f"P{n} {payload}"
        sources.append(
            {
                "id": f"s{n}",
                "title": text,
                "publisher": text,
                "author": text,
                "note": text,
                "archived_as": text,
                "via": [text],
                "title_translation": text,
                "published": "2025-07-12",
                "published_source": "editor",
                "published_note": text,
                "language": "id",
            }
        )

        def citation(n=n, text=text):
            return [{"source": f"s{n}", "quote": text, "translation": text}]

        events.append(
            {
                "id": f"e{n}",
                "title": text,
                "date": f"2025-{n % 12 + 1:02d}-0{n % 9 + 1}",
                "date_source": "editor",
                "date_note": text,
                "place": text,
                "place_source": "editor",
                "place_note": text,
                "status_note": text,
                "corrections": [{"date": "2026-11-30", "change": text, "reason": text}],
                "lat": 10.0 + n,
                "lon": 20.0 + n,
                "actors": [text],
                "tags": [text],
                "summary": text,
                "citations": citation(),
                "disputes": [
                    {
                        "about": text,
                        "versions": [
                            {"claim": text, "citations": citation()},
                            {"claim": text + " 2", "citations": citation()},
                        ],
                    }
                ],
            }
        )
    return {"language": "en", "sources": sources, "events": events}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile"))
    (project / "events.yaml").write_text(
        yaml.safe_dump(hostile_data(), allow_unicode=True), encoding="utf-8"
    )
    (project / "places.yaml").write_text("places: {}\n", encoding="utf-8")
    show_every_event(project / "docs")  # the stories name tags of the default data
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


DATA_SCRIPT_TYPES = ("application/ld+json", "application/json")


class MarkupAudit(HTMLParser):
    """Collects what would run: event-handler attributes, script links, script text, frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        # JSON and JSON-LD blocks are data the browser never runs; they are checked as JSON instead.
        self.in_script = tag == "script" and dict(attrs).get("type") not in DATA_SCRIPT_TYPES
        for name, value in attrs:
            value = "".join((value or "").split()).lower()
            if name.startswith("on") or value.startswith(
                ("javascript:", "data:text/html", "vbscript:")
            ):
                self.findings.append(f"<{tag} {name}={value[:40]}>")
        if tag in ("iframe", "object", "embed"):
            self.findings.append(f"<{tag}>")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if (
            self.in_script
            and "__pwned=1" in data.replace("\\u0026", "&")
            and "&lt;" not in data.replace("\\u0026", "&")
        ):
            self.findings.append("script text: " + data[:60])


def test_no_payload_reaches_html_as_markup(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        audit = MarkupAudit()
        audit.feed(html)
        assert audit.findings == [], page
        for title in re.findall(r"<title>(.*?)</title>", html, re.S):
            assert "<" not in title


def test_json_ld_blocks_are_inert_json(hostile_site):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        (hostile_site / "events/e0/index.html").read_text(encoding="utf-8"),
        re.S,
    )
    assert blocks
    for block in blocks:
        assert "<" not in block and ">" not in block and "&" not in block
        assert json.loads(block)["@type"] == "Event"


def test_hostile_text_keeps_every_export_readable(hostile_site):
    import bibtexparser
    import feedparser
    import icalendar

    data = hostile_site / "data"
    events = json.loads((data / "events.json").read_text(encoding="utf-8"))["events"]
    library = bibtexparser.parse_string((data / "sources.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    feed = feedparser.parse((data / "changes.atom").read_bytes())
    corrections = sum(len(e.get("corrections", [])) for e in events)
    assert not feed.bozo and len(feed.entries) == len(events) + corrections
    calendar = icalendar.Calendar.from_ical((data / "events.ics").read_bytes())
    titles = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert titles == sorted(e["title"] for e in events)
    timeline = json.loads((data / "timeline.json").read_text(encoding="utf-8"))
    for slide in timeline["events"]:
        assert "<script" not in slide["text"]["headline"] + slide["text"]["text"]


def test_no_payload_runs_in_the_browser(browser, hostile_site):
    server = serve_directory(hostile_site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for path in ["", "sources/", *[f"events/e{n}/" for n in range(len(PAYLOADS))]]:
            page.goto(base + path)
            page.wait_for_load_state("load")
            _hover_every_point(page)
            assert page.evaluate(
                "() => window.__pwned === undefined && (window.parent.__pwned === undefined)"
            ), path
        page.goto(base + "find/")
        page.locator(".pagefind-ui__search-input").fill("pwned")
        page.wait_for_timeout(800)
        assert page.evaluate("() => window.__pwned === undefined"), "search results"
        assert dialogs == []
    finally:
        context.close()
        server.shutdown()


def _hover_every_point(page) -> None:
    page.wait_for_timeout(300)
    points = page.locator(
        ".ea-figure .point, .ea-figure .scattergeo path.point, .ea-figure .bars path"
    )
    for index in range(min(points.count(), 40)):
        try:
            points.nth(index).hover(force=True, timeout=1000)
        except Exception:  # a point hidden behind another cannot be hovered; the others still are
            continue


def _fields_holding(value, marker: str, key: str = "") -> set[str]:
    """The field names under which marker occurs anywhere in value."""
    if isinstance(value, dict):
        return set().union(*(_fields_holding(v, marker, k) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(set(), *(_fields_holding(v, marker, key) for v in value))
    return {key} if isinstance(value, str) and marker in value else set()


def test_every_payload_is_placed_in_every_field_the_audit_counts():
    data = hostile_data()
    for n in range(len(PAYLOADS)):
        marker = f"P{n} "
        assert _fields_holding(data["sources"][n], marker) == set(SOURCE_FIELDS)
        assert _fields_holding(data["events"][n], marker) == set(EVENT_FIELDS)
    tried = len(PAYLOADS) * (len(SOURCE_FIELDS) + len(EVENT_FIELDS))
    print(
        f"XSS: {len(PAYLOADS)} payloads in {len(SOURCE_FIELDS) + len(EVENT_FIELDS)} fields: {tried}"
    )

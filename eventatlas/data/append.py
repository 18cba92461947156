"""Adding an event to events.yaml with the file's comments and formatting kept (ruamel.yaml round trip).

The new text is validated as a whole before it replaces the file, so a mistake never lands.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from unidecode import unidecode

from ..errors import DataError, Problem, WriteError
from ..pipeline import Prepared, prepare
from ..writefile import write_text_atomically
from .yamlfile import parse_yaml_text, read_text_file

FIELD_ORDER = [
    "id",
    "title",
    "date",
    "date_source",
    "date_note",
    "place",
    "lat",
    "lon",
    "actors",
    "tags",
    "status",
    "summary",
    "citations",
]


def slugify(text: str) -> str:
    """An id from a title: 'Lavrov meets Kim' → 'lavrov-meets-kim'."""
    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")
    return slug[:80].rstrip("-") or "event"  # cut first, then trim: never an id ending in '-'


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
    """Append the event, validate the whole file, and only then replace events.yaml atomically."""
    yaml = _round_trip_yaml()
    original = read_text_file(events_path, str(events_path))
    parse_yaml_text(original, str(events_path))  # the guarded reader first: located errors
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
) -> dict:
    return {
        "id": event_id or slugify(title),
        "title": title,
        "date": date,
        "date_source": date_source if date_source != "source" else None,
        "date_note": date_note,
        "place": place,
        "actors": list(actors),
        "tags": list(tags),
        "status": status,
        "summary": summary,
        "citations": [CommentedMap(source=source, quote=quote)],
    }

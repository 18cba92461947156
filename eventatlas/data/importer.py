"""`import`: events from a TimelineJS spreadsheet (CSV), a TimelineJS JSON file or a plain CSV.

Rows become events appended to events.yaml with the `new` command's comment-keeping round trip.
Nothing is dropped silently: a row that cannot become a valid event is reported as
`FILE:ROW: …` with what is missing; columns eventatlas has no place for are named in a note.
By default the import is all-or-nothing; with keep_going the valid rows go in. An event whose
only citation is the imported file is flagged `citation_needed` until an editor cites a source.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..errors import DataError, Problem
from ..pipeline import Prepared
from ..writefile import write_text_atomically
from .append import (
    _dump,
    _keep_line_ends,
    _read_as_written,
    _round_trip_yaml,
    _validate_text,
    new_event,
)
from .dates import FIRST_YEAR, LAST_YEAR
from .schema import QUOTE_LIMIT, Event, slugify
from .yamlfile import read_text_file

TIMELINEJS_COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)
# TimelineJS columns eventatlas has no field for: kept out, and named in a note when used.
NOT_IMPORTED = (
    "Time",
    "End Time",
    "Display Date",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Background",
)
PLACE_COLUMNS = ("place", "location")
LIST_FIELDS = ("actors", "tags")
# Columns of our own CSV export that are worked out from other fields, so nothing is lost.
DERIVED_COLUMNS = {
    "date_edtf",
    "date_start",
    "date_end",
    "date_precision",
    "date_approximate",
    "place_precision",
    "place_country",
    "url",
    "data_version",
    "sources",
    "citation_needed",
    "disputed",
    "last_corrected",
}
# Columns of our CSV export holding lists of entries as text: named in a note, not imported (the
# quotes lose their sources, disputes their citations); events.json holds them whole.
TEXT_OF_LISTS = ("quotes", "translations", "disputes", "corrections")
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@])")


@dataclass
class ImportRow:
    """One row of the imported file: the event it makes, or what stops it."""

    row: int
    label: str
    fields: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportOptions:
    """What the file does not say: a default place, a source to cite, the day of the import."""

    added: str
    place: str | None = None
    source: str | None = None
    language: str = "en"
    keep_going: bool = False


@dataclass(frozen=True)
class ImportResult:
    """What was imported, what was left out and every note made on the way."""

    imported: tuple[str, ...]
    rejected: tuple[Problem, ...]
    notes: tuple[Problem, ...]
    prepared: Prepared | None


def read_rows(path: Path, label: str) -> tuple[list[ImportRow], list[Problem], str | None]:
    """The rows of a TimelineJS CSV or JSON file, or of a CSV with our field names."""
    text = read_text_file(path, label).removeprefix("\ufeff")  # a spreadsheet's BOM
    if path.suffix.lower() == ".json":
        return _timelinejs_json_rows(text, label)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    records = _csv_records(reader)
    if "Headline" in header and "Year" in header:
        return _timelinejs_rows(records, header, label)
    return _plain_rows(records, header, label)


def _csv_records(reader: csv.DictReader) -> list[tuple[int, dict]]:
    """Each record with the line it starts on (the header is line 1)."""
    records, start = [], 2
    for record in reader:
        records.append((start, {k: (v or "").strip() for k, v in record.items() if k}))
        start = reader.line_num + 1
    return records


def _timelinejs_json_rows(text: str, label: str):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError([Problem(label, error.lineno, "", f"is not JSON: {error.msg}")]) from None
    slides = document.get("events") if isinstance(document, dict) else None
    if not isinstance(slides, list):
        raise DataError([Problem(label, 1, "", "has no 'events' list (expected TimelineJS JSON)")])
    records = [(i + 1, _slide_columns(s)) for i, s in enumerate(slides)]
    title = _plain(((document.get("title") or {}).get("text") or {}).get("headline", ""))
    rows, notes, _ = _timelinejs_rows(records, list(TIMELINEJS_COLUMNS), label)
    if document.get("eras"):
        notes.append(Problem(label, 0, "", "note: eras are not imported (eventatlas has none)"))
    return rows, notes, title or None


def _slide_columns(slide) -> dict:
    """A TimelineJS JSON slide as the spreadsheet template's columns."""
    if not isinstance(slide, dict):
        return {}
    start, end = slide.get("start_date") or {}, slide.get("end_date") or {}
    text, media = slide.get("text") or {}, slide.get("media") or {}
    location = slide.get("location") or {}
    return {
        "Year": str(start.get("year", "")),
        "Month": str(start.get("month", "")),
        "Day": str(start.get("day", "")),
        "Time": ":".join(str(start[k]) for k in ("hour", "minute") if k in start),
        "End Year": str(end.get("year", "")),
        "End Month": str(end.get("month", "")),
        "End Day": str(end.get("day", "")),
        "Display Date": str(slide.get("display_date", "")),
        "Headline": str(text.get("headline", "")),
        "Text": str(text.get("text", "")),
        "Media": str(media.get("url", "")),
        "Media Credit": str(media.get("credit", "")),
        "Media Caption": str(media.get("caption", "")),
        "Group": str(slide.get("group", "")),
        "Place": str(location.get("name", "")) if isinstance(location, dict) else "",
        "Lat": str(location.get("lat", "")) if isinstance(location, dict) else "",
        "Lon": str(location.get("lon", "")) if isinstance(location, dict) else "",
        "unique_id": str(slide.get("unique_id", "")),
        "EDTF": str(slide.get("edtf", "")),
    }


def _timelinejs_rows(records, header: list[str], label: str):
    rows, notes, title = [], [], None
    for number, record in records:
        kind = record.get("Type", "").lower()
        if kind == "title":
            title = _plain(record.get("Headline", "")) or title
            notes.append(Problem(label, number, "", "note: the title slide names the import"))
            continue
        if kind == "era":
            notes.append(Problem(label, number, "", "note: an era is not an event; not imported"))
            continue
        rows.append(_timelinejs_row(number, record))
    notes += _unused_columns(records, label)
    return rows, notes, title


def _timelinejs_row(number: int, record: dict) -> ImportRow:
    headline = _plain(record.get("Headline", ""))
    row = ImportRow(number, headline or f"row {number}")
    date = record.get("EDTF") or _timelinejs_date(record, row)
    text = _plain(record.get("Text", ""))
    lookup = {k.lower(): v for k, v in record.items()}
    row.fields = {
        "id": slugify(record.get("unique_id") or headline) if headline else "",
        "title": headline,
        "date": date,
        "place": next((lookup[k] for k in PLACE_COLUMNS if lookup.get(k)), ""),
        "lat": _number(lookup.get("lat", ""), "Lat", row),
        "lon": _number(lookup.get("lon", ""), "Lon", row),
        "tags": [record["Group"]] if record.get("Group") else ["imported"],
        "summary": text or headline,
        "quote": text or headline,
    }
    if not headline:
        row.problems.append("Headline: is empty; expected a short title")
    return row


def _stand_in(text: str) -> str:
    """The row's own text as the quote that stands in until an editor cites a source: cut at the
    quote limit (the summary keeps it whole)."""
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1].rstrip() + "…"


def _timelinejs_date(record: dict, row: ImportRow) -> str:
    start = _date_text(record.get("Year"), record.get("Month"), record.get("Day"), "", row)
    if not start:
        row.problems.append("Year: is empty; expected the year the event happened (YYYY)")
        return ""
    end = _date_text(
        record.get("End Year"), record.get("End Month"), record.get("End Day"), "End ", row
    )
    return f"{start}/{end}" if end and end != start else start


def _date_text(year, month, day, prefix: str, row: ImportRow) -> str:
    parts = [(year or "").strip(), (month or "").strip(), (day or "").strip()]
    if not parts[0]:
        return ""
    if not re.fullmatch(r"\d{1,4}", parts[0]) or not FIRST_YEAR <= int(parts[0]) <= LAST_YEAR:
        row.problems.append(
            f"{prefix}Year: '{parts[0]}' is not a year from {FIRST_YEAR} to {LAST_YEAR}"
        )
        return ""
    text = parts[0].zfill(4)
    for name, value in (("Month", parts[1]), ("Day", parts[2])):
        if not value:
            break
        if not re.fullmatch(r"\d{1,2}", value):
            row.problems.append(f"{prefix}{name}: '{value}' is not a number")
            return ""
        text += "-" + value.zfill(2)
    return text


def _unused_columns(records, label: str) -> list[Problem]:
    notes = []
    for column in NOT_IMPORTED:
        count = sum(1 for _, record in records if record.get(column))
        if count:
            notes.append(
                Problem(
                    label,
                    0,
                    "",
                    f"note: column '{column}' is not imported ({count} row(s) use it;"
                    " eventatlas has no field for it)",
                )
            )
    return notes


def _plain_rows(records, header: list[str], label: str):
    known = (set(Event.model_fields) | {"source", "quote"} | DERIVED_COLUMNS) - set(TEXT_OF_LISTS)
    unknown = [h for h in header if h not in known and h not in TEXT_OF_LISTS]
    notes = [
        Problem(label, 1, "", f"note: column '{h}' is not a field of an event; not imported")
        for h in unknown
    ]
    notes += [
        Problem(
            label,
            1,
            "",
            f"note: column '{h}' holds a list as text; not imported (add it in events.yaml)",
        )
        for h in TEXT_OF_LISTS
        if h in header and any(record.get(h) for _, record in records)
    ]
    if "sources" in header and "quote" not in header:
        notes.append(
            Problem(
                label,
                1,
                "",
                "note: column 'sources' names sources without quotes; the events cite the"
                " imported file until an editor adds each source with its sentence",
            )
        )
    rows = []
    for number, record in records:
        values = {k: _FORMULA_GUARD.sub("", v) for k, v in record.items() if k in known and v}
        row = ImportRow(number, values.get("title") or values.get("id") or f"row {number}")
        row.fields = {k: v for k, v in values.items() if k in Event.model_fields}
        for name in LIST_FIELDS:
            if name in row.fields:
                row.fields[name] = [p.strip() for p in row.fields[name].split(";") if p.strip()]
        for name in ("lat", "lon"):
            if name in row.fields:
                row.fields[name] = _number(row.fields[name], name, row)
        if values.get("source") and values.get("quote"):
            row.fields["citations"] = [CommentedMap(source=values["source"], quote=values["quote"])]
        else:
            row.fields["quote"] = " ".join(values[k] for k in ("title", "summary") if values.get(k))
        row.fields.setdefault("id", slugify(values.get("title", "")) if values.get("title") else "")
        rows.append(row)
    return rows, notes, None


def _number(text: str, name: str, row: ImportRow) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        row.problems.append(f"{name}: '{text}' is not a number")
        return None


def _plain(markup: str) -> str:
    """TimelineJS text is HTML: keep its words, drop its tags (nh3 strips, then entities decode)."""
    return " ".join(html.unescape(nh3.clean(markup or "", tags=set())).split())


def complete_rows(
    rows: list[ImportRow], options: ImportOptions, source_id: str, taken: set[str]
) -> None:
    """Fill in what the file leaves out (place, citation, day added, unique id), or say so."""
    for row in rows:
        fields = row.fields
        if not fields.get("place"):
            if options.place:
                fields["place"] = options.place
            else:
                row.problems.append(
                    "place: is missing; add a Place column, or pass --place for rows without one"
                )
        if "citations" not in fields:
            quote = fields.pop("quote", "")
            if not quote:
                row.problems.append("citation: the row has no text to quote; add a source")
            citation = CommentedMap(source=options.source or source_id, quote=_stand_in(quote))
            fields["citations"] = [citation]
            fields["citation_needed"] = True
        fields.pop("quote", None)
        fields.setdefault("added", options.added)
        for name in ("date", "added"):
            if fields.get(name):
                fields[name] = DoubleQuotedScalarString(fields[name])
        fields.setdefault("summary", fields.get("title", ""))
        fields["id"] = _unique(fields.get("id") or slugify(fields.get("title", "")), taken)
        taken.add(fields["id"])


def _unique(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def import_file(
    file: Path, label: str, events_path: Path, places_path: Path, options: ImportOptions
) -> ImportResult:
    """Import FILE into events.yaml: all or nothing, or the valid rows with keep_going."""
    rows, notes, title = read_rows(file, label)
    yaml = _round_trip_yaml()
    original = _read_as_written(events_path)  # guarded: a pipe or a huge file is refused
    document = yaml.load(original.replace("\r\n", "\n"))
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise DataError(
            [Problem(str(events_path), 1, "", "the file has no 'events:' list to add to")]
        )
    source_ids = {str(s.get("id")) for s in document.get("sources") or [] if isinstance(s, dict)}
    event_ids = {str(e.get("id")) for e in document["events"] if isinstance(e, dict)}
    source_id = _unique("import-" + slugify(file.stem), source_ids)
    complete_rows(rows, options, source_id, set(event_ids))
    rejected = [_row_problem(label, r, m) for r in rows for m in r.problems]
    good = [r for r in rows if not r.problems]
    prepared, text = None, ""
    while good:
        text = _appended(yaml, original, good, file, title, source_id, options)
        try:
            prepared = _validate_text(text, events_path, places_path)
            break
        except DataError as error:
            failed = _rows_named(error, good, label, rejected)
            if not failed:
                raise DataError(rejected + list(error.problems)) from None
            good = [r for r in good if r not in failed]
    rejected.sort(key=lambda p: (p.line, p.message))
    if rejected and not options.keep_going:
        raise DataError(rejected)
    if prepared is not None:
        write_text_atomically(events_path, text)
    imported = tuple(r.fields["id"] for r in good) if prepared else ()
    return ImportResult(imported, tuple(rejected), tuple(notes), prepared)


def _row_problem(label: str, row: ImportRow, message: str) -> Problem:
    return Problem(label, row.row, f"row '{row.label}'", message)


def _rows_named(error: DataError, rows: list[ImportRow], label: str, rejected: list) -> list:
    """The rows whose events the validation of the whole file complained about, reported by row."""
    by_subject = {f"event '{r.fields['id']}'": r for r in rows}
    failed = []
    for problem in error.problems:
        row = by_subject.get(problem.subject)
        if row is not None and problem.severity == "error":
            rejected.append(_row_problem(label, row, problem.message))
            failed.append(row)
    return failed


def _appended(yaml, original: str, rows, file: Path, title, source_id, options) -> str:
    """The events file as text with the rows (and the import's source) appended, layout and line
    ends kept."""
    document = yaml.load(original.replace("\r\n", "\n"))
    if any(r.fields.get("citation_needed") for r in rows) and not options.source:
        document.setdefault("sources", []).append(_import_source(file, title, source_id, options))
    for row in rows:
        document["events"].append(new_event(row.fields))
    return _keep_line_ends(_dump(yaml, document), original)


def _import_source(file: Path, title: str | None, source_id: str, options: ImportOptions):
    source = CommentedMap()
    source["id"] = source_id
    source["title"] = title or file.name
    source["publisher"] = f"Imported timeline ({file.name})"
    source["language"] = options.language
    source["archived_as"] = file.name
    source["note"] = (
        f"Imported on {options.added} with `build_timeline.py import`. The quotes are the "
        "imported rows' own text: cite the original sources, then remove citation_needed."
    )
    return source

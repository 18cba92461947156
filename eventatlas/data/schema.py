"""The one declaration of the data: every field, its type and a one-line description.

The JSON Schema for editors and the field reference in the docs are generated from here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from html import unescape
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from unidecode import unidecode

from .dates import JSON_SCHEMA_PATTERN, EventDate, parse_event_date, parse_partial_date

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
PlacePrecision = Literal["site", "city", "region", "country"]


def slugify(text: str) -> str:
    """An id from a title: 'Lavrov meets Kim' → 'lavrov-meets-kim'."""
    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")
    return slug[:80].rstrip("-") or "event"  # cut first, then trim: never an id ending in '-'


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # fullmatch only: '$' allows a final newline
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, except the line feed
# Bidirectional embeddings, overrides and isolates reverse the site's own text around them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# In a name or title, marks and zero-width characters only make one name look like two.
_INVISIBLE_IN_NAMES = re.compile("[\u200b-\u200f\u061c\u2060-\u2064\ufeff\u00ad\u180e]")

# Limits no real atlas meets and an accident always does (a pasted file, a runaway script).
ID_LIMIT = 100  # an id is a folder name: far below every file system's 255 bytes
NAME_LIMIT = 150  # places, actors, tags, publishers, authors
TITLE_LIMIT = 300
TEXT_LIMIT = 2_000  # notes, claims, disputed details, origins
QUOTE_LIMIT = 3_000
SUMMARY_LIMIT = 5_000
URL_LIMIT = 2_000
LIST_LIMITS = {
    "actors": 50,
    "tags": 20,
    "citations": 50,
    "disputes": 20,
    "versions": 20,
    "via": 20,
    "corrections": 50,
}
# A 100,000-event atlas builds in minutes and within memory (`make bench --huge`); a file
# past these is a runaway script, not an atlas.
EVENT_LIMIT = 100_000
SOURCE_LIMIT = 100_000
LANE_LIMIT = 40  # distinct first tags: one timeline row each
# Ids that would put an event page where the site keeps something else (events/index.md is events/).
RESERVED_IDS = frozenset(
    {"index", "readme", "assets", "search", "data", "schema", "sitemap", "404"}
)


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    if not value.strip() or not _visible(value):
        raise ValueError("is empty; write some text")
    bad = sorted(set(_CONTROL.findall(value)) | set(_BIDI_CONTROLS.findall(value)))
    if bad:
        names = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise ValueError(
            f"contains control characters ({names}); remove them (tabs and bidirectional "
            "controls included)"
        )
    return value.strip()


def _clean_name(value: str) -> str:
    value = _clean_text(value)
    if any(c in value for c in "\n\u2028\u2029"):
        raise ValueError("contains a line break; a name or title is one line")
    bad = sorted(set(_INVISIBLE_IN_NAMES.findall(value)))
    if bad:
        names = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise ValueError(
            f"contains invisible characters ({names}); remove them, so that the same name is "
            "always written the same way"
        )
    return value


def _visible(value: str) -> bool:
    return any(not (c.isspace() or unicodedata.category(c) in ("Cf", "Cc", "Mn")) for c in value)


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"{_quoted(value)} is not a valid id; use lowercase letters, digits and single "
            "hyphens, e.g. 'putin-visits-pyongyang'"
        )
    if len(value) > ID_LIMIT:
        raise ValueError(f"is {len(value)} characters long; an id has at most {ID_LIMIT}")
    if value in RESERVED_IDS:
        raise ValueError(
            f"'{value}' is reserved for the site's own pages; choose another id, "
            f"e.g. '{value}-event'"
        )
    return value


def _quoted(value: str, limit: int = 60) -> str:
    """A value as an error line shows it: quoted, escaped by the error line, cut when long."""
    return repr(value[:limit] + "…") if len(value) > limit else repr(value)


def _check_http_url(value: str) -> str:
    raw = value.strip()
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in raw):
        raise ValueError(
            f"'{value}' contains spaces or invisible characters; write the plain address"
        )
    decoded = "".join(
        c for c in unescape(raw) if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf"))
    )
    if not (re.match(r"^https?://[^/]", raw, re.I) and re.match(r"^https?://", decoded, re.I)):
        raise ValueError(
            f"'{value}' is not an http(s) address; only links starting with http:// or https:// "
            "are allowed"
        )
    return raw


def _event_date(value: object) -> EventDate:
    if isinstance(value, EventDate):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"expected the date as text in quotes, e.g. '2025-07-12', got {type(value).__name__} "
            f"{value!r}"
        )
    return parse_event_date(value)


def _partial_date(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"expected the date as text in quotes, e.g. '2025-07-13', got {type(value).__name__} "
            f"{value!r}"
        )
    return parse_partial_date(value).text


Text = Annotated[str, StringConstraints(max_length=TEXT_LIMIT), AfterValidator(_clean_text)]
Name = Annotated[str, StringConstraints(max_length=NAME_LIMIT), AfterValidator(_clean_name)]
Title = Annotated[str, StringConstraints(max_length=TITLE_LIMIT), AfterValidator(_clean_name)]
Quote = Annotated[str, StringConstraints(max_length=QUOTE_LIMIT), AfterValidator(_clean_text)]
Summary = Annotated[str, StringConstraints(max_length=SUMMARY_LIMIT), AfterValidator(_clean_text)]
Slug = Annotated[
    str,
    AfterValidator(_check_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "maxLength": ID_LIMIT}),
]
HttpUrl = Annotated[
    str,
    StringConstraints(max_length=URL_LIMIT),
    AfterValidator(_check_http_url),
    WithJsonSchema({"type": "string", "pattern": "^https?://", "maxLength": URL_LIMIT}),
]
DateText = Annotated[
    EventDate,
    PlainValidator(_event_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": JSON_SCHEMA_PATTERN,
            "examples": ["2025-07-12", "2025-07", "2024~", "2025-07-11/2025-07-12"],
        }
    ),
]
PartialDateText = Annotated[
    str,
    PlainValidator(_partial_date),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]


def _day(value: object) -> str:
    text = _partial_date(value)
    if len(text) != 10:
        raise ValueError(f"'{text}' is not a full day; use YYYY-MM-DD")
    return text


DayText = Annotated[
    str,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=False
    )

    @model_validator(mode="after")
    def _share_fields_set(self) -> _Model:
        """One set object for every entry that sets the same fields, rather than one set each
        (a frozen model never changes its own): 100 MB less per copy of a 100,000-event atlas."""
        fields = self.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(fields), fields)
        object.__setattr__(self, "__pydantic_fields_set__", shared)
        return self


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


class Citation(_Model):
    """A source that supports an event, with the sentence that says so."""

    source: Slug = Field(description="The id of an entry under sources: that supports this.")
    quote: Quote = Field(
        description="The supporting sentence, copied verbatim in the source's own language."
    )
    translation: Text | None = Field(
        None,
        description=(
            "The editor's translation of the quote into the site's language, faithful rather than "
            "smooth; required when the source's language is not the site's."
        ),
    )


class DisputeVersion(_Model):
    """One account of a disputed detail, with the sources that give it."""

    claim: Text = Field(description="What this version says, in English (e.g. 'In Wonsan').")
    citations: list[Citation] = Field(
        min_length=1,
        max_length=LIST_LIMITS["citations"],
        description="The sources that give this version, each with its sentence.",
    )


class Dispute(_Model):
    """A detail on which the sources disagree; every version is kept and shown."""

    about: Text = Field(
        description="The disputed detail, as a question or phrase (e.g. 'Where Lavrov met Kim')."
    )
    versions: list[DisputeVersion] = Field(
        min_length=2,
        max_length=LIST_LIMITS["versions"],
        description="Every version the sources give, each with its citations.",
    )


class Correction(_Model):
    """A change made to a published event, kept on the record."""

    date: DayText = Field(description="The day the correction was made: YYYY-MM-DD.")
    change: Text = Field(description="What changed, in English (the old and the new reading).")
    reason: Text = Field(description="Why it changed (which source says what).")


class Source(_Model):
    """An article or document that events cite."""

    id: Slug = Field(
        description="A stable id that citations use: lowercase letters, digits and hyphens."
    )
    title: Title = Field(description="The headline or title exactly as published.")
    title_translation: Title | None = Field(
        None,
        description=(
            "The editor's translation of the title into the site's language; required when the "
            "source's language is not the site's."
        ),
    )
    publisher: Name = Field(description="The outlet that published it.")
    author: Name | None = Field(None, description="The author, where the source names one.")
    published: PartialDateText | None = Field(
        None,
        description="Publication date where the source gives one: YYYY, YYYY-MM or YYYY-MM-DD.",
    )
    published_source: Literal["source", "editor"] = Field(
        "source",
        description=(
            "'source' when the source prints its date, 'editor' when the editor inferred it from "
            "the text."
        ),
    )
    published_note: Text | None = Field(
        None,
        description=(
            "How the publication date was inferred; required when published_source is 'editor'."
        ),
    )
    language: str = Field(
        pattern=r"^[a-z]{2,3}$",
        description="ISO 639 code of the source's language, e.g. 'id' for Indonesian.",
    )
    via: list[Name] = Field(
        default_factory=list,
        max_length=LIST_LIMITS["via"],
        description="Agencies and outlets the source relays or quotes (KCNA, AP, TASS …).",
    )
    url: HttpUrl | None = Field(
        None, description="The address of the source, only where it is known; http(s) only."
    )
    archived_as: Text | None = Field(
        None, description="The file name of the archived copy the entry was curated from."
    )
    note: Text | None = Field(
        None,
        description="What is uncertain about the source (missing date, another outlet's marks …).",
    )

    @cached_property
    def published_date(self) -> EventDate | None:
        """The publication date, parsed once for every citation and page that shows it."""
        return parse_partial_date(self.published) if self.published else None


class Event(_Model):
    """Something that happened, dated, placed and cited."""

    id: Slug = Field(
        description=(
            "A stable id, used in the page address events/<id>/; never change it once published."
        )
    )
    title: Title = Field(description="A short English title.")
    date: DateText = Field(
        description=(
            "When: YYYY, YYYY-MM or YYYY-MM-DD; add '~' for approximate; START/END for a range. "
            "Years 1000 to 2999."
        )
    )
    date_source: Literal["source", "editor"] = Field(
        "source",
        description=(
            "'source' when the cited sources give the date, 'editor' when the editor supplied it."
        ),
    )
    date_note: Text | None = Field(
        None, description="How the date was established; required when date_source is 'editor'."
    )
    place: Name = Field(
        description="A place name that places.yaml or the gazetteer resolves (or give lat and lon)."
    )
    place_source: Literal["source", "editor"] = Field(
        "source",
        description=(
            "'source' when a cited source gives the place, 'editor' when the editor supplied it."
        ),
    )
    place_note: Text | None = Field(
        None,
        description=(
            "Why the editor chose the place and what the sources say; required when place_source "
            "is 'editor'."
        ),
    )
    lat: float | None = Field(
        None,
        ge=-90,
        le=90,
        description="Latitude in degrees, to place the event exactly (with lon).",
    )
    lon: float | None = Field(
        None,
        ge=-180,
        le=180,
        description="Longitude in degrees, to place the event exactly (with lat).",
    )
    actors: list[Name] = Field(
        default_factory=list,
        max_length=LIST_LIMITS["actors"],
        description="People, states and organisations involved.",
    )
    tags: list[Name] = Field(
        min_length=1,
        max_length=LIST_LIMITS["tags"],
        description="Themes; the first one is the event's lane on the timeline.",
    )
    status: Literal["confirmed", "reported", "claimed"] = Field(
        "reported",
        description="How well established: confirmed, reported (by media) or claimed (by a party).",
    )
    status_note: Text | None = Field(
        None,
        description=(
            "Why the status was chosen; for 'confirmed' on a single source, name the official "
            "record that confirms it."
        ),
    )
    summary: Summary = Field(description="A few English sentences; Markdown allowed, HTML is not.")
    citations: list[Citation] = Field(
        min_length=1,
        max_length=LIST_LIMITS["citations"],
        description="The sources that support the event, each with its sentence.",
    )
    disputes: list[Dispute] = Field(
        default_factory=list,
        max_length=LIST_LIMITS["disputes"],
        description="Details on which the sources disagree, with every version.",
    )
    corrections: list[Correction] = Field(
        default_factory=list,
        max_length=LIST_LIMITS["corrections"],
        description="Changes made to the event after it was published, each dated and explained.",
    )
    added: PartialDateText | None = Field(
        None,
        description=(
            "The day the event entered the atlas (YYYY-MM-DD); dates it in the change feeds."
        ),
    )
    citation_needed: bool = Field(
        False,
        description=(
            "True for an imported event whose citation is the imported file, "
            "until an editor cites an original source."
        ),
    )

    @property
    def lane(self) -> str:
        return self.tags[0]

    @property
    def cited_source_ids(self) -> list[str]:
        """Every source id the event cites, in citations and disputes, without repeats."""
        ids = [c.source for c in self.citations]
        ids += [c.source for d in self.disputes for v in d.versions for c in v.citations]
        return list(dict.fromkeys(ids))


class Place(_Model):
    """A resolved place in places.yaml: the committed geocoding cache and editors' overrides."""

    lat: float = Field(ge=-90, le=90, description="Latitude in degrees.")
    lon: float = Field(ge=-180, le=180, description="Longitude in degrees.")
    precision: PlacePrecision = Field(
        description="What the coordinates stand for: a site, a city, a region or a whole country."
    )
    country: str | None = Field(
        None,
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166 two-letter country code, in quotes ('NO' unquoted means false).",
    )
    origin: Text = Field(
        description="Where the coordinates came from (gazetteer id, geocoding service, editor)."
    )


class Timeline(_Model):
    """The whole events.yaml file."""

    language: str | None = Field(
        None,
        pattern=r"^[a-z]{2,3}$",
        description=(
            "ISO 639 code of the site's language (as mkdocs.yml's theme.language); quotes and "
            "titles of sources in any other language then need the editor's translation."
        ),
    )
    sources: list[Source] = Field(
        max_length=SOURCE_LIMIT, description="Every source that events cite."
    )
    events: list[Event] = Field(
        max_length=EVENT_LIMIT,
        description="The events, in any order; the site sorts them by date.",
    )


class PlacesFile(_Model):
    """The whole places.yaml file."""

    places: dict[Name, Place] = Field(default_factory=dict, description="Place name → coordinates.")

"""Views embedded in hand-written pages with a fenced block, e.g. on a narrative page:

```eventatlas
tags: [military]
from: 2024
to: 2025-06
show: [timeline, map, list]
```

A fence inside a longer fence (an example of the syntax) is not a block.

Keys select events (ids, tags, actors, places, status; several keys narrow the selection,
several values widen it; `from` and `to` keep events that overlap the period, each a YYYY,
YYYY-MM or YYYY-MM-DD) and what to show. A key or value the data does not know is a build
error naming the page and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from markdown_it import MarkdownIt

from ..data.dates import DateSyntaxError, EventDate, parse_partial_date
from ..data.schema import Event
from ..data.yamlfile import parse_yaml_text
from ..errors import BuildError, DataError, Location

LANGUAGE = "eventatlas"
SHOWABLE = ("timeline", "map", "list")
SELECTORS = {
    "ids": lambda e: [e.id],
    "tags": lambda e: e.tags,
    "actors": lambda e: e.actors,
    "places": lambda e: [e.place],
    "status": lambda e: [e.status],
}
PERIOD_KEYS = ("from", "to")
KEYS = (*SELECTORS, *PERIOD_KEYS, "show")
BLOCK = "eventatlas block"  # the subject of a block's problems


@dataclass(frozen=True)
class ViewSpec:
    """What a fenced eventatlas block asks for."""

    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    show: tuple[str, ...] = SHOWABLE
    period: dict[str, EventDate] = field(default_factory=dict)

    def select(self, events: list[Event]) -> list[Event]:
        return [
            e
            for e in events
            if all(set(SELECTORS[k](e)) & set(v) for k, v in self.filters.items())
            and self._in_period(e)
        ]

    def _in_period(self, event: Event) -> bool:
        starts_in_time = "to" not in self.period or event.date.start <= self.period["to"].end
        return starts_in_time and (
            "from" not in self.period or event.date.end >= self.period["from"].start
        )


@dataclass(frozen=True)
class FencedBlock:
    """A closed eventatlas fence in a page; read like a regex match (start(), end(), group())."""

    first: int  # offset of the opening fence
    last: int  # offset just after the closing fence (before its line break)
    body: str

    def start(self) -> int:
        return self.first

    def end(self) -> int:
        return self.last

    def group(self, name: str) -> str:
        return {"body": self.body}[name]


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    # CommonMark's block parser, linear in the page: a fence inside a longer fence (an example
    # of the syntax) is that fence's content, and an unclosed fence is not a block.
    return MarkdownIt("commonmark", {"html": False})


def find_view_blocks(markdown: str) -> list[tuple[FencedBlock, int]]:
    """Every closed, fenced eventatlas block with the line number where it starts."""
    lines = markdown.split("\n")
    offsets = [0, *accumulate(len(line) + 1 for line in lines)]
    found = []
    for token in _block_parser().parse(markdown):
        if token.type != "fence" or token.info.strip() != LANGUAGE or not token.map:
            continue
        first, after = token.map
        if _is_closing(lines[after - 1], token.markup) and after - 1 > first:
            block = FencedBlock(
                offsets[first], offsets[after - 1] + len(lines[after - 1]), token.content
            )
            found.append((block, first + 1))
    return found


def _is_closing(line: str, markup: str) -> bool:
    text = line.strip()
    return text.startswith(markup) and not text.strip(markup[0])


def lines_before(markdown: str, source: str) -> int:
    """How many lines of the page's file (its front matter) come before the Markdown MkDocs hands
    on."""
    return source[: len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0


def parse_view_spec(body: str, events: list[Event], where: Location) -> ViewSpec:
    """Read a block's YAML, check every name against the data, raise BuildError saying what is
    wrong."""
    data = _read_block(body, where)
    if not isinstance(data, dict):
        raise BuildError.at(where, BLOCK, f"must be 'key: value' lines (keys: {', '.join(KEYS)})")
    unknown_keys = sorted(set(data) - set(KEYS))
    if unknown_keys:
        raise BuildError.at(
            where,
            BLOCK,
            f"unknown key(s) {', '.join(map(repr, unknown_keys))}; expected {', '.join(KEYS)}",
        )
    filters = {key: _names(data[key], key, where) for key in SELECTORS if key in data}
    for key, names in filters.items():
        _check_known(key, names, {n for e in events for n in SELECTORS[key](e)}, where)
    show = _names(data.get("show", list(SHOWABLE)), "show", where)
    _check_known("show", show, set(SHOWABLE), where)
    period = {key: _period_bound(data[key], key, where) for key in PERIOD_KEYS if key in data}
    return ViewSpec(filters, show, period)


def _read_block(body: str, where: Location):
    """The block's YAML, read as events.yaml is: no anchors, tags or deep nesting; dates as text."""
    try:
        return parse_yaml_text(body, where.file).data or {}
    except DataError as error:
        problem = error.problems[0]
        at = Location(where.file, where.line + problem.line) if problem.line else where
        raise BuildError.at(at, BLOCK, problem.message) from None


def _period_bound(value, key: str, where: Location) -> EventDate:
    try:
        return parse_partial_date(str(value))
    except DateSyntaxError as error:
        raise BuildError.at(where, BLOCK, f"'{key}': {error}") from None


def _names(value, key: str, where: Location) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise BuildError.at(where, BLOCK, f"'{key}' must be text or a list of text, not empty")
    return tuple(values)


def _check_known(key: str, names, known: set[str], where: Location) -> None:
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BuildError.at(
            where,
            BLOCK,
            f"'{key}' names {', '.join(map(repr, unknown))}, which the data does not have; "
            f"known: {', '.join(sorted(known)[:20])}",
        )

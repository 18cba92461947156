"""Views embedded in hand-written pages with a fenced block, e.g. on a narrative page:

```eventatlas
tags: [military]
from: 2024
to: 2025-06
show: [timeline, map, list]
```

Keys select events (ids, tags, actors, places, status; several keys narrow the selection,
several values widen it; `from` and `to` keep events that overlap the period, each a YYYY,
YYYY-MM or YYYY-MM-DD) and what to show. A key or value the data does not know is a build
error naming the page and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..data.dates import DateSyntaxError, EventDate, parse_partial_date
from ..data.schema import Event
from ..errors import BuildError, Location

FENCE = re.compile(
    r"^(?P<fence>```+|~~~+)[ \t]*eventatlas[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
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


def find_view_blocks(markdown: str) -> list[tuple[re.Match, int]]:
    """Every fenced eventatlas block with the line number where it starts."""
    return [(m, markdown.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(markdown)]


def lines_before(markdown: str, source: str) -> int:
    """How many lines of the page's file (its front matter) come before the Markdown MkDocs hands
    on."""
    return source[: len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0


def parse_view_spec(body: str, events: list[Event], where: Location) -> ViewSpec:
    """Read a block's YAML, check every name against the data, raise BuildError saying what is
    wrong."""
    try:
        data = yaml.safe_load(body) or {}
    except yaml.YAMLError as error:
        raise BuildError.at(where, BLOCK, f"is not valid YAML: {error}") from None
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


def _period_bound(value, key: str, where: Location) -> EventDate:
    try:
        return parse_partial_date(str(value))
    except DateSyntaxError as error:
        raise BuildError.at(where, BLOCK, f"'{key}': {error}") from None


def _names(value, key: str, where: Location) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise BuildError.at(where, BLOCK, f"'{key}' must be text or a list of text")
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

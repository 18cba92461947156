"""Views embedded in hand-written pages with a fenced block, e.g. on a narrative page:

```eventatlas
tags: [military]
show: [timeline, map, list]
```

Keys select events (ids, tags, actors, places; several keys narrow the selection, several
values widen it) and what to show. A key or value the data does not know is a build error
naming the page and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .errors import BuildError
from .schema import Event

FENCE = re.compile(r"^(?P<fence>```+|~~~+)[ \t]*eventatlas[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)
SHOWABLE = ("timeline", "map", "list")
SELECTORS = {"ids": lambda e: [e.id], "tags": lambda e: e.tags, "actors": lambda e: e.actors, "places": lambda e: [e.place]}


@dataclass(frozen=True)
class ViewSpec:
    """What a fenced eventatlas block asks for."""

    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    show: tuple[str, ...] = SHOWABLE

    def select(self, events: list[Event]) -> list[Event]:
        return [e for e in events if all(set(SELECTORS[k](e)) & set(v) for k, v in self.filters.items())]


def find_view_blocks(markdown: str) -> list[tuple[re.Match, int]]:
    """Every fenced eventatlas block with the line number where it starts."""
    return [(m, markdown.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(markdown)]


def parse_view_spec(body: str, events: list[Event], where: str) -> ViewSpec:
    """Read a block's YAML, check every name against the data, raise BuildError saying what is wrong."""
    try:
        data = yaml.safe_load(body) or {}
    except yaml.YAMLError as error:
        raise BuildError(f"{where}: the eventatlas block is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{where}: the eventatlas block must be 'key: value' lines (keys: {', '.join([*SELECTORS, 'show'])})")
    unknown_keys = sorted(set(data) - set(SELECTORS) - {"show"})
    if unknown_keys:
        raise BuildError(f"{where}: unknown key(s) {', '.join(map(repr, unknown_keys))} in the eventatlas block; expected {', '.join([*SELECTORS, 'show'])}")
    filters = {key: _names(data[key], key, where) for key in SELECTORS if key in data}
    for key, names in filters.items():
        _check_known(key, names, {n for e in events for n in SELECTORS[key](e)}, where)
    show = _names(data.get("show", list(SHOWABLE)), "show", where)
    _check_known("show", show, set(SHOWABLE), where)
    return ViewSpec(filters, show)


def _names(value, key: str, where: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise BuildError(f"{where}: '{key}' in the eventatlas block must be text or a list of text")
    return tuple(values)


def _check_known(key: str, names, known: set[str], where: str) -> None:
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BuildError(f"{where}: '{key}' names {', '.join(map(repr, unknown))}, which the data does not have; known: {', '.join(sorted(known)[:20])}")

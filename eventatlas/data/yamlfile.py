"""Read a YAML data file defensively, remembering the line of every value.

A data file never needs anchors, aliases, custom tags, several documents or deep nesting,
so they are refused before anything is built: a billion-laughs file or a 50 MB file is one
clear line, in milliseconds, not an exhausted machine. Scalars are typed by YAML's own
resolver, except timestamps, which stay text so that dates keep the form the editor wrote.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 12
INTERNED_LENGTH = 100  # longer texts (titles, summaries, quotes) are seldom repeated

Path_ = tuple  # a path into the data: keys and list indexes, e.g. ("events", 3, "date")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_KEY_KINDS = {
    int: "a number",
    float: "a number",
    bool: "a yes/no value",
    type(None): "an empty value",
}
_TYPED_TAGS = {
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:null": lambda node: None,
}


@dataclass
class LocatedData:
    """Plain data (dicts, lists, scalars) and the 1-based line where each path starts."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """The line of the nearest located ancestor of path (0 when nothing is known)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line:
                return line
        return 0


def load_yaml_file(path: Path, label: str | None = None) -> LocatedData:
    """Read and parse path, or raise DataError with one line saying what is wrong."""
    label = label or str(path)
    text = read_text_file(path, label)
    return parse_yaml_text(text, label)


def read_text_file(path: Path, label: str | None = None) -> str:
    """The text of a regular UTF-8 file of bounded size, or a DataError saying what is wrong.

    Anything else (a FIFO, a device such as /dev/zero, a symlink to one) is refused before a
    byte is read, and at most MAX_FILE_BYTES are ever read, so no file can stall a command.
    """
    label = label or str(path)
    try:
        raw = _read_bounded(Path(path), label)
    except OSError as error:
        raise _refuse(label, 0, f"cannot read the file: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _refuse(label, line, "the file is not UTF-8 text; save it as UTF-8") from None


def check_regular_file(path: Path, label: str | None = None) -> None:
    """Refuse, before reading, anything but a regular file within the size limit."""
    label = label or str(path)
    try:
        info = os.stat(path)
    except OSError as error:
        raise _refuse(label, 0, f"cannot read the file: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(label, 0, "is not a regular file (a pipe, a device or a folder); give a file")
    _refuse_size(info.st_size, label)


def _read_bounded(path: Path, label: str) -> bytes:
    check_regular_file(path, label)
    chunks, total = [], 0
    with open(path, "rb") as stream:  # read in chunks: a file may still grow while it is read
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            _refuse_size(total, label)
            chunks.append(chunk)
    return b"".join(chunks)


def _refuse_size(size: int, label: str) -> None:
    if size > MAX_FILE_BYTES:
        raise _refuse(label, 0, f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")


def parse_yaml_text(text: str, label: str) -> LocatedData:
    """Parse one YAML document from text with the guards described in the module docstring."""
    builder = _TreeBuilder(label)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        raise _refuse(label, *_describe_syntax_error(error)) from None
    except yaml.YAMLError as error:
        raise _refuse(label, 0, f"YAML syntax error: {error}") from None
    return LocatedData(label, builder.root, builder.lines)


def _describe_syntax_error(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 0
    column = f", column {mark.column + 1}" if mark else ""
    what = " ".join(part for part in (error.context, error.problem) if part)
    if (
        "maximum nesting depth" in what
    ):  # PyYAML >= 6.0.3 stops deep flow collections before our own guard sees them
        return line, f"the data is nested more than {MAX_DEPTH} levels deep"
    hint = " (use spaces, not tabs, to indent)" if "\t" in str(error) or "tab" in what else ""
    return line, f"YAML syntax error{column}: {what}{hint}"


def _refuse(label: str, line: int, message: str) -> DataError:
    return DataError([Problem(label, line, "", message)])


class _TreeBuilder:
    """Builds plain data from parser events, refusing what a data file never needs."""

    def __init__(self, label: str):
        self.label = label
        self.root: Any = None
        self.lines: dict[Path_, int] = {}
        self.stack: list[tuple[Any, Path_, list]] = []  # (container, path, pending mapping key)
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        self._refuse_anchors_and_tags(event)
        handler = self._HANDLERS.get(type(event))
        if handler:
            handler(self, event)

    def _refuse_anchors_and_tags(self, event: yaml.Event) -> None:
        line = _line(event)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _refuse(
                self.label,
                line,
                "YAML anchors and aliases (& and *) are not allowed; write the value out",
            )
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit = tag not in (None, "!") and not (
            implicit is True or (isinstance(implicit, tuple) and implicit[0])
        )
        if explicit:
            raise _refuse(
                self.label, line, f"YAML tags such as '{tag}' are not allowed; write plain values"
            )

    def _document_start(self, event: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _refuse(
                self.label,
                _line(event),
                "the file holds several YAML documents ('---'); keep one",
            )

    def _start_collection(self, event: yaml.Event, container: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _refuse(
                self.label,
                _line(event),
                f"the data is nested more than {MAX_DEPTH} levels deep",
            )
        path = self._add(container, event)
        self.stack.append((container, path, []))

    def _end_collection(self, event: yaml.Event) -> None:
        self.stack.pop()

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        self._add(_construct_scalar(event), event)

    def _add(self, value: Any, event: yaml.Event) -> Path_:
        line = _line(event)
        if not self.stack:
            self.root = value
            self.lines[()] = line
            return ()
        container, path, pending = self.stack[-1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
        elif not pending:
            self._check_key(value, container, line)
            pending.append(value)
            self.lines[path + (value,)] = line
            return path + (value,)
        else:
            key = pending.pop()
            child = path + (key,)
            container[key] = value
        self.lines.setdefault(child, line)
        return child

    def _check_key(self, key: Any, container: dict, line: int) -> None:
        if isinstance(key, (dict, list)):
            raise _refuse(
                self.label, line, "a mapping key must be plain text, not a list or mapping"
            )
        if not isinstance(key, str):
            raise _refuse(
                self.label,
                line,
                f"the key '{key}' is read as {_KEY_KINDS.get(type(key), 'a value')}, not text; "
                "put it in quotes",
            )
        if key in container:
            raise _refuse(
                self.label, line, f"the key '{key}' appears twice in the same mapping; keep one"
            )

    _HANDLERS: dict[type, Callable[..., None]] = {
        yaml.DocumentStartEvent: _document_start,
        yaml.MappingStartEvent: lambda self, e: self._start_collection(e, {}),
        yaml.SequenceStartEvent: lambda self, e: self._start_collection(e, []),
        yaml.MappingEndEvent: _end_collection,
        yaml.SequenceEndEvent: _end_collection,
        yaml.ScalarEvent: _scalar,
    }


# YAML 1.1 also reads 1:30 (sexagesimal, 90), 037 (octal, 31), 0x1F, 0b11 and 1_000 as numbers:
# never what an editor means, so only plain decimals are numbers; the rest stays text.
_PLAIN_NUMBER = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+")


def _line(event: yaml.Event) -> int:
    """The 1-based line an event starts on (the parser always sets marks; the stubs allow None)."""
    return event.start_mark.line + 1 if event.start_mark else 0


def _construct_scalar(event: yaml.ScalarEvent) -> Any:
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    construct = _TYPED_TAGS.get(tag)
    if construct is None:  # strings, and timestamps kept as the text the editor wrote
        # One object for each repeated short text (keys, places, actors, tags, source ids): a
        # 100,000-event atlas then takes a fifth less memory, in every process it is sent to.
        return sys.intern(event.value) if len(event.value) <= INTERNED_LENGTH else event.value
    if tag.endswith((":int", ":float")) and not _PLAIN_NUMBER.fullmatch(event.value):
        return event.value
    return construct(yaml.ScalarNode(tag, event.value))

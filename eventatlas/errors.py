"""The project's exceptions: one root, each subclass raised at one stage."""

from __future__ import annotations

from dataclasses import dataclass


class EventAtlasError(Exception):
    """Root of every error eventatlas raises on purpose; the edges turn it into a message."""


@dataclass(frozen=True, order=True)
class Problem:
    """One user-facing mistake, located as precisely as the input allows."""

    file: str
    line: int
    subject: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        prefix = "warning: " if self.severity == "warning" else ""
        subject = f" {self.subject}:" if self.subject else ""
        return shown(f"{location}:{subject} {prefix}{self.message}")


def shown(text: str) -> str:
    """Text safe to print as one line: newlines, controls and invisible characters escaped.

    A value holding a newline could otherwise print a line of its own (a fake 'OK'), and a
    bidirectional control could reverse the rest of the line.
    """
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(character: str) -> str:
    return repr(character)[1:-1] if ord(character) < 0x80 else f"\\u{ord(character):04x}"


class DataError(EventAtlasError):
    """Raised when events.yaml or places.yaml holds one or more mistakes; carries them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.subject, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class GeocodingError(EventAtlasError):
    """Raised when an online geocoding service fails; callers treat the place as unresolved."""


class ServiceUnreachable(GeocodingError):
    """Raised when the online geocoding service cannot be reached or refuses every request."""


class BuildError(EventAtlasError):
    """Raised when the site cannot be written (an output folder, a narrative directive)."""


class WriteError(EventAtlasError):
    """Raised when a file or the site cannot be written (full disk, no permission); none changed."""

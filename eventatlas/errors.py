"""The project's exceptions: one root, each subclass raised at one stage."""

from __future__ import annotations

from collections.abc import Iterable
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
        return f"{location}:{subject} {prefix}{self.message}"


@dataclass(frozen=True)
class Location:
    """A line of a file, where a problem is reported (`docs/story.md:12`)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class LocatedError(EventAtlasError):
    """Base of the errors that carry located problems: one `FILE:LINE: subject: message` each."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.subject, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the run (warnings ride along)."""
        return [p for p in self.problems if p.severity == "error"]


class DataError(LocatedError):
    """Raised when events.yaml or places.yaml holds one or more mistakes; carries them all."""


class BuildError(LocatedError):
    """Raised when the site cannot be built as asked: a story block in a docs page that names what
    the data does not have, a docs file that would hide a generated one, a failed indexer.

    Located problems where there is a place to point at; a plain message where there is none."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            self.problems = []
            EventAtlasError.__init__(self, problems)
        else:
            super().__init__(problems)

    @classmethod
    def at(cls, where: Location, subject: str, message: str) -> BuildError:
        return cls([Problem(where.file, where.line, subject, message)])


class DateSyntaxError(EventAtlasError, ValueError):
    """Raised when a date text is not in the accepted syntax or names an impossible day.

    Also a ValueError, so pydantic reports it as a field's validation error (as geopy's errors
    stay the built-in ones they specialise)."""


class SearchIndexError(EventAtlasError):
    """Raised when Pagefind cannot run or fails to index the built site."""


class GeocodingError(EventAtlasError):
    """Raised when an online geocoding service fails; callers treat the place as unresolved."""

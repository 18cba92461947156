"""Event dates as editors write them: a subset of ISO 8601 / EDTF level 1.

`2025`, `2025-07`, `2025-07-12` give a year, month or day; a trailing `~` marks the date as
approximate (`2024~`); `START/END` is a range (`2025-07-11/2025-07-12`, `2024-10/2024-12`).
A date keeps its precision: July 2025 is the whole month, never a made-up 1 July.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import DateSyntaxError

PRECISIONS = ("day", "month", "year")
SYNTAX_HELP = "use YYYY, YYYY-MM or YYYY-MM-DD, '~' after it for approximate, START/END for a range"
JSON_SCHEMA_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?~?(/\d{4}(-\d{2}(-\d{2})?)?~?)?$"
_PART = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<approx>~)?")
_MONTHS = [calendar.month_name[m] for m in range(13)]


@dataclass(frozen=True)
class EventDate:
    """When an event happened, with the precision the sources allow."""

    text: str
    start: date
    end: date  # inclusive
    precision: str
    approximate: bool
    is_range: bool

    @property
    def is_point(self) -> bool:
        """True when the date is a single known day, drawn as a point."""
        return self.precision == "day" and not self.is_range

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def label(self) -> str:
        """A reader's form: '12 July 2025', 'July 2025', 'about 2024', '11–12 July 2025'."""
        prefix = "about " if self.approximate else ""
        if not self.is_range:
            return prefix + _format(self.start, self.precision)
        return prefix + _format_range(self.start, self.end, self.precision)

    @property
    def sort_key(self) -> tuple:
        return (self.start, self.end, self.text)


def parse_event_date(text: str) -> EventDate:
    """Parse the accepted syntax; raise DateSyntaxError saying what is wrong and what to write."""
    if not isinstance(text, str):
        raise DateSyntaxError(f"expected the date as text; {SYNTAX_HELP}")
    parts = text.strip().split("/")
    if len(parts) > 2 or not all(parts):
        raise DateSyntaxError(f"'{text}' is not a date; {SYNTAX_HELP}")
    first = _parse_part(parts[0], text)
    last = _parse_part(parts[-1], text)
    if last[1] < first[0]:
        raise DateSyntaxError(f"'{text}' ends before it starts; write the earlier date first")
    precision = max(first[2], last[2], key=PRECISIONS.index)
    return EventDate(
        text.strip(), first[0], last[1], precision, first[3] or last[3], len(parts) == 2
    )


def parse_partial_date(text: str) -> EventDate:
    """Parse a single YYYY, YYYY-MM or YYYY-MM-DD (no range, no '~'), as publication dates are."""
    parsed = parse_event_date(text)
    if parsed.is_range or parsed.approximate:
        raise DateSyntaxError(f"'{text}' must be one date: YYYY, YYYY-MM or YYYY-MM-DD")
    return parsed


def _parse_part(part: str, whole: str) -> tuple[date, date, str, bool]:
    match = _PART.fullmatch(part)
    if not match:
        raise DateSyntaxError(f"'{whole}' is not a date; {SYNTAX_HELP}")
    year = int(match["year"])
    month, day = (int(g) if g else None for g in match.group("month", "day"))
    approximate = bool(match.group("approx"))
    try:
        if month is not None and day is not None:
            exact = date(year, month, day)
            return exact, exact, "day", approximate
        if month is not None:
            last_day = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last_day), "month", approximate
        return date(year, 1, 1), date(year, 12, 31), "year", approximate
    except (ValueError, calendar.IllegalMonthError):
        raise DateSyntaxError(f"'{whole}' is not a real date (no such month or day)") from None


def _format(day: date, precision: str) -> str:
    if precision == "day":
        return f"{day.day} {_MONTHS[day.month]} {day.year}"
    if precision == "month":
        return f"{_MONTHS[day.month]} {day.year}"
    return str(day.year)


def _format_range(start: date, end: date, precision: str) -> str:
    if precision == "day" and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {_MONTHS[end.month]} {end.year}"
    return f"{_format(start, precision)} – {_format(end, precision)}"

"""Loading refuses what a data file never needs, fast and in little memory; parsers never crash."""

from __future__ import annotations

import re
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventatlas.data.dates import FIRST_YEAR, LAST_YEAR, DateSyntaxError, parse_event_date
from eventatlas.data.load import load_events
from eventatlas.data.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, load_yaml_file, parse_yaml_text
from eventatlas.errors import DataError

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def refusal(path: Path) -> tuple[str, float, int]:
    """The error line, the seconds it took and the peak memory in bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DataError) as caught:
        load_events(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return str(caught.value), elapsed, peak


def test_billion_laughs_is_refused_in_a_blink(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    message, elapsed, peak = refusal(bomb)
    assert "bomb.yaml:1:" in message and "anchors and aliases" in message
    assert elapsed < 1 and peak < 5_000_000


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("w") as stream:
        stream.write("events:\n")
        line = "  - {id: x, title: padding padding padding padding padding padding}\n"
        stream.write(line * (MAX_FILE_BYTES // len(line) + 1))
    assert big.stat().st_size > MAX_FILE_BYTES
    message, elapsed, peak = refusal(big)
    assert "the limit is" in message
    assert elapsed < 1 and peak < 5_000_000


def test_deep_nesting_is_refused(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("events: " + "[" * 100_000 + "]" * 100_000 + "\n")
    message, elapsed, peak = refusal(deep)
    assert f"nested more than {MAX_DEPTH} levels" in message and "deep.yaml:1:" in message
    assert elapsed < 1 and peak < 5_000_000


@pytest.mark.parametrize(
    "text, words",
    [
        ("a: !!python/object/apply:os.system [echo]\n", "YAML tags"),
        ("a: !custom 1\n", "YAML tags"),
        ("a: 1\na: 2\n", "appears twice"),
        ("a: 1\n---\nb: 2\n", "several YAML documents"),
        ("? [a, b]\n: 1\n", "mapping key must be plain text"),
        ("a: b: c\n", "YAML syntax error"),
    ],
)
def test_refusals_name_the_line(text, words):
    with pytest.raises(DataError) as caught:
        parse_yaml_text(text, "f.yaml")
    assert words in str(caught.value) and str(caught.value).startswith("f.yaml:")


def test_non_utf8_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nb: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError) as caught:
        load_yaml_file(path, "latin1.yaml")
    assert "latin1.yaml:2:" in str(caught.value) and "UTF-8" in str(caught.value)


def test_lines_are_remembered_for_every_value():
    located = parse_yaml_text(
        "events:\n  - id: a\n    date: 2025-07-12\n    tags:\n      - x\n", "f.yaml"
    )
    assert located.lines[("events", 0, "date")] == 3
    assert located.lines[("events", 0, "tags", 0)] == 5
    assert located.data["events"][0]["date"] == "2025-07-12"  # timestamps stay text


def test_a_repeated_short_text_is_held_once():
    place = "".join(["Vladi", "vostok"])  # made at run time, so not interned by the compiler
    data = parse_yaml_text(f"- place: {place}\n- place: {place}\n- {'x' * 101}\n", "f").data
    assert data[0]["place"] is data[1]["place"]  # one string for the whole atlas
    assert data[2] == "x" * 101


# --- property tests -------------------------------------------------------------------------


ATLAS_DATES = st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31))  # the years the atlas draws


@given(ATLAS_DATES, st.sampled_from(["day", "month", "year"]), st.booleans())
def test_every_well_formed_date_parses_and_keeps_its_precision(day, precision, approximate):
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[
        precision
    ] + ("~" if approximate else "")
    parsed = parse_event_date(text)
    assert parsed.precision == precision and parsed.approximate == approximate
    assert parsed.start <= day <= parsed.end if precision != "day" else parsed.start == day


@given(ATLAS_DATES, ATLAS_DATES)
def test_ranges_parse_when_ordered(first, second):
    low, high = sorted([first, second])
    parsed = parse_event_date(f"{low.isoformat()}/{high.isoformat()}")
    assert (parsed.start, parsed.end, parsed.is_range) == (low, high, True)
    if low < high:
        with pytest.raises(DateSyntaxError):
            parse_event_date(f"{high.isoformat()}/{low.isoformat()}")


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_date_syntax_error(text):
    try:
        parse_event_date(text)
    except DateSyntaxError:
        pass


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_loads_or_raises_the_projects_error(text):
    try:
        parse_yaml_text(text, "f.yaml")
    except DataError as error:
        assert all(str(p).startswith("f.yaml") for p in error.problems)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["2025-07-12", "2024~", "https://x.org", "javascript:x", "NO"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "date",
                    "place",
                    "tags",
                    "citations",
                    "source",
                    "quote",
                    "summary",
                    "url",
                    "x",
                    1,
                    True,
                ]
            ),
            inner,
            max_size=6,
        ),
    ),
    max_leaves=25,
)
documents = (
    st.fixed_dictionaries(
        {"sources": st.lists(values, max_size=3), "events": st.lists(values, max_size=3)}
    )
    | values
)


@settings(
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(documents)
def test_any_structure_validates_or_raises_the_projects_error(tmp_path, document):
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    try:
        load_events(path)
    except DataError as error:
        assert error.problems


BAD_URLS = [
    "JaVaScRiPt:alert(1)",
    "java&#x09;script:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "&#106;avascript:alert(1)",
    "//evil.example/x",
    "ftp://example.org/x",
    "https://exa mple.org",
    "http://\u200bexample.org",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_plain_http_links_are_accepted(tmp_path, url):
    path = tmp_path / "events.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {"id": "s", "title": "t", "publisher": "p", "language": "en", "url": url}
                ],
                "events": [],
            }
        )
    )
    with pytest.raises(DataError) as caught:
        load_events(path)
    line = str(caught.value).splitlines()[0]
    assert re.match(r".*events\.yaml:\d+: source 's': field 'url': ", line), line


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=c&d=e",
        "https://example.org/?a=1&not=2&copy=3",
        "http://example.org",
    ],
)
def test_http_links_are_accepted(tmp_path, url):
    path = tmp_path / "events.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {"id": "s", "title": "t", "publisher": "p", "language": "en", "url": url}
                ],
                "events": [],
            }
        )
    )
    dataset = load_events(path)
    assert dataset.sources[0].url == url

"""`build_timeline.py check`: one clear line per mistake, naming file, line, event and field."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventatlas.cli import main

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
LINE_FORMAT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<rest>.+)$")

# fixture name → (line, the subject and field it must name, words the message must contain)
EXPECTED = {
    "syntax_error": (17, "", "YAML syntax error, column"),
    "tab_indent": (18, "", "YAML syntax error"),
    "missing_title": (15, "event 'meeting-in-wonsan': field 'title'", "is missing; expected"),
    "unknown_field": (17, "event 'meeting-in-wonsan': field 'sumary'", "did you mean 'summary'?"),
    "duplicate_id": (
        33,
        "event 'meeting-in-wonsan': field 'id'",
        "already used by the event on line 15",
    ),
    "impossible_date": (
        17,
        "event 'meeting-in-wonsan': field 'date'",
        "'2025-02-30' is not a real date",
    ),
    "bad_date_syntax": (
        17,
        "event 'meeting-in-wonsan': field 'date'",
        "use YYYY, YYYY-MM or YYYY-MM-DD",
    ),
    "date_as_number": (17, "event 'meeting-in-wonsan': field 'date'", "as text in quotes"),
    "unknown_source": (
        24,
        "event 'meeting-in-wonsan': field 'citations[1].source'",
        "'paper-c' is not a source id (did you mean",
    ),
    "javascript_url": (13, "source 'paper-b': field 'url'", "is not an http(s) address"),
    "unresolvable_place": (
        47,
        "event 'summit-in-beijing': field 'place'",
        "did you mean 'Pyongyang'",
    ),
    "editor_date_without_note": (45, "event 'summit-in-beijing': field 'date_note'", "is missing"),
    "text_for_list": (19, "event 'meeting-in-wonsan': field 'actors'", "expected a list"),
    "list_for_text": (34, "event 'troops-in-kursk': field 'title'", "expected text, got a list"),
    "empty_title": (34, "event 'troops-in-kursk': field 'title'", "is empty"),
    "blank_title": (34, "event 'troops-in-kursk': field 'title'", "is empty"),
    "control_character": (
        34,
        "event 'troops-in-kursk': field 'title'",
        "control characters (U+0007)",
    ),
    "tab_in_value": (34, "event 'troops-in-kursk': field 'title'", "control characters (U+0009)"),
    "yes_no_status": (21, "event 'meeting-in-wonsan': field 'status'", "put the value in quotes"),
    "duplicate_key": (19, "", "the key 'place' appears twice"),
    "custom_tag": (22, "", "YAML tags such as"),
    "anchor_alias": (20, "", "anchors and aliases"),
    "lat_without_lon": (19, "event 'meeting-in-wonsan': field 'lat'/'lon'", "give both"),
    "not_a_list": (14, "field 'events'", "must be a list"),
}
# fixtures that plant a second mistake on purpose, reported on a line of its own
SECOND_MISTAKE = {"not_a_list": "field 'old_events': is not a known top-level field"}


def run_check(path: Path):
    return CliRunner().invoke(main, ["check", str(path)])


def test_every_invalid_fixture_is_listed():
    fixtures = {p.stem for p in INVALID.glob("*.yaml")} - {"places", "unused_source_warning"}
    assert fixtures == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mistake_gets_one_located_line(name):
    line, subject, words = EXPECTED[name]
    result = run_check(INVALID / f"{name}.yaml")
    assert result.exit_code == 1
    errors = [
        line
        for line in result.stderr.splitlines()
        if "warning:" not in line and not line.endswith("problem(s) found")
    ]
    assert len(errors) == 1 + (name in SECOND_MISTAKE), errors
    assert name not in SECOND_MISTAKE or SECOND_MISTAKE[name] in errors[1]
    match = LINE_FORMAT.match(errors[0])
    assert match, errors[0]
    assert match["file"].endswith(f"{name}.yaml")
    assert int(match["line"]) == line, errors[0]
    assert match["rest"].startswith(subject), errors[0]
    assert words in errors[0]
    assert "Traceback" not in result.output


def test_valid_file_passes():
    result = run_check(DATA / "valid.yaml")
    assert result.exit_code == 0, result.output
    assert "OK: 3 events, 2 sources, 3 places" in result.stdout


def test_unused_source_is_a_warning_not_an_error():
    result = run_check(INVALID / "unused_source_warning.yaml")
    assert result.exit_code == 0
    assert "source 'paper-unused': warning: is not cited by any event" in result.stderr


def test_every_mistake_is_reported_in_one_run(tmp_path):
    # a bad date and a bad status fail validation; the unplaceable place is in another event that
    # validated, so geocoding runs for it in the same run and all three are reported together
    text = (
        (DATA / "valid.yaml")
        .read_text()
        .replace('date: "2025-07-12"', 'date: "2025-13-01"')
        .replace('place: "Beijing"', 'place: "Nowhere At All"')
        .replace("status: confirmed", "status: sure")
    )
    (tmp_path / "places.yaml").write_text((DATA / "places.yaml").read_text())
    (tmp_path / "events.yaml").write_text(text)
    result = run_check(tmp_path / "events.yaml")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert [line.split(": ", 2)[1:2] for line in errors[:-1]] == [
        ["event 'meeting-in-wonsan'"],
        ["event 'meeting-in-wonsan'"],
        ["event 'summit-in-beijing'"],
    ]
    assert "field 'date'" in errors[0] and "field 'status'" in errors[1]
    assert "'Nowhere At All' cannot be placed" in errors[2]
    assert errors[-1] == "3 problem(s) found"


def test_a_broken_places_file_is_reported_without_false_place_problems(tmp_path):
    (tmp_path / "places.yaml").write_text("places:\n  Wonsan: {lat: 200, lon: 0}\n")
    (tmp_path / "events.yaml").write_text((DATA / "valid.yaml").read_text())
    result = run_check(tmp_path / "events.yaml")
    assert result.exit_code == 1
    assert "places.yaml" in result.stderr and "cannot be placed" not in result.stderr


def test_check_as_a_process_exits_1_without_traceback(repo):
    result = subprocess.run(
        [
            sys.executable,
            str(repo / "build_timeline.py"),
            "check",
            str(INVALID / "unknown_field.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "did you mean 'summary'?" in result.stderr


def test_missing_file_is_a_clear_error(tmp_path):
    result = run_check(tmp_path / "nope.yaml")
    assert result.exit_code == 1
    assert "cannot read the file" in result.stderr


def test_default_events_file_is_valid(repo):
    result = subprocess.run(
        [sys.executable, str(repo / "build_timeline.py"), "check", "events.yaml"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr

"""Hangs and runaway work: every hostile or accidental input ends in seconds (a budget enforced by
a subprocess timeout), with one located line per problem and exit 1, or builds correctly."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import copy_project
from hostile import REPO, an_event, assert_clean_refusal, base_data, mkdocs, run, write_events

from eventatlas.data.schema import (
    EVENT_LIMIT,
    LANE_LIMIT,
    LIST_LIMITS,
    NAME_LIMIT,
    SUMMARY_LIMIT,
    TITLE_LIMIT,
)
from eventatlas.data.yamlfile import MAX_FILE_BYTES

# Inputs that make backtracking Markdown or regex engines take minutes, at the summary limit.
PATHOLOGICAL = {
    "brackets": "[" * SUMMARY_LIMIT,
    "images": "![" * (SUMMARY_LIMIT // 2),
    "links": "[a](" * (SUMMARY_LIMIT // 4),
    "emphasis": "*a" * (SUMMARY_LIMIT // 2),
    "underscores": "_a " * (SUMMARY_LIMIT // 3),
    "nested": "[" * (SUMMARY_LIMIT // 2) + "]" * (SUMMARY_LIMIT // 2),
    "backslashes": "\\" * SUMMARY_LIMIT,
    "entities": "&#" * (SUMMARY_LIMIT // 2),
}


@pytest.mark.slow
def test_worst_case_text_and_pages_build_in_seconds(tmp_path):
    """Pathological summaries, titles and quotes at their limits, a page of 20,000 unclosed story
    fences and a fence inside a longer fence: the build ends (budget) and is correct."""
    events = [
        an_event(
            id=f"worst-{name}",
            title=text[:TITLE_LIMIT],
            summary=text,
            citations=[
                {"source": "metrotv-2025-07-13", "quote": text[:3000], "translation": text[:2000]}
            ],
        )
        for name, text in PATHOLOGICAL.items()
    ]
    events += [
        an_event(id="first-year", date="1000-01-01"),
        an_event(id="last-year", date="2999-12-31"),
    ]
    project = copy_project(tmp_path / "p")
    write_events(project / "events.yaml", events)
    (project / "docs" / "fences.md").write_text(
        "# Fences\n\n" + "```eventatlas\n" * 20_000, encoding="utf-8"
    )
    (project / "docs" / "example.md").write_text(
        "# Example\n\n````markdown\n```eventatlas\ntags: [no-such-tag]\n```\n````\n",
        encoding="utf-8",
    )
    result = mkdocs(project)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (project / "site" / "events" / "worst-brackets" / "index.html").read_text()
    assert "[[[[" in page
    assert (project / "site" / "events" / "last-year" / "index.html").exists()
    assert "no-such-tag" in (project / "site" / "example" / "index.html").read_text()


def test_the_story_fence_finder_is_linear_in_unclosed_fences():
    from eventatlas.site.views import find_view_blocks

    assert find_view_blocks("```eventatlas\n" * 20_000) == []
    assert len(find_view_blocks("```eventatlas\nids: [a]\n```\n" * 5_000)) == 5_000


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_summaries_render_to_sanitised_html(name):
    from eventatlas.site.pages import render_summary

    html = str(render_summary(PATHOLOGICAL[name]))
    assert html.startswith("<p>") and "<script" not in html


def _refused_check(tmp_path: Path, events: list[dict], *words: str, data: dict | None = None):
    path = write_events(tmp_path / "events.yaml", events, data=data)
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    result = run(["check", str(path)], tmp_path)
    assert_clean_refusal(result, *words)
    return result


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("title", "t" * (TITLE_LIMIT + 1), ["'title'", f"the limit is {TITLE_LIMIT}"]),
        ("title", "t" * 5_000_000, ["'title'", f"the limit is {TITLE_LIMIT}"]),
        ("summary", "s" * (SUMMARY_LIMIT + 1), ["'summary'", f"{SUMMARY_LIMIT:,}"]),
        ("place", "p" * (NAME_LIMIT + 1), ["'place'", f"the limit is {NAME_LIMIT}"]),
        ("actors", ["a"] * (LIST_LIMITS["actors"] + 1), ["'actors'", "entries"]),
        ("tags", ["x"] * (LIST_LIMITS["tags"] + 1), ["'tags'", "entries"]),
        ("actors", ["a" * (NAME_LIMIT + 1)], ["'actors[1]'"]),
        ("id", "a" * 300, ["'id'", "at most 100"]),
    ],
)
def test_a_breached_limit_is_one_located_line(tmp_path, field, value, words):
    event = an_event(**{"id": "over-limit", field: value})
    result = _refused_check(tmp_path, [event], *words)
    lines = [line for line in result.stderr.splitlines() if "events.yaml:" in line]
    errors = [line for line in lines if "warning:" not in line]
    assert len(errors) == 1 and len(errors[0]) < 400, errors  # the value is cut, not echoed


def test_too_many_lanes_is_one_located_line(tmp_path):
    events = [an_event(id=f"lane-{n}", tags=[f"lane{n}"]) for n in range(LANE_LIMIT + 5)]
    result = _refused_check(tmp_path, events, "timeline lane", f"the limit is {LANE_LIMIT}")
    assert result.stderr.count("timeline lane") == 1


def test_too_many_events_is_refused_before_validating_them(tmp_path):
    path = write_events(tmp_path / "events.yaml", data={**base_data(), "events": []})
    entries = "".join(f"\n- {{id: e{n}}}" for n in range(EVENT_LIMIT + 1))
    # Written as text: dumping 100,001 events takes a minute.
    path.write_text(path.read_text().replace("events: []", "events:" + entries, 1))
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    result = run(["check", str(path)], tmp_path)
    assert_clean_refusal(result, "field 'events'", f"the limit is {EVENT_LIMIT:,}")
    assert "is missing" not in result.stderr  # no entry was validated


@pytest.mark.parametrize("date", ["0001", "0001-01-01", "9999", "9999-12-31", "0999-12-31"])
def test_dates_at_the_edge_of_the_calendar_are_located_errors(tmp_path, date):
    _refused_check(tmp_path, [an_event(id="edge", date=date)], "edge", "1000–2999")


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "events.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(kind)
    return path


SPECIAL = ["fifo", "folder", "/dev/zero", "/dev/urandom", "/dev/null"]


@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("command", ["check", "geocode", "new"])
def test_pipes_devices_and_folders_are_refused_before_reading(tmp_path, kind, command):
    if kind.startswith("/dev/") and not Path(kind).exists():
        pytest.skip(f"{kind} is missing")
    path = _special(tmp_path, kind)
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    result = run([command, str(path)], tmp_path, budget=30)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output, output
    if not (command == "new" and kind == "folder"):  # click itself says a folder is no file
        assert "not a regular file" in output, output
    assert "Title" not in output  # `new` refuses before asking anything


def test_places_yaml_that_is_a_device_is_refused(tmp_path):
    events = write_events(tmp_path / "events.yaml")
    (tmp_path / "places.yaml").symlink_to("/dev/zero")
    assert_clean_refusal(run(["check", str(events)], tmp_path, budget=30), "not a regular file")


def test_new_refuses_an_over_size_file_at_once(tmp_path):
    events = tmp_path / "events.yaml"
    with open(events, "wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    before = events.stat()
    result = run(["new", str(events)], tmp_path, budget=30)
    assert_clean_refusal(result, "the limit is")
    assert "Title" not in result.stdout
    assert events.stat().st_mtime == before.st_mtime


def test_a_thousand_unplaceable_places_are_reported_in_seconds(tmp_path):
    events = [an_event(id=f"nowhere-{n}", place=f"Qzxplace {n} Vrt") for n in range(1_000)]
    result = _refused_check(tmp_path, events, "cannot be placed")
    assert result.stderr.count("cannot be placed") == 1_000


def test_events_yaml_mode_is_reported_for_special_files_not_changed(tmp_path):
    path = write_events(tmp_path / "events.yaml")
    os.chmod(path, 0o640)
    shutil.copy(REPO / "places.yaml", tmp_path / "places.yaml")
    assert run(["check", str(path)], tmp_path).returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640

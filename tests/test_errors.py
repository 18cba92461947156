"""One root for every error, and one located shape for data and build errors alike."""

from __future__ import annotations

import inspect
import re

import pytest
from conftest import copy_project, run_mkdocs

from eventatlas import errors
from eventatlas.data.dates import DateSyntaxError, parse_event_date
from eventatlas.errors import BuildError, EventAtlasError, Location

LOCATED = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<subject>[^:]+): (?P<message>.+)$")


def test_every_error_class_derives_from_the_one_root():
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    raised = [c for c in classes if issubclass(c, BaseException)]
    assert len(raised) >= 5 and all(issubclass(c, EventAtlasError) for c in raised)


def test_a_build_error_is_located_where_it_can_be_and_a_plain_message_where_not():
    located = BuildError.at(Location("docs/story.md", 5), "eventatlas block", "selects no event")
    assert str(located) == "docs/story.md:5: eventatlas block: selects no event"
    assert [p.line for p in located.problems] == [5]
    plain = BuildError("eventatlas: Pagefind failed: no index")
    assert plain.problems == [] and str(plain) == "eventatlas: Pagefind failed: no index"


def test_a_date_error_is_ours_and_still_a_value_error():
    with pytest.raises(EventAtlasError):
        parse_event_date("2025-13")
    with pytest.raises(ValueError):
        parse_event_date("2025-13")
    assert DateSyntaxError is errors.DateSyntaxError


@pytest.mark.slow
def test_build_and_data_errors_have_the_same_located_shape(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "docs" / "story.md").write_text(
        "# Story\n\n```eventatlas\ntags: [no-such-tag]\n```\n", encoding="utf-8"
    )
    story = run_mkdocs(project)
    (project / "docs" / "story.md").unlink()
    events = project / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace('date: "2024-06-19"', 'date: "2024-06-31"', 1),
        encoding="utf-8",
    )
    data = run_mkdocs(project)
    for result, file, subject in [
        (story, "docs/story.md", "eventatlas block"),
        (data, "events.yaml", "event '"),
    ]:
        assert result.returncode == 1 and "Traceback" not in result.stderr
        lines = [LOCATED.match(line) for line in result.stderr.splitlines()]
        (found,) = [m for m in lines if m]
        assert found["file"] == file and found["subject"].startswith(subject), result.stderr
        assert "eventatlas found 1 problem(s):" in result.stderr

"""What helps editors: the generated JSON Schema and field reference, pre-commit hooks, `new`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from eventatlas.cli import main
from eventatlas.data.reference import SCHEMA_PATH, field_reference, json_schema, undocumented_fields


def test_every_field_has_a_description():
    assert undocumented_fields() == []


def test_committed_schemas_and_field_reference_are_generated_and_current(repo):
    result = CliRunner().invoke(main, ["schema", "--check", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert field_reference() in (repo / "README.md").read_text(encoding="utf-8")
    assert (repo / SCHEMA_PATH).read_text(encoding="utf-8") == json_schema()


def test_schema_check_fails_when_the_schema_file_is_stale(tmp_path, repo):
    (tmp_path / "schema").mkdir()
    (tmp_path / "README.md").write_text((repo / "README.md").read_text(encoding="utf-8"))
    (tmp_path / SCHEMA_PATH).write_text("{}\n")
    result = CliRunner().invoke(main, ["schema", "--check", "--root", str(tmp_path)])
    assert result.exit_code == 1 and "out of date" in result.stderr


def test_events_file_points_editors_at_the_schema(repo):
    assert (repo / "events.yaml").read_text(encoding="utf-8").splitlines()[
        0
    ] == f"# yaml-language-server: $schema={SCHEMA_PATH}"


def test_default_data_satisfies_the_json_schema_editors_see(repo):
    schema = json.loads((repo / SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"sources": [], "events": [{"id": "x", "titel": "typo"}]}, schema)


def test_pre_commit_hook_runs_check_on_events_files(repo):
    published = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text())
    local = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    hook = next(h for h in published if h["id"] == "eventatlas-check")
    mine = next(h for h in local if h["id"] == "eventatlas-check")
    assert hook["entry"].endswith("check") and mine["entry"].endswith("check")
    assert hook["files"] == mine["files"]
    assert (
        subprocess.run(
            [
                sys.executable,
                str(repo / "build_timeline.py"),
                "check",
                "events.yaml",
                "events.yaml",
            ],
            cwd=repo,
        ).returncode
        == 0
    )


def _copy_data(tmp_path: Path, repo: Path) -> Path:
    events = tmp_path / "events.yaml"
    events.write_text((repo / "events.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        (repo / "places.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return events


NEW_EVENT = [
    "--title",
    "A test event",
    "--date",
    "2025-08",
    "--place",
    "Moscow",
    "--tag",
    "diplomacy",
    "--actor",
    "Sergey Lavrov",
    "--summary",
    "Something happened.",
    "--source",
    "metrotv-2025-07-13",
    "--quote",
    "Kalimat.",
    "--translation",
    "Sentence.",
]


def test_new_appends_and_keeps_comments_and_layout(tmp_path, repo):
    events = _copy_data(tmp_path, repo)
    before = events.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(events), *NEW_EVENT])
    assert result.exit_code == 0, result.output
    after = events.read_text(encoding="utf-8")
    assert after.startswith(before)
    added = yaml.safe_load(after)["events"][-1]
    assert (
        added["id"] == "a-test-event"
        and added["date"] == "2025-08"
        and added["tags"] == ["diplomacy"]
    )


def test_new_asks_for_what_is_not_given(tmp_path, repo):
    events = _copy_data(tmp_path, repo)
    answers = (
        "\n".join(
            [
                "Asked event",
                "2025-08-02",
                "Beijing",
                "Summary.",
                "metrotv-2025-07-13",
                "Kalimat.",
                "Sentence.",
                "diplomacy",
            ]
        )
        + "\n"
    )
    result = CliRunner().invoke(main, ["new", str(events)], input=answers)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(events.read_text(encoding="utf-8"))["events"][-1]["place"] == "Beijing"


def test_new_writes_nothing_when_the_event_is_invalid(tmp_path, repo):
    events = _copy_data(tmp_path, repo)
    before = events.read_bytes()
    bad = [a if a != "2025-08" else "2025-13" for a in NEW_EVENT]
    result = CliRunner().invoke(main, ["new", str(events), *bad])
    assert result.exit_code == 1
    assert "field 'date'" in result.stderr and "Traceback" not in result.output
    assert events.read_bytes() == before

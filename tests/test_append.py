"""`new` appends the entry's text to the file as written: layout, comments and line endings kept."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from eventatlas.cli import main
from eventatlas.data.append import appended_text, fields_from_options, new_event

REPO = Path(__file__).resolve().parent.parent
FIELDS = fields_from_options(
    "Talks: in Moscow", "2025-08-02", "Moscow", "Talks.", "metrotv-2025-07-13", "Kalimat.", ["x"]
)
ARGS = [
    "--title",
    "Talks in Moscow",
    "--date",
    "2025-08",
    "--place",
    "Moscow",
    "--tag",
    "diplomacy",
]
ARGS += ["--summary", "Talks.", "--source", "metrotv-2025-07-13", "--quote", "Kalimat."]
ARGS += ["--translation", "Sentence."]  # the source is Indonesian, the site English


def test_the_entry_goes_at_the_end_of_the_events_list_with_its_indentation():
    text = "events:\n  - id: a\n    title: A\n# about the sources\n\nsources:\n  - id: s\n"
    result = appended_text(text, new_event(FIELDS))
    assert result.startswith("events:\n  - id: a\n    title: A\n  - id: talks-in-moscow\n")
    assert result.endswith("# about the sources\n\nsources:\n  - id: s\n")
    data = yaml.safe_load(result)
    assert data["events"][1]["title"] == "Talks: in Moscow"
    assert data["events"][1]["date"] == "2025-08-02" and data["sources"] == [{"id": "s"}]


def test_a_list_without_indentation_and_a_missing_final_newline():
    result = appended_text("events:\n- id: a", new_event(FIELDS))
    assert result.startswith("events:\n- id: a\n- id: talks-in-moscow\n  title:")


def test_a_flow_style_or_empty_list_is_left_to_the_round_trip():
    assert appended_text("events: []\nsources: []\n", new_event(FIELDS)) is None
    assert appended_text("sources: []\n", new_event(FIELDS)) is None


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "places.yaml").write_bytes((REPO / "places.yaml").read_bytes())
    events = tmp_path / "events.yaml"
    events.write_bytes(text.encode("utf-8"))
    return events


def test_new_keeps_crlf_line_endings(tmp_path):
    original = (REPO / "events.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    events = _project(tmp_path, original)
    result = CliRunner().invoke(main, ["new", str(events), *ARGS])
    assert result.exit_code == 0, result.output
    after = events.read_bytes().decode("utf-8")
    assert after.startswith(original) and "\n" not in after.replace("\r\n", "")
    assert yaml.safe_load(after)["events"][-1]["id"] == "talks-in-moscow"


def test_new_adds_to_events_when_sources_come_after_them(tmp_path):
    data = yaml.safe_load((REPO / "events.yaml").read_text(encoding="utf-8"))
    text = yaml.safe_dump({"events": data["events"], "sources": data["sources"]}, sort_keys=False)
    events = _project(tmp_path, text)
    result = CliRunner().invoke(main, ["new", str(events), *ARGS])
    assert result.exit_code == 0, result.output
    after = yaml.safe_load(events.read_text(encoding="utf-8"))
    assert [e["id"] for e in after["events"]][-1] == "talks-in-moscow"
    assert after["sources"] == data["sources"]


def test_new_falls_back_to_a_round_trip_for_a_flow_style_list(tmp_path):
    data = yaml.safe_load((REPO / "events.yaml").read_text(encoding="utf-8"))
    text = yaml.safe_dump({"sources": data["sources"]}, sort_keys=False) + "events: []\n"
    events = _project(tmp_path, text)
    result = CliRunner().invoke(main, ["new", str(events), *ARGS])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(events.read_text(encoding="utf-8"))["events"][0]["id"] == (
        "talks-in-moscow"
    )

"""`build_timeline.py import`: TimelineJS sheets and JSON, and plain CSV, layout kept."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import DATA
from hypothesis import given
from hypothesis import strategies as st

from eventatlas.cli import main
from eventatlas.data.dates import FIRST_YEAR, LAST_YEAR, parse_event_date
from eventatlas.data.importer import ImportRow, _date_text
from eventatlas.data.load import load_events
from eventatlas.pipeline import prepare
from eventatlas.site.exports import export_texts
from eventatlas.site.version import SiteInfo, data_version

IMPORTS = DATA / "import"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copy(DATA / "valid.yaml", tmp_path / "events.yaml")
    shutil.copy(DATA / "places.yaml", tmp_path / "places.yaml")
    return tmp_path


def _import(project: Path, file: Path, *args: str):
    return CliRunner().invoke(
        main,
        ["import", str(file), "--into", str(project / "events.yaml"), "--added", "2026-01-02"]
        + list(args),
    )


def test_a_timelinejs_sheet_is_appended_with_comments_and_layout_kept(project):
    before = (project / "events.yaml").read_text(encoding="utf-8")
    result = _import(project, IMPORTS / "timelinejs-template.csv")
    assert result.exit_code == 0, result.output
    after = (project / "events.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.split("events:")[0].rstrip())  # header comment and sources kept
    assert "# A small valid events file for tests." in after
    dataset = load_events(project / "events.yaml")
    imported = {e.title: e for e in dataset.events if e.citation_needed}
    assert set(imported) == {
        "Ministers meet in Wonsan",
        "A month-long exercise",
        "A year-long programme",
    }
    wonsan = imported["Ministers meet in Wonsan"]
    assert (wonsan.date.text, wonsan.place, wonsan.lane) == ("2025-07-12", "Wonsan", "diplomacy")
    assert wonsan.summary == "The two ministers met, the agency said & shook hands."
    assert imported["A month-long exercise"].date.text == "2025-08/2025-09"
    assert imported["A year-long programme"].date.text == "2024"
    assert wonsan.added == "2026-01-02"
    source = dataset.source(wonsan.citations[0].source)
    assert source.title == "A newsroom timeline" and source.archived_as == "timelinejs-template.csv"
    # nothing dropped silently: the era and the columns eventatlas cannot hold are named
    assert "an era is not an event" in result.output
    for column in ("Time", "Media", "Media Credit", "Media Caption", "Display Date"):
        assert f"column '{column}' is not imported" in result.output


def test_check_names_every_imported_event_that_needs_a_citation(project):
    assert _import(project, IMPORTS / "timelinejs-template.csv").exit_code == 0
    result = CliRunner().invoke(main, ["check", str(project / "events.yaml")])
    assert result.exit_code == 0
    flagged = re.findall(r"event '([a-z0-9-]+)': warning: field 'citation_needed'", result.output)
    assert sorted(flagged) == [
        "a-month-long-exercise",
        "a-year-long-programme",
        "ministers-meet-in-wonsan",
    ]


def test_a_sheet_with_bad_rows_is_refused_whole_with_each_row_reported(project):
    before = (project / "events.yaml").read_bytes()
    result = _import(project, IMPORTS / "timelinejs-errors.csv")
    assert result.exit_code == 1
    assert (project / "events.yaml").read_bytes() == before
    lines = [line for line in result.output.splitlines() if ": row '" in line]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6"]
    assert "Year: is empty" in lines[0] and "no such month" in lines[1]
    assert "place: is missing" in lines[2] and "Atlantis-under-the-sea" in lines[3]
    assert all(
        line.startswith("tests/data/import/timelinejs-errors.csv:") or "errors.csv:" in line
        for line in lines
    )
    assert "Traceback" not in result.output


def test_keep_going_imports_the_valid_rows_and_reports_the_rest(project):
    result = _import(project, IMPORTS / "timelinejs-errors.csv", "--keep-going")
    assert result.exit_code == 0, result.output
    assert "imported 1 event(s)" in result.output
    assert len(re.findall(r"errors\.csv:\d+: row '", result.output)) == 4
    titles = [e.title for e in load_events(project / "events.yaml").events]
    assert "A valid row" in titles and "A row with month 13" not in titles


def test_a_plain_csv_with_our_fields_reports_errors_by_row(project):
    before = (project / "events.yaml").read_bytes()
    result = _import(project, IMPORTS / "plain.csv")
    assert result.exit_code == 1 and (project / "events.yaml").read_bytes() == before
    assert re.search(r"plain\.csv:3: row 'A bad status': field 'status'", result.output)
    assert re.search(
        r"plain\.csv:4: row 'An unknown source': .*'paper-z' is not a source id", result.output
    )
    result = _import(project, IMPORTS / "plain.csv", "--keep-going")
    assert result.exit_code == 0, result.output
    events = {e.id: e for e in load_events(project / "events.yaml").events}
    talks = events["talks-in-beijing"]
    assert talks.actors == ["Kim Jong Un", "Xi Jinping"] and talks.tags == ["diplomacy", "summit"]
    assert talks.citations[0].source == "paper-a" and not talks.citation_needed
    assert events["formula"].title == "=SUM(A1)"  # the export's formula guard is taken off again


def _sources_only(tmp_path: Path, repo: Path) -> Path:
    """The default atlas's sources with no events: the file the exports are imported into."""
    text = (repo / "events.yaml").read_text(encoding="utf-8")
    (tmp_path / "events.yaml").write_text(text.split("\nevents:")[0] + "\nevents: []\n", "utf-8")
    shutil.copy(repo / "places.yaml", tmp_path / "places.yaml")
    return tmp_path / "events.yaml"


@pytest.mark.parametrize("export", ["timeline.json", "events.csv"])
def test_our_own_exports_import_back(tmp_path, export, repo):
    prepared = prepare(repo / "events.yaml", repo / "places.yaml", write_cache=False)
    files = export_texts(
        prepared.dataset,
        prepared.places,
        SiteInfo("Atlas"),
        data_version(prepared.dataset, prepared.places),
    )
    exported = tmp_path / export
    exported.write_text(files[f"data/{export}"], encoding="utf-8")
    target = _sources_only(tmp_path, repo)
    result = CliRunner().invoke(main, ["import", str(exported), "--into", str(target)])
    assert result.exit_code == 0, result.output
    back = {e.title: e for e in load_events(target).events}
    for event in prepared.dataset.events:
        again = back[event.title]
        assert again.date.text == event.date.text
        assert again.place == event.place and again.lane == event.lane
        assert again.citation_needed
    assert len(back) == len(prepared.dataset.events)


def test_a_timelinejs_json_file_imports(project, tmp_path):
    timeline = tmp_path / "timeline.json"
    timeline.write_text(
        '{"title": {"text": {"headline": "Desk timeline"}}, "events": ['
        '{"start_date": {"year": 2025, "month": 7, "day": 12}, "text": {"headline": "Met",'
        ' "text": "<p>They met.</p>"}, "group": "diplomacy", "unique_id": "met-in-wonsan"},'
        '{"start_date": {"year": "20x5"}, "text": {"headline": "Broken"}}]}',
        encoding="utf-8",
    )
    result = _import(project, timeline, "--place", "Wonsan")
    assert result.exit_code == 1 and "timeline.json:2: row 'Broken': Year: '20x5'" in result.output
    result = _import(project, timeline, "--place", "Wonsan", "--keep-going")
    assert result.exit_code == 0, result.output
    met = next(e for e in load_events(project / "events.yaml").events if e.id == "met-in-wonsan")
    assert (met.place, met.summary) == ("Wonsan", "They met.")


def test_imported_text_with_yaml_and_html_stays_text(project, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Year,Month,Day,Headline,Text,Group,Place\n"
        '2025,7,12,"key: value # not a comment",'
        '"<script>alert(1)</script>{a: b}",diplomacy,Wonsan\n',
        encoding="utf-8",
    )
    assert _import(project, sheet).exit_code == 0
    data = yaml.safe_load((project / "events.yaml").read_text(encoding="utf-8"))
    event = data["events"][-1]
    assert event["title"] == "key: value # not a comment"
    assert "<script>" not in event["summary"] and "{a: b}" in event["summary"]


@pytest.mark.parametrize("year", ["1", "999", "3000", "9999"])
def test_a_sheet_year_the_atlas_cannot_draw_is_a_row_problem(year):
    row = ImportRow(2, "row")
    assert _date_text(year, "", "", "", row) == ""
    assert row.problems == [f"Year: '{year}' is not a year from 1000 to 2999"]


@given(
    st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR),
    st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
    st.integers(min_value=1, max_value=28),
)
def test_any_sheet_date_becomes_a_date_eventatlas_reads(year, month, day):
    row = ImportRow(2, "row")
    text = _date_text(str(year), str(month or ""), str(day) if month else "", "", row)
    parsed = parse_event_date(text)
    assert parsed.start.year == year and not row.problems
    assert parsed.precision == ("day" if month else "year")

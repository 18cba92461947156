"""End to end: `mkdocs build --strict` of the default site, and what a build must never do."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import runpy
import subprocess
from datetime import date, datetime, time, timezone
from pathlib import Path

import plotly.offline
import pytest
import yaml
from click.testing import CliRunner
from conftest import copy_project, run_mkdocs

from eventatlas.cli import main
from eventatlas.data.load import load_events

pytestmark = pytest.mark.slow


def _events(repo: Path) -> list[dict]:
    return yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))["events"]


def test_every_page_is_built(built_site, repo):
    for event in _events(repo):
        assert (built_site / "events" / event["id"] / "index.html").exists(), event["id"]
    for page in [
        "index.html",
        "sources/index.html",
        "about/index.html",
        "data/events.json",
        "data/events.csv",
        "data/events.geojson",
    ]:
        assert (built_site / page).exists(), page


def test_plotly_js_is_served_once_from_the_site(built_site, repo):
    vendored = repo / "eventatlas/site/assets/plotly-geo.min.js"
    assert filecmp.cmp(built_site / "assets/eventatlas/plotly-geo.min.js", vendored, shallow=False)
    assert not (built_site / "assets/eventatlas/plotly.min.js").exists()
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Plotly.newPlot" not in html  # never inlined per page
        assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", html), page
        assert "fonts.googleapis" not in html and "cdn.plot.ly" not in html


def test_map_geography_is_served_from_the_site(built_site):
    for scale in ("110m", "50m"):
        script = (built_site / f"assets/eventatlas/world_{scale}.js").read_text(encoding="utf-8")
        assert f"PlotlyGeoAssets.topojson.world_{scale}" in script


def test_vendored_plotly_is_the_version_the_python_package_ships_with_its_checksums(repo):
    assets = repo / "eventatlas/site/assets"
    manifest = json.loads((assets / "VENDOR.json").read_text(encoding="utf-8"))
    version = plotly.offline.get_plotlyjs_version()
    assert manifest["plotly.js"] == version, "run scripts/vendor-plotly after upgrading plotly"
    head = (assets / "plotly-geo.min.js").read_bytes()[:200].decode()
    assert f"plotly.js (geo - minified) v{version}" in head
    for name, entry in manifest["files"].items():
        digest = hashlib.sha256((assets / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], name
        assert entry["origin"].startswith("npm ") and entry["licence"]
        assert name in (assets / "ATTRIBUTION.md").read_text(encoding="utf-8")


def test_plotly_css_is_the_vendored_bundles_own_style_rules(repo):
    style_sheet = runpy.run_path(str(repo / "scripts/vendor-plotly"))["style_sheet"]
    assets = repo / "eventatlas/site/assets"
    version = plotly.offline.get_plotlyjs_version()
    rules = style_sheet((assets / "plotly-geo.min.js").read_bytes(), version)
    assert rules == (assets / "plotly.css").read_bytes()
    assert style_sheet(b"var x={};", version) is None  # a bundle of another shape


def test_pages_without_a_figure_load_no_plotly_and_no_geography(built_site):
    about = (built_site / "about/index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["'][^"']*(plotly|world_|/atlas\.js)""", about)
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "plotly-geo.min.js" in home and "world_110m.js" in home


def test_event_page_shows_citations_and_disputes(built_site, repo):
    event = next(e for e in _events(repo) if e["id"] == "lavrov-meets-kim-jong-un")
    html = (built_site / "events" / event["id"] / "index.html").read_text(encoding="utf-8")
    assert event["citations"][0]["quote"].split(",")[0] in html
    assert "Where the sources disagree" in html
    for version in event["disputes"][0]["versions"]:
        assert version["claim"].split(":")[0].split("(")[0].strip() in html


def test_sources_page_lists_every_source_and_no_invented_url(built_site, repo):
    data = yaml.safe_load((repo / "events.yaml").read_text(encoding="utf-8"))
    html = (built_site / "sources/index.html").read_text(encoding="utf-8")
    for source in data["sources"]:
        assert f'id="{source["id"]}"' in html
        assert "url" not in source  # none of the five articles states an address
    assert "none given in the source" in html


def test_exports_hold_every_event(built_site, repo):
    exported = json.loads((built_site / "data/events.json").read_text(encoding="utf-8"))
    assert len(exported["events"]) == len(_events(repo))
    geojson = json.loads((built_site / "data/events.geojson").read_text(encoding="utf-8"))
    assert len(geojson["features"]) == len(_events(repo))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_in_different_folders_are_byte_identical(built_site, tmp_path):
    other = copy_project(tmp_path / "elsewhere" / "project")
    # another process with another string-hash seed: set or dict order must not leak into bytes
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    result = run_mkdocs(other, env={"PYTHONHASHSEED": seed})
    assert result.returncode == 0, result.stderr
    assert _tree_digest(other / "site") == _tree_digest(built_site)


def test_source_date_epoch_is_honoured(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_mkdocs(project, env={"SOURCE_DATE_EPOCH": "1700000000"}).returncode == 0
    gzip_header = (project / "site/sitemap.xml.gz").read_bytes()[:8]
    assert (
        int.from_bytes(gzip_header[4:8], "little") == 1699920000
    )  # the build day, at midnight UTC


def _sitemap_day(site: Path) -> int:
    return int.from_bytes((site / "sitemap.xml.gz").read_bytes()[4:8], "little")


_real_popen = subprocess.Popen


def _no_mkdocs_process(command, *args, **kwargs):
    # (ctypes may run ldconfig to find libc for the atomic folder swap; that is not the build)
    assert "mkdocs" not in " ".join(map(str, command)), f"the build started a process: {command}"
    return _real_popen(command, *args, **kwargs)


def test_build_runs_in_process_and_dates_each_build_by_its_data(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    monkeypatch.chdir(project)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(subprocess, "Popen", _no_mkdocs_process)
    first = CliRunner().invoke(main, ["build"])
    assert first.exit_code == 0, first.output
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set for the build only, not for the process
    latest = max(e.date.end for e in load_events(project / "events.yaml").events)
    assert _sitemap_day(project / "site") == _midnight(latest)
    events = project / "events.yaml"
    later = events.read_text(encoding="utf-8").replace('date: "2024-06-19"', 'date: "2030-01-02"')
    events.write_text(later, encoding="utf-8")
    second = CliRunner().invoke(main, ["build"])
    assert second.exit_code == 0, second.output
    assert _sitemap_day(project / "site") == _midnight(date(2030, 1, 2))
    assert "SOURCE_DATE_EPOCH" not in os.environ


def _midnight(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=timezone.utc).timestamp())


def test_a_build_uses_new_places_names_the_command_that_saves_them_and_writes_no_data(tmp_path):
    project = copy_project(tmp_path / "p")
    events = project / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace('place: "Beijing"', 'place: "Vladivostok"', 1),
        encoding="utf-8",
    )
    before = (project / "places.yaml").read_bytes()
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stderr
    assert "placed 'Vladivostok' with the offline gazetteer" in result.stderr
    assert "build_timeline.py geocode" in result.stderr
    assert (project / "places.yaml").read_bytes() == before


def test_bad_data_fails_cleanly_and_keeps_the_last_good_site(tmp_path, repo):
    project = copy_project(tmp_path / "p")
    assert run_mkdocs(project).returncode == 0
    before = _tree_digest(project / "site")
    places_before = (project / "places.yaml").read_bytes()
    events = project / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace('date: "2024-06-19"', 'date: "2024-06-31"', 1),
        encoding="utf-8",
    )
    result = run_mkdocs(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(
        r"events\.yaml:\d+: event '[a-z0-9-]+': field 'date': '2024-06-31' is not a real date",
        result.stderr,
    )
    assert _tree_digest(project / "site") == before
    assert (project / "places.yaml").read_bytes() == places_before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_an_unknown_directive_name_fails_naming_page_and_line(tmp_path):
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "story.md"
    page.write_text(
        "# Story\n\nText.\n\n```eventatlas\ntags: [no-such-tag]\n```\n", encoding="utf-8"
    )
    result = run_mkdocs(project)
    assert result.returncode == 1
    assert "story.md:5" in result.stderr and "no-such-tag" in result.stderr
    assert "Traceback" not in result.stderr

"""TimelineJS3 itself (the npm package, served from this machine) loads our timeline.json.

The page is served on 127.0.0.1 with TimelineJS's own files; every request elsewhere is
recorded and refused, so the test also shows the export asks for nothing outside.
"""

from __future__ import annotations

import json
import os
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import REPO, serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMELINEJS = REPO / ".tools/node_modules/@knight-lab/timelinejs/dist"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS reads eventatlas</title>
<link rel="stylesheet" href="tl/css/timeline.css">
<script src="tl/js/timeline.js" id="timeline-script-tag"></script></head>
<body><div id="timeline" style="width: 1000px; height: 640px"></div>
<script>
window.timelineLoaded = false;
window.timeline = new TL.Timeline("timeline", "data/timeline.json", {
  script_path: new URL("tl/js/", window.location.href).href,
  font: "georgia-helvetica", language: "en", hash_bookmark: false
});
window.timeline.on("loaded", function () { window.timelineLoaded = true; });
</script></body></html>
"""


@pytest.fixture(scope="module")
def timelinejs_site(built_site, tmp_path_factory):
    if not (TIMELINEJS / "js/timeline.js").exists():
        if os.environ.get("EVENTATLAS_REQUIRE_TOOLS"):
            pytest.fail(
                "TimelineJS is required (EVENTATLAS_REQUIRE_TOOLS is set); run `make tools`"
            )
        pytest.skip("TimelineJS is not installed: run `make tools` (needs npm)")
    folder = tmp_path_factory.mktemp("timelinejs")
    shutil.copytree(TIMELINEJS, folder / "tl")
    (folder / "data").mkdir()
    shutil.copy(built_site / "data/timeline.json", folder / "data/timeline.json")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    server = serve_directory(folder)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_timelinejs_shows_every_event_of_our_export(timelinejs_site, built_site, watched_page):
    page = watched_page.page
    refused: list[str] = []

    def only_this_machine(route):
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_machine)
    page.goto(timelinejs_site)
    page.wait_for_function("window.timelineLoaded === true", timeout=30_000)
    exported = json.loads((built_site / "data/timeline.json").read_text(encoding="utf-8"))
    ids = [slide["unique_id"] for slide in exported["events"]]
    shown = page.evaluate("ids => ids.filter(id => document.getElementById(id) !== null)", ids)
    assert shown == ids
    headlines = page.locator(".tl-slide .tl-headline").all_text_contents()
    for slide in exported["events"]:
        assert any(unescape(slide["text"]["headline"]) in h for h in headlines), slide["unique_id"]
    page.keyboard.press("ArrowRight")  # to the first event: its quote, credited to its source
    first = exported["events"][0]
    credit = page.locator(f"[id='{first['unique_id']}'] .tl-credit")
    credit.wait_for()
    assert credit.inner_text() == unescape(first["media"]["credit"])
    markers = page.locator(".tl-timemarker").count()
    assert markers == len(ids)
    assert refused == [] and watched_page.outside_requests() == []
    assert not [e for e in watched_page.errors if "favicon" not in e]


def test_timelinejs_export_dates_keep_their_precision(built_site):
    exported = json.loads((built_site / "data/timeline.json").read_text(encoding="utf-8"))
    for slide in exported["events"]:
        assert slide["display_date"] and slide["group"]
        assert set(slide["start_date"]) <= {"year", "month", "day"}
    assert Path(built_site / "data/timeline.json").stat().st_size > 0

"""`make serve` rebuilds only what an edit changes: generated pages carry a digest of their
inputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, copy_project, synthetic_events
from test_serve import _free_port, _page, _wait_for

from eventatlas.pipeline import prepare
from eventatlas.site.site_files import site_files


def _page_inputs(tmp_path: Path, data: dict) -> dict[str, str]:
    events = tmp_path / "events.yaml"
    events.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    prepared = prepare(events, REPO / "places.yaml", write_cache=False)
    files = site_files(prepared.dataset, prepared.places)
    return {path: f.page.inputs() for path, f in files.items() if f.page}


def test_one_edited_event_changes_only_the_pages_that_show_it(tmp_path):
    data = synthetic_events(200)
    before = _page_inputs(tmp_path, data)
    data["events"][7]["title"] = "An edited title"
    after = _page_inputs(tmp_path, data)
    changed = {path for path in before if before[path] != after[path]}
    assert "events/event-00007.md" in changed and "sources.md" in changed
    assert len(changed) <= 21 + 1  # the event and its neighbours on either side, and the sources
    assert before["find.md"] == after["find.md"]


@pytest.mark.slow
def test_dirty_serve_shows_an_edit_and_keeps_strict_for_real_warnings(tmp_path):
    project = copy_project(tmp_path / "p")
    port = _free_port()
    log_path = tmp_path / "serve.log"
    command = [sys.executable, str(REPO / "build_timeline.py"), "serve", "--dirty"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [*command, "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: the CLI's mkdocs child is stopped too
        )
        url = f"http://127.0.0.1:{port}/events/lavrov-meets-kim-jong-un/"
        events = project / "events.yaml"
        original = events.read_text(encoding="utf-8")
        try:
            assert _wait_for(lambda: "Lavrov meets Kim Jong Un" in _page(url)), log_path.read_text()
            events.write_text(
                original.replace('"Lavrov meets Kim Jong Un"', '"Lavrov sees Kim Jong Un"', 1),
                encoding="utf-8",
            )
            assert _wait_for(lambda: "Lavrov sees Kim Jong Un" in _page(url)), log_path.read_text()
            home = _page(f"http://127.0.0.1:{port}/")
            assert "Lavrov sees Kim Jong Un" in home  # hand-written pages show the data too
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    text = log_path.read_text()
    assert "Aborted" not in text and "Traceback" not in text

"""A run killed at any moment leaves the old site and cache or the new ones, never a broken mix."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_project, run_mkdocs

pytestmark = pytest.mark.slow
KILL_POINTS = 10

NEW_EVENT = """
  - id: a-new-event-in-vladivostok
    title: "A new event in Vladivostok"
    date: "2025-08-01"
    place: "Vladivostok"
    tags: [diplomacy]
    summary: "Added to make the new site differ from the old one."
    citations:
      - source: metrotv-2025-07-13
        quote: "Kalimat."
        translation: "Sentence."
"""


def digest(folder: Path) -> str:
    """One hash over every file's path and bytes (a missing folder hashes as 'missing')."""
    if not folder.exists():
        return "missing"
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _with_new_event(project: Path) -> None:
    events = project / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8") + NEW_EVENT, encoding="utf-8")


def _killed_after(delay: float, command: list[str], cwd: Path) -> None:
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_killed_builds_leave_old_or_new_site_and_never_touch_places(tmp_path):
    old = copy_project(tmp_path / "old")
    assert run_mkdocs(old).returncode == 0
    cache = (old / "places.yaml").read_bytes()
    new = copy_project(tmp_path / "new")
    _with_new_event(new)  # Vladivostok: a place the build finds in the gazetteer, not places.yaml
    started = time.perf_counter()
    assert run_mkdocs(new).returncode == 0
    duration = time.perf_counter() - started
    sites = {digest(old / "site"), digest(new / "site")}
    assert len(sites) == 2
    assert (new / "places.yaml").read_bytes() == cache  # a build only reads its inputs

    seen = []
    for point in range(KILL_POINTS):
        work = tmp_path / f"kill{point}"
        shutil.copytree(old, work)
        _with_new_event(work)
        delay = duration * (0.15 + 0.95 * point / KILL_POINTS)
        _killed_after(delay, [sys.executable, "-m", "mkdocs", "build", "--strict"], work)
        site = digest(work / "site")
        assert site in sites, f"killed after {delay:.2f}s: the site is neither old nor new"
        assert (work / "places.yaml").read_bytes() == cache
        seen.append("new" if site == digest(new / "site") else "old")
        assert run_mkdocs(work).returncode == 0  # the next build recovers and tidies up
        assert digest(work / "site") == digest(new / "site")
        assert (work / "places.yaml").read_bytes() == cache
        assert not list(work.glob(".site.*"))
    print("kill points (site):", seen)


def test_killed_geocode_leaves_old_or_new_places(tmp_path, repo):
    project = copy_project(tmp_path / "p")
    _with_new_event(project)
    old = (project / "places.yaml").read_bytes()
    done = shutil.copytree(project, tmp_path / "done")
    command = [sys.executable, str(repo / "build_timeline.py"), "geocode", "events.yaml"]
    started = time.perf_counter()
    assert subprocess.run(command, cwd=done, capture_output=True).returncode == 0
    duration = time.perf_counter() - started
    new = (done / "places.yaml").read_bytes()
    assert new != old and b"Vladivostok" in new
    seen = []
    for point in range(KILL_POINTS):
        work = shutil.copytree(project, tmp_path / f"kill{point}")
        delay = duration * (0.15 + 0.95 * point / KILL_POINTS)
        _killed_after(delay, command, work)
        cache = (work / "places.yaml").read_bytes()
        assert cache in (old, new), f"killed after {delay:.2f}s: places.yaml is neither"
        seen.append("new" if cache == new else "old")
    print("kill points (places.yaml):", seen)

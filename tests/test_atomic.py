"""A build killed at any moment leaves the old site and cache or the new ones, never a broken mix."""

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


def test_killed_builds_leave_old_or_new_never_a_mix(tmp_path):
    old = copy_project(tmp_path / "old")
    assert run_mkdocs(old).returncode == 0
    new = copy_project(tmp_path / "new")
    _with_new_event(new)
    started = time.perf_counter()
    assert run_mkdocs(new).returncode == 0
    duration = time.perf_counter() - started
    states = {
        "site": {digest(old / "site"), digest(new / "site")},
        "cache": {(old / "places.yaml").read_bytes(), (new / "places.yaml").read_bytes()},
    }
    assert len(states["site"]) == 2 and len(states["cache"]) == 2

    seen = []
    for point in range(KILL_POINTS):
        work = tmp_path / f"kill{point}"
        shutil.copytree(old, work)
        _with_new_event(work)
        delay = duration * (0.15 + 0.95 * point / KILL_POINTS)
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict"],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        site, cache = digest(work / "site"), (work / "places.yaml").read_bytes()
        assert site in states["site"], (
            f"killed after {delay:.2f}s: the site is neither the old nor the new one"
        )
        assert cache in states["cache"], (
            f"killed after {delay:.2f}s: places.yaml is neither the old nor the new one"
        )
        seen.append(
            (
                "new" if site == digest(new / "site") else "old",
                "new" if cache == (new / "places.yaml").read_bytes() else "old",
            )
        )
        # a site newer than its cache is fine (the next build saves the cache); a cache newer than the site is not
        assert seen[-1] != ("old", "new")
        assert run_mkdocs(work).returncode == 0  # the next build recovers and tidies up
        assert digest(work / "site") == digest(new / "site")
        assert not list(work.glob(".site.*"))
    print("kill points (site, cache):", seen)

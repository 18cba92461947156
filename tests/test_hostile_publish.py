"""Publishing: overlapping builds, killed builds' leftovers, a symlinked site, a full disk and
symlinked data files never publish a broken site, lose data or end in a traceback."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_project
from hostile import BUDGET, REPO, an_event, assert_clean_refusal, digest, mkdocs, run

from eventatlas.errors import WriteError
from eventatlas.writefile import acquire_build_lock, remove_abandoned_builds, write_text_atomically

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, set[str]]:
    """A project built once, and the set of files a complete site holds."""
    project = copy_project(tmp_path_factory.mktemp("built") / "p")
    assert mkdocs(project).returncode == 0
    return project, _files(project / "site")


def _files(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}


def _start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


class SiteWatch(threading.Thread):
    """Polls site/ while builds run, recording every moment it was not a complete site."""

    def __init__(self, site: Path, complete: set[str]):
        super().__init__(daemon=True)
        self.site, self.complete, self.broken, self.polls = site, complete, [], 0
        self.running = True

    def run(self) -> None:
        while self.running:
            seen = _files(self.site) if self.site.exists() else set()
            if not self.complete <= seen:
                self.broken.append(len(seen))
            self.polls += 1
            time.sleep(0.02)


@pytest.mark.parametrize("offset", [0.0, 0.4, 1.5])
def test_overlapping_builds_always_leave_a_complete_site(built, offset):
    project, complete = built
    watch = SiteWatch(project / "site", complete)
    watch.start()
    first = _start_build(project)
    time.sleep(offset)
    second = _start_build(project)
    outputs = [build.communicate(timeout=BUDGET * 3) for build in (first, second)]
    watch.running = False
    watch.join()
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert watch.polls > 10 and watch.broken == [], watch.broken
    assert complete <= _files(project / "site")
    assert not list(project.glob(".site.building.*"))


def test_a_second_build_waits_for_the_lock_and_then_publishes(built):
    project, complete = built
    lock = acquire_build_lock(project)
    try:
        build = _start_build(project)
        time.sleep(3)
        assert build.poll() is None  # waiting, not building over the other one
    finally:
        lock.release()
    _, err = build.communicate(timeout=BUDGET * 3)
    assert build.returncode == 0 and "waiting for another build" in err, err
    assert complete <= _files(project / "site")


def test_a_lock_held_too_long_is_a_clear_error(tmp_path):
    lock = acquire_build_lock(tmp_path)
    try:
        with pytest.raises(WriteError, match="another build of this project"):
            acquire_build_lock(tmp_path, wait=0.2)
    finally:
        lock.release()


def test_only_leftovers_of_ended_processes_are_removed(tmp_path):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()
    dead = tmp_path / f".site.building.{ended}.abc"
    alive = tmp_path / f".site.building.{os.getppid()}.def"  # our parent: surely running
    fresh_unknown = tmp_path / ".site.building.xyz"  # an older naming: kept while recent
    for folder in (dead, alive, fresh_unknown):
        folder.mkdir()
    remove_abandoned_builds(tmp_path / "site")
    assert not dead.exists() and alive.exists() and fresh_unknown.exists()


def test_a_symlinked_site_is_published_through_the_link(tmp_path):
    project = copy_project(tmp_path / "p")
    deploy = tmp_path / "deploy" / "www"
    deploy.mkdir(parents=True)
    (deploy / "stale.html").write_text("old")
    (project / "site").symlink_to(deploy)
    for _ in range(2):
        result = mkdocs(project)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (project / "site").is_symlink() and (deploy / "index.html").exists()
    assert not (deploy / "stale.html").exists()
    assert not list(deploy.parent.glob(".www.building.*"))


def _small_files(limit: int):
    def apply() -> None:  # writes beyond `limit` bytes fail with EFBIG, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_keeps_the_old_site_and_says_so(tmp_path):
    project = copy_project(tmp_path / "p")
    assert mkdocs(project).returncode == 0
    before = digest(project / "site")
    result = mkdocs(project, preexec_fn=_small_files(200_000))
    assert_clean_refusal(result, "cannot write", "the previous site is kept")
    assert digest(project / "site") == before
    assert not list(project.glob(".site.building.*"))


@pytest.mark.parametrize("command", ["new", "geocode"])
def test_a_full_disk_keeps_the_data_files_and_says_so(tmp_path, command):
    project = copy_project(tmp_path / "p")
    events = project / "events.yaml"
    if command == "geocode":  # a place the gazetteer finds, so places.yaml must be written
        events.write_text(events.read_text().replace('"Wonsan"', '"Vladivostok"', 1))
    files = {path: path.read_bytes() for path in (events, project / "places.yaml")}
    args = ["new", str(events), *NEW_EVENT] if command == "new" else ["geocode", str(events)]
    result = run(args, project, preexec_fn=_small_files(1_000))
    assert_clean_refusal(result, "cannot write")
    assert {path: path.read_bytes() for path in files} == files


NEW_EVENT = [
    "--title", "A new event", "--date", "2025-08-01", "--place", "Wonsan", "--tag", "diplomacy",
    "--summary", "S.", "--source", "metrotv-2025-07-13", "--quote", "Q.", "--translation", "T.",
]  # fmt: skip


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600])
def test_new_and_geocode_write_through_symlinks_and_keep_the_mode(tmp_path, mode):
    real = tmp_path / "data"
    project = copy_project(tmp_path / "p")
    real.mkdir()
    for name in ("events.yaml", "places.yaml"):
        (project / name).rename(real / name)
        (project / name).symlink_to(real / name)
        os.chmod(real / name, mode)
    events = project / "events.yaml"
    real_events = real / "events.yaml"
    real_events.write_text(real_events.read_text().replace('"Wonsan"', '"Vladivostok"', 1))
    assert run(["new", str(events), *NEW_EVENT], project).returncode == 0
    assert run(["geocode", str(events)], project).returncode == 0
    for name in ("events.yaml", "places.yaml"):
        assert (project / name).is_symlink(), name
        assert stat.S_IMODE((real / name).stat().st_mode) == mode, name
    assert "a-new-event" in real_events.read_text()
    assert "Vladivostok" in (real / "places.yaml").read_text()


def test_a_new_file_gets_the_usual_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "fresh.yaml", "a: 1\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "fresh.yaml").stat().st_mode) == 0o644


def test_a_strict_warning_publishes_nothing(tmp_path):
    project = copy_project(tmp_path / "p")
    assert mkdocs(project).returncode == 0
    before = digest(project / "site")
    (project / "docs" / "about.md").write_text("# About\n\n[broken](no-such-page.md)\n")
    result = mkdocs(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert digest(project / "site") == before


def test_a_refused_event_leaves_data_and_site_untouched(tmp_path):
    from hostile import write_events

    project = copy_project(tmp_path / "p")
    assert mkdocs(project).returncode == 0
    before = digest(project / "site"), (project / "places.yaml").read_bytes()
    write_events(project / "events.yaml", [an_event(id="index")])
    result = mkdocs(project)
    assert result.returncode == 1 and "reserved" in result.stderr
    assert (digest(project / "site"), (project / "places.yaml").read_bytes()) == before
    assert REPO.exists()


def test_a_serve_rebuild_waits_while_a_build_holds_the_lock(tmp_path):
    from test_serve import _free_port, _page, _wait_for

    project = copy_project(tmp_path / "p")
    port, log_path = _free_port(), tmp_path / "serve.log"
    log = open(log_path, "w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    url, events = f"http://127.0.0.1:{port}/sources/", project / "events.yaml"
    try:
        assert _wait_for(lambda: "Kompas TV" in _page(url), 120), log_path.read_text()
        lock = acquire_build_lock(project)  # as a `build` running at the same time would
        try:
            events.write_text(events.read_text().replace("Kompas TV", "Kompas TV (edited)"))
            assert _wait_for(lambda: "waiting for another build" in log_path.read_text(), 60)
            assert "Kompas TV (edited)" not in _page(url)
        finally:
            lock.release()
        assert _wait_for(lambda: "Kompas TV (edited)" in _page(url), 120)
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    assert "Traceback" not in log_path.read_text()

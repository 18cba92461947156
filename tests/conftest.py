"""Shared fixtures: the repository, small data files, a built site, a local server, a browser."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings

from tools import synthetic

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = os.environ.get("EVENTATLAS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Timings are never test assertions: hypothesis' per-example deadline (200 ms) is one, and it
# failed a property test once on a loaded machine (537 ms), so it is off for every property test.
settings.register_profile("eventatlas", deadline=None)
settings.load_profile("eventatlas")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def copy_project(target: Path, events: Path | None = None, places: Path | None = None) -> Path:
    """A throwaway copy of the site project (mkdocs.yml, docs/, data files) to build in."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "docs", target / "docs")
    shutil.copy(events or REPO / "events.yaml", target / "events.yaml")
    shutil.copy(places or REPO / "places.yaml", target / "places.yaml")
    return target


def run_mkdocs(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The default site, built once per test session with --strict into a temporary folder."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    result = run_mkdocs(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_directory(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built default site served on 127.0.0.1; yields its base URL."""
    server = serve_directory(built_site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; never a browser Playwright downloads itself."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("EVENTATLAS_REQUIRE_BROWSER"):
            pytest.fail(
                f"chromium is required (EVENTATLAS_REQUIRE_BROWSER is set) but {CHROMIUM} is "
                "missing"
            )
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class PageWatch:
    """A page with every request and every page error recorded."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
        ]


@pytest.fixture
def watched_page(browser):
    """A fresh desktop-sized page; use .page, .requests, .errors, .outside_requests()."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield PageWatch(context.new_page())
    context.close()


synthetic_events = synthetic.synthetic_events  # one generator for tests and `make bench`


@pytest.fixture(scope="module")
def warm_context(browser):
    """One desktop-sized browser context for a whole test module."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="module")
def _warm_watch(warm_context):
    return PageWatch(warm_context.new_page())


@pytest.fixture
def warm_page(_warm_watch):
    """The module's one page, watched like `watched_page`, with its records cleared for each test.

    A new page costs Chromium about two seconds to compile plotly.js again; navigating an open
    page does not, which keeps the browser tests fast.
    """
    _warm_watch.requests.clear()
    _warm_watch.errors.clear()
    _warm_watch.page.set_viewport_size({"width": 1280, "height": 900})
    return _warm_watch

"""`make bench`: synthetic atlases of 100, 1,000 and 10,000 events (100,000 with --huge), every
stage timed, each figure printed beside a floor built in the same run and the ratio to it, and
the worst-case inputs found for each bounded stage, at their limits (`--worst-only`: just those).

The table is built from MEASUREMENTS, a list of functions that each take a `Run` (one size: the
atlas project, its bare mkdocs-material floor, the built sites) and return `Figure`s; a new
figure is one more function in the list. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from eventatlas.data.load import load_events
from eventatlas.data.schema import EVENT_LIMIT, SUMMARY_LIMIT
from eventatlas.geocode import Gazetteer
from eventatlas.pipeline import prepare
from eventatlas.site.pages import render_summary
from eventatlas.site.site_files import site_files
from eventatlas.site.views import find_view_blocks
from tools import measure_browser
from tools.synthetic import REPO, make_floor_project, make_project, synthetic_events

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
CHROMIUM = os.environ.get("EVENTATLAS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_RUNS = 7  # page loads per figure (and as many of the floor page, in turns): medians


@dataclass(frozen=True)
class Figure:
    """One measured figure, with the floor it is compared to and the target ratio or bound."""

    name: str
    value: float
    unit: str
    floor: float | None = None
    target: str = ""

    def cells(self) -> list[str]:
        ratio = f"{self.value / self.floor:.2f}×" if self.floor else ""
        floor = _fmt(self.floor, self.unit) if self.floor is not None else ""
        return [self.name, _fmt(self.value, self.unit), floor, ratio, self.target]


@dataclass
class Run:
    """One size: the atlas project and its floor, built once and shared by the measurements."""

    size: int
    project: Path
    floor: Path
    notes: dict = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.project / "site"


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "KB":
        return f"{value:,.0f} KB"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:g} {unit}".strip()


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def run_measured(command: list[str], cwd: Path, timeout: float = 7200) -> tuple[float, float]:
    """Run a command; return its wall time and its peak memory (MB): the largest sum, sampled
    every 0.1 s, of the resident memory of it and every process it started (the build's workers
    and Pagefind run beside it). The kernel's own peak (rusage) is no use here: it is that of one
    process, and a child forked from this one starts with this process's memory."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=errors
        )
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(_resident(pid) for pid in _process_tree(process.pid)))
            try:
                process.wait(timeout=0.1)  # returns as the command ends: the time stays exact
            except subprocess.TimeoutExpired:
                pass
        seconds = time.perf_counter() - started
        if process.returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-3000:]
            raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{message}")
    return seconds, peak / 2**20


def _process_tree(pid: int) -> list[int]:
    """pid and its descendants: the children of each of its threads (the build starts Pagefind
    from a thread)."""
    children = []
    for task in Path(f"/proc/{pid}").glob("task/*/children"):
        try:
            children += task.read_text().split()
        except OSError:
            pass  # the thread ended meanwhile
    return [pid, *(descendant for child in children for descendant in _process_tree(int(child)))]


def _resident(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # ended meanwhile
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) * 1024 if found else 0


MKDOCS_BUILD = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]


# ----- measurements: each takes a Run and returns Figures -------------------------------------


def measure_stages(run: Run) -> list[Figure]:
    """Load + validate, geocode, figures + pages + exports: the stages before MkDocs."""
    events, places = run.project / "events.yaml", run.project / "places.yaml"
    load_seconds, _ = _timed(load_events, events)
    prepare_seconds, prepared = _timed(prepare, events, places, write_cache=False)
    files_seconds, _ = _timed(site_files, prepared.dataset, prepared.places)
    return [
        Figure("load + validate", load_seconds, "s"),
        Figure("geocode", max(0.0, prepare_seconds - load_seconds), "s"),
        Figure("figures, pages, exports", files_seconds, "s"),
    ]


def measure_build(run: Run) -> list[Figure]:
    """The whole `mkdocs build --strict` (Pagefind included) against bare mkdocs-material."""
    floor_seconds, floor_rss, seconds, rss = [float("inf"), 0.0, float("inf"), 0.0]
    for _ in range(_repeats(run)):  # alternated, the best of each: the machine may be shared
        floor_try, floor_rss = run_measured(MKDOCS_BUILD, _without_site(run.floor))
        atlas_try, rss = run_measured(MKDOCS_BUILD, _without_site(run.project))
        floor_seconds, seconds = min(floor_seconds, floor_try), min(seconds, atlas_try)
    return [
        Figure("mkdocs build", seconds, "s", floor_seconds, "≤ 1.5× (1,000 and more)"),
        Figure("build peak memory, all processes", rss, "MB", floor_rss, "≤ 2,048 MB at 100,000"),
    ]


def _without_site(project: Path) -> Path:
    # Both builds start from an empty output folder: removing the previous site is not timed,
    # for the floor either (on a disk mounted with `discard` it costs more than the build).
    shutil.rmtree(project / "site", ignore_errors=True)
    return project


def _repeats(run: Run) -> int:
    return 3 if run.size <= 1000 else 1


def measure_search(run: Run) -> list[Figure]:
    """The first Pagefind search in Chromium: on the search page, which loads Pagefind's engine
    and the index's metadata as it opens, the time from the query to its first five answers and
    every byte (gzip) the search moved from the page's opening; and, from a cold page, the
    time until a link to find/?q= shows its first answer."""
    if not Path(CHROMIUM).exists():
        return []
    floor_index = run.floor / "site" / "search" / "search_index.json"
    floor_kb = len(gzip.compress(floor_index.read_bytes())) / 1000
    title = f"Synthetic event number {run.size // 2}"
    result = _pagefind_in_chromium(run.site, [title, "Actor 12", "Wonsan"])
    figures = [
        Figure("first search: transfer (gz)", result["kb"], "KB", floor_kb, "≤ 300 KB"),
        Figure("first search: answered", result["ms"], "ms", None, "≤ 300 ms"),
        Figure("search page: engine and index loaded", result["ready"], "ms"),
        Figure("search link find/?q=: first answer shown", result["cold"], "ms"),
    ]
    found = result["found"]
    figures.append(Figure("search finds title, actor, place", sum(found), f"of {len(found)}"))
    return figures


def measure_serve(run: Run) -> list[Figure]:
    """`make serve`: one event's title changed in events.yaml, until the page shows it."""
    if run.size > 1000:
        return []
    event_id = "event-00000"
    seconds = _serve_edit(
        run.project,
        [sys.executable, str(REPO / "build_timeline.py"), "serve"],
        "events.yaml",
        ("Synthetic event number 0 with", "Edited event number 0 with"),
        f"events/{event_id}/",
    )
    floor = _serve_edit(
        run.floor,
        [sys.executable, "-m", "mkdocs", "serve"],
        "docs/pages/page-000000.md",
        ("Synthetic event number 0 with", "Edited event number 0 with"),
        "pages/page-000000/",
    )
    return [Figure("serve: edit to visible", seconds, "s", floor, "≤ 3 s")]


def measure_new(run: Run) -> list[Figure]:
    """`new` against `check` on the same file."""
    work = run.project / "new-bench"
    work.mkdir(exist_ok=True)
    shutil.copy(run.project / "places.yaml", work / "places.yaml")
    # one event fewer at the file's limit, so that the event `new` adds is allowed
    count = min(run.size, EVENT_LIMIT - 1)
    dumped = yaml.safe_dump(synthetic_events(count), sort_keys=False, allow_unicode=True)
    (work / "events.yaml").write_text(dumped, encoding="utf-8")
    cli = [sys.executable, str(REPO / "build_timeline.py")]
    check, _ = run_measured([*cli, "check", "events.yaml"], work)
    new, _ = run_measured([*cli, "new", "events.yaml", *NEW_EVENT], work)
    shutil.rmtree(work)
    return [Figure("new (one event)", new, "s", check, "≤ 1.5× check")]


NEW_EVENT = ["--title", "Bench event", "--date", "2025-08", "--place", "Moscow", "--tag", "x"]
NEW_EVENT += ["--summary", "A bench event.", "--source", "source-1", "--quote", "Kalimat."]
NEW_EVENT += ["--translation", "A sentence."]


def measure_markdown_worst_case(run: Run) -> list[Figure]:
    """Summaries at the length limit made of what makes Markdown renderers backtrack ('[', '![',
    unclosed links and emphasis), against plain text of the same length."""
    if run.size > 100:
        return []
    n = SUMMARY_LIMIT
    plain, _ = _timed(render_summary, "a " * (n // 2))
    worst = {
        "'[' x 5,000": "[" * n,
        "'![' x 2,500": "![" * (n // 2),
        "'[a](' x 1,250": "[a](" * (n // 4),
        "'*a' x 2,500": "*a" * (n // 2),
        "nested brackets": "[" * (n // 2) + "]" * (n // 2),
    }
    return [
        Figure(f"summary {name}", _timed(render_summary, text)[0] * 1000, "ms", plain * 1000)
        for name, text in worst.items()
    ]


def measure_story_fences_worst_case(run: Run) -> list[Figure]:
    """20,000 unclosed story fences in one page (a quadratic finder hangs on them)."""
    if run.size > 100:
        return []
    seconds, _ = _timed(find_view_blocks, "```eventatlas\n" * 20_000)
    return [Figure("story fences: 20,000 unclosed", seconds * 1000, "ms")]


def measure_near_names_worst_case(run: Run) -> list[Figure]:
    """Suggestions for 1,000 places nothing resolves (each once scanned the whole gazetteer)."""
    if run.size > 100:
        return []
    gazetteer = Gazetteer.default()
    names = [f"Qzxplace {i} Vrt" for i in range(1_000)]
    seconds, _ = _timed(lambda: [gazetteer.near_names(x) for x in names])
    return [Figure("near names: 1,000 unplaceable places", seconds * 1000, "ms")]


WORST_CASES: list[Callable[[Run], list[Figure]]] = [
    measure_markdown_worst_case,
    measure_story_fences_worst_case,
    measure_near_names_worst_case,
]


def measure_in_browser(run: Run) -> list[Figure]:
    """What a reader's browser pays (tools/measure_browser.py): the home page's bytes, the about
    page's, the time until both figures are drawn against plotly.js's own floor page at 1x and
    4x CPU throttle, and (from 10,000 events) a filter change."""
    if not Path(CHROMIUM).exists():
        return []
    from playwright.sync_api import sync_playwright

    server = _serve_directory(run.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=measure_browser.CHROMIUM_ARGS
            )
            figures = measure_browser.measure_site(
                browser, run.site, base, runs=BROWSER_RUNS, filters=run.size >= 10_000
            )
            browser.close()
    finally:
        server.shutdown()
    return _browser_figures(figures, run.size)


def _browser_figures(figures: dict, size: int) -> list[Figure]:
    home, about = figures["home"], figures["about"]
    plotly = "loads plotly.js" if about["plotly"] or about["geography"] else "no plotly.js"
    # the bounds: for the default site (size 0) and from 10,000 events; none between
    bytes_target = {0: "≤ 600 KB"}.get(size, "≤ 1,200 KB" if size >= 10_000 else "")
    draw_target = {0: "≤ 1.3×"}.get(size, "≤ 2×" if size >= 10_000 else "")
    rows = [
        Figure("home page transfer (gz)", home["total_gz"] / 1000, "KB", None, bytes_target),
        Figure(f"about page transfer (gz), {plotly}", about["total_gz"] / 1000, "KB"),
    ]
    for throttle in (1, 4):
        draw = figures[f"draw_{throttle}x"]
        name = f"both figures drawn, {throttle}× CPU throttle"
        rows.append(Figure(name, draw["site_ms"], "ms", draw["floor_ms"], draw_target))
    if "filter_change_ms" in figures:
        rows.append(Figure("filter change", figures["filter_change_ms"], "ms", None, "≤ 200 ms"))
    return rows


def measure_default_site(work: Path) -> list[Figure]:
    """The browser figures of the default site (the README's first command builds it)."""
    folder = work / "default"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    measure_browser.build_default_site(folder)
    return measure_in_browser(Run(0, folder, folder))


MEASUREMENTS: list[Callable[[Run], list[Figure]]] = [
    measure_stages,
    measure_build,
    measure_search,
    measure_serve,
    measure_new,
    measure_in_browser,
    *WORST_CASES,
]


# ----- helpers that drive a browser and a server ----------------------------------------------


def _pagefind_in_chromium(site: Path, queries: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    server = _serve_directory(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            tries = [_first_search(browser, base, site, queries[0]) for _ in range(3)]
            first = min(tries, key=lambda t: t["ms"])  # each from a cold context
            found = [_first_search(browser, base, site, q)["hits"] > 0 for q in queries]
            cold = min(_search_link(browser, base, queries[0]) for _ in range(3))
            browser.close()
    finally:
        server.shutdown()
    return {**first, "found": found, "cold": cold}


# Run on the search page once it has loaded: its Pagefind UI imported this module, so the
# import returns the instance it set up (every bundle merged).
_SEARCH_SCRIPT = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const started = performance.now();
  const search = await pagefind.search(query);
  const shown = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
  return {ms: performance.now() - started, hits: search.results.length, shown: shown.length};
}"""

_INDEX_LOADED = """() => Math.max(...performance.getEntriesByType("resource")
  .filter((r) => r.name.includes("/pagefind/")).map((r) => r.responseEnd))"""


def _first_search(browser, base: str, site: Path, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base + "find/")
    page.wait_for_load_state("networkidle")
    ready = page.evaluate(_INDEX_LOADED)
    result = page.evaluate(_SEARCH_SCRIPT, query)
    context.close()
    paths = [url.removeprefix(base).split("?")[0] for url in fetched if "/pagefind/" in url]
    result["kb"] = sum(_gzip_size(site / p) for p in dict.fromkeys(paths)) / 1000
    return {**result, "ready": ready}


def _search_link(browser, base: str, query: str) -> float:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "find/?q=" + urllib.parse.quote_plus(query))
    page.wait_for_selector(".pagefind-ui__result-link", timeout=60_000)
    shown = page.evaluate("() => performance.now()")  # from the navigation's start
    context.close()
    return shown


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve_directory(directory: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _gzip_size(path: Path) -> int:
    # what a host compressing its responses sends; Pagefind's own chunks are gzip already
    data = path.read_bytes() if path.is_file() else b""
    return min(len(data), len(gzip.compress(data))) if data else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait(predicate, seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def _serve_edit(folder: Path, command: list[str], edited: str, change: tuple, page: str) -> float:
    """Seconds from saving the edit until the served page shows it (the server already warm)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{page}"
    path = folder / edited
    original = path.read_text(encoding="utf-8")
    log = open(folder / "serve.log", "w")
    server = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=folder,
        env=ENV,
        stdout=log,
        stderr=log,
        start_new_session=True,  # its own process group: the CLI's mkdocs child is stopped too
    )
    try:
        if not _wait(lambda: change[0] in _fetch(url), 1800, 0.5):
            raise SystemExit(f"the server never showed {url}; see {folder / 'serve.log'}")
        time.sleep(2)  # let the watcher settle after the first build
        started = time.perf_counter()
        path.write_text(original.replace(change[0], change[1], 1), encoding="utf-8")
        shown = _wait(lambda: change[1] in _fetch(url), 600)
        seconds = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        path.write_text(original, encoding="utf-8")
    return seconds if shown else float("inf")


# ----- the table ------------------------------------------------------------------------------


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {cpus} CPUs {model}, Python {platform.python_version()}"


def print_row(cells: list[str]) -> None:
    print("| " + " | ".join(cells) + " |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--huge", action="store_true", help="also 100,000 events (build only)")
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--worst-only", action="store_true", help="Only the worst-case inputs.")
    args = parser.parse_args(argv)
    sizes = args.sizes + ([100_000] if args.huge else [])
    print(f"machine: {machine()}\n")
    print_row(["events", "figure", "value", "floor", "ratio", "target"])
    print_row(["---:", "---", "---:", "---:", "---:", "---"])
    if args.worst_only:
        for measurement in WORST_CASES:
            for figure in measurement(Run(0, args.work, args.work)):
                print_row(["", *figure.cells()])
        return
    for figure in measure_default_site(args.work):
        print_row(["default", *figure.cells()])
    every = MEASUREMENTS
    for size in sizes:
        run = Run(
            size,
            make_project(args.work / f"events-{size}", size),
            make_floor_project(args.work / f"floor-{size}", size),
        )
        measurements = every if size < 100_000 else [measure_build]
        for measurement in measurements:
            for figure in measurement(run):
                print_row([f"{size:,}", *figure.cells()])


if __name__ == "__main__":
    main()

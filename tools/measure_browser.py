"""What a reader's browser pays for a built site, measured in headless Chromium (figures, never
pass/fail): bytes, time until both figures are drawn against plotly.js's own floor, and the
time a filter change takes.

`python -m tools.measure_browser [SITE_DIR ...]` builds the default site when no folder is
given and prints every figure; `make bench` calls the functions below for its table.

- `page_bytes`: what a page transfers, gzip-compressed as a static host would send it (level 6),
  by kind (HTML, CSS, JS, data, geography, search), and whether plotly.js or geography loaded.
- `draw_times`: milliseconds from navigation until the timeline and the map are both drawn, at a
  CPU throttle (1 = this machine, 4 = a mid-range phone, through CDP), medians of runs of the
  page and of the floor page loaded in turns: the floor page is the same plotly.js bundle and
  geography drawing one plain scatter and one scattergeo trace of the same events and places,
  nothing else.
- `filter_change_time`: milliseconds from a changed filter until timeline, map, list and counts
  are updated (both figures have drawn again).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ASSETS = "assets/eventatlas"
FLOOR_DIR = "_measure_floor"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"]
REPO = Path(__file__).resolve().parent.parent

# Records, in the page, the moment both figures carry data-drawn (set once Plotly has drawn).
WATCH_DRAWN = """
(() => {
  const done = () => document.querySelector('.ea-timeline[data-drawn]')
    && document.querySelector('.ea-map[data-drawn]');
  new MutationObserver((_, observer) => {
    if (!window.__eaDrawnAt && done()) {
      window.__eaDrawnAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-drawn']});
})();
"""


def kind_of(url: str) -> str:
    path = urlparse(url).path
    if "search" in path or "pagefind" in path:  # a search's worker and index
        return "search"
    if "world_" in path:
        return "geography"
    if path.endswith("/atlas.js") or "/detail/" in path or path.endswith(".json"):
        return "data"
    if path.endswith(".js"):
        return "js"
    if path.endswith(".css"):
        return "css"
    if path.endswith("/") or path.endswith(".html"):
        return "html"
    return "other"


def page_bytes(browser, url: str) -> dict:
    """Bytes one cold load of a page transfers, gzipped (level 6) as a static host sends text."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    bodies: dict[str, bytes] = {}

    def keep(response):
        try:
            bodies[response.url] = response.body()
        except Exception:  # a redirect or an aborted request has no body
            pass

    page.on("response", keep)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    by_kind: dict[str, int] = {}
    for address, body in bodies.items():
        if address.startswith("data:"):
            continue
        by_kind[kind_of(address)] = by_kind.get(kind_of(address), 0) + len(gzip.compress(body, 6))
    return {
        "total_gz": sum(by_kind.values()),
        "by_kind_gz": by_kind,
        "js_raw": sum(len(b) for a, b in bodies.items() if kind_of(a) == "js"),
        "plotly": any("plotly" in urlparse(a).path for a in bodies),
        "geography": any("world_" in urlparse(a).path for a in bodies),
        "files": len(bodies),
    }


def _drawn_at(browser, url: str, throttle: float) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH_DRAWN)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url)
    page.wait_for_function("() => window.__eaDrawnAt", timeout=180_000, polling=100)
    drawn = page.evaluate("() => window.__eaDrawnAt")
    context.close()
    return drawn


def draw_times(
    browser, url: str, floor_url: str, throttle: float, runs: int
) -> tuple[float, float]:
    """Median milliseconds from navigation until both figures are drawn, for the page and for the
    floor page, loaded in turns (page, floor, page, …) so that a slow spell of a shared machine
    falls on both alike."""
    pairs = [
        (_drawn_at(browser, url, throttle), _drawn_at(browser, floor_url, throttle))
        for _ in range(runs)
    ]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def write_floor_page(site: Path) -> str:
    """The floor page, written into the built site: plotly.js's own cost for the same drawing.

    Same bundle and geography files, the same events (one plain scatter) and places (one plain
    scattergeo) with the same map view, marked drawn like the site's figures. Returns its path.
    """
    from eventatlas.site.figures import map_resolution

    data = _atlas_data(site)
    columns = data["events"]
    scale = map_resolution(data["map"])
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>floor</title>"
        f"<script src='../{ASSETS}/plotly-geo.min.js'></script>"
        f"<script src='../{ASSETS}/world_{scale}m.js'></script></head><body>"
        "<div class='ea-timeline' style='width:1200px'></div>"
        "<div class='ea-map' style='width:1200px'></div><script>"
        f"const x = {json.dumps(columns['start'])}, y = {json.dumps(columns['lane'])};"
        f"const places = {json.dumps([p for p in data['places'] if 'lat' in p])};"
        f"const view = {json.dumps(data['map'])};"
        "const t = document.querySelector('.ea-timeline'), m = document.querySelector('.ea-map');"
        "Plotly.newPlot(t, [{type: 'scatter', mode: 'markers', x: x, y: y}], {height: 400})"
        ".then(() => t.setAttribute('data-drawn', 'true'));"
        "Plotly.newPlot(m, [{type: 'scattergeo', mode: 'markers',"
        " lat: places.map(p => p.lat), lon: places.map(p => p.lon)}],"
        f" {{height: 400, geo: {{projection: {{type: 'natural earth'}}, resolution: {scale},"
        " lataxis: {range: view.lat}, lonaxis: {range: view.lon}, showcountries: true,"
        " showland: true, showocean: true, showlakes: true}})"
        ".then(() => m.setAttribute('data-drawn', 'true'));"
        "</script></body></html>"
    )
    folder = site / FLOOR_DIR
    folder.mkdir(exist_ok=True)
    (folder / "index.html").write_text(html, encoding="utf-8")
    return f"{FLOOR_DIR}/"


FILTER_CHANGE = """
async ([name, wanted]) => {
  const form = document.querySelector('.ea-filters');
  const select = form.elements[name];
  const option = Array.from(select.options).find(o => o.value !== '' && o.value !== select.value
      && (wanted === null || o.textContent.startsWith(wanted)));
  const figures = Array.from(document.querySelectorAll('.ea-timeline, .ea-map'));
  const drawn = figures.map(f => new Promise(resolve => {
    let waiting = true;
    f.on('plotly_afterplot', () => { if (waiting) { waiting = false; resolve(); } });
  }));
  const count = document.querySelector('.ea-count').textContent;
  const started = performance.now();
  select.value = option.value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
  await Promise.all(drawn);
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const took = performance.now() - started;
  if (document.querySelector('.ea-count').textContent === count) { return -1; }
  return took;
}
"""


def filter_change_time(browser, url: str, runs: int = 3, throttle: float = 1) -> float:
    """Median milliseconds from a changed filter (tag, then actor …) until figures, list and
    counts show the filtered events."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH_DRAWN)
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url)
    page.wait_for_function("() => window.__eaDrawnAt", timeout=180_000, polling=100)
    page.wait_for_timeout(300)
    times = []
    for n in range(runs):
        took = page.evaluate(FILTER_CHANGE, ["tag" if n % 2 == 0 else "status", None])
        if took < 0:
            raise RuntimeError("the filter change did not update the counts")
        times.append(took)
    context.close()
    return statistics.median(times)


def _atlas_data(site: Path) -> dict:
    text = (site / ASSETS / "atlas.js").read_text(encoding="utf-8")
    return json.loads(text.split(" = ", 1)[1].rstrip(";\n"))


def measure_site(browser, site: Path, base_url: str, runs: int = 3, filters: bool = False) -> dict:
    """Every browser figure of one built site, served at base_url."""
    figures = {
        "home": page_bytes(browser, base_url),
        "about": page_bytes(browser, base_url + "about/"),
        "events": len(_atlas_data(site)["events"]["id"]),
    }
    floor_url = base_url + write_floor_page(site)
    for throttle in (1, 4):
        site_ms, floor_ms = draw_times(browser, base_url, floor_url, throttle, runs)
        figures[f"draw_{throttle}x"] = {"site_ms": site_ms, "floor_ms": floor_ms}
    if filters:
        figures["filter_change_ms"] = filter_change_time(browser, base_url)
    return figures


def report(figures: dict) -> str:
    home, about = figures["home"], figures["about"]
    kinds = ", ".join(f"{k} {v / 1e3:.0f}" for k, v in sorted(home["by_kind_gz"].items()))
    lines = [
        f"{figures['events']} events",
        f"  home page transfer: {home['total_gz'] / 1e3:.0f} KB gz ({kinds}); "
        f"JS {home['js_raw'] / 1e3:.0f} KB raw",
        f"  about page: {about['total_gz'] / 1e3:.0f} KB gz, JS {about['js_raw'] / 1e3:.0f} KB raw,"
        f" plotly.js loaded: {about['plotly']}, geography loaded: {about['geography']}",
    ]
    for throttle in (1, 4):
        draw = figures[f"draw_{throttle}x"]
        lines.append(
            f"  both figures drawn, {throttle}x CPU throttle: {draw['site_ms']:.0f} ms; "
            f"floor {draw['floor_ms']:.0f} ms; ratio {draw['site_ms'] / draw['floor_ms']:.2f}"
        )
    if "filter_change_ms" in figures:
        lines.append(
            f"  filter change (timeline, map, list, counts): {figures['filter_change_ms']:.0f} ms"
        )
    return "\n".join(lines)


def _serve(site: Path):
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_default_site(folder: Path) -> Path:
    for name in ("mkdocs.yml", "events.yaml", "places.yaml"):
        (folder / name).write_bytes((REPO / name).read_bytes())
    subprocess.run(["cp", "-r", str(REPO / "docs"), str(folder / "docs")], check=True)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return folder / "site"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="*", type=Path, help="built site folders (default: build)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--filters", action="store_true", help="also time a filter change")
    options = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        sites = options.sites or [build_default_site(Path(scratch))]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for site in sites:
                server = _serve(site)
                try:
                    base = f"http://127.0.0.1:{server.server_address[1]}/"
                    figures = measure_site(browser, site, base, options.runs, options.filters)
                finally:
                    server.shutdown()
                print(report(figures), flush=True)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: synthetic events files of 100, 1,000 and 10,000 events, timed through every stage.

Prints, per size: load + validate, geocode, figure data with pages and exports, the whole `mkdocs build`, the peak memory of
loading, and the sizes of the home page and an event page. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import yaml

from .load import load_events
from .pipeline import prepare
from .site_files import site_files

REPO = Path(__file__).resolve().parent.parent
VIEW_BLOCK = re.compile(r"```eventatlas\n.*?```", re.S)
PLACE_NAMES = ["Pyongyang", "Wonsan", "Moscow", "Beijing", "Washington", "Kursk Oblast", "Ukraine"]  # all in places.yaml
SYNTHETIC_TAGS = ["diplomacy", "military", "economy", "treaty", "transport", "tourism", "context"]
SYNTHETIC_DATES = ["2024-{m:02d}-{d:02d}", "2024-{m:02d}", "2023~", "2025-{m:02d}-{d:02d}/2025-{m2:02d}-28", "2025-{m:02d}~"]


def synthetic_events(count: int) -> dict:
    """A valid events file of count events over the default places, with dates of every kind and some disputes."""
    sources = [{"id": f"source-{n}", "title": f"Article {n}", "publisher": f"Outlet {n}", "published": "2025-07-13", "language": "id"} for n in range(20)]
    return {"sources": sources, "events": [_synthetic_event(n) for n in range(count)]}


def _synthetic_event(n: int) -> dict:
    month = n % 12 + 1
    event = {
        "id": f"event-{n:05d}", "title": f"Synthetic event number {n} with a title of ordinary length",
        "date": SYNTHETIC_DATES[n % len(SYNTHETIC_DATES)].format(m=month, d=n % 27 + 1, m2=min(12, month + 1)),
        "place": PLACE_NAMES[n % len(PLACE_NAMES)], "actors": [f"Actor {n % 40}", f"Actor {(n * 7) % 40}"],
        "tags": [SYNTHETIC_TAGS[n % len(SYNTHETIC_TAGS)]], "status": ["confirmed", "reported", "claimed"][n % 3],
        "summary": "A summary of two ordinary sentences about what happened. " * 2,
        "citations": [{"source": f"source-{n % 20}", "quote": "Kalimat kutipan dari sumber yang mendukung peristiwa ini, disalin apa adanya."}],
    }
    if n % 10 == 0:
        other = [{"source": f"source-{(n + 1) % 20}", "quote": "Versi lain dari sumber lain."}]
        event["disputes"] = [{"about": "How many", "versions": [{"claim": "Many", "citations": [dict(c) for c in event["citations"]]}, {"claim": "Few", "citations": other}]}]
    return event


def make_project(folder: Path, count: int) -> Path:
    """A copy of the site project whose data is a synthetic file of count events."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "docs", folder / "docs")
    show_every_event(folder / "docs")
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / "events.yaml").write_text(yaml.safe_dump(synthetic_events(count), sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copy(REPO / "places.yaml", folder / "places.yaml")
    return folder


def show_every_event(docs: Path) -> None:
    """Make every eventatlas block in docs/ show all events: stories name tags other data lacks."""
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(VIEW_BLOCK.sub("```eventatlas\nshow: [timeline, map, list]\n```", text), encoding="utf-8")


def measure(folder: Path) -> dict:
    events, places = folder / "events.yaml", folder / "places.yaml"
    load_seconds, dataset = _timed(load_events, events)
    prepare_seconds, prepared = _timed(prepare, events, places, write_cache=False)  # loads again, then geocodes
    pages_seconds, _ = _timed(site_files, prepared.dataset, prepared.places)  # figure data, pages and exports
    build_seconds, result = _timed(subprocess.run, [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=folder, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr)
    event_page = folder / "site" / "events" / dataset.events[0].id / "index.html"
    return {
        "events": len(dataset.events), "load": load_seconds, "geocode": max(0.0, prepare_seconds - load_seconds), "figures": pages_seconds,
        "build": build_seconds, "peak_mb": _peak_memory_of_loading(events) / 1e6,
        "home_kb": (folder / "site" / "index.html").stat().st_size / 1e3, "event_kb": event_page.stat().st_size / 1e3,
    }


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def _peak_memory_of_loading(path: Path) -> int:
    # measured in a second run: tracemalloc slows Python down several times
    tracemalloc.start()
    load_events(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    args = parser.parse_args(argv)
    print(f"{'events':>7} | {'load+validate':>13} | {'geocode':>7} | {'figures+pages':>14} | {'mkdocs build':>12} | {'load peak':>9} | {'home page':>9} | {'event page':>10}")
    print("|".join(["-" * 8, "-" * 15, "-" * 9, "-" * 16, "-" * 14, "-" * 11, "-" * 11, "-" * 11]))
    for size in args.sizes:
        row = measure(make_project(args.work / f"events-{size}", size))
        print(f"{row['events']:>7} | {row['load']:>12.2f}s | {row['geocode']:>6.2f}s | {row['figures']:>13.2f}s | {row['build']:>11.1f}s | {row['peak_mb']:>7.1f}MB | {row['home_kb']:>7.0f}kB | {row['event_kb']:>8.1f}kB", flush=True)


if __name__ == "__main__":
    main()

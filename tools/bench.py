"""`make bench`: synthetic events files of 100, 1,000 and 10,000 events, timed through every stage.

Prints, per size: load + validate, geocode, figure data with pages and exports, the whole
`mkdocs build`, the peak memory of loading, and the sizes of the home page and an event page.
Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from eventatlas.data.load import load_events
from eventatlas.pipeline import prepare
from eventatlas.site.site_files import site_files
from tools.synthetic import REPO, make_project


def measure(folder: Path) -> dict:
    events, places = folder / "events.yaml", folder / "places.yaml"
    load_seconds, dataset = _timed(load_events, events)
    prepare_seconds, prepared = _timed(
        prepare, events, places, write_cache=False
    )  # loads again, then geocodes
    pages_seconds, _ = _timed(
        site_files, prepared.dataset, prepared.places
    )  # figure data, pages and exports
    build_seconds, result = _timed(
        subprocess.run,
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(result.stderr)
    event_page = folder / "site" / "events" / dataset.events[0].id / "index.html"
    return {
        "events": len(dataset.events),
        "load": load_seconds,
        "geocode": max(0.0, prepare_seconds - load_seconds),
        "figures": pages_seconds,
        "build": build_seconds,
        "peak_mb": _peak_memory_of_loading(events) / 1e6,
        "home_kb": (folder / "site" / "index.html").stat().st_size / 1e3,
        "event_kb": event_page.stat().st_size / 1e3,
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
    print(
        f"{'events':>7} | {'load+validate':>13} | {'geocode':>7} | {'figures+pages':>14} | "
        f"{'mkdocs build':>12} | {'load peak':>9} | {'home page':>9} | {'event page':>10}"
    )
    print("|".join(["-" * 8, "-" * 15, "-" * 9, "-" * 16, "-" * 14, "-" * 11, "-" * 11, "-" * 11]))
    for size in args.sizes:
        row = measure(make_project(args.work / f"events-{size}", size))
        print(
            f"{row['events']:>7} | {row['load']:>12.2f}s | {row['geocode']:>6.2f}s | "
            f"{row['figures']:>13.2f}s | {row['build']:>11.1f}s | {row['peak_mb']:>7.1f}MB | "
            f"{row['home_kb']:>7.0f}kB | {row['event_kb']:>8.1f}kB",
            flush=True,
        )


if __name__ == "__main__":
    main()

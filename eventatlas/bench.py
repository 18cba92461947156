"""`make bench`: synthetic events files of 100, 1,000 and 10,000 events, timed through every stage.

Prints, per size: load + validate, geocode, figure data with pages and exports, the whole `mkdocs build`, the peak memory of
loading, and the sizes of the home page and an event page. Figures, never pass/fail.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import yaml

from .load import load_events
from .pipeline import prepare
from .site_files import site_files

REPO = Path(__file__).resolve().parent.parent
CITIES = {"Pyongyang": (39.03, 125.75), "Wonsan": (39.15, 127.44), "Moscow": (55.75, 37.62), "Beijing": (39.91, 116.40), "Kursk": (51.73, 36.18), "Vladivostok": (43.11, 131.87), "Seoul": (37.57, 126.98), "Kyiv": (50.45, 30.52)}
TAGS = ["diplomacy", "military", "economy", "transport", "treaty", "context"]


def synthetic_events(count: int, seed: int = 7) -> dict:
    """A valid events file of count events with a mix of date precisions, places and disputes."""
    rng = random.Random(seed)
    sources = [{"id": f"source-{i}", "title": f"Source {i}", "publisher": f"Outlet {i % 17}", "language": "en"} for i in range(max(5, count // 20))]
    events = [_synthetic_event(i, rng, sources) for i in range(count)]
    return {"sources": sources, "events": events}


def _synthetic_event(i: int, rng: random.Random, sources: list[dict]) -> dict:
    day = date(2022, 1, 1) + timedelta(days=rng.randrange(1400))
    text = rng.choice([day.isoformat(), day.isoformat()[:7], day.isoformat()[:7] + "~", f"{day.isoformat()}/{(day + timedelta(days=3)).isoformat()}"])
    citations = [{"source": sources[(i + k) % len(sources)]["id"], "quote": f"Quoted sentence {i}.{k} from the source."} for k in range(2)]
    event = {"id": f"event-{i}", "title": f"Synthetic event number {i}", "date": text, "place": rng.choice(list(CITIES)), "actors": [f"Actor {i % 40}", f"Actor {(i * 7) % 40}"], "tags": [rng.choice(TAGS)], "status": rng.choice(["confirmed", "reported", "claimed"]), "summary": f"A summary of event {i}, with *Markdown* in it.", "citations": citations}
    if i % 10 == 0:
        event["disputes"] = [{"about": "How many", "versions": [{"claim": "Many", "citations": citations[:1]}, {"claim": "Few", "citations": citations[1:]}]}]
    return event


def _places_yaml() -> dict:
    return {"places": {name: {"lat": lat, "lon": lon, "precision": "city", "country": "XX", "origin": "bench"} for name, (lat, lon) in CITIES.items()}}


def make_project(folder: Path, count: int) -> Path:
    """A copy of the site project whose data is a synthetic file of count events."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "docs", folder / "docs", ignore=shutil.ignore_patterns("narratives"))
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (folder / "mkdocs.yml").write_text(_without_narratives(config), encoding="utf-8")
    (folder / "events.yaml").write_text(yaml.safe_dump(synthetic_events(count), sort_keys=False, allow_unicode=True), encoding="utf-8")
    (folder / "places.yaml").write_text(yaml.safe_dump(_places_yaml()), encoding="utf-8")
    return folder


def _without_narratives(config: str) -> str:
    # narrative pages name tags and ids of the default data, which synthetic data does not have
    return "\n".join(line for line in config.splitlines() if "narratives/" not in line) + "\n"


def measure(folder: Path) -> dict:
    tracemalloc.start()
    started = time.perf_counter()
    dataset = load_events(folder / "events.yaml")
    loaded = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    prepared = prepare(folder / "events.yaml", folder / "places.yaml", write_cache=False)
    geocoded = time.perf_counter()
    site_files(prepared.dataset, prepared.places)  # figure data, pages and exports
    figured = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=folder, capture_output=True, text=True)
    built = time.perf_counter()
    if result.returncode:
        raise SystemExit(result.stderr)
    event_page = folder / "site" / "events" / dataset.events[0].id / "index.html"
    return {"events": len(dataset.events), "load": loaded - started, "geocode": geocoded - loaded, "figures": figured - geocoded, "build": built - figured, "peak_mb": peak / 1e6, "home_kb": (folder / "site" / "index.html").stat().st_size / 1e3, "event_kb": event_page.stat().st_size / 1e3}


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

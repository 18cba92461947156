"""Synthetic atlases of any size, valid and placed over the default places: one generator for the
tests and `make bench`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
VIEW_BLOCK = re.compile(r"```eventatlas\n.*?```", re.S)
PLACE_NAMES = [
    "Pyongyang",
    "Wonsan",
    "Moscow",
    "Beijing",
    "Washington",
    "Kursk Oblast",
    "Ukraine",
]  # all in places.yaml
SYNTHETIC_TAGS = ["diplomacy", "military", "economy", "treaty", "transport", "tourism", "context"]
SYNTHETIC_DATES = [
    "2024-{m:02d}-{d:02d}",
    "2024-{m:02d}",
    "2023~",
    "2025-{m:02d}-{d:02d}/2025-{m2:02d}-28",
    "2025-{m:02d}~",
]


def synthetic_events(count: int) -> dict:
    """A valid events file of count events over the default places, with dates of every kind and
    some disputes."""
    sources = [
        {
            "id": f"source-{n}",
            "title": f"Article {n}",
            "publisher": f"Outlet {n}",
            "published": "2025-07-13",
            "language": "id",
        }
        for n in range(20)
    ]
    return {"sources": sources, "events": [_synthetic_event(n) for n in range(count)]}


def _synthetic_event(n: int) -> dict:
    month = n % 12 + 1
    event = {
        "id": f"event-{n:05d}",
        "title": f"Synthetic event number {n} with a title of ordinary length",
        "date": SYNTHETIC_DATES[n % len(SYNTHETIC_DATES)].format(
            m=month, d=n % 27 + 1, m2=min(12, month + 1)
        ),
        "place": PLACE_NAMES[n % len(PLACE_NAMES)],
        "actors": [f"Actor {n % 40}", f"Actor {(n * 7) % 40}"],
        "tags": [SYNTHETIC_TAGS[n % len(SYNTHETIC_TAGS)]],
        "status": ["confirmed", "reported", "claimed"][n % 3],
        "summary": "A summary of two ordinary sentences about what happened. " * 2,
        "citations": [
            {
                "source": f"source-{n % 20}",
                "quote": "Kalimat kutipan dari sumber yang mendukung peristiwa ini, disalin apa "
                "adanya.",
            }
        ],
    }
    if n % 10 == 0:
        other = [{"source": f"source-{(n + 1) % 20}", "quote": "Versi lain dari sumber lain."}]
        event["disputes"] = [
            {
                "about": "How many",
                "versions": [
                    {"claim": "Many", "citations": [dict(c) for c in event["citations"]]},
                    {"claim": "Few", "citations": other},
                ],
            }
        ]
    return event


def make_project(folder: Path, count: int) -> Path:
    """A copy of the site project whose data is a synthetic file of count events."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "docs", folder / "docs")
    show_every_event(folder / "docs")
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / "events.yaml").write_text(
        yaml.safe_dump(synthetic_events(count), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    shutil.copy(REPO / "places.yaml", folder / "places.yaml")
    return folder


def show_every_event(docs: Path) -> None:
    """Make every eventatlas block in docs/ show all events: stories name tags other data lacks."""
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(
            VIEW_BLOCK.sub("```eventatlas\nshow: [timeline, map, list]\n```", text),
            encoding="utf-8",
        )


def make_floor_project(folder: Path, count: int) -> Path:
    """The floor a build is measured against: bare mkdocs-material, count plain pages with each
    synthetic event's text, not in the nav, search on, the same theme settings as the site."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "docs" / "pages").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(_floor_config(), encoding="utf-8")
    (folder / "docs" / "index.md").write_text("# Floor\n\nPlain pages.\n", encoding="utf-8")
    for n in range(count):
        page = folder / "docs" / "pages" / f"page-{n:06d}.md"
        page.write_text(_plain_page(_synthetic_event(n)), encoding="utf-8")
    return folder


def _floor_config() -> str:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!ENV", ""))
    floor = {key: config[key] for key in ("site_name", "theme", "markdown_extensions")}
    floor.update(plugins=["search"], nav=["index.md"], not_in_nav="/pages/", strict=True)
    return yaml.safe_dump(floor, sort_keys=False, allow_unicode=True)


def _plain_page(event: dict) -> str:
    quotes = "\n\n".join(f"{c['source']}: {c['quote']}" for c in event["citations"])
    return (
        f"# {event['title']}\n\nDate: {event['date']}. Place: {event['place']}. "
        f"Actors: {', '.join(event['actors'])}. Themes: {', '.join(event['tags'])}. "
        f"Status: {event['status']}.\n\n{event['summary']}\n\n## In context\n\n"
        f"The events nearest in date.\n\n## Sources\n\n{quotes}\n"
    )

"""The command-line edge: check, geocode, build and serve. Errors become messages here, once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Optional

import click

from .errors import DataError, EventAtlasError
from .geocode import USER_AGENT, nominatim_geocoder
from .pipeline import prepare

EVENTS_HELP = "The events file to read."
PLACES_HELP = "The geocoding cache and overrides."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eventatlas")
def main() -> None:
    """eventatlas: a sourced events.yaml in, a static timeline-and-map site out."""


@main.command()
@click.argument("events", type=click.Path(path_type=Path), default="events.yaml")
@click.option("--places", type=click.Path(path_type=Path), default=None, help=PLACES_HELP + " [default: places.yaml beside EVENTS]")
def check(events: Path, places: Optional[Path]) -> None:
    """Validate EVENTS and resolve every place offline; print every problem, one per line.

    Exits 0 when the file is valid (warnings allowed), 1 otherwise. Writes nothing.
    """
    prepared = _run(lambda: prepare(events, places or events.parent / "places.yaml", write_cache=False))
    for warning in prepared.warnings:
        click.echo(str(warning), err=True)
    dataset = prepared.dataset
    click.echo(f"{dataset.label}: OK: {len(dataset.events)} events, {len(dataset.sources)} sources, {len({p.name for p in prepared.places.values()})} places")


@main.command()
@click.argument("events", type=click.Path(path_type=Path), default="events.yaml")
@click.option("--places", type=click.Path(path_type=Path), default=None, help=PLACES_HELP + " [default: places.yaml beside EVENTS]")
@click.option("--online", is_flag=True, help="Ask Nominatim (OpenStreetMap) for places nothing offline resolves; at most one request a second.")
@click.option("--user-agent", default=USER_AGENT, show_default=True, help="How to introduce this tool to the geocoding service (its policy asks for one that names you).")
def geocode(events: Path, places: Optional[Path], online: bool, user_agent: str) -> None:
    """Resolve every place and save what is newly found to the places file (atomically)."""
    online_geocoder = nominatim_geocoder(user_agent) if online else None
    prepared = _run(lambda: prepare(events, places or events.parent / "places.yaml", online=online_geocoder))
    for name in prepared.newly_cached:
        place = next(p for p in prepared.places.values() if p.name == name)
        click.echo(f"placed {name!r} at {place.lat}, {place.lon} ({place.precision}; {place.origin})")
    click.echo(f"{len(prepared.newly_cached)} new place(s) saved; every event is placed")


@main.command()
@click.option("-f", "--config-file", type=click.Path(path_type=Path), default="mkdocs.yml", show_default=True, help="The MkDocs configuration.")
@click.option("-d", "--site-dir", type=click.Path(path_type=Path), default=None, help="Where to write the site [default: site_dir of the configuration].")
@click.option("--strict/--no-strict", default=True, show_default=True, help="Treat MkDocs warnings as errors.")
def build(config_file: Path, site_dir: Optional[Path], strict: bool) -> None:
    """Build the site with MkDocs; the previous site stays in place until the new one is complete."""
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config_file)]
    command += ["--strict"] if strict else []
    command += ["--site-dir", str(site_dir)] if site_dir else []
    sys.exit(subprocess.call(command))


@main.command()
@click.option("-f", "--config-file", type=click.Path(path_type=Path), default="mkdocs.yml", show_default=True, help="The MkDocs configuration.")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address and port to serve on.")
def serve(config_file: Path, dev_addr: str) -> None:
    """Preview the site; saving events.yaml or places.yaml rebuilds it."""
    sys.exit(subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config_file), "--dev-addr", dev_addr]))


def _run(action):
    try:
        return action()
    except DataError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in error.problems if p.severity == "error")
        click.echo(f"{errors} problem(s) found", err=True)
        sys.exit(1)
    except EventAtlasError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)

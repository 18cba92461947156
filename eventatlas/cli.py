"""The command-line edge: check, geocode, build and serve. Errors become messages here, once."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from .errors import DataError, EventAtlasError, LocatedError
from .geocode import USER_AGENT_HELP, nominatim_geocoder
from .pipeline import prepare

PLACES_HELP = "The geocoding cache and overrides."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eventatlas")
def main() -> None:
    """eventatlas: a sourced events.yaml in, a static timeline-and-map site out."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--places",
    type=click.Path(path_type=Path),
    default=None,
    help=PLACES_HELP + " [default: places.yaml beside each file]",
)
def check(files: tuple[Path, ...], places: Path | None) -> None:
    """Validate events files (default: events.yaml) and place every event offline.

    Prints every problem, one per line; exits 0 when all files are valid (warnings allowed),
    1 otherwise. Writes nothing.
    """
    failed = [path for path in files or (Path("events.yaml"),) if not _check_one(path, places)]
    sys.exit(1 if failed else 0)


def _check_one(events: Path, places: Path | None) -> bool:
    try:
        prepared = prepare(events, places or events.parent / "places.yaml", write_cache=False)
    except DataError as error:
        _report(error)
        return False
    for warning in prepared.warnings:
        click.echo(str(warning), err=True)
    dataset = prepared.dataset
    click.echo(
        f"{dataset.label}: OK: {len(dataset.events)} events, {len(dataset.sources)} sources, "
        f"{len({p.name for p in prepared.places.values()})} places"
    )
    return True


@main.command()
@click.argument("events", type=click.Path(path_type=Path), default="events.yaml")
@click.option(
    "--places",
    type=click.Path(path_type=Path),
    default=None,
    help=PLACES_HELP + " [default: places.yaml beside EVENTS]",
)
@click.option(
    "--online",
    is_flag=True,
    help=(
        "Ask Nominatim (OpenStreetMap) for places nothing offline resolves; "
        "at most one request a second."
    ),
)
@click.option(
    "--user-agent",
    envvar="EVENTATLAS_USER_AGENT",
    default=None,
    help="Required with --online (or EVENTATLAS_USER_AGENT): " + USER_AGENT_HELP + ".",
)
def geocode(events: Path, places: Path | None, online: bool, user_agent: str | None) -> None:
    """Resolve every place and save what is newly found to the places file (atomically)."""
    agent = (user_agent or "").strip()
    if online and not agent:
        raise click.BadParameter(f"--online needs it: {USER_AGENT_HELP}", param_hint="--user-agent")
    online_geocoder = nominatim_geocoder(agent) if online else None
    places_path = places or events.parent / "places.yaml"
    prepared = _run(lambda: prepare(events, places_path, online=online_geocoder, write_cache=True))
    for name in prepared.newly_cached:
        place = next(p for p in prepared.places.values() if p.name == name)
        click.echo(
            f"placed {name!r} at {place.lat}, {place.lon} ({place.precision}; {place.origin})"
        )
    click.echo(f"{len(prepared.newly_cached)} new place(s) saved; every event is placed")


CONFIG_FILE = click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default="mkdocs.yml",
    show_default=True,
    help="The MkDocs configuration.",
)


@main.command()
@CONFIG_FILE
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the site [default: site_dir of the configuration].",
)
@click.option(
    "--strict/--no-strict", default=True, show_default=True, help="Treat MkDocs warnings as errors."
)
def build(config_file: Path, site_dir: Path | None, strict: bool) -> None:
    """Build the site with MkDocs.

    The previous site stays in place until the new one is complete.
    """
    from mkdocs.commands.build import build as build_site
    from mkdocs.config import load_config

    _show_mkdocs_log()
    site = {"site_dir": str(site_dir)} if site_dir else {}
    config = load_config(config_file=str(config_file), strict=strict, **site)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build_site(config)
    finally:
        config.plugins.on_shutdown()


@main.command()
@CONFIG_FILE
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address and port to serve on.",
)
@click.option(
    "--dirty/--clean",
    default=True,
    show_default=True,
    help="Rebuild only the pages an edit changes (fast), or the whole site on every save.",
)
def serve(config_file: Path, dev_addr: str, dirty: bool) -> None:
    """Preview the site; saving events.yaml or places.yaml rebuilds it."""
    from mkdocs.commands.serve import serve as serve_site

    _show_mkdocs_log()
    serve_site(
        config_file=str(config_file), dev_addr=dev_addr, build_type="dirty" if dirty else None
    )


def _show_mkdocs_log() -> None:
    """Print MkDocs' log as the `mkdocs` command does (it is set up there, not in the library)."""
    from mkdocs.__main__ import ColorFormatter

    logger = logging.getLogger("mkdocs")
    handler = next((h for h in logger.handlers if h.get_name() == "eventatlas"), None)
    if not isinstance(handler, logging.StreamHandler):
        handler = logging.StreamHandler()
        handler.set_name("eventatlas")
        handler.setFormatter(ColorFormatter())
        logger.addHandler(handler)
    handler.setStream(sys.stderr)  # the current one: a test runner may have replaced it
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _refuse_unreadable(ctx, param, path: Path) -> Path:
    """Before any question is asked: a pipe, a device or an over-size file is refused at once."""
    from .data.yamlfile import check_regular_file

    _run(lambda: check_regular_file(path, str(path)))
    return path


@main.command("new")
@click.argument(
    "events",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default="events.yaml",
    callback=_refuse_unreadable,
)
@click.option("--title", prompt="Title (English)", help="A short English title.")
@click.option(
    "--date",
    prompt="Date (YYYY, YYYY-MM or YYYY-MM-DD; '~' if approximate; START/END)",
    help="When it happened.",
)
@click.option(
    "--place", prompt="Place", help="A place name that places.yaml or the gazetteer knows."
)
@click.option(
    "--tag", "tags", multiple=True, help="A theme; the first is the timeline lane. Repeat for more."
)
@click.option(
    "--actor", "actors", multiple=True, help="A person, state or organisation. Repeat for more."
)
@click.option(
    "--status",
    type=click.Choice(["confirmed", "reported", "claimed"]),
    default="reported",
    show_default=True,
)
@click.option(
    "--summary",
    prompt="Summary (a few English sentences)",
    help="What happened, attributed to the sources.",
)
@click.option("--source", prompt="Source id", help="The id of the source that supports it.")
@click.option(
    "--quote",
    prompt="Supporting sentence, verbatim",
    help="The sentence from the source, copied exactly.",
)
@click.option(
    "--translation",
    prompt="Editor's translation into the site's language (blank if the source is in it)",
    default="",
    show_default=False,
    help=(
        "The editor's faithful translation of the quote; required when the source's language "
        "is not the site's."
    ),
)
@click.option("--id", "event_id", default=None, help="A stable id [default: made from the title].")
@click.option(
    "--date-source", type=click.Choice(["source", "editor"]), default="source", show_default=True
)
@click.option(
    "--date-note",
    default=None,
    help="How the date was established (required with --date-source editor).",
)
@click.option(
    "--place-source", type=click.Choice(["source", "editor"]), default="source", show_default=True
)
@click.option(
    "--place-note",
    default=None,
    help="Why the editor chose the place (required with --place-source editor).",
)
@click.option(
    "--places",
    type=click.Path(path_type=Path),
    default=None,
    help=PLACES_HELP + " [default: places.yaml beside EVENTS]",
)
def new(events: Path, places: Path | None, tags, **fields) -> None:
    """Append a new event to EVENTS, keeping its comments and layout; nothing is written if it is
    invalid."""
    from .data.append import append_event, fields_from_options

    if not tags:
        tags = (click.prompt("Tag (the timeline lane, e.g. diplomacy)"),)
    entry = fields_from_options(tags=tags, **fields)
    _run(lambda: append_event(events, places or events.parent / "places.yaml", entry))
    click.echo(f"added event '{entry['id']}' to {events}; the file is valid")


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--into",
    "events",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default="events.yaml",
    show_default=True,
    help="The events file to append to.",
)
@click.option(
    "--places",
    type=click.Path(path_type=Path),
    default=None,
    help=PLACES_HELP + " [default: places.yaml beside the events file]",
)
@click.option("--place", default=None, help="The place of rows that name none.")
@click.option(
    "--source",
    default=None,
    help="An existing source id to cite [default: a source for the imported file, flagged].",
)
@click.option(
    "--language", default="en", show_default=True, help="ISO 639 code of the file's language."
)
@click.option(
    "--added",
    default=None,
    help="The day the events enter the atlas, YYYY-MM-DD [default: today, UTC].",
)
@click.option(
    "--keep-going", is_flag=True, help="Import the valid rows and report the others (exit 0)."
)
def import_command(file: Path, events: Path, places: Path | None, **options) -> None:
    """Append the events of FILE: a TimelineJS sheet (CSV) or JSON, or a CSV with our fields.

    Every row that cannot become a valid event is reported as FILE:ROW with what is missing;
    nothing is written unless every row is valid, or --keep-going is given. Imported events cite
    the imported file and are flagged citation_needed until an editor cites a source.
    """
    from datetime import datetime, timezone

    from .data.importer import ImportOptions, import_file
    from .data.load import display_path

    added = options.pop("added") or datetime.now(timezone.utc).date().isoformat()
    settings = ImportOptions(added=added, **options)
    result = _run(
        lambda: import_file(
            file, display_path(file), events, places or events.parent / "places.yaml", settings
        )
    )
    for problem in (*result.notes, *result.rejected):
        click.echo(str(problem), err=True)
    flagged = [i for i in result.imported if i]
    click.echo(
        f"imported {len(result.imported)} event(s) from {file} into {events}"
        + (f"; {len(result.rejected)} problem(s) in rows left out" if result.rejected else "")
        + (
            "; they cite the imported file until you add sources (`check` lists them)"
            if flagged and not settings.source
            else ""
        )
    )
    if not result.imported:
        sys.exit(1)


@main.command()
@click.option(
    "--check",
    "only_check",
    is_flag=True,
    help="Exit 1 if a generated file is out of date instead of writing it.",
)
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=".",
    show_default=True,
    help="The project folder.",
)
def schema(only_check: bool, root: Path) -> None:
    """Regenerate the JSON Schemas for editors and the README's field reference from the schema
    declaration."""
    from .data.reference import (
        PLACES_SCHEMA_PATH,
        SCHEMA_PATH,
        json_schema,
        places_json_schema,
        replace_field_reference,
    )
    from .writefile import write_text_atomically

    readme = root / "README.md"
    wanted = {
        root / SCHEMA_PATH: json_schema(),
        root / PLACES_SCHEMA_PATH: places_json_schema(),
        readme: replace_field_reference(readme.read_text(encoding="utf-8")),
    }
    stale = [
        path
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if only_check:
        for path in stale:
            click.echo(f"{path}: out of date; run `python build_timeline.py schema`", err=True)
        sys.exit(1 if stale else 0)
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, wanted[path])
        click.echo(f"wrote {path}")


def _report(error: EventAtlasError) -> None:
    if not (isinstance(error, LocatedError) and error.problems):
        click.echo(f"error: {error}", err=True)
        return
    for problem in error.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(error.errors)} problem(s) found", err=True)


def _run(action):
    try:
        return action()
    except EventAtlasError as error:
        _report(error)
        sys.exit(1)

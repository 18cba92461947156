"""The MkDocs edge: runs the pipeline inside `mkdocs build` and `mkdocs serve`.

Generated pages and assets are added as virtual files, so nothing generated is ever written
into docs/. A build writes into a temporary folder beside site_dir and swaps it into place
only when complete; a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import EventAtlasError
from .pipeline import Prepared, prepare, save_cache
from .site.citations import atlas_citation
from .site.pages import relative_root, render_view
from .site.site_files import SCRIPTS, STYLES, site_files
from .site.version import DEFAULT_LICENSE, data_version, site_info
from .site.views import find_view_blocks, lines_before, parse_view_spec
from .writefile import swap_directory

log = logging.getLogger("mkdocs.plugins.eventatlas")


class EventAtlasConfig(Config):
    """Options under `- eventatlas:` in mkdocs.yml; paths are relative to mkdocs.yml."""

    events = config_options.Type(str, default="events.yaml")
    places = config_options.Type(str, default="places.yaml")
    atomic_site = config_options.Type(bool, default=True)
    data_license = config_options.Type(str, default=DEFAULT_LICENSE)


class EventAtlasPlugin(BasePlugin[EventAtlasConfig]):
    """Adds the event pages, the sources page, data exports and the figures to the site."""

    def __init__(self) -> None:
        self.command = "build"
        self.prepared: Prepared | None = None
        self.final_site_dir: str | None = None
        self.building_dir: str | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        base = Path(config.config_file_path or ".").resolve().parent
        self.events_path, self.places_path = base / self.config.events, base / self.config.places
        self.prepared = self._prepare()
        _ensure_build_date(self.prepared)
        self._pin_data_version(config)
        config.extra_css = [*STYLES, *config.extra_css]
        config.extra_javascript = [*SCRIPTS, *config.extra_javascript]
        if self.command == "build" and self.config.atomic_site:
            self._build_into_temporary_folder(config)
        return config

    def _pin_data_version(self, config) -> None:
        """The atlas as a citable whole, and its data version in every page's footer."""
        self.site = site_info(
            config.site_name, config.site_url, config.site_description, self.config.data_license
        )
        self.version = data_version(self.prepared.dataset, self.prepared.places)
        line = f"Data version {self.version.hash} of {self.version.date.isoformat()}"
        config.copyright = f"{config.copyright} · {line}" if config.copyright else line

    def _prepare(self) -> Prepared:
        try:
            prepared = prepare(self.events_path, self.places_path, write_cache=False)
        except EventAtlasError as error:
            raise PluginError(f"eventatlas found problems:\n{error}") from None
        for warning in prepared.warnings:
            log.info(str(warning))
        for name in prepared.newly_cached:
            log.info(
                f"eventatlas: placed '{name}' with the offline gazetteer; it will be saved to {self.places_path.name}"
            )
        return prepared

    def _build_into_temporary_folder(self, config) -> None:
        self.final_site_dir = config.site_dir
        parent = Path(config.site_dir).resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        name = Path(config.site_dir).name
        for leftover in parent.glob(f".{name}.building.*"):  # from a build that was killed
            shutil.rmtree(leftover, ignore_errors=True)
        self.building_dir = tempfile.mkdtemp(prefix=f".{name}.building.", dir=parent)
        os.chmod(self.building_dir, 0o755)  # mkdtemp makes it private; a published site is not
        config.site_dir = self.building_dir

    def on_files(self, files: Files, *, config) -> Files:
        for path, site_file in sorted(
            site_files(self.prepared.dataset, self.prepared.places, self.site, self.version).items()
        ):
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"eventatlas: docs/{path} would hide a generated page or asset; rename or remove it"
                )
            if site_file.copy_from is not None:
                files.append(File.generated(config, path, abs_src_path=str(site_file.copy_from)))
            else:
                files.append(File.generated(config, path, content=site_file.content))
        return files

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        first_line = lines_before(markdown, page.file.content_string)
        for match, line in reversed(find_view_blocks(markdown)):
            where = f"{Path(config.docs_dir).name}/{page.file.src_uri}:{first_line + line}"
            markdown = (
                markdown[: match.start()]
                + self._view_html(match, where, line, page)
                + markdown[match.end() :]
            )
        return markdown

    def _view_html(self, match, where: str, line: int, page) -> str:
        dataset = self.prepared.dataset
        try:
            spec = parse_view_spec(match.group("body"), list(dataset.events), where)
        except EventAtlasError as error:
            raise PluginError(str(error)) from None
        selected = spec.select(list(dataset.events))
        if not selected:
            raise PluginError(
                f"{where}: the eventatlas block selects no event; widen its ids, tags, actors, places, status or period"
            )
        return render_view(
            f"ea-view-{line}",
            selected,
            self.prepared.places,
            dataset,
            relative_root(page.file.src_uri),
            spec.show,
            cite=(
                atlas_citation(self.site, self.version, self.site.absolute(page.url)),
                self.version,
            ),
        )

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.events_path))
        server.watch(str(self.places_path))
        return server

    def on_post_build(self, *, config) -> None:
        # The cache is saved after the site, so a killed build never leaves a cache the site lacks.
        if self.final_site_dir:
            swap_directory(Path(config.site_dir), Path(self.final_site_dir))
            config.site_dir, self.final_site_dir = self.final_site_dir, None
        save_cache(self.prepared, self.places_path)

    def on_build_error(self, *, error: Exception) -> None:
        if self.final_site_dir and self.building_dir:
            shutil.rmtree(self.building_dir, ignore_errors=True)
            self.final_site_dir = None


def _ensure_build_date(prepared: Prepared) -> None:
    """Honour SOURCE_DATE_EPOCH; without it, date the build by its data so the same input gives the same bytes."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return
    days = [e.date.end for e in prepared.dataset.events]
    latest = max(days) if days else datetime(1970, 1, 1).date()
    moment = datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))

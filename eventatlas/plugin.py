"""The MkDocs edge: runs the pipeline inside `mkdocs build` and `mkdocs serve`.

Generated pages and assets are added as virtual files, so nothing generated is ever written
into docs/. Their HTML stays out of Markdown: a page's Markdown holds slot paragraphs, filled
with the pre-rendered HTML as the page is written (so that 100,000 generated pages are never all
held in memory, and material's search, where a site turns it on, does not parse the views'
lists). Pagefind indexes staged copies of the pages while the theme is rendered, and a second
process writes the open-data exports meanwhile. A build writes into a temporary folder beside
site_dir and swaps it into place only when complete; a failed build leaves the previous site as
it was.
`mkdocs serve --dirty` rebuilds only the generated files whose inputs changed. A build only
reads its inputs: places the gazetteer finds are used, and `build_timeline.py geocode` saves them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path

from filelock import FileLock
from mkdocs.config import config_options
from mkdocs.config.base import Config, ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from .errors import BuildError, EventAtlasError, LocatedError, Location, WriteError
from .mkdocs_pages import (
    Rendered,
    SkeletonPage,
    nav_titles,
    no_inline_plotly_styles,
    render_navigation_once,
    scripts_before_theme,
    structured_data_in_head,
)
from .pipeline import Prepared, prepare
from .search import (
    EVENTS_PER_BUNDLE,
    SearchedPage,
    StagedSearchIndex,
    bundle_count,
    event_bundles,
    index_files,
)
from .site.background import BackgroundWork
from .site.citations import atlas_citation
from .site.pages import GeneratedPage, fill_html_slots, html_slot, relative_root, render_view
from .site.site_files import (
    SCRIPTS,
    STYLES,
    SiteFile,
    background_paths,
    event_page_path,
    site_files,
)
from .site.version import DEFAULT_LICENSE, data_version, site_info
from .site.views import BLOCK, find_view_blocks, lines_before, parse_view_spec
from .writefile import (
    acquire_build_lock,
    make_building_folder,
    missing_files,
    publish_target,
    swap_directory,
)

log = logging.getLogger("mkdocs.plugins.eventatlas")
VIEW_MARK = 'class="ea-view"'  # a page with a view: its figures are drawn by the site's script
EPOCH = "SOURCE_DATE_EPOCH"
# What the staging of search documents plans for an event page whose text the worker
# sends later, in characters: a little over the default atlas's mean (5,300; the synthetic
# atlases', 1,100).
SEARCHED_PAGE_SIZE = 6_000


def _reported(hook: Callable) -> Callable:
    """Turn the project's errors into MkDocs' PluginError: the one place that does."""

    @wraps(hook)
    def run(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        except EventAtlasError as error:
            raise PluginError(_message(error)) from None

    return run


def _message(error: EventAtlasError) -> str:
    if isinstance(error, LocatedError) and error.problems:
        return f"eventatlas found {len(error.errors)} problem(s):\n{error}"
    return str(error)


class _Positive(config_options.Type):
    """A whole number of 1 or more."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value):
        # checked here rather than by Type: its message names Python's classes ("<class 'int'>")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(f"expected a whole number of 1 or more, not {value!r}")
        return value


class EventAtlasConfig(Config):
    """Options under `- eventatlas:` in mkdocs.yml; paths are relative to mkdocs.yml."""

    events = config_options.Type(str, default="events.yaml")
    places = config_options.Type(str, default="places.yaml")
    atomic_site = config_options.Type(bool, default=True)
    data_license = config_options.Type(str, default=DEFAULT_LICENSE)
    search_bundle_events = _Positive(default=EVENTS_PER_BUNDLE)  # event pages per search bundle


class EventAtlasPlugin(BasePlugin[EventAtlasConfig]):
    """Adds the event pages, the sources page, data exports and the figures to the site."""

    def __init__(self) -> None:
        self.command = "build"
        self.prepared: Prepared | None = None
        self.final_site_dir: str | None = None
        self.building_dir: str | None = None
        self.lock: FileLock | None = None
        self.expected_files: list[str] = []
        self.epoch_set = False
        self.generated_pages: dict[str, GeneratedPage] = {}
        self.rendered_bodies: dict[str, Rendered] = {}  # Markdown of generated pages, rendered
        self.view_parts: dict[str, list[str]] = {}
        self.worker_pages: dict[str, str] = {}  # event pages the background renders → event id
        self.search_bundles: dict[str, int] = {}  # event pages → their bundle of the search index
        self.dirty = False
        self.background = BackgroundWork()
        self.search = StagedSearchIndex()

    @property
    def data(self) -> Prepared:
        assert self.prepared is not None, "MkDocs runs on_config, which prepares, before the rest"
        return self.prepared

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        self.built_inputs: dict[str, str] = {}  # generated file → its inputs when last written
        self.pending_inputs: dict[str, str] = {}
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_expected_dirty_notice)

    @_reported
    def on_config(self, config):
        base = Path(config.config_file_path or ".").resolve().parent
        self._take_lock(base)
        self.events_path, self.places_path = base / self.config.events, base / self.config.places
        self.prepared = self._prepare()
        self._date_this_build(self.prepared)
        self._pin_data_version(config)
        config.extra_css = [*STYLES, *config.extra_css]
        config.extra_javascript = [*SCRIPTS, *config.extra_javascript]
        if self.command == "build" and self.config.atomic_site:
            self._build_into_temporary_folder(config)
        data = self.prepared
        self.background.start(data.dataset, data.places, self.site, self.version)
        return config

    def _pin_data_version(self, config) -> None:
        """The atlas as a citable whole, and its data version in every page's footer."""
        self.site = site_info(
            config.site_name, config.site_url, config.site_description, self.config.data_license
        )
        self.version = data_version(self.data.dataset, self.data.places)
        line = f"Data version {self.version.hash} of {self.version.date.isoformat()}"
        config.copyright = f"{config.copyright} · {line}" if config.copyright else line

    def _prepare(self) -> Prepared:
        prepared = prepare(self.events_path, self.places_path)
        for warning in prepared.warnings:
            log.info(str(warning))
        if prepared.newly_cached:
            names = ", ".join(map(repr, prepared.newly_cached))
            log.info(
                f"eventatlas: placed {names} with the offline gazetteer for this build; "
                f"`python build_timeline.py geocode` saves them to {self.places_path.name}"
            )
        return prepared

    def _take_lock(self, project: Path) -> None:
        """One build or serve rebuild of a project at a time: a second one waits for the first."""
        if self.lock is None:
            self.lock = acquire_build_lock(project, on_wait=_say_waiting)

    def _release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _date_this_build(self, prepared: Prepared) -> None:
        """Honour SOURCE_DATE_EPOCH; without it, date this build by its data (the latest event
        day), so the same input gives the same bytes. MkDocs reads the date from the environment,
        so it is set for this build only and removed when the build ends."""
        if os.environ.get(EPOCH) and not self.epoch_set:
            return
        os.environ[EPOCH] = str(data_epoch(prepared))
        self.epoch_set = True

    def _forget_build_date(self) -> None:
        if self.epoch_set:
            os.environ.pop(EPOCH, None)
            self.epoch_set = False

    def _build_into_temporary_folder(self, config) -> None:
        self.final_site_dir = config.site_dir
        try:
            self.building_dir = str(make_building_folder(publish_target(config.site_dir)))
        except OSError as error:
            raise WriteError(
                f"cannot create a folder beside {config.site_dir}: {error.strerror or error}"
            ) from None
        config.site_dir = self.building_dir

    @_reported
    def on_files(self, files: Files, *, config) -> Files:
        self.generated_pages, self.pending_inputs, self.rendered_bodies = {}, {}, {}
        if self.dirty:
            _rebuild_always(files)
        data = self.data
        for path in background_paths(data.dataset):
            _refuse_hidden(files, path, config)
            files.append(_WrittenByWorker.generated(config, path, content=""))
        self.background.write_files(Path(config.site_dir))
        event_paths = {event_page_path(e.id): e.id for e in data.dataset.events}
        self.search_bundles = event_bundles(list(event_paths), self.config.search_bundle_events)
        files_of_site = site_files(
            data.dataset,
            data.places,
            self.site,
            self.version,
            background=False,
            search_bundles=bundle_count(len(event_paths), self.config.search_bundle_events),
        )
        titles = nav_titles(config.nav)
        self.worker_pages = {}
        for path, site_file in sorted(files_of_site.items()):
            _refuse_hidden(files, path, config)
            file = self._generated_file(config, path, site_file)
            files.append(file)
            if site_file.page is not None:
                self.generated_pages[path] = site_file.page
                title = titles.get(path)
                SkeletonPage(file, config, site_file.page, self.rendered_bodies, title)
            if path in event_paths and file.is_modified():
                self.worker_pages[path] = event_paths[path]
        self.background.render_event_pages(list(self.worker_pages.values()))  # in writing order
        return files

    def _generated_file(self, config, path: str, site_file: SiteFile) -> File:
        if site_file.copy_from is not None:
            return File.generated(config, path, abs_src_path=str(site_file.copy_from))
        content = site_file.page.body if site_file.page else site_file.content
        file = _ServedFile.generated(config, path, content=content or "")
        assert isinstance(file, _ServedFile)  # File.generated is a classmethod: it makes a cls
        if self.dirty:  # `mkdocs serve --dirty`: write only what the edit changed
            inputs = site_file.page.inputs() if site_file.page else _digest(site_file.content)
            file.modified = self.built_inputs.get(path) != inputs
            self.pending_inputs[path] = inputs
        return file

    @_reported
    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        if page.file.src_uri in self.generated_pages:
            return markdown  # a skeleton of headings and slots: it holds no view block
        first_line = lines_before(markdown, page.file.content_string)
        blocks = find_view_blocks(markdown)
        parts = self.view_parts[page.file.src_uri] = [""] * len(blocks)
        for index, (match, line) in reversed(list(enumerate(blocks))):
            where = Location(f"{Path(config.docs_dir).name}/{page.file.src_uri}", first_line + line)
            parts[index] = self._view_html(match, where, line, page)
            markdown = markdown[: match.start()] + html_slot(index) + markdown[match.end() :]
        return markdown

    @_reported
    def on_post_page(self, output: str, *, page, config) -> str:
        # Filled only now, so material's search (which would index every row of a view's list:
        # Pagefind finds the events) and the pages held in memory stay small.
        html = self._filled(output, page.file.src_uri)
        if VIEW_MARK not in html:
            return html
        return no_inline_plotly_styles(scripts_before_theme(html, SCRIPTS[0]))

    def _filled(self, output: str, path: str) -> str:
        if path in self.worker_pages:
            event_parts = self.background.page_parts(self.worker_pages[path])
            return structured_data_in_head(fill_html_slots(output, event_parts))
        generated = self.generated_pages.get(path)
        if generated is not None:
            return fill_html_slots(output, generated.render_parts())
        parts = self.view_parts.pop(path, None)
        return fill_html_slots(output, parts) if parts else output

    def _view_html(self, match, where: Location, line: int, page) -> str:
        dataset = self.data.dataset
        spec = parse_view_spec(match.group("body"), list(dataset.events), where)
        selected = spec.select(list(dataset.events))
        if not selected:
            raise BuildError.at(
                where,
                BLOCK,
                "selects no event; widen its ids, tags, actors, places, status or period",
            )
        return render_view(
            f"ea-view-{line}",
            selected,
            self.data.places,
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

    @_reported
    def on_env(self, env, *, config, files):
        render_navigation_once(env)
        self.expected_files = [f.dest_uri for f in files if f.inclusion.is_included()]
        self._start_search_index(config, files)
        return env

    def _start_search_index(self, config, files: Files) -> None:
        """Every page's content is known now: Pagefind indexes it while the theme is rendered."""
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        bundles = {p.file.dest_uri: self.search_bundles.get(p.file.src_uri, 0) for p in pages}
        changed = [p for p in pages if p.content is not None]  # `--dirty` skips the others
        changed.sort(key=lambda p: (bundles[p.file.dest_uri], p.file.dest_uri))
        size = sum(
            SEARCHED_PAGE_SIZE if p.file.src_uri in self.worker_pages else len(p.content or "")
            for p in changed
        )
        self.search.start(
            (self._searched_page(page, config) for page in changed),
            bundles,
            Path(config.site_dir),
            size,
        )

    def _searched_page(self, page, config) -> SearchedPage:
        path = page.file.src_uri
        if path in self.worker_pages:
            parts = self.background.searched_parts(self.worker_pages[path])
        elif path in self.generated_pages:
            parts = self.generated_pages[path].searched_parts()
        else:  # a hand-written page's views, which search ignores
            parts = tuple("" for _ in self.view_parts.get(path, ()))
        content = fill_html_slots(page.content, parts)
        title = page.title or config.site_name
        return SearchedPage(page.file.dest_uri, title, content, self.search_bundles.get(path, 0))

    @_reported
    def on_post_build(self, *, config) -> None:
        try:
            self._forget_build_date()
            self.search.finish()
            self.background.finish()  # its files are among expected_files (on_files listed them)
            self.built_inputs.update(self.pending_inputs)
            if self.final_site_dir:
                self._publish(config)
        finally:
            self._end_workers()
            self._release_lock()

    def _end_workers(self) -> None:
        """Before the building folder may be removed; `serve` keeps the staged pages."""
        self.background.stop()
        self.search.stop()
        if self.command != "serve":
            self.search.close()

    def on_shutdown(self) -> None:
        self.background.stop()
        self.search.close()

    def _publish(self, config) -> None:
        """Swap the finished folder into place, only when it holds every file of the site and of
        its search index."""
        _refuse_strict_warnings()
        site = Path(config.site_dir)
        expected = ["index.html", *self.expected_files, *index_files(site, self.search.bundles)]
        missing = missing_files(site, expected)
        if missing:
            raise BuildError(
                f"the new site lacks {len(missing)} file(s) (first: {missing[0]}); "
                "the previous site is kept"
            )
        assert self.final_site_dir is not None  # only called when building beside it
        swap_directory(site, Path(self.final_site_dir))
        config.site_dir, self.final_site_dir = self.final_site_dir, None

    @_reported
    def on_build_error(self, *, error: Exception) -> None:
        self._forget_build_date()
        self._end_workers()
        if self.final_site_dir and self.building_dir:
            shutil.rmtree(self.building_dir, ignore_errors=True)
            self.final_site_dir = None
        self._release_lock()
        if isinstance(error, OSError):  # a full disk, a file too large: a line, not a traceback
            raise WriteError(
                f"cannot write {error.filename2 or error.filename or 'the site'}: "
                f"{error.strerror or error}; the previous site is kept"
            ) from None


def _refuse_hidden(files: Files, path: str, config) -> None:
    if files.get_file_from_path(path) is not None:
        where = Location(f"{Path(config.docs_dir).name}/{path}", 0)
        raise BuildError.at(where, "", "would hide a generated page or asset; rename or remove it")


def _say_waiting() -> None:
    log.info("eventatlas: waiting for another build of this project to finish")


def _refuse_strict_warnings() -> None:
    """MkDocs aborts a --strict build with warnings after on_post_build: publish nothing then."""
    for handler in logging.getLogger("mkdocs").handlers:
        counts = handler.get_counts() if isinstance(handler, CountHandler) else []
        if counts:
            found = ", ".join(f"{n} {level.lower()}(s)" for level, n in counts)
            raise BuildError(f"{found} in strict mode; the previous site is kept")


def _expected_dirty_notice(record: logging.LogRecord) -> bool:
    # MkDocs warns that a dirty build may leave navigation stale, which strict mode counts as a
    # failure; for `serve --dirty`, which asked for it, the notice is information.
    if record.levelno == logging.WARNING and "'dirty' build" in record.getMessage():
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


class _ServedFile(File):
    """A file whose `is_modified` the plugin decides from its inputs, not from file times."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


class _WrittenByWorker(File):
    """A file of `background_texts` (exports, schemas, atlas data, on-demand scripts, detail
    scripts): known to MkDocs, so links to it pass `--strict`; written by the background worker."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def _rebuild_always(files: Files) -> None:
    """Hand-written pages show the data too; a dirty build rebuilds them every time (they are
    few)."""
    for file in list(files.documentation_pages()):
        files.remove(file)
        files.append(
            _ServedFile(
                file.src_uri,
                file.src_dir,
                file.dest_dir,
                file.use_directory_urls,
                dest_uri=file.dest_uri,
                inclusion=file.inclusion,
            )
        )


def _digest(content: str | bytes | None) -> str:
    data = content.encode() if isinstance(content, str) else content or b""
    return hashlib.sha256(data).hexdigest()


def data_epoch(prepared: Prepared) -> int:
    """Midnight UTC of the latest day any event covers (1970 for an empty file)."""
    days = [e.date.end for e in prepared.dataset.events]
    latest = max(days) if days else datetime(1970, 1, 1).date()
    moment = datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)
    # gzip (sitemap.xml.gz) stores the time in 32 unsigned bits: 1970 to 2106
    return min(max(int(moment.timestamp()), 0), 2**32 - 1)

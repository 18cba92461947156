"""Search that scales: Pagefind indexes the site in chunks a browser fetches as it searches.

mkdocs-material's search loads one index of every page before the first query (4.4 MB at 1,000
events); Pagefind's first query fetches a few small chunks, so it stays fast at 10,000 events and
more. Pagefind indexes every page, and the default site has no other search; a site that turns
on material's search plugin gets only the hand-written pages in it (generated pages say
`search: exclude`). Pagefind runs offline, from the `pagefind[bin]` package, and its search UI
is served from the site.

What Pagefind reads of a page is its article: the title and the content. MkDocs knows every
page's content before it renders the theme around it, so the plugin stages each page's article
as a small document in a private folder and Pagefind indexes those on the machine's other core
while the main process renders the theme (it took a fifth of a build when it ran after it); a
thread writes the staged documents, so the main process does not wait for the disk either.
Parts a page marks `data-pagefind-ignore` (views, "Cite this") are left out of the staged copy.

The index is split into bundles of at most `EVENTS_PER_BUNDLE` event pages, which the search page
merges in the browser (Pagefind's `mergeIndex`). Pagefind ranks a query's results in time that
grows with the number of results times the number of pages holding its words: a word on every
page of a 10,000-event atlas took 600 ms in one index and takes 150 ms in five. Each bundle is
indexed by its own Pagefind run, one after another, so Pagefind's memory is that of one bundle.
Event pages are split evenly, in path order; bundle 0, in pagefind/, also holds every page that
is not an event page, and Pagefind's scripts; the others, in pagefind/part-N/, hold only their
index (the search page loads one engine for all).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import SearchIndexError
from .writefile import remove_abandoned

PAGEFIND_FOLDER = "pagefind"
EVENTS_PER_BUNDLE = 2_000  # the default; a site sets `search_bundle_events`
STAGING_QUEUE = 256  # documents made and not yet staged
MERGED_BUNDLE = "part-"  # pagefind/part-1/, part-2/, …
LANGUAGE = "en"  # one index: Pagefind would split one per page language
ROOT_SELECTOR = "article"  # the page's own content: no navigation, header or footer


def pagefind_command(site_dir: Path, output: Path | None = None) -> list[str]:
    from pagefind_bin import get_executable  # the binary shipped in the pagefind-bin wheel

    return [
        str(get_executable()),
        "--site",
        str(site_dir),
        "--output-path",
        str((output or site_dir / PAGEFIND_FOLDER).resolve()),
        "--root-selector",
        ROOT_SELECTOR,
        "--exclude-selectors",
        ".headerlink",  # the headings' ¶ permalinks, which results would show as text
        "--glob",
        "**/index.html",  # every page; not 404.html
        "--force-language",
        LANGUAGE,
        "--silent",
    ]


def index_site(site_dir: Path) -> None:
    """Write Pagefind's index and UI of a finished site into site_dir/pagefind/ (what the staged
    index is compared with in the tests); raise SearchIndexError if Pagefind fails."""
    try:
        result = subprocess.run(
            pagefind_command(site_dir), capture_output=True, text=True, timeout=3600
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SearchIndexError(f"Pagefind could not run: {error}") from None
    if result.returncode:
        raise SearchIndexError(f"Pagefind failed: {result.stderr.strip()[-2000:]}")


def bundle_count(events: int, per_bundle: int = EVENTS_PER_BUNDLE) -> int:
    """How many bundles the index of a site with this many event pages is split into."""
    return max(1, -(-events // max(1, per_bundle)))


def bundle_folder(bundle: int) -> str:
    """Where a bundle is in the site: pagefind/ for the first, pagefind/part-N/ for the others."""
    return PAGEFIND_FOLDER if bundle == 0 else f"{PAGEFIND_FOLDER}/{MERGED_BUNDLE}{bundle}"


def event_bundles(event_pages: list[str], per_bundle: int = EVENTS_PER_BUNDLE) -> dict[str, int]:
    """The bundle of each event page: in path order, split into bundles of equal size."""
    count = bundle_count(len(event_pages), per_bundle)
    ordered = sorted(event_pages)
    return {page: index * count // len(ordered) for index, page in enumerate(ordered)}


@dataclass(frozen=True)
class SearchedPage:
    """What Pagefind reads of a page: where it is in the site, its title, its article's HTML,
    and which bundle of the index holds it."""

    dest_path: str  # "events/x/index.html"
    title: str  # as the theme prints it (generated pages' titles are escaped already)
    content: str
    bundle: int = 0


def staged_document(page: SearchedPage) -> str:
    # mkdocs-material prints the title as the article's h1 when the content has none
    heading = "" if "<h1" in page.content else f"<h1>{page.title}</h1>"
    return (
        f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><meta charset="utf-8">'
        f"<title>{page.title}</title></head>\n<body><article>{heading}\n{page.content}\n"
        "</article></body></html>\n"
    )


class StagedSearchIndex:
    """Pagefind over staged copies of the pages' articles, run beside the main process.

    `start` takes the documents (rendered by the caller) and returns at once: a thread writes
    them (a `serve --dirty` rebuild passes only the pages it rebuilt; pages no longer in the site
    are dropped, pages whose bundle changed are moved) and then runs Pagefind over each bundle
    into the site folder. `finish` waits for it, `stop` ends it early, `close` removes the
    staging folder."""

    def __init__(self) -> None:
        self._staging: Path | None = None
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._failure = ""
        self.bundles = 1

    def start(
        self,
        pages: Iterable[SearchedPage],
        every_page: dict[str, int],
        site_dir: Path,
        size: int = 0,
    ) -> None:
        """Index the site's pages: every_page maps each page's path to its bundle; pages holds
        those whose text changed (all of them, but under `serve --dirty`), in (bundle, path)
        order, and size estimates their text in characters. Each page's document goes to the
        staging thread as it is made, so that a large site's documents are never all held at
        once; this returns when the last is made."""
        if self._staging is None:
            parent = staging_parent(size) or tempfile.gettempdir()
            remove_abandoned(Path(parent), STAGING_PREFIX)  # left by killed builds
            prefix = f"{STAGING_PREFIX}{os.getpid()}."
            self._staging = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self.bundles = max(every_page.values(), default=0) + 1
        self._stopped.clear()
        self._failure = ""
        documents: queue.Queue = queue.Queue(maxsize=STAGING_QUEUE)
        self._thread = threading.Thread(
            target=self._stage_and_index,
            args=(documents, dict(every_page), Path(site_dir)),
            daemon=True,
        )
        self._thread.start()
        try:
            for page in pages:
                documents.put((page.bundle, page.dest_path, staged_document(page)))
        except BaseException:
            self._stopped.set()  # no index of half the pages
            raise
        finally:
            documents.put(None)  # the end: the thread reads to it whatever happens

    def _stage_and_index(
        self, documents: queue.Queue, kept: dict[str, int], site_dir: Path
    ) -> None:
        assert self._staging is not None
        self._failure = _write_documents(self._staging, documents, kept, self._stopped)
        if self._failure or self._stopped.is_set():
            return
        try:
            _remove_old_bundles(site_dir, self.bundles)
            for bundle in range(self.bundles):
                staged = self._staging / str(bundle)
                staged.mkdir(exist_ok=True)
                self._failure = self._run_pagefind(staged, site_dir / bundle_folder(bundle))
                if self._failure or self._stopped.is_set():
                    return
                if bundle:
                    _trim_merged_bundle(site_dir / bundle_folder(bundle))
        except Exception as error:  # noqa: BLE001 - reported by finish(), in the main thread
            self._failure = f"cannot index the pages for search: {error}"

    def _run_pagefind(self, staged: Path, output: Path) -> str:
        """Index one bundle; what went wrong, or "" (also when stopped)."""
        with self._lock:
            if self._stopped.is_set():
                return ""
            try:
                self._process = subprocess.Popen(
                    pagefind_command(staged, output),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            except OSError as error:
                return f"Pagefind could not run: {error}"
        _, errors = self._process.communicate()
        with self._lock:
            failed, self._process = self._process.returncode, None
            if failed and not self._stopped.is_set():
                return f"Pagefind failed: {errors.strip()[-2000:]}"
        return ""

    def finish(self) -> None:
        assert self._thread is not None, "start() comes first"
        self._thread.join()
        self._thread = None
        if self._failure:
            raise SearchIndexError(self._failure)

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            if self._process is not None:
                self._process.kill()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self.stop()
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


STAGING_PREFIX = "eventatlas-search."  # then the building process's id
RAM_TEMP = Path("/dev/shm")  # Linux's memory-backed folder for temporary files


def staging_parent(size: int = 0) -> str | None:
    """Where the staged pages (size characters) go: a memory-backed folder when the system has
    one with room for four times as much and TMPDIR does not name another place, else the usual
    temporary folder. They are written once and read once by Pagefind; on a slow disk, creating
    thousands of small files was a tenth of a build. (A container's /dev/shm may be 64 MB.)"""
    if "TMPDIR" in os.environ or not (RAM_TEMP.is_dir() and os.access(RAM_TEMP, os.W_OK)):
        return None
    try:
        room = shutil.disk_usage(RAM_TEMP).free
    except OSError:
        return None
    return str(RAM_TEMP) if room > 4 * size else None


def _write_documents(
    folder: Path, documents: queue.Queue, kept: dict, stopped: threading.Event
) -> str:
    """Stage the documents, (bundle, path, text), in folder/<bundle>/<path> as they come; what
    went wrong, or "". The queue is read to its end even then, so its maker never waits on it.
    Pagefind numbers pages in the order the folder lists them, which on a memory-backed folder
    is the order they were made in: hence documents in path order."""
    failure = ""
    try:
        _move_staged(folder, kept)
    except Exception as error:  # noqa: BLE001 - reported by finish(); the queue is still read
        failure = _staging_failure(error)
    folders: set[Path] = set()
    while (document := documents.get()) is not None:
        if failure or stopped.is_set():
            continue
        bundle, path, text = document
        target = folder / str(bundle) / path
        try:
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            target.write_text(text, encoding="utf-8")
        except Exception as error:  # noqa: BLE001 - reported by finish(), in the main thread
            failure = _staging_failure(error)
    return failure


def _staging_failure(error: Exception) -> str:
    return f"cannot stage the pages for search: {getattr(error, 'strerror', '') or error}"


def _move_staged(folder: Path, kept: dict[str, int]) -> None:
    """Remove the staged pages no longer in the site and move those whose bundle changed."""
    for bundle in [child for child in folder.iterdir() if child.is_dir()]:
        for staged in list(bundle.glob("**/index.html")):
            path = staged.relative_to(bundle).as_posix()
            wanted = kept.get(path)
            if wanted is None:
                staged.unlink()
            elif str(wanted) != bundle.name:
                target = folder / str(wanted) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)


def _trim_merged_bundle(folder: Path) -> None:
    """Keep only the index of a merged bundle: the search page loads Pagefind's scripts and
    engine from pagefind/."""
    for item in folder.iterdir():
        if item.is_file() and item.name != ENTRY and not item.name.endswith(".pf_meta"):
            item.unlink()


def _remove_old_bundles(site_dir: Path, bundles: int) -> None:
    """Remove the bundles a smaller site no longer has (`serve` writes into the same folder)."""
    for old in (site_dir / PAGEFIND_FOLDER).glob(MERGED_BUNDLE + "*"):
        number = old.name[len(MERGED_BUNDLE) :]
        if old.is_dir() and not (number.isdigit() and 0 < int(number) < bundles):
            shutil.rmtree(old, ignore_errors=True)


# What the site's search page loads from Pagefind's output, and the entry naming the index.
ENTRY = "pagefind-entry.json"
INDEX_FILES = tuple(
    f"{PAGEFIND_FOLDER}/{name}"
    for name in (ENTRY, "pagefind.js", "pagefind-ui.js", "pagefind-ui.css")
)


def index_files(site_dir: Path, bundles: int = 1) -> list[str]:
    """The files (relative to site_dir) a complete search index has: Pagefind's fixed files, and
    each bundle's entry and the metadata file of each language its entry names, so a cut-short
    index is never published."""
    names = list(INDEX_FILES)
    for bundle in range(bundles):
        folder = bundle_folder(bundle)
        names += [f"{folder}/{ENTRY}"] if bundle else []
        names += [f"{folder}/{meta}" for meta in _metadata_files(site_dir / folder / ENTRY)]
    return names


def _metadata_files(entry_file: Path) -> list[str]:
    try:
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        languages = entry.get("languages", {})
        return [
            f"pagefind.{meta['hash']}.pf_meta"  # the hash starts 'en_'
            for _, meta in sorted(languages.items())
        ]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return []  # a missing or unreadable entry is already a missing file

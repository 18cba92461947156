"""Stage 5, on the machine's other core: two worker processes that do what no MkDocs step waits
for, while MkDocs renders the pages.

- The files worker computes and writes `site_files.background_texts` into the site folder: the
  open-data exports, the JSON Schemas, the atlas data, the on-demand scripts and geography, and
  the detail scripts. The exports read the whole dataset thirteen ways (calendars, feeds, CSV,
  GeoJSON ...) and took a fifth of a build's time in the main process.
- The pages worker renders the event pages' blocks of HTML (facts, citations, the view of the
  nearest events, "Cite this"), which are most of what the plugin adds to a page. It starts
  with the build and reads which pages to render once MkDocs knows its files. It sends them on
  its output: first the parts search reads, for every page at once, then each page's full parts
  in the order MkDocs writes the pages. The pipe holds only a few pages, so the worker waits for
  MkDocs and a large atlas is never all in memory.

Both are new Python processes (`python -m eventatlas.site.background`) given their inputs in one
private temporary file: no fork of a process that may run `serve`'s threads, and no re-run of
the caller's main module, as multiprocessing's spawn would do.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from ..data.load import Dataset
from ..errors import BuildError, WriteError
from ..geocode import ResolvedPlace
from ..writefile import remove_abandoned
from .pages import overview
from .site_files import background_items, event_pages
from .version import DataVersion, SiteInfo

Parts = tuple[str, ...]
INPUTS_PREFIX = "eventatlas-background."  # then the building process's id
SEARCHED, SEARCHED_ALL, PAGE = "searched", "searched-all", "page"  # the pages worker's messages


@dataclass(frozen=True)
class Written:
    """What the files worker reports, as JSON on its output: the files it wrote, or why it could
    not."""

    paths: tuple[str, ...] = ()
    failure: str = ""


@dataclass(frozen=True)
class Inputs:
    """What both workers read from the private file `start` writes."""

    dataset: Dataset
    places: dict[str, ResolvedPlace]
    site: SiteInfo
    version: DataVersion


def write_background_files(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo,
    version: DataVersion,
    site_dir: str,
) -> Written:
    """In the files worker: every file of `background_texts`, written under site_dir (a folder
    only this build writes) as it is made."""
    folders: set[Path] = set()
    written: list[str] = []
    path = ""
    try:
        for path, text in background_items(dataset, places, site, version):
            target = Path(site_dir, path)
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            target.write_bytes(text.encode("utf-8"))
            written.append(path)
    except OSError as error:
        return Written(failure=f"cannot write {error.filename or path}: {error.strerror or error}")
    return Written(tuple(written))


def send_event_pages(inputs: Inputs, wanted: IO[str], output: IO[bytes]) -> None:
    """In the pages worker: the searched parts of the event pages listed on `wanted` (one JSON
    list, in the order MkDocs writes them), then their full parts."""
    event_ids = json.loads(wanted.readline() or "[]")  # first: the build waits to hand it over
    whole = overview(inputs.dataset, inputs.places, inputs.site, inputs.version)
    pages = partial(event_pages, inputs.dataset, inputs.places, whole, event_ids)
    for event_id, page in pages():
        pickle.dump((SEARCHED, event_id, page.searched_parts()), output, pickle.HIGHEST_PROTOCOL)
    pickle.dump((SEARCHED_ALL,), output)
    output.flush()
    # Each page is made again rather than kept with its searched parts: at 100,000 events
    # those held 300 MB, and making them again costs a fifth of the worker's time.
    for event_id, page in pages():
        pickle.dump((PAGE, event_id, page.render_parts()), output, pickle.HIGHEST_PROTOCOL)
    output.flush()


class _Worker:
    """One worker process: its output read by the caller, its errors kept in a temporary file."""

    def __init__(self, role: str, what: str, inputs: Path, *arguments: str) -> None:
        self.what = what
        self.errors = tempfile.TemporaryFile()
        command = [sys.executable, "-m", __name__, role, str(inputs), *arguments]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.input: IO[bytes] = self.process.stdin
        self.output: IO[bytes] = self.process.stdout

    def end(self) -> bytes:
        """Wait for the worker; the rest of its output. A BuildError if it failed."""
        rest = self.output.read()
        if self.process.wait():
            raise BuildError(f"{self.what} could not be made: {self.error_text()}")
        return rest

    def error_text(self) -> str:
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # alive but not sending what was asked for
            self.process.kill()
        self.errors.seek(0)
        message = self.errors.read().decode("utf-8", "replace").strip()[-2000:]
        code = self.process.returncode
        if message or code is None:
            return message or "no message"
        if code < 0:  # killed: out of memory, most often
            return f"its process was stopped by signal {-code}"
        return f"its process ended with status {code}"

    def close(self) -> None:
        self.process.wait()
        for stream in (self.input, self.output):
            stream.close()
        self.errors.close()


class BackgroundWork:
    """The two workers of one build. `start` and `write_files` start them and return at once;
    `render_event_pages` says which pages to render; `searched_parts` and `page_parts` hand over
    their HTML as the build asks for it; `finish` waits for both workers, `stop` ends them
    early."""

    def __init__(self) -> None:
        self._inputs: Path | None = None
        self._files: _Worker | None = None
        self._pages: _Worker | None = None
        self._searched: dict[str, Parts] = {}
        self._searched_read = threading.Event()
        self._reader: threading.Thread | None = None
        self._ahead: dict[str, Parts] = {}

    def start(
        self,
        dataset: Dataset,
        places: dict[str, ResolvedPlace],
        site: SiteInfo,
        version: DataVersion,
    ) -> None:
        """Start the pages worker: it loads the data while MkDocs gathers the files."""
        self.stop()  # a serve rebuild that began before the last one ended
        remove_abandoned(Path(tempfile.gettempdir()), INPUTS_PREFIX)  # left by killed builds
        prefix = f"{INPUTS_PREFIX}{os.getpid()}."
        handle, inputs = tempfile.mkstemp(prefix=prefix, suffix=".pickle")
        self._inputs = Path(inputs)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(Inputs(dataset, places, site, version), stream, pickle.HIGHEST_PROTOCOL)
        self._pages = _Worker("pages", "the event pages", self._inputs)
        self._searched, self._ahead = {}, {}
        self._searched_read.clear()

    def write_files(self, site_dir: Path) -> None:
        """Start the files worker, once MkDocs has emptied the site folder."""
        assert self._inputs is not None, "start() comes first"
        self._files = _Worker(
            "files", "the open-data exports, assets and detail scripts", self._inputs, str(site_dir)
        )

    def render_event_pages(self, event_ids: Sequence[str]) -> None:
        """The pages to render, in the order MkDocs writes them; their searched parts are read
        as they come."""
        assert self._pages is not None, "start() comes first"
        try:
            self._pages.input.write(json.dumps(list(event_ids)).encode() + b"\n")
            self._pages.input.close()
        except OSError:
            pass  # the worker has failed: the page that is missing reports it
        self._reader = threading.Thread(target=self._read_searched, daemon=True)
        self._reader.start()

    def _read_searched(self) -> None:
        """The searched parts of every page are wanted at once: read them as they come, so the
        pages worker goes on to the full parts."""
        assert self._pages is not None
        try:
            while (message := pickle.load(self._pages.output))[0] == SEARCHED:
                self._searched[message[1]] = message[2]
        except (EOFError, pickle.UnpicklingError, OSError):
            pass  # the worker failed: the page that is missing reports it
        finally:
            self._searched_read.set()

    def searched_parts(self, event_id: str) -> Parts:
        """The blocks of HTML of an event page that search reads."""
        self._searched_read.wait()
        parts = self._searched.pop(event_id, None)
        if parts is None:
            raise self._failure(event_id)
        return parts

    def page_parts(self, event_id: str) -> Parts:
        """Every block of HTML of an event page, asked for in the order given to
        `render_event_pages`."""
        self._searched_read.wait()  # the rest of the stream is read here, by the caller
        assert self._pages is not None, "start() was given this page"
        while event_id not in self._ahead:
            try:
                _, page_id, parts = pickle.load(self._pages.output)
            except (EOFError, pickle.UnpicklingError, OSError):
                raise self._failure(event_id) from None
            self._ahead[page_id] = parts
        return self._ahead.pop(event_id)

    def _failure(self, event_id: str) -> BuildError:
        assert self._pages is not None
        return BuildError(
            f"the page of event {event_id!r} could not be made: {self._pages.error_text()}"
        )

    def finish(self) -> list[str]:
        """The paths the files worker wrote (relative to the site folder); a WriteError if they
        could not be, a BuildError if a worker failed."""
        assert self._files is not None, "write_files() comes first"
        try:
            report = json.loads(self._files.end())
            if self._pages is not None:
                self._pages.end()
        finally:
            self.stop()
        written = Written(tuple(report["paths"]), report["failure"])
        if written.failure:
            raise WriteError(f"{written.failure}; the previous site is kept")
        return list(written.paths)

    def stop(self) -> None:
        """End the workers (their folder is about to be removed) and forget them."""
        workers = [w for w in (self._files, self._pages) if w is not None]
        for worker in workers:
            worker.process.kill()  # no effect on one that has ended
        if self._reader is not None:
            self._reader.join()  # it reads to the end of the killed worker's output
        for worker in workers:
            worker.close()
        self._files = self._pages = self._reader = None
        if self._inputs is not None:
            self._inputs.unlink(missing_ok=True)
            self._inputs = None


def main(role: str, inputs_path: str, *arguments: str) -> None:
    with open(inputs_path, "rb") as stream:
        inputs: Inputs = pickle.load(stream)  # our own file, made by start()
    if role == "pages":
        send_event_pages(inputs, sys.stdin, sys.stdout.buffer)
        return
    written = write_background_files(
        inputs.dataset, inputs.places, inputs.site, inputs.version, arguments[0]
    )
    print(json.dumps({"paths": written.paths, "failure": written.failure}))


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Stage 5, on the machine's other core: one worker process that does what no MkDocs step waits
for, while MkDocs renders the pages. It holds one copy of the atlas for two jobs, each in its
own thread:

- Files: it computes and writes `site_files.background_texts` into the site folder: the
  open-data exports, the JSON Schemas, the atlas data, the on-demand scripts and geography, and
  the detail scripts. The exports read the whole dataset thirteen ways (calendars, feeds, CSV,
  GeoJSON ...) and took a fifth of a build's time in the main process.
- Pages: it renders the event pages' blocks of HTML (facts, citations, the view of the nearest
  events, "Cite this"), which are most of what the plugin adds to a page. It reads which pages
  to render once MkDocs knows its files, and sends them on its output: first the parts search
  reads, for every page at once, then each page's full parts in the order MkDocs writes the
  pages. The pipe holds only a few pages, so the worker waits for MkDocs and a large atlas's
  pages are never all in memory. Its last message is what the files job wrote.

It was two processes, one a job: at 100,000 events each held a 500 MB copy of the atlas, and on
two cores the second worker only took time from the first. It is a new Python process
(`python -m eventatlas.site.background`) given its inputs in one private temporary file: no fork
of a process that may run `serve`'s threads, and no re-run of the caller's main module, as
multiprocessing's spawn would do. Its input says first the site folder, then the pages wanted.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from ..data.load import Dataset
from ..errors import BuildError, WriteError
from ..geocode import ResolvedPlace
from ..writefile import remove_abandoned
from .exports import utf8_chunks
from .pages import overview
from .site_files import background_items, event_pages
from .version import DataVersion, SiteInfo

Parts = tuple[str, ...]
INPUTS_PREFIX = "eventatlas-background."  # then the building process's id
SEARCHED, SEARCHED_ALL, PAGE, WRITTEN = "searched", "searched-all", "page", "written"  # messages
SEARCHED_AHEAD = 10_000  # searched parts read before the build takes them (a few MB)


@dataclass(frozen=True)
class Written:
    """What the files job reports, last on the worker's output: the files it wrote, or why it
    could not."""

    paths: tuple[str, ...] = ()
    failure: str = ""


@dataclass(frozen=True)
class Inputs:
    """What the worker reads from the private file `start` writes."""

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
    """In the worker's files job: every file of `background_texts`, written under site_dir (a
    folder only this build writes) as it is made."""
    folders: set[Path] = set()
    written: list[str] = []
    path = ""
    try:
        for path, pieces in background_items(dataset, places, site, version):
            target = Path(site_dir, path)
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            with open(target, "wb") as stream:
                stream.writelines(utf8_chunks(pieces))
            written.append(path)
            del pieces  # not held while the next file is made
    except OSError as error:
        return Written(failure=f"cannot write {error.filename or path}: {error.strerror or error}")
    return Written(tuple(written))


def send_event_pages(
    inputs: Inputs, wanted: IO[str], output: IO[bytes], then: Callable[[], None] = lambda: None
) -> None:
    """In the worker's pages job: the searched parts of the event pages listed on `wanted` (one
    JSON list, in the order MkDocs writes them), then, after calling `then`, their full
    parts."""
    event_ids = json.loads(wanted.readline() or "[]")  # first: the build waits to hand it over
    whole = overview(inputs.dataset, inputs.places, inputs.site, inputs.version)
    pages = partial(event_pages, inputs.dataset, inputs.places, whole, event_ids)
    for event_id, page in pages():
        pickle.dump((SEARCHED, event_id, page.searched_parts()), output, pickle.HIGHEST_PROTOCOL)
    pickle.dump((SEARCHED_ALL,), output)
    output.flush()
    then()
    # Each page is made again rather than kept with its searched parts: at 100,000 events
    # those held 300 MB, and making them again costs a fifth of the worker's time.
    for event_id, page in pages():
        pickle.dump((PAGE, event_id, page.render_parts()), output, pickle.HIGHEST_PROTOCOL)
    output.flush()


class _Worker:
    """The worker process: its output read by the caller, its errors kept in a temporary file."""

    def __init__(self, inputs: Path) -> None:
        self.errors = tempfile.TemporaryFile()
        command = [sys.executable, "-m", __name__, str(inputs)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.input: IO[bytes] = self.process.stdin
        self.output: IO[bytes] = self.process.stdout

    def say(self, value: object, last: bool = False) -> None:
        """One line of JSON on its input (the site folder, then the pages)."""
        try:
            self.input.write(json.dumps(value).encode() + b"\n")
            self.input.flush()
            if last:
                self.input.close()
        except (OSError, ValueError):  # it has failed (ValueError: closed when it was found so)
            self._close_quietly(self.input)  # what is missing reports it

    @staticmethod
    def _close_quietly(stream: IO[bytes]) -> None:
        with suppress(OSError):  # a dead worker's pipe: what is unsent is of no use now
            stream.close()

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
            self._close_quietly(stream)
        self.errors.close()


class _ReadAhead:
    """The searched parts read from the worker and not yet taken by the build: at most `limit`
    of them, so that a large atlas's are never all held at once (the worker sends them in the
    order the build takes them). The limit is lifted while the build waits for a page not among
    them, and once it takes no more."""

    def __init__(self, limit: int = SEARCHED_AHEAD) -> None:
        self.limit = limit
        self.parts: dict[str, Parts] = {}
        self.ended = False  # every searched part was read, or the worker failed
        self.unbounded = False
        self.wanted: str | None = None
        self.changed = threading.Condition()

    def put(self, event_id: str, parts: Parts) -> None:
        with self.changed:
            self.changed.wait_for(self._has_room)
            self.parts[event_id] = parts
            self.changed.notify_all()

    def _has_room(self) -> bool:
        waiting = self.wanted is not None and self.wanted not in self.parts
        return len(self.parts) < self.limit or self.unbounded or waiting

    def take(self, event_id: str) -> Parts | None:
        with self.changed:
            self.wanted = event_id
            self.changed.notify_all()
            self.changed.wait_for(lambda: event_id in self.parts or self.ended)
            self.wanted = None
            parts = self.parts.pop(event_id, None)
            self.changed.notify_all()
            return parts

    def end(self) -> None:
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def take_no_more(self) -> None:
        """The build has taken what it wanted: read to the end of the searched parts."""
        with self.changed:
            self.unbounded = True
            self.changed.notify_all()
            self.changed.wait_for(lambda: self.ended)


class BackgroundWork:
    """The worker of one build. `start` starts it and returns at once; `write_files` gives it
    the site folder and `render_event_pages` the pages to render; `searched_parts` and
    `page_parts` hand over their HTML as the build asks for it; `finish` waits for the files,
    `stop` ends the worker early."""

    def __init__(self) -> None:
        self._inputs: Path | None = None
        self._worker: _Worker | None = None
        self._searched = _ReadAhead()
        self._reader: threading.Thread | None = None
        self._ahead: dict[str, Parts] = {}
        self._written: Written | None = None
        self._site_given = False

    def start(
        self,
        dataset: Dataset,
        places: dict[str, ResolvedPlace],
        site: SiteInfo,
        version: DataVersion,
    ) -> None:
        """Start the worker: it loads the data while MkDocs gathers the files."""
        self.stop()  # a serve rebuild that began before the last one ended
        remove_abandoned(Path(tempfile.gettempdir()), INPUTS_PREFIX)  # left by killed builds
        prefix = f"{INPUTS_PREFIX}{os.getpid()}."
        handle, inputs = tempfile.mkstemp(prefix=prefix, suffix=".pickle")
        self._inputs = Path(inputs)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(Inputs(dataset, places, site, version), stream, pickle.HIGHEST_PROTOCOL)
        self._worker = _Worker(self._inputs)
        self._searched, self._ahead, self._written = _ReadAhead(), {}, None

    def write_files(self, site_dir: Path) -> None:
        """The site folder, once MkDocs has emptied it; the worker's files job writes into it
        once the searched parts are sent."""
        assert self._worker is not None, "start() comes first"
        self._worker.say(str(site_dir))
        self._site_given = True

    def render_event_pages(self, event_ids: Sequence[str]) -> None:
        """The pages to render, in the order MkDocs writes them; their searched parts are read
        as they come."""
        assert self._worker is not None and self._site_given, "write_files() comes first"
        self._worker.say(list(event_ids), last=True)
        self._reader = threading.Thread(target=self._read_searched, daemon=True)
        self._reader.start()

    def _read_searched(self) -> None:
        """Read the searched parts as they come, a few pages ahead of the build, so the worker
        goes on to the full parts once the build has them all."""
        assert self._worker is not None
        searched = self._searched
        try:
            while (message := pickle.load(self._worker.output))[0] == SEARCHED:
                searched.put(message[1], message[2])
        except (EOFError, pickle.UnpicklingError, OSError):
            pass  # the worker failed: the page that is missing reports it
        finally:
            searched.end()

    def searched_parts(self, event_id: str) -> Parts:
        """The blocks of HTML of an event page that search reads."""
        parts = self._searched.take(event_id)
        if parts is None:
            raise self._failure(f"the page of event {event_id!r}")
        return parts

    def page_parts(self, event_id: str) -> Parts:
        """Every block of HTML of an event page, asked for in the order given to
        `render_event_pages`."""
        self._searched.take_no_more()  # the rest of the stream is read here, by the caller
        while event_id not in self._ahead and self._next_message():
            pass
        if event_id not in self._ahead:
            raise self._failure(f"the page of event {event_id!r}")
        return self._ahead.pop(event_id)

    def _next_message(self) -> bool:
        """Read one page, or the files job's report; False when there is nothing more."""
        assert self._worker is not None, "start() was given this page"
        if self._written is not None:
            return False
        try:
            message = pickle.load(self._worker.output)
        except (EOFError, pickle.UnpicklingError, OSError):
            return False
        if message[0] == WRITTEN:
            self._written = Written(*message[1:])
        else:
            self._ahead[message[1]] = message[2]
        return True

    def _failure(self, what: str) -> BuildError:
        assert self._worker is not None
        return BuildError(f"{what} could not be made: {self._worker.error_text()}")

    def finish(self) -> list[str]:
        """The paths the files job wrote (relative to the site folder); a WriteError if they
        could not be, a BuildError if the worker failed."""
        assert self._worker is not None and self._site_given, "write_files() comes first"
        if self._reader is None:
            self.render_event_pages([])  # none: the worker waits to be told so
        try:
            self._searched.take_no_more()
            while self._next_message():
                pass  # pages nobody asked for, then the files job's report
            if self._written is None or self._worker.process.wait():
                raise self._failure("the open-data exports, assets and detail scripts")
            written = self._written
        finally:
            self.stop()
        if written.failure:
            raise WriteError(f"{written.failure}; the previous site is kept")
        return list(written.paths)

    def stop(self) -> None:
        """End the worker (its folder is about to be removed) and forget it."""
        if self._worker is not None:
            self._worker.process.kill()  # no effect on one that has ended
        if self._reader is not None:
            self._searched.take_no_more()  # it reads to the end of the killed worker's output
            self._reader.join()
        if self._worker is not None:
            self._worker.close()
        self._worker = self._reader = None
        self._site_given = False
        self._searched, self._ahead = _ReadAhead(), {}  # nothing held while `serve` waits
        if self._inputs is not None:
            self._inputs.unlink(missing_ok=True)
            self._inputs = None


def serve_build(inputs: Inputs, commands: IO[str], output: IO[bytes]) -> None:
    """The worker's two jobs: the site folder comes first on `commands`, then the pages."""
    site_dir = json.loads(commands.readline() or "null")
    if site_dir is None:
        return  # stopped before the build had a site folder
    outcome: list[Written | BaseException] = []

    def write_files() -> None:
        try:
            made = (inputs.dataset, inputs.places, inputs.site, inputs.version)
            outcome.append(write_background_files(*made, site_dir))
        except BaseException as error:  # noqa: BLE001 - raised again below, in the main thread
            outcome.append(error)

    files = threading.Thread(target=write_files, daemon=True)  # a failed pages job ends all
    # The build waits for the searched parts of every page: they come first, alone.
    send_event_pages(inputs, commands, output, then=files.start)
    files.join()
    written = outcome[0]
    if isinstance(written, BaseException):
        raise written
    # Sent as plain values: in the worker, this module is __main__.
    pickle.dump((WRITTEN, written.paths, written.failure), output, pickle.HIGHEST_PROTOCOL)
    output.flush()


def main(inputs_path: str) -> None:
    with open(inputs_path, "rb") as stream:
        inputs: Inputs = pickle.load(stream)  # our own file, made by start()
    serve_build(inputs, sys.stdin, sys.stdout.buffer)


if __name__ == "__main__":
    main(*sys.argv[1:])

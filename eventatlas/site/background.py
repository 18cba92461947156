"""Stage 5, on the machine's other core: the open-data exports, computed and written into the
site folder by a worker process while MkDocs renders the pages.

The exports read the whole dataset thirteen ways (calendars, feeds, CSV, GeoJSON ...) and took a
fifth of a build's time in the main process, at every size. They depend on nothing MkDocs does,
so a second Python process writes them while the pages are rendered; the plugin waits for it
before the site is checked and published.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..data.load import Dataset
from ..errors import BuildError, WriteError
from ..geocode import ResolvedPlace
from .exports import DATA_DIR, DATA_FILES, export_texts
from .version import DataVersion, SiteInfo

EXPORT_PATHS = sorted(f"{DATA_DIR}/{name}" for name in [*DATA_FILES, "datapackage.json"])


@dataclass(frozen=True)
class Written:
    """What the worker reports, as JSON on its output: the files it wrote, or why it could not."""

    paths: tuple[str, ...] = ()
    failure: str = ""


def write_exports(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo,
    version: DataVersion,
    site_dir: str,
) -> Written:
    """In the worker: every export, written under site_dir (a folder only this build writes)."""
    texts = export_texts(dataset, places, site, version)
    try:
        for path, text in texts.items():
            target = Path(site_dir, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
    except OSError as error:
        return Written(failure=f"cannot write {error.filename or path}: {error.strerror or error}")
    return Written(tuple(texts))


class ExportWriter:
    """Runs `write_exports` in a new Python process (`python -m eventatlas.site.background`), its
    inputs handed over in a private temporary file: no fork of a process that may run `serve`'s
    threads, and no re-run of the caller's main module, as multiprocessing's spawn would do."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._inputs: Path | None = None

    def start(
        self,
        dataset: Dataset,
        places: dict[str, ResolvedPlace],
        site: SiteInfo,
        version: DataVersion,
        site_dir: Path,
    ) -> None:
        self.stop()  # a serve rebuild that began before the last one ended
        handle, inputs = tempfile.mkstemp(prefix="eventatlas-exports-", suffix=".pickle")
        self._inputs = Path(inputs)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump((dataset, places, site, version), stream, pickle.HIGHEST_PROTOCOL)
        command = [sys.executable, "-m", __name__, inputs, str(site_dir)]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def finish(self) -> list[str]:
        """The paths written (relative to the site folder); a WriteError if they could not be,
        a BuildError if the worker failed."""
        assert self._process is not None, "start() comes first"
        output, errors = self._process.communicate()
        failed, self._process = self._process.returncode, None
        self._forget_inputs()
        if failed:
            message = errors.decode("utf-8", "replace").strip()[-2000:]
            raise BuildError(f"the open-data exports could not be made: {message}")
        reported = json.loads(output)
        written = Written(tuple(reported["paths"]), reported["failure"])
        if written.failure:
            raise WriteError(f"{written.failure}; the previous site is kept")
        return list(written.paths)

    def stop(self) -> None:
        """End a started write (its folder is about to be removed) and forget it."""
        if self._process is not None:
            self._process.kill()
            self._process.communicate()
            self._process = None
        self._forget_inputs()

    def _forget_inputs(self) -> None:
        if self._inputs is not None:
            self._inputs.unlink(missing_ok=True)
            self._inputs = None


def main(inputs: str, site_dir: str) -> None:
    with open(inputs, "rb") as stream:
        dataset, places, site, version = pickle.load(stream)  # our own file, made by start()
    written = write_exports(dataset, places, site, version, site_dir)
    print(json.dumps({"paths": written.paths, "failure": written.failure}))


if __name__ == "__main__":
    main(*sys.argv[1:])

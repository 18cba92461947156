"""Search that scales: Pagefind indexes the built site in chunks a browser fetches as it searches.

mkdocs-material's search loads one index of every page before the first query (4.4 MB at 1,000
events); Pagefind's first query fetches a few small chunks, so it stays fast at 10,000 events and
more. Material's search is kept for the hand-written pages, its index small; event pages and the
sources page are left to Pagefind. Pagefind runs offline, from the `pagefind[bin]` package, on the
finished folder before it is swapped into place, and its search UI is served from the site.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import SearchIndexError

PAGEFIND_FOLDER = "pagefind"
ROOT_SELECTOR = "article"  # the page's own content: no navigation, header or footer


def pagefind_command(site_dir: Path) -> list[str]:
    from pagefind_bin import get_executable  # the binary shipped in the pagefind-bin wheel

    return [
        str(get_executable()),
        "--site",
        str(site_dir),
        "--root-selector",
        ROOT_SELECTOR,
        "--glob",
        "**/index.html",  # every page; not 404.html
        "--force-language",
        "en",
        "--silent",
    ]


def index_site(site_dir: Path) -> None:
    """Write Pagefind's index and UI into site_dir/pagefind/; raise SearchIndexError if Pagefind
    fails."""
    try:
        result = subprocess.run(
            pagefind_command(site_dir), capture_output=True, text=True, timeout=3600
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SearchIndexError(f"Pagefind could not run: {error}") from None
    if result.returncode:
        raise SearchIndexError(f"Pagefind failed: {result.stderr.strip()[-2000:]}")

"""Progress bars for long work: shown on a terminal, silent in CI, pipes and logs."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TypeVar

from tqdm import tqdm

PROGRESS_FROM = 500  # items; below this the work is too quick for a progress bar to help
T = TypeVar("T")


def progress(items: list[T], description: str, always: bool = False) -> Iterable[T]:
    """items, with a bar on stderr when it is a terminal and the work is long (or always is set)."""
    quiet = (
        None if (always or len(items) >= PROGRESS_FROM) else True
    )  # None: tqdm shows it only on a TTY
    return tqdm(items, desc=description, disable=quiet, leave=False, file=sys.stderr)

"""Writing files so that a crash leaves the old version or the new one, never a mix."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml


def write_text_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, flush it to disk, then replace path."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_yaml_atomically(path: Path, data: Any, header: str = "") -> None:
    """Dump data as block-style UTF-8 YAML (keys in the given order) and write it atomically."""
    body = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    write_text_atomically(path, header + body)


def swap_directory(new: Path, target: Path) -> None:
    """Put the finished folder new at target in one step; the previous target is removed afterwards.

    On Linux the two folders are exchanged atomically (renameat2 RENAME_EXCHANGE), so target is
    never missing; elsewhere target is renamed aside first, a moment in which a crash leaves
    the old site beside it as '.NAME.old'.
    """
    new, target = Path(new), Path(target)
    if not target.exists():
        os.replace(new, target)
    elif _exchange(new, target):
        shutil.rmtree(new)
    else:
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0

"""Writing files so that a crash leaves the old version or the new one, never a mix."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock, Timeout

from .errors import WriteError


def write_target(path: Path) -> Path:
    """The file a write to path must replace: the target of a symlink, so the link is kept."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less the umask)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside path, flush it to disk, then replace path.

    A symlinked path is written through to its target, and the file keeps its mode; a failure
    (a full disk, no permission) is a WriteError naming the file, and the old file stays.
    """
    shown, path = Path(path), write_target(path)
    try:
        _replace_with(path, text.encode("utf-8"))
    except OSError as error:
        raise WriteError(
            f"cannot write {shown}: {error.strerror or error}; it is unchanged"
        ) from None


def _replace_with(path: Path, data: bytes) -> None:
    mode = _mode_for(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
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


LOCK_WAIT_SECONDS = 600.0
LOCK_NAME = ".eventatlas-build.lock"
ABANDONED_AFTER_SECONDS = 3600  # a leftover that names no process is removed once this old


def acquire_build_lock(folder: Path, wait: float = LOCK_WAIT_SECONDS, on_wait=None) -> FileLock:
    """Hold the project's build lock (one build or serve rebuild at a time); wait for it if taken.

    The operating system releases the lock when its process ends, so a killed build never
    leaves it taken. Waiting longer than `wait` seconds is a WriteError saying so.
    """
    lock = FileLock(Path(folder) / LOCK_NAME, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait()
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise WriteError(
                f"another build of this project has held {lock.lock_file} for {wait:.0f} s; "
                "nothing was built: try again when it has finished"
            ) from None
    return lock


def publish_target(site_dir: Path) -> Path:
    """Where a site is published: a symlinked site folder is published through to its target."""
    return Path(os.path.realpath(Path(site_dir).absolute()))


def make_building_folder(target: Path) -> Path:
    """A fresh folder beside target, named after this process, to build into."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(target)
    folder = tempfile.mkdtemp(prefix=f".{target.name}.building.{os.getpid()}.", dir=target.parent)
    os.chmod(folder, 0o755)  # mkdtemp makes it private; a published site is not
    return Path(folder)


def remove_abandoned_builds(target: Path) -> None:
    """Remove building folders beside target whose build process has ended (killed builds)."""
    remove_abandoned(target.parent, f".{target.name}.building.")


def remove_abandoned(folder: Path, prefix: str) -> None:
    """Remove what folder holds named prefix + a process id + '.' whose process has ended."""
    for leftover in folder.glob(prefix + "*"):
        owner = leftover.name[len(prefix) :].split(".", 1)[0]
        try:
            if not _abandoned(leftover, int(owner) if owner.isdigit() else None):
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        except OSError:
            pass  # another user's, in a shared temporary folder: theirs to remove


def _abandoned(folder: Path, owner: int | None) -> bool:
    if owner is None:  # named by an older version: no owner to ask, so only when long untouched
        return time.time() - folder.stat().st_mtime > ABANDONED_AFTER_SECONDS
    return owner != os.getpid() and not _process_alive(owner)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def missing_files(folder: Path, expected: Iterable[str]) -> list[str]:
    """The expected paths (relative to folder) that are not a non-empty file in it."""
    return [
        name
        for name in expected
        if not (folder / name).is_file() or (folder / name).stat().st_size == 0
    ]


def swap_directory(new: Path, target: Path) -> None:
    """Put the finished folder new at target in one step; the previous target is removed afterwards.

    On Linux the two folders are exchanged atomically (renameat2 RENAME_EXCHANGE), so target is
    never missing; elsewhere target is renamed aside first, a moment in which a crash leaves
    the old site beside it as '.NAME.old'.
    """
    new, target = Path(new), publish_target(target)
    try:
        _swap(new, target)
    except OSError as error:
        raise WriteError(
            f"cannot put the new site at {target}: {error.strerror or error}; "
            "the previous site is kept"
        ) from None


def _swap(new: Path, target: Path) -> None:
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

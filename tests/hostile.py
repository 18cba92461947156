"""Helpers for the hostile-input tests: run a command with a time budget, edit a copy of data.

A budget is a subprocess timeout far above the normal time: a hang fails the test, a slow run
does not (timings are bench figures, never assertions).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BUDGET = 120  # seconds: every case here normally ends in a few


def run(
    args: list[str], cwd: Path, budget: float = BUDGET, **kwargs
) -> subprocess.CompletedProcess:
    """`build_timeline.py ARGS` in cwd, failing the test (TimeoutExpired) when over budget."""
    return subprocess.run(
        [sys.executable, str(REPO / "build_timeline.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=budget,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        **kwargs,
    )


def mkdocs(project: Path, budget: float = BUDGET * 3, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=budget,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        **kwargs,
    )


@functools.lru_cache(maxsize=1)
def _default_data() -> dict:
    return yaml.safe_load((REPO / "events.yaml").read_text(encoding="utf-8"))


def base_data() -> dict:
    """The default events.yaml as plain data (a fresh copy)."""
    return copy.deepcopy(_default_data())


def an_event(**changes) -> dict:
    """A valid event from the default data (placed in Wonsan) with fields changed."""
    event = next(e for e in _default_data()["events"] if e["place"] == "Wonsan")
    event = copy.deepcopy({k: v for k, v in event.items() if k != "disputes"})
    return {**event, **changes}


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the project refuses anchors: write every value out
        return True


def write_events(path: Path, extra_events: list[dict] = (), data: dict | None = None) -> Path:
    data = copy.deepcopy(data or base_data())
    data["events"] += list(extra_events)
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True), encoding="utf-8")
    return path


def digest(folder: Path) -> str:
    """One hash over every file's path and bytes (a missing folder hashes as 'missing')."""
    if not folder.exists():
        return "missing"
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def assert_clean_refusal(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 1, no traceback, every listed word in the output."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    assert all(word in output for word in words), output

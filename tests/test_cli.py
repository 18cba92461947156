"""One entry point: build_timeline.py and the `eventatlas` console script run the same group."""

from __future__ import annotations

import runpy
import subprocess
import sys

from click.testing import CliRunner

from eventatlas import cli


def test_the_script_and_the_console_entry_point_are_the_same_click_group(repo):
    script = runpy.run_path(str(repo / "build_timeline.py"), run_name="not_main")
    assert script["main"] is cli.main
    pyproject = (repo / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.scripts]\neventatlas = "eventatlas.cli:main"\n' in pyproject


def test_both_entry_points_list_the_same_commands(repo):
    direct = subprocess.run(
        [sys.executable, str(repo / "build_timeline.py"), "--help"], capture_output=True, text=True
    )
    module = subprocess.run(
        [sys.executable, "-c", "from eventatlas.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
    )
    assert direct.returncode == module.returncode == 0
    commands = {"build", "check", "geocode", "new", "schema", "serve"}
    for result in (direct, module):
        assert commands <= set(result.stdout.split())


def test_a_bad_argument_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli.main, ["build", "--config-file", str(tmp_path / "nope.yml")])
    assert result.exit_code == 2 and "does not exist" in result.stderr

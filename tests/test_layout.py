"""The README's "How it is built" table names every module of the package, so a reader can find any
behaviour."""

from __future__ import annotations

import re


def test_readme_names_every_module(repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([\w/]+\.py)`", section))
    package = repo / "eventatlas"
    modules = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    }
    assert modules - named == set(), "modules missing from the README's table"
    assert named - modules - {"synthetic.py", "bench.py"} == set(), (
        "the table names modules that do not exist"
    )

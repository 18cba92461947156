"""The fenced eventatlas directive: what it selects, and build errors that name the page and the
line."""

from __future__ import annotations

import pytest
from conftest import copy_project, run_mkdocs

from eventatlas.data.load import load_events
from eventatlas.errors import BuildError, Location
from eventatlas.site.views import find_view_blocks, lines_before, parse_view_spec

HERE = Location("p.md", 1)


@pytest.fixture(scope="module")
def events(repo):
    return list(load_events(repo / "events.yaml").events)


def ids(spec, events):
    return {e.id for e in spec.select(events)}


def test_keys_narrow_and_values_widen(events):
    both = parse_view_spec("tags: [diplomacy, treaty]", events, HERE)
    assert {e.lane for e in both.select(events)} == {"diplomacy", "treaty"}
    narrowed = parse_view_spec("tags: [diplomacy]\nactors: [Sergey Lavrov]", events, HERE)
    assert ids(narrowed, events) == {
        "lavrov-meets-choe-son-hui",
        "lavrov-meets-kim-jong-un",
        "lavrov-welcomes-kims-support",
    }


def test_a_period_keeps_events_that_overlap_it(events):
    spec = parse_view_spec("from: 2024\nto: 2024-06", events, HERE)
    selected = ids(spec, events)
    assert (
        "north-korean-troops-deployed-to-russia" in selected
    )  # 'about 2024' overlaps the first half of 2024
    assert "putin-state-visit-pyongyang" in selected
    assert "russia-invades-ukraine" not in selected and "lavrov-meets-kim-jong-un" not in selected


def test_status_selects(events):
    assert ids(parse_view_spec("status: claimed", events, HERE), events) == {
        "trump-patriot-deal-with-nato",
        "north-korea-pledges-workers-for-kursk",
    }


@pytest.mark.parametrize(
    "body, words",
    [
        ("tags: [no-such-tag]", ["p.md:7", "no-such-tag"]),
        ("ids: [nope]", ["p.md:7", "'nope'"]),
        ("colour: red", ["p.md:7", "unknown key", "colour"]),
        ("from: 2024-13", ["p.md:7", "from"]),
        ("show: [chart]", ["p.md:7", "chart"]),
        ("- just a list", ["p.md:7", "key: value"]),
    ],
)
def test_mistakes_name_page_and_line(events, body, words):
    with pytest.raises(BuildError) as caught:
        parse_view_spec(body, events, Location("p.md", 7))
    (problem,) = caught.value.problems
    assert str(problem).startswith("p.md:7: eventatlas block: ")
    assert all(word in str(problem) for word in words)


def test_blocks_are_found_with_their_line():
    markdown = "# T\n\ntext\n\n```eventatlas\ntags: [x]\n```\n\n~~~eventatlas\nids: [y]\n~~~\n"
    assert [line for _, line in find_view_blocks(markdown)] == [5, 9]


def test_front_matter_lines_are_counted():
    source = "---\ntitle: x\n---\n\n# T\n"
    assert lines_before("# T\n", source) == 4
    assert lines_before("# T\n", "# T\n") == 0


def test_the_default_narratives_select_what_they_promise(events, repo):
    for page, expected in {"kursk.md": 5, "diplomacy-2024-2025.md": 8}.items():
        text = (repo / "docs" / "narratives" / page).read_text(encoding="utf-8")
        ((match, _),) = find_view_blocks(text)
        assert (
            len(parse_view_spec(match.group("body"), events, Location(page, 1)).select(events))
            == expected
        )


def test_an_unknown_tag_on_a_page_with_front_matter_fails_naming_the_true_line(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "docs" / "narratives" / "bad.md").write_text(
        "---\ndescription: x\n---\n\n# Bad\n\n```eventatlas\ntags: [no-such-tag]\n```\n",
        encoding="utf-8",
    )
    result = run_mkdocs(project)
    assert result.returncode == 1
    assert "docs/narratives/bad.md:7" in result.stderr and "no-such-tag" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_block_that_selects_nothing_fails(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "docs" / "empty.md").write_text(
        "# Empty\n\n```eventatlas\ntags: [tourism]\nfrom: 2022\nto: 2022\n```\n", encoding="utf-8"
    )
    result = run_mkdocs(project)
    assert (
        result.returncode == 1
        and "docs/empty.md:3" in result.stderr
        and "selects no event" in result.stderr
    )

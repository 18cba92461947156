"""Generated pages and the shared data: small event pages at any scale, safe embedding, same bytes
every time."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
import rjsmin
import yaml
from conftest import synthetic_events

from eventatlas.pipeline import prepare
from eventatlas.site.atlas import (
    ATLAS_VERSION,
    CITE_SCRIPT,
    build_atlas,
    event_rows,
    plain_summary,
    view_config,
    view_scripts,
)
from eventatlas.site.pages import SHOWABLE, fill_html_slots, render_view
from eventatlas.site.site_files import ASSET_DIR, OWN_SCRIPTS, SCRIPTS, site_files


def prepared_from(tmp_path: Path, data: dict, repo: Path):
    (tmp_path / "events.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    return prepare(tmp_path / "events.yaml", repo / "places.yaml")


@pytest.fixture(scope="module")
def default(repo):
    return prepare(repo / "events.yaml", repo / "places.yaml")


@pytest.fixture(scope="module")
def thousand(tmp_path_factory, repo):
    return prepared_from(tmp_path_factory.mktemp("thousand"), synthetic_events(1000), repo)


def config_of(page: str) -> dict:
    attribute = re.search(r'data-config="([^"]*)"', page).group(1)
    return json.loads(html.unescape(attribute))


def test_the_shared_data_holds_every_event_once(default):
    atlas = build_atlas(default.dataset, default.places)
    rows = event_rows(atlas)
    assert [e["id"] for e in rows] == [e.id for e in default.dataset.events]
    lavrov = next(e for e in rows if e["id"] == "lavrov-meets-kim-jong-un")
    assert lavrov["disputed"] == 1 and atlas["places"][lavrov["place"]]["name"] == "Wonsan"
    kursk = next(p for p in atlas["places"] if p["name"] == "Kursk Oblast")
    assert kursk["area"] is True and "region" in kursk["note"]
    assert atlas["statuses"] == ["confirmed", "reported", "claimed"]


def test_event_pages_carry_a_small_config_not_the_figures(default):
    files = site_files(default.dataset, default.places)
    page = files["events/lavrov-meets-kim-jong-un.md"].page.markdown()
    config = config_of(page)
    assert set(config) == {"show", "range", "map", "geo", "focus"}
    assert default.dataset.events[config["focus"]].id == "lavrov-meets-kim-jong-un"
    assert "Sergey Lavrov" not in page.split("data-config")[1].split(">")[0]


def test_an_event_page_does_not_grow_with_the_number_of_events(default, thousand):
    small = site_files(default.dataset, default.places)
    large = site_files(thousand.dataset, thousand.places)
    small_page = len(small["events/lavrov-meets-kim-jong-un.md"].page.markdown().encode())
    large_page = max(
        len(large[f"events/event-{n:05d}.md"].page.markdown().encode()) for n in (0, 500, 999)
    )
    assert large_page < 30_000 and large_page < 3 * small_page
    atlas = len(large[f"{ASSET_DIR}/atlas.js"].content.encode())
    assert atlas < 400 * 1000  # compact records: well under half a kilobyte an event
    print(
        f"event page: {small_page} B (15 events), {large_page} B (1,000 events); atlas.js for "
        f"1,000 events: {atlas} B"
    )


def test_event_pages_list_their_neighbours_without_javascript(thousand):
    files = site_files(thousand.dataset, thousand.places)
    page = files["events/event-00500.md"].page.markdown()
    rows = re.findall(r'<tr data-event="([^"]+)"', page)
    assert 1 < len(rows) <= 21
    # 1,000 events are paged: the link goes to the list page that holds this event
    number = re.search(r'href="../../list/(\d+)/">the list page of events [^<]+ holds', page)
    assert '<tr data-event="event-00500">' in files[f"list/{number.group(1)}.md"].page.markdown()


def test_detail_scripts_hold_their_events_where_the_data_says(thousand):
    files = site_files(thousand.dataset, thousand.places)
    atlas = json.loads(files[f"{ASSET_DIR}/atlas.js"].content.split(" = ", 1)[1].rstrip(";\n"))
    scripts = atlas["details"]
    detail_files = [path for path in files if path.startswith(f"{ASSET_DIR}/detail/")]
    assert len(detail_files) == -(-1000 // scripts["events"])  # a few scripts, not 1,000 files
    for i in (0, scripts["events"] - 1, scripts["events"], 999):
        path = scripts["url"].replace("{n}", str(i // scripts["events"]))
        assert f'"{thousand.dataset.events[i].id}":' in files[path].content


def test_embedded_config_and_data_hold_no_raw_markup_characters(tmp_path, repo):
    data = synthetic_events(3)
    data["events"][0]["title"] = "</script><script>alert(1)</script> & more"
    data["events"][0]["tags"] = ["<b>tag</b>"]
    prepared = prepared_from(tmp_path, data, repo)
    files = site_files(prepared.dataset, prepared.places)
    atlas = files[f"{ASSET_DIR}/atlas.js"].content
    assert "<" not in atlas and ">" not in atlas and "&" not in atlas
    detail = files[f"{ASSET_DIR}/detail/0.js"].content
    assert "<" not in detail and "&" not in detail
    restored = json.loads(atlas.split(" = ", 1)[1].rstrip(";\n"))
    assert next(e for e in event_rows(restored) if e["id"] == "event-00000")["title"].startswith(
        "</script>"
    )  # kept as text; the script escapes it for Plotly


def test_generated_pages_keep_their_html_out_of_markdown(thousand):
    files = site_files(thousand.dataset, thousand.places)
    for path in ("events/event-00500.md", "sources.md"):
        skeleton = files[path].page.skeleton
        assert "<" not in skeleton.split("---", 2)[2]  # only headings and slot paragraphs
        assert "search:\n  exclude: true" in skeleton  # Pagefind indexes it, not material
        assert len(skeleton.encode()) < 1000
        assert "<table" in files[path].page.markdown() or "<section" in files[path].page.markdown()


def test_slots_are_filled_once_and_never_from_the_data():
    parts = ["<b>eventatlas-html-slot-1</b><p>eventatlas-html-slot-1</p>", "<i>second</i>"]
    rendered = "<p>eventatlas-html-slot-0</p>\n<h2>x</h2>\n<p>eventatlas-html-slot-1</p>"
    assert fill_html_slots(rendered, parts) == (
        "<b>eventatlas-html-slot-1</b><p>eventatlas-html-slot-1</p>\n<h2>x</h2>\n<i>second</i>"
    )


def test_every_script_is_served_minified_in_one_file_in_load_order(default, repo):
    files = site_files(default.dataset, default.places)
    assert SCRIPTS == [f"{ASSET_DIR}/eventatlas.min.js"]
    bundle = files[SCRIPTS[0]].content
    sources = [
        (repo / "eventatlas/site/assets" / n).read_text(encoding="utf-8") for n in OWN_SCRIPTS
    ]
    assert OWN_SCRIPTS[-1] == "eventatlas.js"  # it wires the views, with the others loaded
    starts = [bundle.index(rjsmin.jsmin(source)[:300]) for source in sources]
    assert starts == sorted(starts)
    assert len(bundle) < 0.8 * sum(map(len, sources))
    assert not any("plotly" in p or "world_" in p or p.endswith("/atlas.js") for p in SCRIPTS)


def test_a_view_loads_the_data_and_only_a_figure_loads_plotly_and_geography(default):
    whole = view_config(default.dataset, default.places, list(default.dataset.events), SHOWABLE)
    assert view_scripts(whole)[0] == f"{ASSET_DIR}/atlas.js"
    assert f"{ASSET_DIR}/plotly-geo.min.js" in view_scripts(whole)
    assert f"{ASSET_DIR}/world_{whole['geo']}m.js" in view_scripts(whole)
    only_list = view_config(default.dataset, default.places, list(default.dataset.events), ["list"])
    assert view_scripts(only_list) == [f"{ASSET_DIR}/atlas.js"]
    files = site_files(default.dataset, default.places)
    assert all(path in files for path in view_scripts(whole))


def test_the_figure_templates_hold_defaults_only_for_the_traces_drawn(default):
    text = site_files(default.dataset, default.places)[f"{ASSET_DIR}/templates.js"].content
    templates = json.loads(text.split(" = ", 1)[1].rstrip(";\n"))
    for scheme in ("light", "dark"):
        assert sorted(templates[scheme]["data"]) == ["scatter", "scattergeo"]
        assert templates[scheme]["layout"]["font"]["color"]


def test_only_a_view_with_a_cite_block_loads_the_cite_script(default):
    files = site_files(default.dataset, default.places)
    assert CITE_SCRIPT in files and CITE_SCRIPT not in SCRIPTS
    page = files["events/lavrov-meets-kim-jong-un.md"].page.markdown()
    assert 'class="ea-citethis"' in page
    assert f'href="../../{CITE_SCRIPT}" data-ea-script="cite"' in page
    events = list(default.dataset.events)
    plain = render_view("v", events, default.places, default.dataset, "")
    assert "ea-citethis" not in plain and "eventatlas-cite.js" not in plain


def test_the_script_reads_the_data_version_python_writes(repo):
    script = (repo / "eventatlas/site/assets/eventatlas.js").read_text(encoding="utf-8")
    assert f"const DATA_VERSION = {ATLAS_VERSION};" in script


def test_summaries_lose_markdown_marks_but_keep_link_text():
    assert (
        plain_summary("See *this* [article](https://example.org) and `code`.")
        == "See this article and code."
    )


def test_plain_summaries_keep_underscores_and_stars_that_are_text():
    assert plain_summary("Quoting the KCNA_report and file_name_v2.") == (
        "Quoting the KCNA_report and file_name_v2."
    )
    assert plain_summary("2 * 3 = 6 and a <b>tag</b> & more") == "2 * 3 = 6 and a <b>tag</b> & more"


def test_own_scripts_never_assign_markup(repo):
    scripts = list((repo / "eventatlas" / "site" / "assets").glob("eventatlas*.js"))
    assert len(scripts) == 5
    sinks = re.compile(
        r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(|"
        r"new Function|parseFromString|createContextualFragment|setHTML"
    )
    for path in scripts:
        source = path.read_text(encoding="utf-8")
        found = [m.group(0) for m in sinks.finditer(source)]
        if path.name == "eventatlas-ui.js":
            # the one reviewed sink: the build's own template output for the detail panel
            assert found == ["parseFromString"], found
            body = source[source.index("function trustedFragment(") :]
            assert "parseFromString" in body[: body.index("\n  }\n")]
        else:
            assert found == [], path.name


def test_one_place_whatever_the_spelling(tmp_path, repo):
    data = synthetic_events(3)
    for event, spelling in zip(data["events"], ["Wonsan", "Wŏnsan", "wonsan"], strict=True):
        event["place"] = spelling
    prepared = prepared_from(tmp_path, data, repo)
    atlas = build_atlas(prepared.dataset, prepared.places)
    assert [p["name"] for p in atlas["places"]] == ["Wonsan"]
    assert atlas["places"][0]["key"] == "Wonsan"  # the places.yaml key
    assert {e["place"] for e in event_rows(atlas)} == {0}


def test_the_shipped_data_follows_its_published_schema(default, tmp_path):
    from check_jsonschema.cli.main_command import main as check

    files = site_files(default.dataset, default.places)
    schema = tmp_path / "atlas.schema.json"
    schema.write_text(files["schema/atlas.schema.json"].content, encoding="utf-8")
    data = tmp_path / "atlas.json"
    script = files[f"{ASSET_DIR}/atlas.js"].content
    data.write_text(script.split(" = ", 1)[1].rstrip(";\n"), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        check(["--schemafile", str(schema), str(data)])
    assert done.value.code == 0
    assert json.loads(data.read_text(encoding="utf-8"))["version"] == ATLAS_VERSION


def test_end_is_the_inclusive_last_day_in_the_shipped_data(default):
    rows = {e["id"]: e for e in event_rows(build_atlas(default.dataset, default.places))}
    for event in default.dataset.events:
        assert rows[event.id]["start"] == event.date.start.isoformat()
        assert rows[event.id]["end"] == event.date.end.isoformat()


def test_a_long_atlas_lists_a_page_of_events_and_pages_every_event_without_javascript(
    tmp_path, repo
):
    from eventatlas.site.pages import LIST_PAGE, render_view

    prepared = prepared_from(tmp_path, synthetic_events(2 * LIST_PAGE + 1), repo)
    events = list(prepared.dataset.events)
    home = render_view("ea-view-1", events, prepared.places, prepared.dataset, "")
    assert home.count("<tr data-event=") == LIST_PAGE
    files = site_files(prepared.dataset, prepared.places)
    pages = sorted(path for path in files if path.startswith("list/"))
    assert pages == ["list/1.md", "list/2.md", "list/3.md"]
    for number in (1, 2, 3):
        assert f'href="list/{number}/"' in home  # every page is linked from the home page
    listed = [
        row
        for path in pages
        for row in re.findall(r'<tr data-event="([^"]+)"', files[path].page.markdown())
    ]
    assert listed == [e.id for e in events]
    event_page = files[f"events/{events[-1].id}.md"].page.markdown()
    assert 'href="../../list/3/"' in event_page


def test_the_browser_data_flags_exactly_the_editors_dates(default):
    atlas = build_atlas(default.dataset, default.places)
    flagged = {e["id"] for e in event_rows(atlas) if e.get("editorDate")}
    editors = {e.id for e in default.dataset.events if e.date_source == "editor"}
    assert editors and flagged == editors


FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("https://example.org")']


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(tmp_path, repo):
    data = synthetic_events(len(FORMULAS) + 1)
    for event, formula in zip(data["events"], FORMULAS, strict=False):
        event["title"] = formula
    data["events"][-1].update(title="Plain - not a formula", lat=-33.9, lon=-18.4)
    prepared = prepared_from(tmp_path, data, repo)
    text = site_files(prepared.dataset, prepared.places)["data/events.csv"].content
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}  # another's reader
    for n, formula in enumerate(FORMULAS):
        assert rows[f"event-{n:05d}"]["title"] == "'" + formula
    plain = rows[f"event-{len(FORMULAS):05d}"]
    assert plain["title"] == "Plain - not a formula"
    assert (plain["lat"], plain["lon"]) == ("-33.9", "-18.4")  # numbers stay numbers

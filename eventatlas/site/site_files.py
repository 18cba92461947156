"""Stage 5: every file the plugin adds to the site, by its path inside the site.

Pages (events, sources), open-data exports and the shared assets: the vendored plotly.js geo
partial bundle, the world geography at two scales, the figure-drawing scripts and styles.
Every page loads only the small scripts of `SCRIPTS`; a page with a view loads the data, and a
page with a figure plotly.js and the geography, on demand (see `atlas.view_scripts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import plotly.io as pio
import rjsmin

from ..data.load import Dataset
from ..data.reference import PLACES_SCHEMA_PATH, SCHEMA_PATH, json_schema, places_json_schema
from ..geocode import ResolvedPlace
from ..progress import progress
from .atlas import (
    ASSET_DIR,
    ATLAS_SCHEMA_PATH,
    CITE_SCRIPT,
    DATA_SCRIPT,
    DETAIL_CHUNK,
    DETAIL_SCRIPT,
    atlas_json_schema,
    build_atlas,
)
from .exports import DATA_DIR, DATA_FILES, DATA_PAGE, export_pieces, render_data_page
from .pages import (
    SEARCH_PAGE,
    GeneratedPage,
    Overview,
    json_for_html,
    list_page_path,
    list_pages,
    overview,
    render_event_detail,
    render_event_page,
    render_list_page,
    render_search_page,
    render_sources_page,
)
from .version import DataVersion, SiteInfo, data_version

OWN_SCRIPTS = [
    "eventatlas-state.js",
    "eventatlas-figures.js",
    "eventatlas-ui.js",
    "eventatlas.js",
]  # in load order
SCRIPTS = [f"{ASSET_DIR}/eventatlas.min.js"]  # OWN_SCRIPTS in one file, minified
ON_DEMAND_SCRIPTS = [CITE_SCRIPT]  # a page's views load them (see `atlas.view_scripts`)
STYLES = [f"{ASSET_DIR}/eventatlas.css"]  # eventatlas.css, then plotly.css (see `style_sheet`)
EXPORT_PATHS = sorted(f"{DATA_DIR}/{name}" for name in [*DATA_FILES, "datapackage.json"])
SCHEMA_PATHS = (SCHEMA_PATH, PLACES_SCHEMA_PATH, ATLAS_SCHEMA_PATH)
STYLE_PARTS = ("eventatlas.css", "plotly.css")
PLOTLY_BUNDLE = f"{ASSET_DIR}/plotly-geo.min.js"  # copied as it is
ASSET_TEXT_PATHS = (
    f"{ASSET_DIR}/world_110m.js",
    f"{ASSET_DIR}/world_50m.js",
    f"{ASSET_DIR}/templates.js",
    f"{ASSET_DIR}/ATTRIBUTION.md.txt",
    *ON_DEMAND_SCRIPTS,
)


@dataclass(frozen=True)
class SiteFile:
    """A file to add to the site: text or bytes content, a file on disk to copy, or a generated
    page."""

    content: str | bytes | None = None
    copy_from: Path | None = None
    page: GeneratedPage | None = None  # its HTML is rendered late (see `pages`)

    @classmethod
    def of_page(cls, page: GeneratedPage) -> SiteFile:
        return cls(page=page)


def event_page_path(event_id: str) -> str:
    return f"events/{event_id}.md"


def event_pages(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    whole: Overview,
    event_ids: Iterable[str],
) -> Iterator[tuple[str, GeneratedPage]]:
    """The event pages of the given events, in their order, as `site_files` makes them: each
    made when it is reached, so that a large atlas's pages are never all held at once."""
    for event_id in event_ids:
        event = dataset.event(event_id)
        yield event_id, render_event_page(event, places.get(event_id), dataset, places, whole)


def site_files(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo | None = None,
    version: DataVersion | None = None,
    background: bool = True,
    search_bundles: int = 1,
) -> dict[str, SiteFile]:
    """All generated pages, data files and assets, keyed by their path in docs/ terms; without
    the files of `background_texts` when the caller has a second process write them (see
    `background`). The search page merges search_bundles bundles of the index."""
    site = site or SiteInfo()
    version = version or data_version(dataset, places)
    whole = overview(dataset, places, site, version)
    event_ids = progress([e.id for e in dataset.events], "writing event pages")
    files = {
        event_page_path(event_id): SiteFile.of_page(page)
        for event_id, page in event_pages(dataset, places, whole, event_ids)
    }
    files["sources.md"] = SiteFile.of_page(render_sources_page(dataset))
    files[SEARCH_PAGE] = SiteFile.of_page(render_search_page(search_bundles))
    pages = list_pages(dataset)
    files.update(
        {
            list_page_path(p): SiteFile.of_page(render_list_page(p, pages, whole.rows, dataset))
            for p in pages
        }
    )
    files[DATA_PAGE] = SiteFile.of_page(render_data_page(site, version, dataset, places))
    files[PLOTLY_BUNDLE] = SiteFile(copy_from=Path(str(_own_assets() / "plotly-geo.min.js")))
    files.update(page_assets())
    if background:
        texts = background_texts(dataset, places, site, version)
        files.update({path: SiteFile(text) for path, text in texts.items()})
    return files


def background_texts(
    dataset: Dataset, places: dict[str, ResolvedPlace], site: SiteInfo, version: DataVersion
) -> dict[str, str]:
    """The files no page is made from, so a second process may write them while MkDocs renders
    the pages: the open-data exports (eventatlas/site/exports.py), the JSON Schemas, the data
    every view draws from, the scripts and geography loaded on demand, and the detail scripts
    (DETAIL_CHUNK events each)."""
    items = background_items(dataset, places, site, version)
    return {path: "".join(pieces) for path, pieces in items}


def background_items(
    dataset: Dataset, places: dict[str, ResolvedPlace], site: SiteInfo, version: DataVersion
) -> Iterator[tuple[str, list[str]]]:
    """`background_texts` as (path, the text in pieces), made one at a time, so that the
    process writing them holds one export at once rather than all of them."""
    yield from export_pieces(dataset, places, site, version)
    yield from ((path, [text]) for path, text in schema_texts().items())
    atlas = json_for_html(build_atlas(dataset, places))
    yield DATA_SCRIPT, [f"window.EventAtlasData = {atlas};\n"]
    yield from ((path, [text]) for path, text in asset_texts().items())
    yield from ((path, [text]) for path, text in detail_items(dataset, places))


def background_paths(dataset: Dataset) -> list[str]:
    """The paths of `background_texts`, known without making them."""
    return [
        *EXPORT_PATHS,
        *SCHEMA_PATHS,
        DATA_SCRIPT,
        *ASSET_TEXT_PATHS,
        *(detail_path(n) for n in range(-(-len(dataset.events) // DETAIL_CHUNK))),
    ]


def schema_texts() -> dict[str, str]:
    """The JSON Schemas editors' tools use, published with the site."""
    texts = (json_schema(), places_json_schema(), atlas_json_schema())
    return dict(zip(SCHEMA_PATHS, texts, strict=True))


def _own_assets():
    return resources.files("eventatlas.site") / "assets"


def asset_texts() -> dict[str, str]:
    """The scripts and geography pages load on demand, by the paths of ASSET_TEXT_PATHS."""
    own = _own_assets()
    geography = {
        scale: _geo_assets_script(scale, (own / f"world_{scale}.json").read_text(encoding="utf-8"))
        for scale in ("110m", "50m")
    }
    texts = [
        geography["110m"],
        geography["50m"],
        _templates_script(),
        (own / "ATTRIBUTION.md").read_text(encoding="utf-8"),
        *(minified_scripts((path.rsplit("/", 1)[1],)) for path in ON_DEMAND_SCRIPTS),
    ]
    return dict(zip(ASSET_TEXT_PATHS, texts, strict=True))


def page_assets() -> dict[str, SiteFile]:
    """The style and script every page names (MkDocs' extra_css and extra_javascript), made by
    the main process: other plugins may read them before the build ends."""
    assert len(SCRIPTS) == 1 and len(STYLES) == 1, "SCRIPTS is OWN_SCRIPTS in one file"
    return {
        STYLES[0]: SiteFile(style_sheet()),
        SCRIPTS[0]: SiteFile(minified_scripts(tuple(OWN_SCRIPTS))),
    }


@cache
def style_sheet() -> str:
    """The site's style sheet: eventatlas.css, then the rules plotly.js inserts when it loads
    (plotly.css, vendored). A page with a figure tells plotly.js to insert none
    (`mkdocs_pages.no_inline_plotly_styles`): a page needs no inline style, mkdocs-material's
    instant navigation cannot drop them, and after ours they cascade as they did when inserted."""
    own = _own_assets()
    return "\n".join((own / name).read_text(encoding="utf-8") for name in STYLE_PARTS)


@cache
def minified_scripts(names: tuple[str, ...]) -> str:
    """The package's scripts, in order, in one file minified by rjsmin (a fifth of their bytes
    after gzip, on every page); the readable sources are in eventatlas/site/assets/."""
    own = resources.files("eventatlas.site") / "assets"
    sources = [rjsmin.jsmin((own / name).read_text(encoding="utf-8")) for name in names]
    header = f"/* eventatlas: {', '.join(names)}, minified; MIT licence */\n"
    return header + "\n".join(sources) + "\n"


def detail_texts(dataset: Dataset, places: dict[str, ResolvedPlace]) -> dict[str, str]:
    """The detail panel's texts, DETAIL_CHUNK events to a script in atlas order, loaded when a
    reader opens one of them (a file per event made 10,000 files of a 10,000-event site)."""
    return dict(detail_items(dataset, places))


def detail_items(dataset: Dataset, places: dict[str, ResolvedPlace]) -> Iterator[tuple[str, str]]:
    """`detail_texts` as (path, text), a script at a time."""
    events = dataset.events
    for start in range(0, len(events), DETAIL_CHUNK):
        details = {
            event.id: {
                "id": event.id,
                "html": render_event_detail(event, places.get(event.id), dataset),
            }
            for event in events[start : start + DETAIL_CHUNK]
        }
        yield (
            detail_path(start // DETAIL_CHUNK),
            (
                "window.EventAtlasDetails = Object.assign(window.EventAtlasDetails || {}, "
                f"{json_for_html(details)});\n"
            ),
        )


def detail_path(chunk: int) -> str:
    """The script holding the details of the events at atlas positions chunk × DETAIL_CHUNK on."""
    return DETAIL_SCRIPT.format(n=chunk)


def _geo_assets_script(scale: str, topojson: str) -> str:
    # plotly.js reads map geography from here instead of fetching it from a CDN.
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
        "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
        f"window.PlotlyGeoAssets.topojson.world_{scale} = {topojson.strip()};\n"
    )


DRAWN_TRACES = ("scatter", "scattergeo")  # the trace types eventatlas-figures.js draws


def _templates_script() -> str:
    """plotly.py's light and dark templates for the figures: their layout, and their defaults for
    the trace types drawn (the rest would only be read and merged by plotly.js for nothing)."""
    templates = {
        "light": _drawn_part(pio.templates["plotly_white"].to_plotly_json()),
        "dark": _drawn_part(pio.templates["plotly_dark"].to_plotly_json()),
    }
    templates["dark"]["layout"].update(
        {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}
    )
    templates["light"]["layout"].update({"paper_bgcolor": "rgba(0,0,0,0)"})
    return (
        "window.EventAtlasTemplates = "
        + json.dumps(templates, sort_keys=True, separators=(",", ":"))
        + ";\n"
    )


def _drawn_part(template: dict) -> dict:
    data = template.get("data", {})
    return {"layout": template["layout"], "data": {k: data[k] for k in DRAWN_TRACES if k in data}}

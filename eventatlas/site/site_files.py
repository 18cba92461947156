"""Stage 5: every file the plugin adds to the site, by its path inside the site.

Pages (events, sources), open-data exports and the shared assets: the vendored plotly.js geo
partial bundle, the world geography at two scales, the figure-drawing scripts and styles.
Every page loads only the small scripts of `SCRIPTS`; a page with a view loads the data, and a
page with a figure plotly.js and the geography, on demand (see `atlas.view_scripts`).
"""

from __future__ import annotations

import json
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
    atlas_json_schema,
    build_atlas,
)
from .exports import DATA_PAGE, export_texts, render_data_page
from .pages import (
    SEARCH_PAGE,
    GeneratedPage,
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
STYLES = [f"{ASSET_DIR}/eventatlas.css"]


@dataclass(frozen=True)
class SiteFile:
    """A file to add to the site: text or bytes content, a file on disk to copy, or a generated
    page."""

    content: str | bytes | None = None
    copy_from: Path | None = None
    page: GeneratedPage | None = None  # its skeleton is the content; its HTML is rendered late

    @classmethod
    def of_page(cls, page: GeneratedPage) -> SiteFile:
        return cls(page.skeleton, page=page)


def event_page_path(event_id: str) -> str:
    return f"events/{event_id}.md"


def site_files(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo | None = None,
    version: DataVersion | None = None,
    exports: bool = True,
) -> dict[str, SiteFile]:
    """All generated pages, data files and assets, keyed by their path in docs/ terms; without
    the open-data exports when the caller writes them itself (see `background`)."""
    site = site or SiteInfo()
    version = version or data_version(dataset, places)
    whole = overview(dataset, places, site, version)
    files = {
        event_page_path(e.id): SiteFile.of_page(
            render_event_page(e, places.get(e.id), dataset, places, whole)
        )
        for e in progress(list(dataset.events), "writing event pages")
    }
    files["sources.md"] = SiteFile.of_page(render_sources_page(dataset))
    files[SEARCH_PAGE] = SiteFile.of_page(render_search_page())
    pages = list_pages(dataset)
    files.update(
        {
            list_page_path(p): SiteFile.of_page(render_list_page(p, pages, whole.rows, dataset))
            for p in pages
        }
    )
    files.update(schema_files())
    files.update(export_files(dataset, places, site, version, exports))
    files.update(atlas_files(dataset, places))
    files.update(asset_files())
    return files


def schema_files() -> dict[str, SiteFile]:
    """The JSON Schemas editors' tools use, published with the site."""
    return {
        SCHEMA_PATH: SiteFile(json_schema()),
        PLACES_SCHEMA_PATH: SiteFile(places_json_schema()),
        ATLAS_SCHEMA_PATH: SiteFile(atlas_json_schema()),
    }


def asset_files() -> dict[str, SiteFile]:
    own = resources.files("eventatlas.site") / "assets"
    files = {
        f"{ASSET_DIR}/plotly-geo.min.js": SiteFile(copy_from=Path(str(own / "plotly-geo.min.js"))),
        **{
            f"{ASSET_DIR}/world_{scale}.js": SiteFile(
                _geo_assets_script(scale, (own / f"world_{scale}.json").read_text(encoding="utf-8"))
            )
            for scale in ("110m", "50m")
        },
        f"{ASSET_DIR}/templates.js": SiteFile(_templates_script()),
        f"{ASSET_DIR}/eventatlas.css": SiteFile(
            (own / "eventatlas.css").read_text(encoding="utf-8")
        ),
        f"{ASSET_DIR}/ATTRIBUTION.md.txt": SiteFile(
            (own / "ATTRIBUTION.md").read_text(encoding="utf-8")
        ),
    }
    files[SCRIPTS[0]] = SiteFile(minified_scripts(tuple(OWN_SCRIPTS)))
    files.update(
        {path: SiteFile(minified_scripts((path.rsplit("/", 1)[1],))) for path in ON_DEMAND_SCRIPTS}
    )
    return files


@cache
def minified_scripts(names: tuple[str, ...]) -> str:
    """The package's scripts, in order, in one file minified by rjsmin (a fifth of their bytes
    after gzip, on every page); the readable sources are in eventatlas/site/assets/."""
    own = resources.files("eventatlas.site") / "assets"
    sources = [rjsmin.jsmin((own / name).read_text(encoding="utf-8")) for name in names]
    header = f"/* eventatlas: {', '.join(names)}, minified; MIT licence */\n"
    return header + "\n".join(sources) + "\n"


def atlas_files(dataset: Dataset, places: dict[str, ResolvedPlace]) -> dict[str, SiteFile]:
    """The shared data every view draws from, and one detail script per event, loaded on demand."""
    files = {
        DATA_SCRIPT: SiteFile(
            f"window.EventAtlasData = {json_for_html(build_atlas(dataset, places))};\n"
        )
    }
    for event in dataset.events:
        detail = json_for_html(
            {"id": event.id, "html": render_event_detail(event, places.get(event.id), dataset)}
        )
        files[detail_path(event.id)] = SiteFile(
            "window.EventAtlasDetails = window.EventAtlasDetails || {};\n"
            f"window.EventAtlasDetails[{json_for_html(event.id)}] = {detail};\n"
        )
    return files


def detail_path(event_id: str) -> str:
    return f"{ASSET_DIR}/detail/{event_id}.js"


def _geo_assets_script(scale: str, topojson: str) -> str:
    # plotly.js reads map geography from here instead of fetching it from a CDN.
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
        "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
        f"window.PlotlyGeoAssets.topojson.world_{scale} = {topojson.strip()};\n"
    )


def _templates_script() -> str:
    templates = {
        "light": pio.templates["plotly_white"].to_plotly_json(),
        "dark": pio.templates["plotly_dark"].to_plotly_json(),
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


def export_files(
    dataset: Dataset,
    places: dict[str, ResolvedPlace],
    site: SiteInfo | None = None,
    version: DataVersion | None = None,
    exports: bool = True,
) -> dict[str, SiteFile]:
    """Open data (eventatlas/site/exports.py) and the Data page that lists it."""
    site = site or SiteInfo()
    version = version or data_version(dataset, places)
    texts = export_texts(dataset, places, site, version) if exports else {}
    files = {path: SiteFile(text) for path, text in texts.items()}
    files[DATA_PAGE] = SiteFile.of_page(render_data_page(site, version, dataset, places))
    return files

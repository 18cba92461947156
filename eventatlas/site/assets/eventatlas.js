/* eventatlas: wires every view on a page: filters, list, timeline, map and detail panel share
   one state, kept in the page address (back and forward work). Runs on first load, after
   mkdocs-material's instant navigation, and from file://. */
(function (EA) {
  "use strict";

  const S = EA.state,
    F = EA.figures,
    U = EA.ui;
  const PLOT_CONFIG = {
    responsive: false,
    displayModeBar: false,
    displaylogo: false,
    scrollZoom: false,
    doubleClick: "reset",
    showTips: false,
  };
  let views = [];

  function scheme() {
    return document.body && document.body.getAttribute("data-md-color-scheme") === "slate"
      ? "dark"
      : "light";
  }

  function figureOptions(view) {
    const templates = window.EventAtlasTemplates || {};
    const width = view.el.clientWidth;
    return {
      colours: F.palette(view.el),
      font: F.pageFont(view.el),
      template: templates[scheme()],
      narrow: width < 600,
      width: width,
    };
  }

  /* ---- state changes ---- */

  function path() {
    // "//x" would be read as another host ("http://host//?a=b" has the path "//"): one slash.
    return "/" + location.pathname.replace(/^\/+/, "");
  }

  function address(view) {
    return (
      path() + S.writeState(view.model, view.state, location.search, view.prefix) + location.hash
    );
  }

  function setAddress(how, next) {
    if (next === location.pathname + location.search + location.hash) return;
    try {
      history[how === "push" ? "pushState" : "replaceState"](history.state, "", next);
    } catch {
      // an address the browser will not take back: the view still works, unshared
    }
  }

  function commit(view, changes, how) {
    Object.assign(view.state, changes);
    setAddress(how === "replace" ? "replace" : "push", address(view));
    render(view, how === "select");
  }

  function select(view, index, fromList) {
    view.returnFocus = fromList ? index : null;
    commit(view, { event: index, at: null }, "select");
  }

  function mapWidth(view) {
    const map = view.el.querySelector(".ea-map");
    return map ? map.clientWidth : 600;
  }

  function selectPlace(view, place) {
    const cluster = F.placeCluster(view.model, view.visible, place, mapWidth(view));
    const here = view.visible.filter(function (i) {
      return cluster.indexOf(view.model.events[i].place) >= 0;
    });
    if (here.length === 1) {
      select(view, here[0]);
    } else {
      commit(view, { event: null, at: place }, "select");
    }
  }

  /* Focus goes back to the list's button that opened the panel (the list is drawn anew meanwhile). */
  function closeDetail(view) {
    const back = view.returnFocus;
    commit(view, { event: null, at: null });
    const button =
      back === null
        ? null
        : view.el.querySelector('table.ea-list .ea-show[data-index="' + back + '"]');
    if (button) {
      button.focus();
    }
  }

  /* ---- drawing ---- */

  function render(view, focusPanel) {
    const visible = S.visibleEvents(view.model, view.state);
    view.visible = visible;
    view.cluster =
      view.state.at === null
        ? null
        : F.placeCluster(view.model, visible, view.state.at, mapWidth(view));
    view.selected =
      view.state.event !== null
        ? [view.state.event]
        : view.model.focus !== null && view.state.at === null
          ? [view.model.focus]
          : [];
    if (view.form) {
      U.showFilters(view);
      U.showCount(view, visible);
    }
    U.renderList(view, visible);
    const opened = U.renderDetail(view, visible);
    drawFigures(view, visible);
    if (focusPanel && opened) {
      view.el.querySelector(".ea-detail").focus();
    }
  }

  /* Only once plotly.js and the geography of this view's map have both run: plotly.js drawing
     a map before its geography is in would fetch it from a CDN. */
  function drawFigures(view, visible) {
    if (!window.Plotly || !view.figuresLoaded) {
      return;
    }
    const figures = [
      ["timeline", F.timeline],
      ["map", F.map],
    ]
      .map(function (pair) {
        return { kind: pair[0], build: pair[1], target: view.el.querySelector(".ea-" + pair[0]) };
      })
      .filter(function (figure) {
        return figure.target;
      });
    /* Every size and colour is read before either figure is drawn: a read after Plotly has
       changed the page makes the browser lay the whole page out again. */
    const options = figureOptions(view);
    figures.forEach(function (figure) {
      figure.width = figure.target.clientWidth;
    });
    figures.forEach(function (figure) {
      drawFigure(view, figure, options);
      describeFigure(view, figure.target, figure.kind, visible);
    });
  }

  /* One drawing at a time per figure: Plotly drawing a map again before the last one is done
     leaves two maps on top of each other. A request made meanwhile draws the latest state after. */
  function drawFigure(view, figure, options) {
    const target = figure.target;
    if (target.eaDrawing) {
      target.eaDrawAgain = true;
      return;
    }
    target.eaDrawing = true;
    const built = figure.build(
      view.model,
      view.visible,
      view.state,
      Object.assign({}, options, { mapWidth: figure.width, cluster: view.cluster }),
    );
    built.layout.width =
      figure.width; /* the panel opening or closing changes it; Plotly would keep the old one */
    view.drawing = true;
    window.Plotly.react(target, built.data, built.layout, PLOT_CONFIG).then(function () {
      view.drawing = false;
      target.eaDrawing = false;
      if (!target.hasAttribute("data-drawn")) {
        listenToFigure(view, target, figure.kind);
        target.setAttribute("data-drawn", "true");
      }
      if (target.eaDrawAgain) {
        target.eaDrawAgain = false;
        drawFigure(
          view,
          Object.assign({}, figure, { width: target.clientWidth }),
          figureOptions(view),
        );
      }
    });
  }

  /* The same alt texts as the pages' (atlas.timeline_alt and map_alt), for what is shown now. */
  function describeFigure(view, target, kind, visible) {
    const model = view.model;
    target.setAttribute(
      "aria-label",
      kind === "timeline" ? timelineAlt(model, visible) : mapAlt(model, visible),
    );
  }

  function timelineAlt(model, visible) {
    if (!visible.length) {
      return U.words("timelineAltEmpty", {});
    }
    const last = visible.reduce(function (latest, i) {
      return model.events[i].end > model.events[latest].end ? i : latest;
    }, visible[0]);
    return U.words("timelineAlt", {
      events: U.plural(visible.length, "event"),
      first: model.events[visible[0]].date,
      last: model.events[last].date,
    });
  }

  function mapAlt(model, visible) {
    const most = model.data.map.altNames;
    const names = Array.from(
      new Set(
        visible
          .map(function (i) {
            return model.data.places[model.events[i].place];
          })
          .filter(function (place) {
            return place.lat !== undefined;
          })
          .map(function (place) {
            return place.name;
          }),
      ),
    ).sort();
    return U.words("mapAlt", {
      events: U.plural(visible.length, "event"),
      places: U.plural(names.length, "place"),
      names: names.slice(0, most).join(", ") + (names.length > most ? " …" : ""),
    });
  }

  function listenToFigure(view, target, kind) {
    target.on("plotly_click", function (event) {
      const point = event && event.points && event.points[0];
      if (!point || !point.customdata) {
        return;
      }
      if (kind === "timeline") {
        select(view, point.customdata[0]);
      } else {
        selectPlace(view, point.customdata[0]);
      }
    });
    if (kind === "timeline") {
      target.on("plotly_relayout", function (change) {
        if (!view.drawing) {
          zoomed(view, change);
        }
      });
    }
  }

  function zoomed(view, change) {
    const range =
      change["xaxis.range"] ||
      (change["xaxis.range[0]"] && [change["xaxis.range[0]"], change["xaxis.range[1]"]]);
    if (range) {
      commit(view, { zoom: [String(range[0]).slice(0, 10), String(range[1]).slice(0, 10)] });
    } else if (change["xaxis.autorange"]) {
      commit(view, { zoom: null });
    }
  }

  /* Zoom buttons: move or scale the shown dates around their middle. */
  function zoomBy(view, action) {
    if (action === "reset") {
      commit(view, { zoom: null });
      return;
    }
    const range = (view.state.zoom || view.model.config.range).map(function (d) {
      return Date.parse(d);
    });
    const middle = (range[0] + range[1]) / 2,
      half = (range[1] - range[0]) / 2;
    const shift = { earlier: -half, later: half }[action] || 0;
    const scale = { in: 0.5, out: 2 }[action] || 1;
    const next = [middle + shift - half * scale, middle + shift + half * scale].map(function (t) {
      return new Date(t).toISOString().slice(0, 10);
    });
    if (next[0] < next[1]) {
      commit(view, { zoom: next });
    }
  }

  /* ---- set-up ---- */

  function listenToControls(view) {
    view.el.addEventListener("click", function (event) {
      const button = event.target.closest("button");
      if (!button || !view.el.contains(button)) {
        return;
      }
      if (button.hasAttribute("data-index")) {
        select(
          view,
          Number(button.getAttribute("data-index")),
          button.classList.contains("ea-show"),
        );
      }
      if (button.hasAttribute("data-zoom")) {
        zoomBy(view, button.getAttribute("data-zoom"));
      }
      if (button.hasAttribute("data-more")) {
        U.moreRows(view, button.getAttribute("data-more"));
        render(view);
      }
      const action = button.getAttribute("data-action");
      if (action === "close") {
        closeDetail(view);
      }
      if (action === "clear") {
        view.listStart = null;
        commit(view, S.clearedFilters());
      }
    });
    view.el.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && event.target.closest(".ea-detail")) {
        closeDetail(view);
      }
    });
    if (view.form) {
      view.form.addEventListener("change", function () {
        view.listStart = null;
        commit(view, U.readFilters(view));
      });
      view.form.addEventListener("submit", function (event) {
        event.preventDefault();
      });
    }
  }

  function setUp(element, number) {
    const data = window.EventAtlasData;
    const config = JSON.parse(element.getAttribute("data-config") || "{}");
    const view = {
      el: element,
      id: element.id,
      root: element.getAttribute("data-root") || "",
      prefix: number === 0 ? "" : "v" + (number + 1) + ".",
      model: new S.Model(data, config),
      listStart: null,
      listEnd: null,
      selected: [],
      returnFocus: null,
      drawing: false,
    };
    view.state = S.readState(view.model, location.search, view.prefix);
    if (element.querySelector(".ea-figure")) {
      view.form = U.buildToolbar(view);
      element.querySelectorAll(".ea-zoom, .ea-legend").forEach(function (part) {
        part.hidden = false;
      });
      element.querySelectorAll(".ea-figure-fallback").forEach(function (part) {
        part.remove();
      });
    }
    listenToControls(view);
    element.setAttribute("data-ready", "true");
    return view;
  }

  /* mkdocs-material's search dialog has no name; screen readers announce it as "Search". */
  function nameThemeDialogs() {
    document
      .querySelectorAll(".md-search[role=dialog]:not([aria-label])")
      .forEach(function (dialog) {
        dialog.setAttribute("aria-label", "Search");
      });
  }

  /* plotly.js's style rules are in the site's style sheet (eventatlas.css): this element, there
     when plotly.js loads, tells it to insert none (its strict-CSP mode). A page with figures has
     it in its head (mkdocs_pages.no_inline_plotly_styles), and mkdocs-material's instant
     navigation brings it along; should a page reached that way lack it, it is added here. */
  function noInlinePlotlyStyles() {
    if (!document.getElementById("plotly.js-style-global")) {
      document.head.appendChild(
        U.el("template", { id: "plotly.js-style-global", class: "no-inline-styles" }),
      );
    }
  }

  /* ---- loading: the data for any view, plotly.js and the geography only for a figure ---- */

  /* The shape of window.EventAtlasData this script reads; atlas.ATLAS_VERSION in Python. */
  const DATA_VERSION = 5;
  const loading = {}; /* url → promise that its script has run */

  /* On a first load, a view's data and figure scripts are <script> tags just before this one
     (mkdocs_pages.scripts_before_theme): they have run, or failed, by now, and what failed shows
     as missing data or a missing plotly.js (dataProblem, figuresProblem). Reached by instant
     navigation, a page's views add them here, as they add the cite script. Scripts, not fetch():
     a script is cached by the browser and also loads from file://. */
  function loadScript(url) {
    if (!loading[url]) {
      loading[url] = inPage(url) ? Promise.resolve() : addScript(url);
    }
    return loading[url];
  }

  function inPage(url) {
    return Array.prototype.some.call(document.scripts, function (script) {
      return script.src === url;
    });
  }

  /* Each runs as soon as it arrives: none needs another while it runs. */
  function addScript(url) {
    return new Promise(function (resolve, reject) {
      const script = U.el("script", { src: url });
      script.onload = resolve;
      script.onerror = function () {
        delete loading[url];
        script.remove();
        reject(new Error("eventatlas: could not load " + url));
      };
      document.head.appendChild(script);
    });
  }

  function scriptsFor(elements, kind) {
    const urls = new Set();
    elements.forEach(function (element) {
      element.querySelectorAll('link[data-ea-script="' + kind + '"]').forEach(function (link) {
        urls.add(link.href);
      });
    });
    return Promise.all(Array.from(urls).map(loadScript));
  }

  /* Data from another version of the site (a cached copy, a half-deployed site): said in the
     console and on the page, and the views are left as the list that needs no script. */
  function dataProblem() {
    const data = window.EventAtlasData;
    if (!data) {
      return "the atlas data did not load";
    }
    if (data.version !== DATA_VERSION) {
      return (
        "the atlas data is version " + data.version + " but this page reads version " + DATA_VERSION
      );
    }
    return null;
  }

  /* What a figure script should have defined and did not. plotly.js drawing a map without its
     geography would fetch it from a CDN: never. A view without a figure needs none of them. */
  function figuresProblem() {
    const drawing = views.filter(function (view) {
      return view.el.querySelector(".ea-figure");
    });
    if (!drawing.length) {
      return null;
    }
    if (!window.Plotly) {
      return "plotly.js did not load";
    }
    if (!window.EventAtlasTemplates) {
      return "the figures' styles did not load";
    }
    const maps = (window.PlotlyGeoAssets && window.PlotlyGeoAssets.topojson) || {};
    const mapless = drawing.some(function (view) {
      return view.el.querySelector(".ea-map") && !maps["world_" + view.model.config.geo + "m"];
    });
    return mapless ? "the map's geography did not load" : null;
  }

  function showProblem(elements, problem) {
    console.error("eventatlas: " + problem);
    elements.forEach(function (element) {
      const toolbar = element.querySelector(".ea-toolbar");
      toolbar.textContent = "";
      toolbar.appendChild(
        U.el(
          "p",
          { class: "ea-notice", role: "alert" },
          "The timeline and map could not be shown (" +
            problem +
            "). Reload the page; the list below still holds every event.",
        ),
      );
      toolbar.hidden = false;
    });
  }

  let generation = 0;

  function setUpAll() {
    nameThemeDialogs();
    const elements = Array.from(document.querySelectorAll(".ea-view"));
    if (
      elements.length &&
      elements.every(function (el) {
        return views.some(function (view) {
          return view.el === el;
        });
      })
    ) {
      return;
    }
    views.forEach(function (view) {
      view.el.querySelectorAll(".js-plotly-plot").forEach(function (plot) {
        window.Plotly.purge(plot);
      });
    });
    views = [];
    generation += 1;
    if (!elements.length) {
      return;
    }
    const current = generation;
    const data = scriptsFor(elements, "data");
    noInlinePlotlyStyles();
    const figures = scriptsFor(elements, "figures");
    figures.catch(function () {}); /* reported below, once the data is in */
    /* Without it the citation is still shown, only not copied or downloaded. */
    scriptsFor(elements, "cite").catch(function () {});
    data
      .then(function () {
        if (current !== generation) {
          return null;
        }
        const problem = dataProblem();
        if (problem) {
          showProblem(elements, problem);
          return null;
        }
        views = elements.map(setUp);
        views.forEach(function (view) {
          setAddress("replace", address(view));
          render(view);
        });
        return figures;
      })
      .then(function (loaded) {
        if (loaded && current === generation) {
          const problem = figuresProblem();
          if (problem) {
            throw new Error(problem);
          }
          views.forEach(function (view) {
            view.figuresLoaded = true;
          });
          redrawAll();
        }
      })
      .catch(function (error) {
        if (current === generation) {
          showProblem(elements, error.message.replace(/^eventatlas: /, ""));
        }
      });
  }

  function restoreFromAddress() {
    views.forEach(function (view) {
      if (!document.contains(view.el)) {
        return;
      }
      view.state = S.readState(view.model, location.search, view.prefix);
      view.listStart = null;
      render(view);
    });
  }

  function redrawAll() {
    views.forEach(function (view) {
      if (document.contains(view.el)) {
        drawFigures(view, view.visible);
      }
    });
  }

  let resizing = null;

  function redrawSoon() {
    clearTimeout(resizing);
    resizing = setTimeout(redrawAll, 150);
  }

  let shownScheme = null;

  function schemeChanged() {
    if (scheme() !== shownScheme) {
      shownScheme = scheme();
      redrawAll();
    }
  }

  function start() {
    shownScheme = scheme();
    new MutationObserver(schemeChanged).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-md-color-scheme"],
    });
    window.addEventListener("resize", redrawSoon);
    window.addEventListener("popstate", restoreFromAddress);
    setUpAll();
    followInstantNavigation();
  }

  /* mkdocs-material emits every page it shows by instant navigation on document$ (never on
     file://, where its stream ends at once; setUpAll above covers the first page everywhere). On
     a page with a view this script runs before the theme's (the plugin puts it first, so the
     figures do not wait for the theme's start-up): the stream exists once the page is read. */
  function followInstantNavigation() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(setUpAll);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", followInstantNavigation, { once: true });
    }
  }

  /* This script comes last in the body (on a page with a view, just before the theme's own):
     when a view is already in the page, the views are set up now, not on DOMContentLoaded. */
  if (document.readyState === "loading" && !document.querySelector(".ea-view")) {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})((window.EventAtlas = window.EventAtlas || {}));

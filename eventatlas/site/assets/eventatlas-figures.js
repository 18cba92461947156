/* eventatlas: Plotly figures built from the shared data for the events a view shows.
   The marks and positions come from the build (figures.py); this file only fills traces.
   Every data text is escaped here before Plotly sees it: Plotly reads <b>, <a>, <br> in text
   as markup, but shows entities such as &lt; as plain text. */
(function (EA) {
  "use strict";

  const MAX_TITLES = 8;
  const DAY = 86400000;
  /* Points along each edge of a bar, where a pointer can pick it: up to BAR_POINTS for a few
     bars, fewer when there are many (they crowd each other anyway), so a view of thousands of
     bars stays within POINT_BUDGET points. */
  const BAR_POINTS = 24;
  const POINT_BUDGET = 3000;
  /* The timeline's margins are given so that its axis labels fit at once: plotly.js's automargin
     (kept, for a label that needs more) otherwise draws the whole figure a second time to make
     room, which costs as much as the first. Below: one line of date labels (automargin asks for
     51 px at 12 px type). Left: the widest lane name and a gap, and at least the overhang of a
     date label at the axis's start; at most a share of the width, however long a lane's name
     (automargin then makes room as it must, and keeps the plot from vanishing on a phone). */
  const DATE_LABELS_ROOM = 52;
  const LANE_LABEL_GAP = 12;
  const LEFT_MARGIN_LEAST = 40;
  const LEFT_MARGIN_SHARE = 0.4;
  let measuring = null;

  /* The colours are the CSS variables of eventatlas.css, read for the scheme now shown. */
  function palette(element) {
    const style = getComputedStyle(element);
    const colours = {};
    ["main", "accent", "ring", "land", "ocean", "border"].forEach(function (name) {
      colours[name] = style.getPropertyValue("--ea-" + name).trim();
    });
    return colours;
  }

  /* The figures are set in the page's type (found once, not looked for again in plotly.js's
     own families), which is also what their labels are measured in before they are drawn. */
  function pageFont(element) {
    return getComputedStyle(element).fontFamily || "sans-serif";
  }

  function escapeText(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  /* `end` is the last day, inclusive; a bar reaches to the end of that day. */
  function endExclusive(e) {
    return Date.parse(e.end) + DAY;
  }

  function midpoint(e) {
    const start = Date.parse(e.start);
    return e.mark.indexOf("day") === 0
      ? e.start
      : new Date(start + (endExclusive(e) - start) / 2).toISOString().slice(0, 10);
  }

  /* Where each lane's middle is on the y axis, the first lane at the top: a lane holding more
     rows of markers is taller (timeline.laneSizes, in lanes of size 1). */
  function laneHeights(model) {
    const sizes = model.data.timeline.laneSizes;
    const heights = new Map();
    let below = 0;
    model.lanes
      .slice()
      .reverse()
      .forEach(function (lane) {
        heights.set(lane, below + sizes[lane] / 2 - 0.5);
        below += sizes[lane];
      });
    return heights;
  }

  function lanesSize(model) {
    return model.lanes.reduce(function (total, lane) {
      return total + model.data.timeline.laneSizes[lane];
    }, 0);
  }

  function eventRow(model, i) {
    const e = model.events[i];
    const disputed = e.disputed ? " · sources disagree" : "";
    return [
      i,
      escapeText(e.title),
      escapeText(e.date) + disputed,
      escapeText(model.placeName(e.place)),
    ];
  }

  const HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra></extra>";

  function markTrace(model, key, mark, events, heights, options) {
    const colours = options.colours;
    const common = { name: mark.name, hovertemplate: HOVER, meta: key };
    if (mark.kind === "point") {
      return Object.assign(common, {
        type: "scatter",
        mode: "markers",
        x: events.map(function (i) {
          return model.events[i].start;
        }),
        y: events.map(function (i) {
          const e = model.events[i];
          return heights.get(e.lane) + e.row;
        }),
        customdata: events.map(function (i) {
          return eventRow(model, i);
        }),
        marker: {
          size: 13,
          symbol: mark.symbol,
          opacity: mark.opacity,
          color: colours.main,
          line: { width: 2, color: colours.main },
        },
      });
    }
    return Object.assign(common, barOutlines(model, events, heights, mark), {
      type: "scatter",
      mode: "lines",
      fill: "toself",
      hoveron: "points",
      opacity: mark.opacity,
      fillcolor: colours.main,
      fillpattern: {
        shape: mark.pattern,
        fgcolor: colours.main,
        bgcolor: "rgba(0,0,0,0)",
        solidity: 0.35,
      },
      line: { width: 1.5, color: colours.main },
    });
  }

  /* The bars of one mark as filled rectangles in a single scatter trace (the plotly.js geo bundle
     has no bar trace), one closed outline per event, apart by a gap. Each outline has a point
     every few days along its edges, all carrying the event, so a pointer anywhere on a bar
     picks it. A bar exactly over another (same lane, row and dates) is not drawn again: a
     pointer only ever reaches the one on top, and a crowded atlas has thousands of them (three
     in four of the bars of 10,000 synthetic events), which plotly.js would trace for nothing. */
  function barOutlines(model, events, heights, mark) {
    const x = [],
      y = [],
      customdata = [];
    const range = model.config.range;
    const step = (Date.parse(range[1]) - Date.parse(range[0])) / 150;
    const half = mark.width / 2;
    const bars = distinctBars(model, events, heights);
    const most = Math.max(1, Math.min(BAR_POINTS, Math.floor(POINT_BUDGET / 2 / bars.length)));
    bars.forEach(function (i) {
      const e = model.events[i],
        row = eventRow(model, i),
        middle = heights.get(e.lane) + e.row;
      const start = Date.parse(e.start),
        end = endExclusive(e);
      const pieces = Math.min(most, Math.max(1, Math.ceil((end - start) / step)));
      const edge = function (k) {
        return start + ((end - start) * k) / pieces;
      };
      for (let k = 0; k <= pieces; k += 1) {
        x.push(edge(k));
        y.push(middle - half);
        customdata.push(row);
      }
      for (let k = pieces; k >= 0; k -= 1) {
        x.push(edge(k));
        y.push(middle + half);
        customdata.push(row);
      }
      x.push(null);
      y.push(null);
      customdata.push(null);
    });
    return { x: x, y: y, customdata: customdata };
  }

  function distinctBars(model, events, heights) {
    const seen = new Set();
    return events.filter(function (i) {
      const e = model.events[i];
      const key = e.start + " " + e.end + " " + (heights.get(e.lane) + e.row);
      return !seen.has(key) && seen.add(key);
    });
  }

  function overlayTrace(name, x, y, marker) {
    return {
      type: "scatter",
      mode: "markers",
      name: name,
      x: x,
      y: y,
      hoverinfo: "skip",
      marker: marker,
      meta: name,
    };
  }

  function selectedEvents(model, state, visible, cluster) {
    const shown = new Set(visible);
    if (state.event !== null) {
      return shown.has(state.event) ? [state.event] : [];
    }
    if (state.at !== null) {
      return visible.filter(function (i) {
        return (cluster || [state.at]).indexOf(model.events[i].place) >= 0;
      });
    }
    return model.focus !== null && shown.has(model.focus) ? [model.focus] : [];
  }

  function timeline(model, visible, state, options) {
    const colours = options.colours;
    const marks = model.data.timeline.marks;
    const heights = laneHeights(model);
    const position = function (i) {
      const e = model.events[i];
      return heights.get(e.lane) + e.row;
    };
    const data = Object.keys(marks).map(function (key) {
      const events = visible.filter(function (i) {
        return model.events[i].mark === key;
      });
      return markTrace(model, key, marks[key], events, heights, options);
    });
    const disputed = visible.filter(function (i) {
      return model.events[i].disputed;
    });
    data.push(
      overlayTrace(
        "sources disagree",
        disputed.map(function (i) {
          return midpoint(model.events[i]);
        }),
        /* on the event's own mark: above it, it would sit on the next row's */
        disputed.map(position),
        {
          symbol: "triangle-down",
          size: 10,
          color: colours.accent,
          /* an edge: in the dark palette its colour is as light as the mark's */
          line: { width: 1.5, color: colours.land },
        },
      ),
    );
    const selected = selectedEvents(model, state, visible, options.cluster);
    data.push(
      overlayTrace(
        "selected",
        selected.map(function (i) {
          return midpoint(model.events[i]);
        }),
        selected.map(position),
        {
          symbol: "circle-open",
          size: 26,
          color: colours.ring,
          line: { width: 3, color: colours.ring },
        },
      ),
    );
    return { data: data, layout: timelineLayout(model, visible, state, options) };
  }

  function widestText(texts, size, family) {
    measuring = measuring || document.createElement("canvas").getContext("2d");
    measuring.font = size + "px " + family;
    return texts.reduce(function (widest, text) {
      return Math.max(widest, measuring.measureText(text).width);
    }, 0);
  }

  function timelineLayout(model, visible, state, options) {
    const axes = model.data.timeline;
    const size = Math.max(1, lanesSize(model));
    const heights = laneHeights(model);
    const fontSize = options.narrow ? 11 : 12;
    const laneNames = model.lanes.map(function (lane) {
      return axes.lanes[lane];
    });
    const left = Math.ceil(widestText(laneNames, fontSize, options.font)) + LANE_LABEL_GAP;
    const layout = {
      template: options.template,
      height: axes.padding + Math.round(axes.rowHeight * size),
      margin: {
        l: Math.min(
          Math.max(LEFT_MARGIN_LEAST, left),
          Math.round(options.width * LEFT_MARGIN_SHARE),
        ),
        r: 16,
        t: 10,
        b: DATE_LABELS_ROOM,
      },
      xaxis: {
        type: "date",
        range: (state.zoom || model.config.range).slice(),
        title: { text: "" },
        automargin: true,
      },
      yaxis: {
        range: [-0.6, size - 0.4],
        tickvals: model.lanes.map(function (lane) {
          return heights.get(lane);
        }),
        ticktext: laneNames.map(escapeText),
        fixedrange: true,
        zeroline: false,
        automargin: true,
      },
      barmode: "overlay",
      hovermode: "closest",
      showlegend: false,
      dragmode: options.narrow ? false : "zoom",
      font: { family: options.font, size: fontSize },
    };
    if (!visible.length) {
      layout.annotations = [noEvents()];
    }
    return layout;
  }

  function noEvents() {
    return {
      text: "No event matches these filters",
      xref: "paper",
      yref: "paper",
      x: 0.5,
      y: 0.5,
      showarrow: false,
      font: { size: 15 },
    };
  }

  function placeGroups(model, visible) {
    const groups = new Map();
    visible.forEach(function (i) {
      const place = model.events[i].place;
      if (model.data.places[place].lat === undefined) {
        return;
      }
      if (!groups.has(place)) {
        groups.set(place, []);
      }
      groups.get(place).push(i);
    });
    return groups;
  }

  function placeRow(model, place, events) {
    const titles = events.slice(0, MAX_TITLES).map(function (i) {
      const e = model.events[i];
      return escapeText(
        e.date + ": " + e.title + (e.editorPlace ? " (place supplied by the editor)" : ""),
      );
    });
    if (events.length > MAX_TITLES) {
      titles.push("… and " + (events.length - MAX_TITLES) + " more");
    }
    const count = events.length + (events.length === 1 ? " event" : " events");
    return [place, escapeText(model.placeName(place)), count, titles.join("<br>")];
  }

  function markerSize(count) {
    return 11 + 5 * Math.sqrt(count);
  }

  /* The clicked place and every place whose marker overlaps it at this map width, so that no
     event hides under another's marker. Distances are approximate: degrees to pixels at the
     scale of the view's longitude range. */
  function placeCluster(model, visible, place, width) {
    const groups = placeGroups(model, visible);
    if (!groups.has(place)) {
      return [place];
    }
    const pixels = width / (model.config.map.lon[1] - model.config.map.lon[0]);
    const here = model.data.places[place],
      radius = markerSize(groups.get(place).length) / 2;
    const near = Array.from(groups.keys()).filter(function (other) {
      if (other === place) {
        return false;
      }
      const there = model.data.places[other];
      const distance = Math.hypot((there.lon - here.lon) * 0.9, there.lat - here.lat) * pixels;
      return distance < 0.8 * (radius + markerSize(groups.get(other).length) / 2);
    });
    return [place].concat(near);
  }

  function mapClass(model, place, events) {
    const area = model.data.places[place].area ? "area" : "point";
    return events.some(function (i) {
      return model.events[i].disputed;
    })
      ? area + "-disputed"
      : area;
  }

  function map(model, visible, state, options) {
    const colours = options.colours;
    const groups = placeGroups(model, visible);
    const marks = model.data.map.marks;
    const data = Object.keys(marks).map(function (key) {
      const places = Array.from(groups.keys()).filter(function (p) {
        return mapClass(model, p, groups.get(p)) === key;
      });
      return {
        type: "scattergeo",
        mode: "markers",
        name: marks[key].name,
        meta: key,
        lat: places.map(function (p) {
          return model.data.places[p].lat;
        }),
        lon: places.map(function (p) {
          return model.data.places[p].lon;
        }),
        customdata: places.map(function (p) {
          return placeRow(model, p, groups.get(p));
        }),
        hovertemplate:
          "<b>%{customdata[1]}</b> (%{customdata[2]})<br>%{customdata[3]}<extra></extra>",
        marker: {
          size: places.map(function (p) {
            return markerSize(groups.get(p).length);
          }),
          symbol: marks[key].symbol,
          color: colours.main,
          opacity: 0.9,
          line: { width: 2, color: colours.main },
        },
      };
    });
    data.push(editorPlaceTrace(model, groups, colours));
    const ring = selectedPlace(model, state, visible, groups);
    data.push({
      type: "scattergeo",
      mode: "markers",
      name: "selected",
      meta: "selected",
      hoverinfo: "skip",
      lat: ring === null ? [] : [model.data.places[ring].lat],
      lon: ring === null ? [] : [model.data.places[ring].lon],
      marker: {
        size: ring === null ? [] : [markerSize(groups.get(ring).length) + 14],
        symbol: "circle-open",
        color: colours.ring,
        line: { width: 3, color: colours.ring },
      },
    });
    return { data: data, layout: mapLayout(model, visible, options, colours) };
  }

  /* A diamond around each marker where the editor, not a cited source, placed an event; a
     drawing only: hover and clicks reach the marker beneath. */
  function editorPlaceTrace(model, groups, colours) {
    const mark = model.data.map.editorMark;
    const places = Array.from(groups.keys()).filter(function (p) {
      return groups.get(p).some(function (i) {
        return model.events[i].editorPlace;
      });
    });
    return {
      type: "scattergeo",
      mode: "markers",
      name: mark.name,
      meta: "editor-place",
      hoverinfo: "skip",
      lat: places.map(function (p) {
        return model.data.places[p].lat;
      }),
      lon: places.map(function (p) {
        return model.data.places[p].lon;
      }),
      marker: {
        size: places.map(function (p) {
          return markerSize(groups.get(p).length) + mark.sizeExtra;
        }),
        symbol: mark.symbol,
        color: colours.accent,
        line: { width: 2, color: colours.accent },
      },
    };
  }

  function selectedPlace(model, state, visible, groups) {
    const chosen =
      state.at !== null
        ? state.at
        : selectedEvents(model, state, visible, null).map(function (i) {
            return model.events[i].place;
          })[0];
    return chosen !== undefined && chosen !== null && groups.has(chosen) ? chosen : null;
  }

  /* As tall as the shown area is at this width, so that no band of empty space is left. */
  function mapHeight(view, width) {
    const ratio = (view.lat[1] - view.lat[0]) / (view.lon[1] - view.lon[0]);
    return Math.round(Math.min(460, Math.max(220, width * ratio * 1.25)));
  }

  function mapLayout(model, visible, options, colours) {
    const layout = {
      template: options.template,
      height: mapHeight(model.config.map, options.mapWidth || options.width),
      margin: { l: 0, r: 0, t: 0, b: 0 },
      showlegend: false,
      dragmode: options.narrow ? false : "pan",
      font: { family: options.font },
      geo: {
        projection: { type: "natural earth" },
        resolution: model.config.geo,
        fitbounds: false,
        lataxis: { range: model.config.map.lat.slice() },
        lonaxis: { range: model.config.map.lon.slice() },
        showcountries: true,
        countrycolor: colours.border,
        showland: true,
        landcolor: colours.land,
        showocean: true,
        oceancolor: colours.ocean,
        showlakes: true,
        lakecolor: colours.ocean,
        coastlinecolor: colours.border,
        showframe: false,
        bgcolor: "rgba(0,0,0,0)",
      },
    };
    if (!visible.length) {
      layout.annotations = [noEvents()];
    }
    return layout;
  }

  EA.figures = {
    timeline: timeline,
    map: map,
    placeCluster: placeCluster,
    escapeText: escapeText,
    palette: palette,
    pageFont: pageFont,
  };
})((window.EventAtlas = window.EventAtlas || {}));

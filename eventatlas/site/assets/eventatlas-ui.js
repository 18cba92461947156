/* eventatlas: the parts of a view made of HTML: filters, counts, the list and the detail panel.
   Data text goes into the page only as textContent or through setAttribute, never as markup. */
(function (EA) {
  "use strict";

  const PAGE = 100;

  /* el("p", {class: "x"}, "text", child…): attributes via setAttribute, strings as text nodes. */
  function el(tag, attributes) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      const value = attributes[name];
      if (value === true) {
        node.setAttribute(name, "");
      } else if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(name, value);
      }
    });
    for (let i = 2; i < arguments.length; i += 1) {
      append(node, arguments[i]);
    }
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) {
      return;
    }
    if (Array.isArray(child)) {
      child.forEach(function (c) {
        append(node, c);
      });
      return;
    }
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }

  /* "1 event", "2 events": the plurals come with the data (atlas.PLURALS). */
  function plural(count, word) {
    return count + " " + (count === 1 ? word : window.EventAtlasData.plurals[word]);
  }

  /* A sentence of the data's words (atlas.WORDS) with its {named} blanks filled. */
  function words(key, values) {
    return window.EventAtlasData.words[key].replace(/\{(\w+)\}/g, function (_, name) {
      return values[name];
    });
  }

  /* Links are built from the site's own addresses; anything with a scheme other than http(s) is refused. */
  function link(href, text, attributes) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href);
    const safe = !scheme || /^https?$/i.test(scheme[1]) ? href : "#";
    return el("a", Object.assign({ href: safe }, attributes || {}), text);
  }

  function eventUrl(view, i) {
    return view.root + view.model.data.eventUrl.replace("{id}", view.model.events[i].id);
  }

  /* ---- filters ---- */

  function selectField(view, key, label, kind, names, allText) {
    const id = view.id + "-" + key;
    const counts = view.model.options[kind];
    const options = Array.from(counts.keys())
      .sort(function (a, b) {
        return a - b;
      })
      .map(function (index) {
        return el(
          "option",
          { value: String(index) },
          names(index) + " (" + counts.get(index) + ")",
        );
      });
    return el(
      "div",
      { class: "ea-field" },
      el("label", { for: id }, label),
      el("select", { id: id, name: key }, el("option", { value: "" }, allText), options),
    );
  }

  function dateField(view, key, label) {
    const id = view.id + "-" + key;
    return el(
      "div",
      { class: "ea-field" },
      el("label", { for: id }, label),
      el("input", {
        id: id,
        name: key,
        type: "date",
        min: view.model.firstDay(),
        max: view.model.lastDay(),
      }),
    );
  }

  function buildToolbar(view) {
    const data = view.model.data;
    const form = el(
      "form",
      { class: "ea-filters", "aria-label": "Filter the events" },
      selectField(
        view,
        "actor",
        "Actor",
        "actors",
        function (i) {
          return data.actors[i];
        },
        "All actors",
      ),
      selectField(
        view,
        "tag",
        "Theme",
        "tags",
        function (i) {
          return data.tags[i];
        },
        "All themes",
      ),
      selectField(
        view,
        "place",
        "Place",
        "places",
        function (i) {
          return data.places[i].name + (data.places[i].area ? " (area)" : "");
        },
        "All places",
      ),
      selectField(
        view,
        "status",
        "Status",
        "statuses",
        function (i) {
          return data.statuses[i];
        },
        "Any status",
      ),
      dateField(view, "from", "From"),
      dateField(view, "to", "To"),
      el(
        "div",
        { class: "ea-field ea-check" },
        el("input", { id: view.id + "-disputed", name: "disputed", type: "checkbox" }),
        el("label", { for: view.id + "-disputed" }, "Only where sources disagree"),
      ),
      el(
        "div",
        { class: "ea-field ea-actions" },
        el(
          "button",
          { type: "button", class: "ea-button", "data-action": "clear" },
          "Clear filters",
        ),
      ),
    );
    const count = el("p", { class: "ea-count", role: "status" });
    const toolbar = view.el.querySelector(".ea-toolbar");
    toolbar.textContent = "";
    append(toolbar, [form, count]);
    toolbar.hidden = false;
    return form;
  }

  function showFilters(view) {
    const form = view.form,
      state = view.state;
    ["actor", "tag", "place", "status"].forEach(function (key) {
      form.elements[key].value = state[key] === null ? "" : String(state[key]);
    });
    form.elements.from.value = state.from || "";
    form.elements.to.value = state.to || "";
    form.elements.disputed.checked = state.disputed;
  }

  function readFilters(view) {
    const form = view.form;
    const number = function (key) {
      return form.elements[key].value === "" ? null : Number(form.elements[key].value);
    };
    return {
      actor: number("actor"),
      tag: number("tag"),
      place: number("place"),
      status: number("status"),
      from: EA.state.dayOf(form.elements.from.value, false),
      to: EA.state.dayOf(form.elements.to.value, true),
      disputed: form.elements.disputed.checked,
    };
  }

  function showCount(view, visible) {
    const places = new Set(
      visible.map(function (i) {
        return view.model.events[i].place;
      }),
    );
    const total = view.model.scope.length;
    const text = visible.length
      ? "Showing " +
        visible.length +
        " of " +
        plural(total, "event") +
        " at " +
        plural(places.size, "place") +
        "."
      : "No event matches these filters (" + plural(total, "event") + " in all).";
    const count = view.el.querySelector(".ea-count");
    if (count.textContent !== text) {
      count.textContent = text;
    }
    count.classList.toggle("ea-empty", !visible.length);
  }

  /* ---- list ---- */

  function badge(text, kind) {
    return el("span", { class: "ea-badge " + kind }, text);
  }

  function editorPlaceBadge() {
    return el(
      "abbr",
      { class: "ea-badge", title: "place supplied by the editor, not by the sources" },
      "editor's place",
    );
  }

  function listRow(view, i) {
    const model = view.model,
      e = model.events[i],
      data = model.data,
      place = data.places[e.place];
    const status = data.statuses[e.status];
    const selected = view.selected.indexOf(i) >= 0;
    return el(
      "tr",
      {
        "data-event": e.id,
        class: selected ? "ea-selected" : null,
        "aria-current": selected ? "true" : null,
      },
      el(
        "td",
        {},
        el("time", { datetime: e.start }, e.date),
        e.editorDate
          ? [
              " ",
              el(
                "abbr",
                { class: "ea-badge", title: "date supplied by the editor, not by the sources" },
                "editor's date",
              ),
            ]
          : null,
      ),
      el(
        "td",
        {},
        link(eventUrl(view, i), e.title),
        " ",
        badge(status, "ea-status-" + status),
        e.disputed ? [" ", badge("sources disagree", "ea-disputed")] : null,
        e.corrected ? [" ", badge("corrected", "ea-corrected")] : null,
        " ",
        el(
          "button",
          {
            type: "button",
            class: "ea-button ea-show",
            "data-index": String(i),
            "aria-label": "Details: " + e.title,
          },
          "Details",
        ),
      ),
      el(
        "td",
        {},
        place.name,
        place.area ? [" ", el("span", { class: "ea-note" }, "(area)")] : null,
        e.editorPlace ? [" ", editorPlaceBadge()] : null,
      ),
      el(
        "td",
        {},
        e.sources
          .map(function (s) {
            return data.publishers[s];
          })
          .join(", "),
      ),
    );
  }

  function listWindow(view, visible) {
    const anchor = view.selected.length ? visible.indexOf(view.selected[0]) : -1;
    let start = view.listStart;
    if (start === null || start >= visible.length) {
      start = anchor > 0 ? Math.max(0, anchor - PAGE / 2) : 0;
    }
    return [start, Math.min(visible.length, Math.max(start + PAGE, view.listEnd || 0))];
  }

  function renderList(view, visible) {
    const table = view.el.querySelector("table.ea-list");
    if (!table) {
      return;
    }
    const range = listWindow(view, visible);
    view.listStart = range[0];
    view.listEnd = range[1];
    const body = el(
      "tbody",
      {},
      visible.slice(range[0], range[1]).map(function (i) {
        return listRow(view, i);
      }),
    );
    if (!visible.length) {
      append(
        body,
        el(
          "tr",
          {},
          el("td", { colspan: "4", class: "ea-empty" }, "No event matches these filters."),
        ),
      );
    }
    table.replaceChild(body, table.tBodies[0]);
    const caption =
      visible.length === 0
        ? "No event matches these filters"
        : (range[0] === 0 && range[1] === visible.length
            ? plural(visible.length, "event")
            : "Events " + (range[0] + 1) + "–" + range[1] + " of " + visible.length) +
          ", in date order";
    table.caption.textContent = caption;
    renderMore(view, table, range, visible.length);
  }

  function renderMore(view, table, range, total) {
    let more = view.el.querySelector(".ea-list-more");
    if (!more) {
      more = el("p", { class: "ea-list-more" });
      table.parentNode.appendChild(more);
    }
    more.textContent = "";
    if (range[0] > 0) {
      append(
        more,
        el(
          "button",
          { type: "button", class: "ea-button", "data-more": "earlier" },
          "Show " + Math.min(PAGE, range[0]) + " earlier",
        ),
      );
    }
    if (range[1] < total) {
      append(
        more,
        el(
          "button",
          { type: "button", class: "ea-button", "data-more": "later" },
          "Show " + Math.min(PAGE, total - range[1]) + " later",
        ),
      );
    }
  }

  function moreRows(view, direction) {
    if (direction === "earlier") {
      view.listStart = Math.max(0, view.listStart - PAGE);
    } else {
      view.listEnd += PAGE;
    }
  }

  /* ---- detail panel ---- */

  function panelHead(view, title) {
    return el(
      "div",
      { class: "ea-detail-head" },
      el("h3", { id: view.id + "-detail-title", class: "ea-detail-title" }, title),
      el(
        "button",
        {
          type: "button",
          class: "ea-button ea-close",
          "data-action": "close",
          "aria-label": "Close the details",
        },
        "✕",
      ),
    );
  }

  /* The one reviewed markup sink. A detail script carries the event page's own facts, citations
     and disputes, rendered at build time by the same Jinja templates: every data text autoescaped,
     summaries sanitised by nh3 (http(s) links only). DOMParser builds the nodes inert (no script
     runs while parsing); the site's own links are then rebased on this page. */
  function trustedFragment(view, html) {
    const parsed = new DOMParser().parseFromString(html, "text/html");
    parsed.querySelectorAll("a[href]").forEach(function (a) {
      a.setAttribute("href", rebased(view, a.getAttribute("href")));
    });
    const fragment = document.createDocumentFragment();
    Array.from(parsed.body.childNodes).forEach(function (node) {
      fragment.appendChild(document.adoptNode(node));
    });
    return fragment;
  }

  /* http(s) links stay; the site's own links (relative to its root) get this page's way there. */
  function rebased(view, href) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href);
    if (scheme) {
      return /^https?$/i.test(scheme[1]) ? href : "#";
    }
    return href.charAt(0) === "#" || href.charAt(0) === "/" ? href : view.root + href;
  }

  function showEvent(view, panel, i) {
    const e = view.model.events[i];
    panel.textContent = "";
    append(panel, [
      panelHead(view, e.title),
      el("div", { class: "ea-detail-body" }, el("p", { class: "ea-note" }, "Loading the details…")),
      el("p", { class: "ea-detail-link" }, link(eventUrl(view, i), "Open this event's page")),
    ]);
    return loadDetail(view, i, e.id).then(
      function (detail) {
        if (panel.getAttribute("data-showing") === e.id) {
          const body = panel.querySelector(".ea-detail-body");
          body.textContent = "";
          body.appendChild(trustedFragment(view, detail.html));
        }
      },
      function () {
        if (panel.getAttribute("data-showing") === e.id) {
          panel.querySelector(".ea-detail-body").textContent =
            "The details could not be loaded here; open the event's page to read them.";
        }
      },
    );
  }

  function placeGroup(view, group) {
    const model = view.model,
      info = model.data.places[group.place];
    return el(
      "section",
      { class: "ea-place-group" },
      el("h4", {}, info.name + " (" + plural(group.events.length, "event") + ")"),
      el("p", { class: "ea-note" }, "Place: " + info.note + "."),
      el(
        "ul",
        { class: "ea-place-events" },
        group.events.map(function (i) {
          const e = model.events[i];
          return el(
            "li",
            {},
            el(
              "button",
              { type: "button", class: "ea-link-button", "data-index": String(i) },
              e.title,
            ),
            " ",
            el("span", { class: "ea-note" }, e.date),
            e.disputed ? [" ", badge("sources disagree", "ea-disputed")] : null,
            " ",
            link(eventUrl(view, i), "page", { "aria-label": "Open the page: " + e.title }),
          );
        }),
      ),
    );
  }

  /* A map marker with several events, and any marker overlapping it: every event, grouped by place. */
  function showPlace(view, panel, groups) {
    panel.textContent = "";
    if (!groups.length) {
      append(panel, [
        panelHead(view, view.model.placeName(view.state.at)),
        el("p", {}, "No event here matches the filters."),
      ]);
      return;
    }
    const count = groups.reduce(function (n, g) {
      return n + g.events.length;
    }, 0);
    const title =
      view.model.data.places[groups[0].place].name +
      (groups.length > 1 ? " and nearby" : "") +
      ": " +
      plural(count, "event");
    append(panel, [
      panelHead(view, title),
      groups.map(function (group) {
        return placeGroup(view, group);
      }),
    ]);
  }

  function renderDetail(view, visible) {
    const panel = view.el.querySelector(".ea-detail");
    const state = view.state;
    const showing =
      state.event !== null
        ? view.model.events[state.event].id
        : state.at !== null
          ? ["place", state.at, visible.length, visible[0], visible[visible.length - 1]].join(":")
          : "";
    if (panel.getAttribute("data-showing") === showing && !panel.hidden === !!showing) {
      return false;
    }
    panel.setAttribute("data-showing", showing);
    panel.hidden = !showing;
    view.el.querySelector(".ea-panes").classList.toggle("ea-has-detail", !!showing);
    if (state.event !== null) {
      showEvent(view, panel, state.event);
    }
    if (state.at !== null && state.event === null) {
      showPlace(
        view,
        panel,
        (view.cluster || [state.at])
          .map(function (place) {
            return {
              place: place,
              events: visible.filter(function (i) {
                return view.model.events[i].place === place;
              }),
            };
          })
          .filter(function (group) {
            return group.events.length;
          }),
      );
    }
    if (showing) {
      panel.setAttribute("aria-labelledby", view.id + "-detail-title");
    }
    return !!showing;
  }

  /* Details are small scripts of a few events each, in atlas order (data.details), so they load
     from file:// too. */
  const loading = new Map();

  function loadDetail(view, i, id) {
    const details = window.EventAtlasDetails || {};
    if (details[id]) {
      return Promise.resolve(details[id]);
    }
    const scripts = view.model.data.details;
    const chunk = Math.floor(i / scripts.events);
    if (!loading.has(chunk)) {
      loading.set(
        chunk,
        new Promise(function (resolve, reject) {
          const script = el("script", { src: view.root + scripts.url.replace("{n}", chunk) });
          script.onload = resolve;
          script.onerror = function () {
            loading.delete(chunk);
            reject(new Error("no detail"));
          };
          document.head.appendChild(script);
        }),
      );
    }
    return loading.get(chunk).then(function () {
      const found = (window.EventAtlasDetails || {})[id];
      if (!found) {
        throw new Error("no detail");
      }
      return found;
    });
  }

  EA.ui = {
    el: el,
    buildToolbar: buildToolbar,
    showFilters: showFilters,
    readFilters: readFilters,
    showCount: showCount,
    renderList: renderList,
    moreRows: moreRows,
    renderDetail: renderDetail,
    plural: plural,
    words: words,
  };
})((window.EventAtlas = window.EventAtlas || {}));

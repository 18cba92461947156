/* eventatlas: the data of one view and its state (filters, selection, zoom), read from and
   written to the page address, so that a copied address reproduces the view. No DOM here. */
(function (EA) {
  "use strict";

  const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
  const ZOOM = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;
  const NAME_KEYS = { actor: "actors", tag: "tags", place: "places" };

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function isoDay(year, month, day) {
    return year + "-" + pad(month) + "-" + pad(day);
  }

  function lastDayOf(year, month) {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
  }

  /* "2024" → first or last day of 2024; "2024-06" → of June; null when not a real date. */
  function dayOf(text, atEnd) {
    const match = DATE.exec(text || "");
    if (!match) {
      return null;
    }
    const year = Number(match[1]);
    const month = match[2] ? Number(match[2]) : atEnd ? 12 : 1;
    if (month < 1 || month > 12) {
      return null;
    }
    const day = match[3] ? Number(match[3]) : atEnd ? lastDayOf(year, month) : 1;
    if (day < 1 || day > lastDayOf(year, month)) {
      return null;
    }
    return isoDay(year, month, day);
  }

  function addDays(iso, days) {
    const date = new Date(iso + "T00:00:00Z");
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  }

  /* The data ships each event field as one array (atlas.EventColumns); the views read one
     object per event, made once per page load. */
  function eventRows(data) {
    if (!data.eventRows) {
      const columns = data.events,
        fields = Object.keys(columns);
      data.eventRows = columns.id.map(function (_, i) {
        const row = {};
        fields.forEach(function (field) {
          row[field] = columns[field][i];
        });
        return row;
      });
    }
    return data.eventRows;
  }

  /* The events of one view, with lookups the filters and figures need. */
  function Model(data, config) {
    const events = eventRows(data);
    this.data = data;
    this.config = config;
    this.events = events;
    this.scope =
      config.events ||
      events.map(function (_, i) {
        return i;
      });
    this.byId = new Map(
      events.map(function (e, i) {
        return [e.id, i];
      }),
    );
    this.inScope = new Set(this.scope);
    this.focus = typeof config.focus === "number" ? config.focus : null;
    this.options = this.countOptions();
    this.lanes = Array.from(
      new Set(
        this.scope.map(function (i) {
          return events[i].lane;
        }),
      ),
    ).sort(function (a, b) {
      return a - b;
    });
  }

  /* For each filter, the names that occur in this view's events and how often. */
  Model.prototype.countOptions = function () {
    const events = this.events;
    const counts = { actors: new Map(), tags: new Map(), places: new Map(), statuses: new Map() };
    function add(map, key) {
      map.set(key, (map.get(key) || 0) + 1);
    }
    this.scope.forEach(function (i) {
      const e = events[i];
      e.actors.forEach(function (a) {
        add(counts.actors, a);
      });
      e.tags.forEach(function (t) {
        add(counts.tags, t);
      });
      add(counts.places, e.place);
      add(counts.statuses, e.status);
    });
    return counts;
  };

  Model.prototype.nameIndex = function (kind, name) {
    const index = this.data[kind].findIndex(function (item) {
      return (item.name !== undefined ? item.name : item) === name;
    });
    return index >= 0 && this.options[kind].has(index) ? index : null;
  };

  Model.prototype.placeName = function (i) {
    return this.data.places[i].name;
  };

  Model.prototype.firstDay = function () {
    return this.scope.length ? this.events[this.scope[0]].start : null;
  };

  Model.prototype.lastDay = function () {
    const events = this.events;
    return this.scope.reduce(function (last, i) {
      const end = events[i].end;
      return last && last > end ? last : end;
    }, null);
  };

  /* Every filter at its default: what "clear filters" sets, keeping the selection and zoom. */
  function clearedFilters() {
    return {
      actor: null,
      tag: null,
      place: null,
      status: null,
      from: null,
      to: null,
      disputed: false,
    };
  }

  function emptyState() {
    return Object.assign(clearedFilters(), { event: null, at: null, zoom: null });
  }

  /* Read the view's state from the address; a value that is malformed or unknown is left out. */
  function readState(model, search, prefix) {
    const params = new URLSearchParams(search);
    const get = function (key) {
      return params.get(prefix + key);
    };
    const state = emptyState();
    Object.keys(NAME_KEYS).forEach(function (key) {
      const index = model.nameIndex(NAME_KEYS[key], get(key));
      state[key] = index === null ? null : index;
    });
    const status = model.data.statuses.indexOf(get("status"));
    state.status = status >= 0 && model.options.statuses.has(status) ? status : null;
    state.from = dayOf(get("from"), false);
    state.to = dayOf(get("to"), true);
    if (state.from && state.to && state.from > state.to) {
      state.from = state.to = null;
    }
    state.disputed = get("disputed") === "1";
    const event = model.byId.get(get("event"));
    state.event = event !== undefined && model.inScope.has(event) ? event : null;
    state.at = model.nameIndex("places", get("at"));
    state.zoom = readZoom(get("zoom"));
    return state;
  }

  function readZoom(text) {
    const match = ZOOM.exec(text || "");
    if (!match || !dayOf(match[1]) || !dayOf(match[2]) || match[1] >= match[2]) {
      return null;
    }
    return [match[1], match[2]];
  }

  /* The address for a state: this view's keys replaced, every other parameter kept. */
  function writeState(model, state, search, prefix) {
    const params = new URLSearchParams(search);
    const values = {
      actor: state.actor === null ? null : model.data.actors[state.actor],
      tag: state.tag === null ? null : model.data.tags[state.tag],
      place: state.place === null ? null : model.placeName(state.place),
      status: state.status === null ? null : model.data.statuses[state.status],
      from: state.from,
      to: state.to,
      disputed: state.disputed ? "1" : null,
      event: state.event === null ? null : model.events[state.event].id,
      at: state.at === null ? null : model.placeName(state.at),
      zoom: state.zoom ? state.zoom.join("..") : null,
    };
    Object.keys(values).forEach(function (key) {
      params.delete(prefix + key);
      if (values[key] !== null && values[key] !== undefined) {
        params.set(prefix + key, values[key]);
      }
    });
    const text = params.toString();
    return text ? "?" + text : "";
  }

  /* The events of the view that pass every filter, in date order. */
  function visibleEvents(model, state) {
    return model.scope.filter(function (i) {
      const e = model.events[i];
      return (
        (state.actor === null || e.actors.indexOf(state.actor) >= 0) &&
        (state.tag === null || e.tags.indexOf(state.tag) >= 0) &&
        (state.place === null || e.place === state.place) &&
        (state.status === null || e.status === state.status) &&
        (!state.from || e.end >= state.from) &&
        (!state.to || e.start <= state.to) &&
        (!state.disputed || !!e.disputed)
      );
    });
  }

  EA.state = {
    Model: Model,
    clearedFilters: clearedFilters,
    emptyState: emptyState,
    readState: readState,
    writeState: writeState,
    visibleEvents: visibleEvents,
    dayOf: dayOf,
    addDays: addDays,
  };
})((window.EventAtlas = window.EventAtlas || {}));

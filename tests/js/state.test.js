// Unit tests of the site's pure state module (eventatlas-state.js): the page address read and
// written, the filters, and partial dates. Run with `node --test tests/js/`; no browser needed.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");
const vm = require("node:vm");

const SCRIPT = path.join(
  __dirname,
  "..",
  "..",
  "eventatlas",
  "site",
  "assets",
  "eventatlas-state.js",
);

/* The browser script as the page runs it: a global `window` it attaches itself to. */
function loadState() {
  const sandbox = { window: {}, URLSearchParams: URLSearchParams };
  vm.createContext(sandbox);
  vm.runInContext(fs.readFileSync(SCRIPT, "utf8"), sandbox, { filename: SCRIPT });
  return sandbox.window.EventAtlas.state;
}

/* Values made in the script's own realm, as plain values of this one. */
function plain(value) {
  return JSON.parse(JSON.stringify(value));
}

const S = loadState();

/* The shipped data carries events as columns, one array per field (atlas.EventColumns); `end`
   is the inclusive last day. */
function columns(rows) {
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return Object.fromEntries(fields.map((field) => [field, rows.map((row) => row[field] ?? 0)]));
}

function data() {
  return {
    events: columns([
      {
        id: "a",
        start: "2024-06-19",
        end: "2024-06-19",
        lane: 0,
        place: 0,
        actors: [0, 1],
        tags: [0],
        status: 0,
      },
      {
        id: "b",
        start: "2024-10-01",
        end: "2024-10-31",
        lane: 1,
        place: 1,
        actors: [1],
        tags: [1],
        status: 1,
        disputed: 1,
      },
      {
        id: "c",
        start: "2025-01-01",
        end: "2025-12-31",
        lane: 0,
        place: 0,
        actors: [],
        tags: [0, 1],
        status: 2,
      },
    ]),
    places: [{ name: "Pyongyang" }, { name: "Kursk Oblast" }],
    actors: ["Kim Jong Un", "Vladimir Putin"],
    tags: ["diplomacy", "military"],
    statuses: ["confirmed", "reported", "claimed"],
  };
}

function model(config) {
  return new S.Model(data(), config || {});
}

function read(search, config, prefix) {
  return plain(S.readState(model(config), search, prefix || ""));
}

test("partial dates give the first or the last day they cover", () => {
  assert.equal(S.dayOf("2024", false), "2024-01-01");
  assert.equal(S.dayOf("2024", true), "2024-12-31");
  assert.equal(S.dayOf("2024-02", true), "2024-02-29");
  assert.equal(S.dayOf("2023-02", true), "2023-02-28");
  assert.equal(S.dayOf("2024-06", false), "2024-06-01");
  assert.equal(S.dayOf("2024-06-15", true), "2024-06-15");
});

test("a date that is malformed or not real is no date", () => {
  for (const text of [
    "2024-13",
    "2024-00",
    "2024-02-30",
    "2024-6",
    "24",
    "2024-06-15x",
    "",
    null,
  ]) {
    assert.equal(S.dayOf(text, false), null, String(text));
  }
});

test("days are added across months and years", () => {
  assert.equal(S.addDays("2024-02-28", 1), "2024-02-29");
  assert.equal(S.addDays("2024-12-31", 1), "2025-01-01");
  assert.equal(S.addDays("2025-01-01", -1), "2024-12-31");
});

test("the address gives every filter, the selection and the zoom", () => {
  const state = read(
    "?actor=Vladimir+Putin&tag=military&place=Kursk+Oblast&status=reported&from=2024-06" +
      "&to=2025&disputed=1&event=b&at=Kursk+Oblast&zoom=2024-01-01..2025-01-01",
  );
  assert.deepEqual(state, {
    actor: 1,
    tag: 1,
    place: 1,
    status: 1,
    from: "2024-06-01",
    to: "2025-12-31",
    disputed: true,
    event: 1,
    at: 1,
    zoom: ["2024-01-01", "2025-01-01"],
  });
});

test("a value that is malformed or unknown is left out, the rest is kept", () => {
  const state = read(
    "?actor=Nobody&tag=diplomacy&from=2024-13-45&to=2025-06&event=no-such-event" +
      "&zoom=2025-01-01..2024-01-01&disputed=yes&status=sure",
  );
  assert.deepEqual(state, { ...plain(S.emptyState()), tag: 0, to: "2025-06-30" });
});

test("a period that ends before it starts is dropped whole", () => {
  const state = read("?from=2025&to=2024");
  assert.equal(state.from, null);
  assert.equal(state.to, null);
});

test("names and events outside the view's own events are not selectable", () => {
  const onlyA = { events: [0] };
  assert.equal(read("?event=b", onlyA).event, null);
  assert.equal(read("?status=claimed", onlyA).status, null); // only event c is claimed
  assert.equal(read("?place=Kursk+Oblast", onlyA).place, null);
  assert.equal(read("?event=a", onlyA).event, 0);
});

test("each view reads only its own prefixed keys", () => {
  const search = "?tag=military&v2-tag=diplomacy";
  assert.equal(read(search, {}, "v2-").tag, 0);
  assert.equal(read(search).tag, 1);
});

test("writing a state and reading it back gives the same state", () => {
  const m = model();
  const state = S.readState(
    m,
    "?actor=Kim+Jong+Un&status=claimed&from=2024-06-01&to=2025-06-30&disputed=1&event=c&at=Pyongyang" +
      "&zoom=2024-01-01..2025-01-01",
    "",
  );
  const written = S.writeState(m, state, "", "");
  assert.deepEqual(plain(S.readState(m, written, "")), plain(state));
});

test("writing keeps every other parameter and removes this view's cleared keys", () => {
  const m = model();
  const state = S.emptyState();
  state.tag = 0;
  const written = S.writeState(m, state, "?lang=en&event=a&v2-tag=military", "");
  const params = new URLSearchParams(written);
  assert.equal(params.get("lang"), "en");
  assert.equal(params.get("v2-tag"), "military");
  assert.equal(params.get("tag"), "diplomacy");
  assert.equal(params.has("event"), false);
  assert.equal(S.writeState(m, S.emptyState(), "?event=a", ""), "");
});

test("names with spaces, ampersands and accents survive the address", () => {
  const d = data();
  d.places[1] = { name: "Wŏnsan & Kalma" };
  const m = new S.Model(d, {});
  const state = S.emptyState();
  state.place = 1;
  const written = S.writeState(m, state, "", "");
  assert.equal(S.readState(m, written, "").place, 1);
});

function visible(search, config) {
  const m = model(config);
  return plain(S.visibleEvents(m, S.readState(m, search, "")));
}

test("each filter keeps only the events it names; several filters all apply", () => {
  assert.deepEqual(visible(""), [0, 1, 2]);
  assert.deepEqual(visible("?actor=Vladimir+Putin"), [0, 1]);
  assert.deepEqual(visible("?tag=diplomacy"), [0, 2]);
  assert.deepEqual(visible("?place=Pyongyang"), [0, 2]);
  assert.deepEqual(visible("?status=reported"), [1]);
  assert.deepEqual(visible("?disputed=1"), [1]);
  assert.deepEqual(visible("?actor=Vladimir+Putin&tag=diplomacy"), [0]);
  assert.deepEqual(visible("?actor=Kim+Jong+Un&status=reported"), []);
});

test("a period keeps the events that overlap it", () => {
  assert.deepEqual(visible("?from=2024-07"), [1, 2]);
  assert.deepEqual(visible("?to=2024-12"), [0, 1]);
  assert.deepEqual(visible("?from=2024-10-15&to=2024-10-15"), [1]);
  assert.deepEqual(visible("?from=2025-06"), [2]);
});

test("a view shows only its own events", () => {
  assert.deepEqual(visible("", { events: [2, 0] }), [2, 0]);
  assert.deepEqual(visible("?tag=diplomacy", { events: [1, 2] }), [2]);
});

test("a period's bounds are inclusive on both sides, as an event's last day is", () => {
  assert.deepEqual(visible("?from=2024-06-19&to=2024-06-19"), [0]); // a's one day
  assert.deepEqual(visible("?from=2024-10-31&to=2024-10-31"), [1]); // b's last day
  assert.deepEqual(visible("?from=2024-11-01&to=2024-12-31"), []); // the day after b
  assert.deepEqual(visible("?to=2025-01-01"), [0, 1, 2]); // c's first day
});
